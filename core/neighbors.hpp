#pragma once
// Pairs of atoms closer than a cut-off, with a cell list (minimum image along periodic axes of an
// orthorhombic box; a periodic triclinic box is refused).
#include <functional>

#include "core/frame.hpp"

namespace nanomix {

/// Calls `visit(i, j, distance_angstrom)` once for each pair i < j with distance < cutoff.
/// Along a periodic axis the minimum image is used, so the cut-off must be below half the box
/// length there (checked; InputError otherwise).
void for_each_pair_within(const Frame& frame, double cutoff_angstrom,
                          const std::function<void(int, int, double)>& visit);

/// Minimum-image displacement r_j − r_i (Å) in the frame's box.
Eigen::Vector3d displacement_angstrom(const Frame& frame, int i, int j);

}  // namespace nanomix
