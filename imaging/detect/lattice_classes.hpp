#pragma once
// Heavy/light column classes from the crystal lattice (detect step 5, classes = auto or lattice).
//
// Rock salt viewed along a cube axis (the side view of a cluster in a nanotube, tube axis along a
// cube axis) projects onto a square lattice of columns a/2 apart, and every column alternates
// cation and anion along the beam. NaCl a = 5.64 Å, NaI a = 6.47 Å (core/materials.hpp): projected
// spacings 2.82 Å and 3.235 Å. So every column of a NaI domain holds iodide, and the spacing around
// a column — which the intensity noise barely moves — tells the domain it belongs to.
//   1. spacing of a column (per frame): d₁ = the distance to its nearest column in the frame; its
//      neighbours are the columns within neighbour_ratio × d₁ (at most 4: the square lattice's
//      first shell; the diagonal shell lies at √2 · d₁); spacing = their median, measured when there
//      are >= 2 and it lies in the rock-salt window [0.8 · 2.82, 1.2 · 3.235] Å.
//   2. a lattice is found when >= min_lattice_fraction of the columns have a spacing.
//   3. two domains: a two-Gaussian mixture fitted by trimmed EM to the movie's spacings (each step
//      leaves out the trim_fraction of spacings least probable under the current mixture: columns
//      at the interface between the domains, and columns whose first shell lost a neighbour, which
//      would otherwise widen one component; each σ at least min_sigma_angstrom, so that a few
//      coinciding spacings cannot make a component of zero width). Two domains when the means are
//      >= separation pooled standard deviations apart (pooled σ = √((σ₁² + σ₂²)/2)), each holds
//      >= min_weight of the columns, each is ordered (σ <= max_spread_angstrom), both means lie
//      within 2.82 · (1 − domain_tolerance) … 3.235 · (1 + domain_tolerance) Å and differ by at
//      least min_composition_contrast × (3.235 − 2.82) Å (by Vegard's law, the domains' iodide
//      fractions differ by at least that much: one iodide-poor, one iodide-rich), and the two classes
//      form domains in space: over the pairs of first-shell neighbours (both with a spacing), Cohen's
//      κ of the two columns' classes — (same-class fraction − its chance value f² + (1 − f)², f the
//      heavy fraction) / (1 − chance) — is >= min_domain_contrast (0 for classes strewn at random,
//      1 for domains without an interface). A column is heavy (NaI) when the wider component is the
//      more probable one (Bayes, the fitted weights as priors; the boundary is where they are
//      equally probable), then the majority of it and its first-shell neighbours decides (a tie
//      keeps its own class): a domain is contiguous, so a lone spacing across the interface does not
//      flip a column. Columns without a spacing take the class of their nearest column that has one
//      (in the same frame).
//   4. one lattice (a solid solution): its constant a = 2 × the median spacing; the iodide fraction
//      by Vegard's law, x = (a − 5.64 Å)/(6.47 Å − 5.64 Å), clamped to [0, 1], provided the spacings
//      are ordered (robust σ <= max_spread_angstrom). A column of k anions holds no iodide with
//      probability (1 − x)^k (anions drawn independently). k = the column's chord through the
//      cluster over a — the cluster taken as a cylinder about the tube axis whose radius reaches
//      a/4 beyond the frame's farthest column; a fractional k mixes ⌊k⌋ and ⌊k⌋ + 1 anions; k = 1
//      without a tube. The expected number of columns without iodide, Σ (1 − x)^k, are classed
//      light: the dimmest by integrated intensity per anion (intensity / k); the rest heavy.
//   5. otherwise (no lattice, or too disordered): not decided here (the caller falls back to the
//      intensity rule).
#include <string>
#include <utility>
#include <vector>

#include "imaging/detect/detect_columns.hpp"

namespace nanomix::imaging {

struct LatticeClassParams {
  double neighbour_ratio = 1.2;         ///< first-shell neighbours: within this × the nearest distance
  double min_lattice_fraction = 0.4;    ///< a lattice: at least this fraction of columns with a spacing
  double separation = 3.0;              ///< two domains: means at least this many pooled σ apart
  double min_weight = 0.1;              ///< and each domain at least this fraction of the columns
  double domain_tolerance = 0.02;       ///< two domains: means within this relative margin of NaCl … NaI
  double max_spread_angstrom = 0.12;    ///< an ordered lattice: (robust) σ of its spacings at most this
  double trim_fraction = 0.1;           ///< two domains: spacings left out of each EM step (least probable)
  double min_sigma_angstrom = 0.02;     ///< two domains: floor of each component's σ
  double min_composition_contrast = 0.5;  ///< two domains: means at least this × (3.235 − 2.82) Å apart
  double min_domain_contrast = 0.4;     ///< two domains: Cohen's κ of neighbouring columns' classes at least this
};

struct LatticeClasses {
  enum class Outcome { no_lattice, disordered, two_domains, solid_solution };
  Outcome outcome = Outcome::no_lattice;
  std::vector<double> spacing_angstrom;  ///< per column (NaN where not measured)
  std::vector<int> klass;                ///< per column (filled for two_domains and solid_solution)
  double lattice_fraction = 0;           ///< columns with a spacing, over all columns
  double spacing_light_angstrom = 0, spacing_heavy_angstrom = 0;  ///< two domains: the fitted means
  double boundary_angstrom = 0;          ///< two domains: equal-probability spacing
  double separation = 0;                 ///< the mixture's separation (pooled σ)
  double domain_contrast = 0;            ///< Cohen's κ of first-shell neighbours' spacing classes (NaN: no pair)
  double spread_angstrom = 0;            ///< robust σ of the spacings (1.4826 × MAD)
  double lattice_constant_angstrom = 0;  ///< solid solution: 2 × the median spacing
  double iodide_fraction = 0;            ///< solid solution: Vegard's x (NaN otherwise)
  double light_fraction = 0;             ///< solid solution: expected fraction of columns without iodide, mean of (1 − x)^k
  std::string note;                      ///< one line on what was found and decided
};

/// Classes of `columns` (ordered by frame) from their lattice; `tubes` per frame (may be empty).
LatticeClasses classify_by_lattice(const std::vector<Column>& columns, const std::vector<Tube>& tubes,
                                   const LatticeClassParams& params = {});

/// Two-Gaussian mixture fitted by EM: weights w, means m, standard deviations s (index 0 the
/// narrower-spacing, lower-mean component). Trimmed EM when trim_fraction > 0: each step leaves out
/// the ⌊trim_fraction · n⌋ values of lowest mixture density (weights over the values kept); each σ
/// at least min_sigma (and at least 10⁻³ of the values' range). False when fewer than 4 values.
struct Mixture2 {
  double w[2] = {0.5, 0.5}, m[2] = {0, 0}, s[2] = {1, 1};
  double density(int k, double x) const;
};
bool fit_mixture2(const std::vector<double>& values, Mixture2& out, double trim_fraction = 0, double min_sigma = 0);

/// Cohen's κ of the classes (0/1; < 0 = not measured, left out) of the pairs (i, j), each pair once
/// or twice alike: (observed same-class fraction − chance) / (1 − chance), chance = f² + (1 − f)²
/// with f the class-1 fraction over the measured columns that take part. NaN without pairs or when
/// every column is of one class.
double class_contrast(const std::vector<int>& klass, const std::vector<std::pair<std::size_t, std::size_t>>& pairs);

}  // namespace nanomix::imaging
