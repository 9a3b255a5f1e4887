#pragma once
// The iodide fraction I/(Cl + I) of one frame's anions in bins along the tube axis and across it:
// the rows of the report's kymograph (one row per trajectory frame) and its radial profile.
// Conventions: axial = the anion's coordinate along the tube axis (sim::tube_axis_of), radial =
// its distance from that axis; bins are half-open [lo, hi) of equal width, anions outside them
// are left out; a bin without anions has fraction NaN. Na⁺, carbon and other species are ignored.
#include <vector>

#include "core/frame.hpp"
#include "sim/sequence.hpp"

namespace nanomix::report {

struct IodideProfile {
  double lo_angstrom = 0, hi_angstrom = 0;  ///< the binned range
  std::vector<double> fraction;             ///< I/(Cl + I) per bin (NaN: no anion)
  std::vector<int> anions;                  ///< Cl + I per bin
};

/// Along the axis: `bins` bins over [lo, hi) of the axial coordinate (Å, as stored in the frame).
IodideProfile axial_iodide_profile(const Frame& frame, const sim::TubeAxis& axis, double lo_angstrom, double hi_angstrom, int bins);
/// Across it: `bins` bins over [0, r_max) of the distance from the axis (Å).
IodideProfile radial_iodide_profile(const Frame& frame, const sim::TubeAxis& axis, double r_max_angstrom, int bins);

}  // namespace nanomix::report
