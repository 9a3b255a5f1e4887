#include "sim/nanotube.hpp"

#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/units.hpp"

namespace nanomix::sim {

NanotubeGeometry nanotube_geometry(int n, int m, double length_angstrom, double bond_length_angstrom) {
  if (n < 1 || m < 0) {
    throw InputError("nanotube chirality (" + std::to_string(n) + "," + std::to_string(m) +
                     ") is not allowed: need n >= 1 and m >= 0");
  }
  if (!(length_angstrom > 0) || !(bond_length_angstrom > 0)) throw InputError("nanotube length must be positive");
  NanotubeGeometry g;
  g.n = n;
  g.m = m;
  g.bond_length_angstrom = bond_length_angstrom;
  const double a = std::sqrt(3.0) * bond_length_angstrom;
  const double ch = a * std::sqrt(static_cast<double>(n * n + n * m + m * m));
  const int dr = std::gcd(2 * m + n, 2 * n + m);
  g.diameter_angstrom = ch / units::pi;
  g.translation_length_angstrom = std::sqrt(3.0) * ch / dr;
  g.atoms_per_cell = 4 * (n * n + n * m + m * m) / dr;
  g.cells = std::max(1, static_cast<int>(std::lround(length_angstrom / g.translation_length_angstrom)));
  g.length_angstrom = g.cells * g.translation_length_angstrom;
  return g;
}

Positions nanotube_positions(const NanotubeGeometry& g) {
  const double a = std::sqrt(3.0) * g.bond_length_angstrom;
  const Eigen::Vector2d a1(a * std::sqrt(3.0) / 2, a / 2), a2(a * std::sqrt(3.0) / 2, -a / 2);
  const int dr = std::gcd(2 * g.m + g.n, 2 * g.n + g.m);
  const int t1 = (2 * g.m + g.n) / dr, t2 = -(2 * g.n + g.m) / dr;
  const Eigen::Vector2d ch = g.n * a1 + g.m * a2, t = t1 * a1 + t2 * a2;
  const double ch2 = ch.squaredNorm(), t_sq = t.squaredNorm();

  // Lattice points p·a1 + q·a2 covering the parallelogram spanned by C_h and T.
  const int pmin = std::min({0, g.n, t1, g.n + t1}) - 1, pmax = std::max({0, g.n, t1, g.n + t1}) + 1;
  const int qmin = std::min({0, g.m, t2, g.m + t2}) - 1, qmax = std::max({0, g.m, t2, g.m + t2}) + 1;
  const Eigen::Vector2d basis[2] = {Eigen::Vector2d::Zero(), (a1 + a2) / 3.0};
  constexpr double eps = 1e-9;  // fractional tolerance: a site on the far edge belongs to the next cell
  std::vector<Eigen::Vector2d> cell;  // fractional (u along C_h, v along T)
  for (int p = pmin; p <= pmax; ++p)
    for (int q = qmin; q <= qmax; ++q)
      for (const auto& b : basis) {
        const Eigen::Vector2d r = p * a1 + q * a2 + b;
        double u = r.dot(ch) / ch2, v = r.dot(t) / t_sq;
        if (u > -eps && u < 1 - eps && v > -eps && v < 1 - eps) cell.emplace_back(std::max(u, 0.0), std::max(v, 0.0));
      }
  if (static_cast<int>(cell.size()) != g.atoms_per_cell) {
    throw std::logic_error("nanotube unit cell has " + std::to_string(cell.size()) + " atoms, expected " +
                           std::to_string(g.atoms_per_cell));
  }
  const double radius = g.radius_angstrom();
  Positions out(static_cast<Eigen::Index>(cell.size()) * g.cells, 3);
  Eigen::Index row = 0;
  for (int c = 0; c < g.cells; ++c)
    for (const auto& uv : cell) {
      const double theta = 2 * units::pi * uv[0];
      out.row(row++) << radius * std::cos(theta), radius * std::sin(theta),
          (c + uv[1]) * g.translation_length_angstrom;
    }
  return out;
}

}  // namespace nanomix::sim
