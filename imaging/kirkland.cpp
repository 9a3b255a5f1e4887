#include "imaging/kirkland.hpp"

#include <cmath>
#include <fstream>
#include <sstream>

#include "core/elements.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/units.hpp"

namespace nanomix::imaging {

namespace {
constexpr double pi = units::pi;
constexpr double a0e = kirkland_bohr_angstrom * kirkland_e_volt_angstrom;  // V·Å²
}  // namespace

namespace detail {
// The table file, compiled in (generated from imaging/data/kirkland_fparams.dat by CMake).
const char* kirkland_table_text();
}  // namespace detail

double ScatteringParameters::fe(double q) const {
  const double q2 = q * q;
  double f = 0;
  for (int i = 0; i < 3; ++i) f += a[i] / (q2 + b[i]) + c[i] * std::exp(-d[i] * q2);
  return f;
}

double ScatteringParameters::potential_volt(double r) const {
  double lor = 0, gau = 0;
  for (int i = 0; i < 3; ++i) {
    lor += a[i] / r * std::exp(-2 * pi * r * std::sqrt(b[i]));
    gau += c[i] * std::pow(d[i], -1.5) * std::exp(-pi * pi * r * r / d[i]);
  }
  return 2 * pi * pi * a0e * lor + 2 * std::pow(pi, 2.5) * a0e * gau;
}

double ScatteringParameters::projected_potential_volt_angstrom(double r) const {
  double lor = 0, gau = 0;
  for (int i = 0; i < 3; ++i) {
    lor += a[i] * std::cyl_bessel_k(0.0, 2 * pi * r * std::sqrt(b[i]));
    gau += c[i] / d[i] * std::exp(-pi * pi * r * r / d[i]);
  }
  return 4 * pi * pi * a0e * lor + 2 * pi * pi * a0e * gau;
}

double ScatteringParameters::disc_mean_projected_potential_volt_angstrom(double R) const {
  // ∫₀^R K₀(κr) 2πr dr = (2π/κ²)(1 − κR K₁(κR));  ∫₀^R exp(−π²r²/d) 2πr dr = (d/π)(1 − exp(−π²R²/d)).
  double total = 0;
  for (int i = 0; i < 3; ++i) {
    const double kappa = 2 * pi * std::sqrt(b[i]);
    const double x = kappa * R;
    total += 4 * pi * pi * a0e * a[i] * (2 * pi / (kappa * kappa)) * (1 - x * std::cyl_bessel_k(1.0, x));
    total += 2 * pi * pi * a0e * c[i] / d[i] * (d[i] / pi) * (1 - std::exp(-pi * pi * R * R / d[i]));
  }
  return total / (pi * R * R);
}

const ScatteringTable& ScatteringTable::kirkland() {
  static const ScatteringTable table = parse(detail::kirkland_table_text(), "imaging/data/kirkland_fparams.dat (Kirkland 2010, App. C)");
  return table;
}

ScatteringTable ScatteringTable::read(const std::string& path) {
  return parse(read_regular_file(path, max_table_file_bytes, "[imaging] scattering_table"), path);
}

ScatteringTable ScatteringTable::parse(const std::string& text, const std::string& name) {
  ScatteringTable t;
  t.name_ = name;
  t.by_z_.assign(max_atomic_number + 1, ScatteringParameters{});
  std::istringstream in(text);
  std::string line;
  int line_no = 0, count = 0;
  while (std::getline(in, line)) {
    ++line_no;
    const auto hash = line.find('#');
    if (hash != std::string::npos) line.erase(hash);
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::istringstream ls(line);
    double v[13];
    int n = 0;
    while (n < 13 && ls >> v[n]) ++n;
    std::string extra;
    if (n != 13 || (ls >> extra)) {
      throw InputError(name + ":" + std::to_string(line_no) + ": expected 13 numbers (Z a1 b1 a2 b2 a3 b3 c1 d1 c2 d2 c3 d3)");
    }
    const int z = static_cast<int>(v[0]);
    if (v[0] != z || z < 1 || z > max_atomic_number) {
      throw InputError(name + ":" + std::to_string(line_no) + ": Z must be an integer from 1 to 103");
    }
    ScatteringParameters p;
    p.atomic_number = z;
    for (int i = 0; i < 3; ++i) {
      p.a[i] = v[1 + 2 * i];
      p.b[i] = v[2 + 2 * i];
      p.c[i] = v[7 + 2 * i];
      p.d[i] = v[8 + 2 * i];
      if (!(p.b[i] > 0) || !(p.d[i] > 0) || !std::isfinite(p.a[i]) || !std::isfinite(p.c[i]) ||
          !std::isfinite(p.b[i]) || !std::isfinite(p.d[i])) {
        throw InputError(name + ":" + std::to_string(line_no) + ": b and d must be positive finite numbers");
      }
    }
    if (t.by_z_[z].atomic_number != 0) throw InputError(name + ":" + std::to_string(line_no) + ": Z = " + std::to_string(z) + " appears twice");
    t.by_z_[z] = p;
    ++count;
  }
  if (count == 0) throw InputError(name + ": no elements in the scattering-parameter table");
  return t;
}

bool ScatteringTable::has(int z) const { return z >= 1 && z < static_cast<int>(by_z_.size()) && by_z_[z].atomic_number == z; }

const ScatteringParameters& ScatteringTable::at(int z) const {
  if (!has(z)) {
    const std::string sym = is_element(z) ? " (" + std::string(element(z).symbol) + ")" : "";
    throw InputError("element Z = " + std::to_string(z) + sym + " is not in the scattering-parameter table " + name_);
  }
  return by_z_[z];
}

int ScatteringTable::size() const {
  int n = 0;
  for (const auto& p : by_z_) n += p.atomic_number != 0;
  return n;
}

}  // namespace nanomix::imaging
