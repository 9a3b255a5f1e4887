#include "imaging/projected_potential.hpp"

#include <algorithm>
#include <cmath>

#include "core/units.hpp"

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
  return t;
}

void add_atom_potential(float* v, int nx, int ny, double dx, double dy, const RadialPotential& table, double x,
                        double y) {
  const double rc = table.cutoff_angstrom;
  const int i0 = static_cast<int>(std::ceil((x - rc) / dx)), i1 = static_cast<int>(std::floor((x + rc) / dx));
  const int j0 = static_cast<int>(std::ceil((y - rc) / dy)), j1 = static_cast<int>(std::floor((y + rc) / dy));
  const float rc2 = static_cast<float>(rc * rc);
  const float inv_step = static_cast<float>(1.0 / table.step_angstrom);
  const float* tab = table.values.data();
  const int last = static_cast<int>(table.values.size()) - 2;
  auto wrap = [](int k, int n) { return ((k % n) + n) % n; };
  for (int ju = j0; ju <= j1; ++ju) {
    const float ry = static_cast<float>(ju * dy - y);
    const float ry2 = ry * ry;
    if (ry2 >= rc2) continue;
    float* row = v + static_cast<std::size_t>(wrap(ju, ny)) * static_cast<std::size_t>(nx);
    // Only the chord of the disc on this row (one pixel of margin; the test below decides).
    const double half = std::sqrt(std::max(0.0, rc * rc - static_cast<double>(ry2)));
    const int a0 = std::max(i0, static_cast<int>(std::ceil((x - half) / dx)) - 1);
    const int a1 = std::min(i1, static_cast<int>(std::floor((x + half) / dx)) + 1);
    int i = wrap(a0, nx);
    for (int iu = a0; iu <= a1; ++iu) {
      const float rx = static_cast<float>(iu * dx - x);
      const float r2 = rx * rx + ry2;
      if (r2 < rc2) {
        const float s = std::sqrt(r2) * inv_step;
        int k = static_cast<int>(s);
        if (k > last) k = last;
        const float f = s - static_cast<float>(k);
        row[i] += tab[k] + f * (tab[k + 1] - tab[k]);
      }
      if (++i == nx) i = 0;
    }
  }
}

}  // namespace nanomix::imaging
