#include "app/report/composition.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/elements.hpp"

namespace nanomix::report {

namespace {

/// Bins the anions of `frame` by `coordinate(row)` over [lo, hi).
template <class Coordinate>
IodideProfile profile(const Frame& frame, double lo, double hi, int bins, Coordinate coordinate) {
  IodideProfile p;
  p.lo_angstrom = lo;
  p.hi_angstrom = hi;
  const auto n = static_cast<std::size_t>(bins > 0 ? bins : 0);
  std::vector<int> iodide(n, 0);
  p.anions.assign(n, 0);
  for (std::size_t i = 0; i < frame.size() && hi > lo; ++i) {
    const int z = frame.atomic_numbers[i];
    if (z != chlorine_z && z != iodine_z) continue;
    const double u = (coordinate(static_cast<Eigen::Index>(i)) - lo) / (hi - lo);
    if (!(u >= 0 && u < 1)) continue;
    const auto b = std::min(n - 1, static_cast<std::size_t>(u * static_cast<double>(n)));
    ++p.anions[b];
    iodide[b] += z == iodine_z;
  }
  for (std::size_t b = 0; b < n; ++b)
    p.fraction.push_back(p.anions[b] > 0 ? static_cast<double>(iodide[b]) / p.anions[b] : std::numeric_limits<double>::quiet_NaN());
  return p;
}

}  // namespace

IodideProfile axial_iodide_profile(const Frame& frame, const sim::TubeAxis& axis, double lo_angstrom, double hi_angstrom, int bins) {
  return profile(frame, lo_angstrom, hi_angstrom, bins, [&](Eigen::Index i) { return frame.positions_angstrom(i, axis.axis); });
}

IodideProfile radial_iodide_profile(const Frame& frame, const sim::TubeAxis& axis, double r_max_angstrom, int bins) {
  return profile(frame, 0.0, r_max_angstrom, bins, [&](Eigen::Index i) {
    double r2 = 0;
    for (int k = 0; k < 3; ++k)
      if (k != axis.axis) r2 += std::pow(frame.positions_angstrom(i, k) - axis.point_angstrom[k], 2);
    return std::sqrt(r2);
  });
}

}  // namespace nanomix::report
