#include "sim/md_observables.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include "core/neighbors.hpp"
#include "sim/rocksalt.hpp"

namespace nanomix::sim {

namespace {
Frame subset(const Frame& f, bool (*keep)(int)) {
  Frame out;
  out.box = f.box;
  std::vector<int> rows;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (keep(f.atomic_numbers[i])) rows.push_back(static_cast<int>(i));
  }
  out.positions_angstrom.resize(static_cast<Eigen::Index>(rows.size()), 3);
  for (std::size_t k = 0; k < rows.size(); ++k) {
    out.positions_angstrom.row(static_cast<Eigen::Index>(k)) = f.positions_angstrom.row(rows[k]);
    out.atomic_numbers.push_back(f.atomic_numbers[static_cast<std::size_t>(rows[k])]);
  }
  return out;
}
bool is_anion(int z) { return z == chlorine || z == iodine; }
bool is_ion(int z) { return z == sodium || z == chlorine || z == iodine; }
}  // namespace

double anion_sro(const Frame& frame, double shell) {
  const Frame a = subset(frame, is_anion);
  const double n = static_cast<double>(a.size());
  if (a.size() < 2) return std::numeric_limits<double>::quiet_NaN();
  const double c_i = static_cast<double>(a.count(iodine)) / n;
  double pairs = 0, unlike = 0;
  for_each_pair_within(a, shell, [&](int i, int j, double) {
    pairs += 1;
    if (a.atomic_numbers[static_cast<std::size_t>(i)] != a.atomic_numbers[static_cast<std::size_t>(j)]) unlike += 1;
  });
  const double expected = pairs * 2 * c_i * (1 - c_i);
  if (expected <= 0) return std::numeric_limits<double>::quiet_NaN();
  return 1 - unlike / expected;
}

RocksaltEnvironment rocksalt_environment(const Frame& frame) {
  std::vector<int> rows;  // the ions' rows in `frame`
  for (std::size_t i = 0; i < frame.size(); ++i) {
    if (is_ion(frame.atomic_numbers[i])) rows.push_back(static_cast<int>(i));
  }
  const Frame ions = subset(frame, is_ion);
  const std::size_t n = ions.size();
  RocksaltEnvironment env;
  env.counter_ions.assign(frame.size(), {});
  env.crystalline.assign(frame.size(), 0);
  env.phase.assign(frame.size(), 0);
  if (n == 0) return env;
  std::vector<std::vector<int>> counter(n);
  const double d_nacl = nacl_lattice_constant_angstrom / 2, d_nai = nai_lattice_constant_angstrom / 2;
  for_each_pair_within(ions, 1.3 * d_nai, [&](int i, int j, double d) {
    const int zi = ions.atomic_numbers[static_cast<std::size_t>(i)], zj = ions.atomic_numbers[static_cast<std::size_t>(j)];
    if ((zi == sodium) == (zj == sodium)) return;
    const int anion = zi == sodium ? zj : zi;
    if (d > 1.3 * (anion == iodine ? d_nai : d_nacl)) return;
    counter[static_cast<std::size_t>(i)].push_back(j);
    counter[static_cast<std::size_t>(j)].push_back(i);
  });
  const double cos_right = std::cos((90.0 - 20.0) * M_PI / 180.0), cos_straight = std::cos(150.0 * M_PI / 180.0);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& nb = counter[i];
    const auto row = static_cast<std::size_t>(rows[i]);
    for (int j : nb) env.counter_ions[row].push_back(rows[static_cast<std::size_t>(j)]);
    if (nb.size() < 4) continue;
    bool ok = true;
    const int ii = static_cast<int>(i);
    for (std::size_t a = 0; a < nb.size() && ok; ++a) {
      const Eigen::Vector3d u = displacement_angstrom(ions, ii, nb[a]).normalized();
      for (std::size_t b = a + 1; b < nb.size() && ok; ++b) {
        const double c = u.dot(displacement_angstrom(ions, ii, nb[b]).normalized());
        ok = std::abs(c) < cos_right || c < cos_straight;
      }
    }
    if (!ok) continue;
    int phase = ions.atomic_numbers[i];
    if (phase == sodium) {
      int iod = 0;
      for (int j : nb) iod += ions.atomic_numbers[static_cast<std::size_t>(j)] == iodine;
      phase = 2 * iod > static_cast<int>(nb.size()) ? iodine : chlorine;
    }
    env.crystalline[row] = 1;
    env.phase[row] = phase;
  }
  return env;
}

Crystallinity crystallinity(const Frame& frame) {
  const RocksaltEnvironment env = rocksalt_environment(frame);
  Crystallinity out;
  double n = 0;
  for (std::size_t i = 0; i < frame.size(); ++i) {
    if (!is_ion(frame.atomic_numbers[i])) continue;
    n += 1;
    if (env.phase[i] == iodine) out.nai += 1;
    if (env.phase[i] == chlorine) out.nacl += 1;
  }
  if (n == 0) return out;
  out.nacl /= n;
  out.nai /= n;
  out.total = out.nacl + out.nai;
  return out;
}

TubeExtent TubeExtent::of(const Structure& s) {
  TubeExtent tube;
  tube.axis = s.axis;
  tube.axis_point = s.axis_point_angstrom;
  tube.radius = s.tube.radius_angstrom();
  tube.lo = s.frame.positions_angstrom.topRows(static_cast<Eigen::Index>(s.carbon_count)).col(s.axis).minCoeff();
  tube.hi = s.frame.positions_angstrom.topRows(static_cast<Eigen::Index>(s.carbon_count)).col(s.axis).maxCoeff();
  return tube;
}

std::size_t ions_outside_tube(const TubeExtent& t, const Frame& f) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f.atomic_numbers[i] == carbon) continue;
    Eigen::Vector3d d = f.positions_angstrom.row(static_cast<Eigen::Index>(i)).transpose() - t.axis_point;
    const double along = f.positions_angstrom(static_cast<Eigen::Index>(i), t.axis);
    d[t.axis] = 0;
    if (d.norm() > t.radius || along < t.lo || along > t.hi) ++n;
  }
  return n;
}

}  // namespace nanomix::sim
