#pragma once
// Scoring detected columns against ground truth.
//   - group_projected_atoms: atoms projected along the beam are grouped into columns by
//     single-linkage within `tolerance_angstrom` in (x, y); a column's position is the mean of its
//     atoms' projected positions; `heavy` when it holds an atom of atomic number >= heavy_z.
//   - match_columns: one-to-one matching within `radius_angstrom`, greedy by distance (all pairs
//     within the radius sorted by distance; a pair is taken when neither side is taken yet). Greedy
//     matching is optimal for the count whenever the radius is below half the smallest spacing of
//     either set, which is what 0.4 × the smallest projected column spacing ensures for truth.
#include <array>
#include <cstddef>
#include <vector>

#include "core/elements.hpp"

namespace nanomix::imaging {

struct TruthColumn {
  double x_angstrom = 0, y_angstrom = 0;
  int atoms = 0;
  bool heavy = false;
};

std::vector<TruthColumn> group_projected_atoms(const std::vector<std::array<double, 2>>& xy_angstrom,
                                               const std::vector<int>& atomic_numbers, double tolerance_angstrom,
                                               int heavy_z = iodine_z);

/// Smallest distance between two of the points (0 for fewer than two).
double smallest_spacing(const std::vector<std::array<double, 2>>& xy);
/// Median nearest-neighbour distance of the points (0 for fewer than two).
double median_nearest_spacing(const std::vector<std::array<double, 2>>& xy);

struct MatchResult {
  std::size_t true_positives = 0, false_positives = 0, false_negatives = 0;
  double sum_squared_error_angstrom2 = 0;
  std::vector<std::array<std::size_t, 2>> pairs;  ///< (detected index, truth index)

  double precision() const;
  double recall() const;
  double f1() const;
  double rms_error_angstrom() const;
  MatchResult& operator+=(const MatchResult& o);
};

MatchResult match_columns(const std::vector<std::array<double, 2>>& detected,
                          const std::vector<std::array<double, 2>>& truth, double radius_angstrom);

}  // namespace nanomix::imaging
