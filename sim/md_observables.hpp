#pragma once
// Structural observables of the ion cluster, computed by nanomix from the atoms of a frame.
//
// anion_sro: Warren–Cowley short-range order of the anions, in its pair form over the anion–anion
//   neighbour pairs closer than `shell`: α = 1 − N(Cl–I) / (N(pairs) · 2 c_Cl c_I). 0 for random
//   Cl/I mixing, 1 when no Cl–I neighbour pairs are left (full segregation), < 0 for alternation.
//   (J. M. Cowley, Phys. Rev. 77, 669 (1950).)
// crystallinity: fraction of the ions in a rock-salt local environment: at least 4 counter-ions
//   within 1.3 × the rock-salt nearest-neighbour distance of its pair (NaCl 2.82 Å, NaI 3.24 Å),
//   every angle between two of them within 90° ± 20° or above 150°. Per phase: an anion counts
//   for its own salt, a Na⁺ for the majority anion among its neighbours.
#include <cstddef>
#include <vector>

#include <Eigen/Core>

#include "core/frame.hpp"
#include "sim/structure.hpp"

namespace nanomix::sim {

/// α of the Cl/I anions of `frame` (NaN if there are no anion pairs or only one kind of anion).
double anion_sro(const Frame& frame, double shell_angstrom);

/// Per-atom rock-salt environments (indices are rows of the frame; carbon and other non-ions are
/// never crystalline and have no counter-ions).
struct RocksaltEnvironment {
  std::vector<std::vector<int>> counter_ions;  ///< counter-ions within 1.3 × the pair's bulk distance
  std::vector<char> crystalline;               ///< the rock-salt criterion above holds
  std::vector<int> phase;                      ///< 17 (NaCl) or 53 (NaI) for crystalline ions, else 0
};
RocksaltEnvironment rocksalt_environment(const Frame& frame);

struct Crystallinity {
  double total = 0, nacl = 0, nai = 0;  ///< fractions of all ions
};
Crystallinity crystallinity(const Frame& frame);

/// The built tube's extent: its axis, the carbon wall's radius and the carbon's ends along the axis.
struct TubeExtent {
  Eigen::Vector3d axis_point = Eigen::Vector3d::Zero();
  int axis = 2;
  double radius = 0, lo = 0, hi = 0;
  static TubeExtent of(const Structure& structure);  ///< from the built carbon
};
/// Ions (not carbon) beyond the wall's radius from the axis or past the tube's ends.
std::size_t ions_outside_tube(const TubeExtent& tube, const Frame& frame);

}  // namespace nanomix::sim
