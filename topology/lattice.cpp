#include "topology/lattice.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/elements.hpp"
#include "core/error.hpp"
#include "core/neighbors.hpp"

namespace nanomix::topology {

namespace {
double median(std::vector<double> v) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  if (v.size() % 2) return *mid;
  return 0.5 * (*mid + *std::max_element(v.begin(), mid));
}

/// 2 × the standard error of the median of `v` (see lattice.hpp); NaN for fewer than two values.
double twice_median_standard_error(const std::vector<double>& v) {
  if (v.size() < 2) return std::numeric_limits<double>::quiet_NaN();
  double mean = 0, ss = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  for (double x : v) ss += (x - mean) * (x - mean);
  const double sd = std::sqrt(ss / static_cast<double>(v.size() - 1));
  return 2.0 * std::sqrt(M_PI / 2) * sd / std::sqrt(static_cast<double>(v.size()));
}

void finish(LatticeEstimate& e) {
  if (std::isnan(e.a_angstrom)) return;
  e.mismatch_nacl = (e.a_angstrom - nacl_lattice_constant_angstrom) / nacl_lattice_constant_angstrom;
  e.mismatch_nai = (e.a_angstrom - nai_lattice_constant_angstrom) / nai_lattice_constant_angstrom;
  e.closest = std::abs(e.mismatch_nacl) < std::abs(e.mismatch_nai) ? "NaCl" : "NaI";
}
}  // namespace

std::vector<LatticeEstimate> lattice_from_atoms(const Frame& frame, int min_coordination) {
  std::vector<LatticeEstimate> out;
  const double r_na = element(sodium_z).ionic_radius_angstrom;
  for (int z : {chlorine_z, iodine_z}) {
    LatticeEstimate e;
    e.anion = z == chlorine_z ? "Cl" : "I";
    e.a_angstrom = std::numeric_limits<double>::quiet_NaN();
    const double cutoff = 1.25 * (r_na + element(z).ionic_radius_angstrom);
    std::vector<std::vector<double>> dist(frame.size());
    if (frame.count(sodium_z) > 0 && frame.count(z) > 0) {
      try {
        for_each_pair_within(frame, cutoff, [&](int i, int j, double d) {
          const int zi = frame.atomic_numbers[static_cast<std::size_t>(i)], zj = frame.atomic_numbers[static_cast<std::size_t>(j)];
          if (zi == sodium_z && zj == z) dist[static_cast<std::size_t>(i)].push_back(d);
          if (zj == sodium_z && zi == z) dist[static_cast<std::size_t>(j)].push_back(d);
        });
      } catch (const InputError&) {
        // a periodic axis shorter than twice the cut-off: no estimate (NaN) rather than a failed stage
        for (auto& d : dist) d.clear();
      }
    }
    std::vector<double> all;
    for (std::size_t i = 0; i < frame.size(); ++i) {
      if (static_cast<int>(dist[i].size()) < min_coordination) continue;
      ++e.crystalline_cations;
      all.insert(all.end(), dist[i].begin(), dist[i].end());
    }
    e.a_angstrom = 2.0 * median(all);
    e.a_standard_error_angstrom = twice_median_standard_error(all);
    e.distances = all.size();
    finish(e);
    out.push_back(e);
  }
  return out;
}

LatticeEstimate lattice_from_columns(const std::vector<double>& xy) {
  LatticeEstimate e;
  e.anion = "columns";
  const std::size_t n = xy.size() / 2;
  std::vector<double> nn;
  for (std::size_t i = 0; i < n; ++i) {
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < n; ++j)
      if (j != i) best = std::min(best, std::hypot(xy[2 * i] - xy[2 * j], xy[2 * i + 1] - xy[2 * j + 1]));
    if (std::isfinite(best) && best > 0) nn.push_back(best);
  }
  e.crystalline_cations = nn.size();
  e.a_angstrom = 2.0 * median(nn);
  e.a_standard_error_angstrom = twice_median_standard_error(nn);
  e.distances = nn.size();
  finish(e);
  return e;
}

}  // namespace nanomix::topology
