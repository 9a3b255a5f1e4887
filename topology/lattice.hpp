#pragma once
// Lattice matching of crystalline rock-salt domains. In rock salt every cation sits at a/2 from six
// anions, so a = 2 × the cation–anion nearest-neighbour distance. A cation counts as crystalline
// when it has at least `min_coordination` anions of one species within 1.25 × the sum of their
// Shannon radii (bulk: 6; a surface ion: 5). For each anion species (Cl, I) the estimate is
// a = 2 × the median Na–X distance over the crystalline Na's neighbours, compared with bulk NaCl
// and NaI (core/materials.hpp: 5.64 Å, 6.47 Å). Its uncertainty: the standard error of a median,
// 2 × √(π/2) × s/√n, with s the sample standard deviation of the n Na–X distances used (exact for
// normally spread, independent distances; bonds that share an ion are not independent, so read it
// as a lower bound).
// From columns (2D, rock salt viewed along ⟨100⟩: columns a/2 apart): a = 2 × the median
// nearest-neighbour column distance.
#include <string>
#include <vector>

#include "core/frame.hpp"
#include "core/materials.hpp"

namespace nanomix::topology {

struct LatticeEstimate {
  std::string anion;          ///< "Cl", "I", or "columns"
  double a_angstrom = 0.0;    ///< NaN when no crystalline domain was found
  double a_standard_error_angstrom = 0.0;  ///< NaN with fewer than two distances (see above)
  std::size_t crystalline_cations = 0;
  std::size_t distances = 0;  ///< the Na–X (or column) distances the median was taken over
  double mismatch_nacl = 0.0;  ///< (a − a_NaCl)/a_NaCl, a_NaCl = nacl_lattice_constant_angstrom
  double mismatch_nai = 0.0;   ///< (a − a_NaI)/a_NaI, a_NaI = nai_lattice_constant_angstrom
  std::string closest;         ///< "NaCl" or "NaI" (or "" when a is NaN)
};

std::vector<LatticeEstimate> lattice_from_atoms(const Frame& frame, int min_coordination = 5);
LatticeEstimate lattice_from_columns(const std::vector<double>& xy);

}  // namespace nanomix::topology
