#include "imaging/projected_potential.hpp"

#include <algorithm>
#include <cmath>

#include "core/units.hpp"
#include "imaging/kernels.hpp"

namespace nanomix::imaging {

double RadialPotential::operator()(double r) const {
  if (!(r < cutoff_angstrom)) return 0.0;
  const double x = r / step_angstrom;
  const auto k = static_cast<std::size_t>(x);
  if (k + 1 >= values.size()) return 0.0;
  const double f = x - static_cast<double>(k);
  return values[k] + f * (values[k + 1] - values[k]);
}

RadialPotential make_radial_potential(const ScatteringParameters& p, const RadialPotentialOptions& o) {
  RadialPotential t;
  t.atomic_number = p.atomic_number;
  t.step_angstrom = o.step_angstrom;
  t.core_angstrom = o.core_angstrom;
  const double a0e = kirkland_bohr_angstrom * kirkland_e_volt_angstrom;
  double rc = o.fixed_cutoff_angstrom;
  if (!(rc > 0)) {
    // Tail integral ∫_r^∞ v_z 2πr dr by the trapezoid rule inwards from 2·max_cutoff.
    const double total = 2 * units::pi * a0e * p.fe(0.0);
    const double h = 0.005;
    double r = 2 * o.max_cutoff_angstrom, tail = 0, prev = p.projected_potential_volt_angstrom(r) * r;
    rc = o.max_cutoff_angstrom;
    while (r > h) {
      const double rn = r - h;
      const double cur = p.projected_potential_volt_angstrom(rn) * rn;
      tail += 2 * units::pi * 0.5 * h * (prev + cur);
      prev = cur;
      r = rn;
      if (tail > o.tail_tolerance * total) {
        rc = std::min(r + h, o.max_cutoff_angstrom);
        break;
      }
    }
  }
  t.cutoff_angstrom = rc;
  const auto n = static_cast<std::size_t>(std::ceil(rc / o.step_angstrom));
  const double core = p.disc_mean_projected_potential_volt_angstrom(o.core_angstrom);
  const double taper_start = (1 - o.taper_fraction) * rc;
  t.values.resize(n + 2, 0.0f);
  for (std::size_t k = 0; k <= n; ++k) {
    const double r = static_cast<double>(k) * o.step_angstrom;
    if (r >= rc) break;
    double v = r < o.core_angstrom ? core : p.projected_potential_volt_angstrom(r);
    if (r > taper_start) v *= 0.5 * (1 + std::cos(units::pi * (r - taper_start) / (rc - taper_start)));
    t.values[k] = static_cast<float>(v);
  }
  t.slopes.assign(t.values.size(), 0.0f);
  for (std::size_t k = 0; k + 1 < t.values.size(); ++k) t.slopes[k] = t.values[k + 1] - t.values[k];
  return t;
}

void add_atom_potential(float* v, int nx, int ny, double dx, double dy, const RadialPotential& table, double x,
                        double y) {
  kernels::best().add_atom_potential(v, nx, ny, dx, dy, table, x, y);  // imaging/kernels.cpp
}

}  // namespace nanomix::imaging
