#pragma once
// Vectorisations and summaries of one persistence diagram (finite points only unless stated).
//
// Betti curve: β(t) = #{pairs with birth ≤ t < death} (infinite pairs included) at n values
//   t_k = t_min + k (t_max − t_min)/(n − 1).
// Persistence image (Adams et al., JMLR 18(8), 2017): each finite point (b, d) maps to
//   (b, p = d − b) and spreads as a normalised isotropic Gaussian of width σ (same unit as the
//   filtration) weighted by w(p) = min(p / p_weight_max, 1) (linear ramp, zero on the diagonal);
//   pixel value = w(p) × ∫ over the pixel of the Gaussian (exact, with erf). Grid: nb birth
//   columns over [birth_min, birth_max] × np persistence rows over [0, persistence_max]; stored
//   row-major (persistence rows, birth columns).
// 2D histogram: counts of finite (birth, death) in nb × nd equal bins over the given ranges
//   (points outside are not counted), stored row-major (death rows, birth columns).
// Summary scalars: count (finite), total persistence Σp, max persistence, mean birth, mean death,
//   persistent entropy −Σ (p_i/P) ln(p_i/P), count of infinite pairs.
#include <string>
#include <vector>

#include "topology/diagram.hpp"

namespace nanomix::topology {

std::vector<double> betti_curve(const Diagram& d, double t_min, double t_max, int n);

struct PersistenceImageParams {
  double birth_min = 0.0, birth_max = 1.0;
  double persistence_max = 1.0;
  int birth_pixels = 20, persistence_pixels = 20;
  double sigma = 0.1;                 ///< Gaussian width, unit of the filtration
  double weight_persistence = 1.0;    ///< w(p) = min(p / weight_persistence, 1)
  void validate() const;
};
std::vector<double> persistence_image(const Diagram& d, const PersistenceImageParams& params);

std::vector<double> histogram_2d(const Diagram& d, double birth_min, double birth_max, int birth_bins, double death_min,
                                 double death_max, int death_bins);

struct Summary {
  double count = 0, total_persistence = 0, max_persistence = 0, mean_birth = 0, mean_death = 0, entropy = 0, infinite = 0;
  static const std::vector<std::string>& names();
  std::vector<double> values() const;
};
Summary summarize(const Diagram& d);

/// Smallest finite birth and largest finite death over many diagrams ({0, 1} if none).
std::pair<double, double> value_range(const std::vector<const Diagram*>& diagrams);

}  // namespace nanomix::topology
