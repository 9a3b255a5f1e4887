#include "sim/knock_on.hpp"

#include <algorithm>
#include <Eigen/Geometry>
#include <cmath>

#include "core/units.hpp"

namespace nanomix::sim {

using namespace units;

namespace {
constexpr double mc2_ev = electron_rest_energy_kev * 1e3;
constexpr double amu_ev = amu_rest_energy_mev * 1e6;
constexpr double re2_barn = classical_electron_radius_m * classical_electron_radius_m / barn_m2;

/// Bracket of dσ/dT at x = T/T_max.
double bracket(double x, double beta, double z_alpha) {
  return 1 - beta * beta * x + pi * z_alpha * beta * (std::sqrt(x) - x);
}
}  // namespace

double max_transfer_ev(double e, double mass_amu) {
  const double mc2 = mass_amu * amu_ev;
  const double ratio = 1 + mc2_ev / mc2;
  return 2 * e * (e + 2 * mc2_ev) / (mc2 * ratio * ratio + 2 * e);
}

double electron_beta(double e) {
  const double gamma = 1 + e / mc2_ev;
  return std::sqrt(1 - 1 / (gamma * gamma));
}

double mckinley_feshbach_barn(int z, double mass_amu, double e, double min_ev) {
  const double tmax = max_transfer_ev(e, mass_amu);
  if (min_ev >= tmax) return 0;
  const double b = electron_beta(e), b2 = b * b, q = tmax / min_ev, za = z * fine_structure;
  const double pre = pi * z * z * re2_barn * (1 - b2) / (b2 * b2);
  return pre * (q - 1 - b2 * std::log(q) + pi * za * b * (2 * std::sqrt(q) - std::log(q) - 2));
}

Recoil sample_recoil(int z, double mass_amu, double e, double min_ev, const Eigen::Vector3d& beam, Rng& rng) {
  const double tmax = max_transfer_ev(e, mass_amu);
  const double b = electron_beta(e), za = z * fine_structure, xmin = min_ev / tmax;
  double fmax = 0;  // bracket maximum on [xmin, 1] (a smooth function: scan finely)
  for (int i = 0; i <= 1000; ++i) fmax = std::max(fmax, bracket(xmin + (1 - xmin) * i / 1000.0, b, za));
  fmax *= 1.01;
  Recoil r;
  for (;;) {
    // 1/T² on [min, tmax]: inverse CDF 1/T = 1/min − u (1/min − 1/tmax).
    const double t = 1 / (1 / min_ev - rng.uniform() * (1 / min_ev - 1 / tmax));
    if (rng.uniform() * fmax <= bracket(t / tmax, b, za)) {
      r.energy_ev = t;
      break;
    }
  }
  const double cos_t = std::sqrt(std::clamp(r.energy_ev / tmax, 0.0, 1.0)), sin_t = std::sqrt(1 - cos_t * cos_t);
  const double phi = 2 * pi * rng.uniform();
  const Eigen::Vector3d u = beam.normalized();
  Eigen::Vector3d e1 = u.unitOrthogonal(), e2 = u.cross(e1);
  r.direction = cos_t * u + sin_t * (std::cos(phi) * e1 + std::sin(phi) * e2);
  return r;
}

}  // namespace nanomix::sim
