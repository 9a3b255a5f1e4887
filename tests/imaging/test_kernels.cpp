// The per-pixel kernels of imaging/kernels.cpp: every instruction-set variant this CPU runs gives
// the baseline's bits on the same inputs, and the baseline agrees with independent double-precision
// references (std::polar, std::norm, the radial table's own interpolation).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <array>
#include <complex>
#include <cstring>
#include <random>
#include <vector>

#include "imaging/kernels.hpp"
#include "imaging/kirkland.hpp"

using namespace nanomix::imaging;
namespace k = nanomix::imaging::kernels;

namespace {

std::vector<k::Isa> wide_isas() {
  std::vector<k::Isa> out;
  for (k::Isa isa : {k::Isa::avx2, k::Isa::avx512})
    if (k::supported(isa)) out.push_back(isa);
  return out;
}

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

std::vector<cfloat> random_wave(std::size_t n, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-1.5f, 1.5f);
  std::vector<cfloat> w(n);
  for (auto& c : w) c = cfloat(u(rng), u(rng));
  return w;
}

/// A potential with runs of zeros (vacuum between atoms), small and large values (phases past ±π).
std::vector<float> random_potential(std::size_t n, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(0.0f, 400.0f);
  std::vector<float> v(n, 0.0f);
  for (std::size_t i = 0; i < n; ++i)
    if ((i / 37) % 3 != 0) v[i] = u(rng) * u(rng) / 400.0f;
  return v;
}

}  // namespace

TEST_CASE("kernels: every instruction-set variant gives the baseline's bits") {
  std::mt19937 rng(11);
  const std::size_t n = 1000 + 7;  // not a multiple of any vector or block width
  const auto wave = random_wave(n, rng), h = random_wave(n, rng);
  const auto v = random_potential(n, rng);
  const float sigma = 0.00924f;
  const k::Table& base = k::table(k::Isa::baseline);
  auto transmitted = [&](const k::Table& t) {
    auto w = wave;
    t.transmit(w.data(), v.data(), sigma, n);
    return w;
  };
  auto multiplied = [&](const k::Table& t) {  // in place: out = a
    auto w = wave;
    t.multiply_into(w.data(), w.data(), h.data(), n);
    return w;
  };
  auto multiplied_into = [&](const k::Table& t) {
    std::vector<cfloat> out(n);
    t.multiply_into(out.data(), wave.data(), h.data(), n);
    return out;
  };
  auto normed = [&](const k::Table& t) {
    std::vector<double> sum(n, 0.25);
    t.add_norm(sum.data(), wave.data(), 0.37, n);
    return sum;
  };
  // Two elements, atoms anywhere (across the periodic edges too), on a grid of odd width.
  const Grid g{97, 61, 0.15, 0.13};
  RadialPotentialOptions o;
  o.core_angstrom = 0.08;
  o.step_angstrom = 0.002;
  const RadialPotential tab_c = make_radial_potential(ScatteringTable::kirkland().at(6), o);
  const RadialPotential tab_i = make_radial_potential(ScatteringTable::kirkland().at(53), o);
  std::uniform_real_distribution<double> ux(-1.0, 97 * 0.15 + 1.0), uy(-1.0, 61 * 0.13 + 1.0);
  std::vector<std::array<double, 2>> atoms(60);
  for (auto& a : atoms) a = {ux(rng), uy(rng)};
  auto potential = [&](const k::Table& t) {
    std::vector<float> out(g.size(), 0.0f);
    for (std::size_t a = 0; a < atoms.size(); ++a)
      t.add_atom_potential(out.data(), g.nx, g.ny, g.dx_angstrom, g.dy_angstrom, a % 2 ? tab_i : tab_c, atoms[a][0], atoms[a][1]);
    return out;
  };
  for (k::Isa isa : wide_isas()) {
    CAPTURE(k::name(isa));
    const k::Table& t = k::table(isa);
    CHECK(same_bits(transmitted(t), transmitted(base)));
    CHECK(same_bits(multiplied(t), multiplied(base)));
    CHECK(same_bits(multiplied_into(t), multiplied_into(base)));
    CHECK(same_bits(normed(t), normed(base)));
    CHECK(same_bits(potential(t), potential(base)));
  }
  MESSAGE("variants compared with the baseline: " << wide_isas().size() << " (best here: " << k::name(k::best_isa()) << ")");

  // The baseline against independent references.
  const auto w = transmitted(base);
  double worst = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::complex<double> ref = std::complex<double>(wave[i]) * std::polar(1.0, double(sigma) * double(v[i]));
    worst = std::max(worst, std::abs(std::complex<double>(w[i]) - ref));
    if (v[i] == 0.0f) CHECK(std::memcmp(&w[i], &wave[i], sizeof(cfloat)) == 0);  // skipped or times exactly 1
  }
  CHECK(worst < 1e-6);
  const auto m = multiplied_into(base);
  const auto s = normed(base);
  for (std::size_t i = 0; i < n; ++i) {
    CHECK(std::abs(std::complex<double>(m[i]) - std::complex<double>(wave[i]) * std::complex<double>(h[i])) < 1e-5);
    CHECK(s[i] == doctest::Approx(0.25 + 0.37 * std::norm(std::complex<double>(wave[i]))).epsilon(1e-6));
  }
  const auto p = potential(base);
  for (int j : {0, 7, 30, 60})
    for (int i : {0, 1, 48, 96}) {
      double ref = 0;  // the tables' own interpolation, summed over the atoms' periodic images
      for (std::size_t a = 0; a < atoms.size(); ++a)
        for (int sx = -1; sx <= 1; ++sx)
          for (int sy = -1; sy <= 1; ++sy) {
            const double dx = i * g.dx_angstrom - atoms[a][0] + sx * 97 * g.dx_angstrom;
            const double dy = j * g.dy_angstrom - atoms[a][1] + sy * 61 * g.dy_angstrom;
            ref += (a % 2 ? tab_i : tab_c)(std::hypot(dx, dy));
          }
      CHECK(p[static_cast<std::size_t>(j) * g.nx + i] == doctest::Approx(ref).epsilon(1e-4));
    }
}

TEST_CASE("kernels: the block transpose of every variant is the transposed copy") {
  std::mt19937 rng(5);
  // Odd and even shapes (the register blocks' edges), strides wider than the block (a block of a
  // larger array, as Fft2d does not need but the contract allows).
  for (auto [rows, cols] : {std::array<int, 2>{1, 1}, {3, 5}, {8, 12}, {37, 22}, {64, 33}, {70, 101}}) {
    const std::size_t in_stride = static_cast<std::size_t>(cols) + 3, out_stride = static_cast<std::size_t>(rows) + 1;
    const auto in = random_wave(static_cast<std::size_t>(rows) * in_stride, rng);
    std::vector<cfloat> expected(static_cast<std::size_t>(cols) * out_stride, cfloat(-7.0f, 7.0f));
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c) expected[static_cast<std::size_t>(c) * out_stride + static_cast<std::size_t>(r)] = in[static_cast<std::size_t>(r) * in_stride + static_cast<std::size_t>(c)];
    std::vector<k::Isa> isas{k::Isa::baseline};
    for (k::Isa isa : wide_isas()) isas.push_back(isa);
    for (k::Isa isa : isas) {
      CAPTURE(k::name(isa));
      CAPTURE(rows);
      CAPTURE(cols);
      std::vector<cfloat> out(expected.size(), cfloat(-7.0f, 7.0f));  // the padding must stay untouched
      k::table(isa).transpose(in.data(), in_stride, rows, cols, out.data(), out_stride);
      CHECK(same_bits(out, expected));
    }
  }
}
