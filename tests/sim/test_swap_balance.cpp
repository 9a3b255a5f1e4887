// Cl⁻ ↔ I⁻ swaps (sim/swap_mc.cpp) sample the Boltzmann distribution of the anion labels at fixed
// positions: checked against the exact answer of a small system enumerated here — every way of
// placing 4 I⁻ on 8 anion sites (70 labellings), each weighted exp(−E/kT) with E the total
// short-range energy summed pair by pair (not through swap_mc's incremental tables). Both the
// occupation of each labelling and the mean acceptance rate must match.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "core/random.hpp"
#include "core/units.hpp"
#include "sim/forcefield.hpp"
#include "sim/rocksalt.hpp"
#include "sim/swap_mc.hpp"

using namespace nanomix;
using namespace nanomix::sim;

namespace {

const std::string src = NANOMIX_SOURCE_DIR;

/// A 2×2×4 block of rock-salt sites (16 ions: 8 Na⁺, 8 anions) at 6.0 Å, slightly distorted so
/// that the labellings have different energies beyond symmetry.
Frame small_block() {
  Frame f;
  f.box = Box::orthorhombic(50, 50, 50, {false, false, false});
  Rng rng(12);
  std::vector<Eigen::Vector3d> r;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j)
      for (int k = 0; k < 4; ++k) {
        r.emplace_back(10 + 3.0 * i + rng.uniform(-0.2, 0.2), 10 + 3.0 * j + rng.uniform(-0.2, 0.2), 10 + 3.0 * k + rng.uniform(-0.2, 0.2));
        f.atomic_numbers.push_back((i + j + k) % 2 == 0 ? sodium : chlorine);
      }
  f.positions_angstrom.resize(static_cast<Eigen::Index>(r.size()), 3);
  for (std::size_t i = 0; i < r.size(); ++i) f.positions_angstrom.row(static_cast<Eigen::Index>(i)) = r[i].transpose();
  return f;
}

/// Total Born–Mayer–Huggins energy (Coulomb is the same for every labelling), pair by pair.
double total_energy(const Frame& f, const ForceField& ff, double cut) {
  double e = 0;
  for (std::size_t i = 0; i < f.size(); ++i)
    for (std::size_t j = i + 1; j < f.size(); ++j) {
      const double r = (f.positions_angstrom.row(static_cast<Eigen::Index>(i)) - f.positions_angstrom.row(static_cast<Eigen::Index>(j))).norm();
      if (r < cut) e += ff.born.at(species_pair(f.atomic_numbers[i], f.atomic_numbers[j])).energy_ev(r);
    }
  return e;
}

/// Bit mask of the anions that are I⁻ (anion slots in row order).
unsigned labelling(const Frame& f, const std::vector<std::size_t>& anions) {
  unsigned m = 0;
  for (std::size_t k = 0; k < anions.size(); ++k) m |= (f.atomic_numbers[anions[k]] == iodine ? 1u : 0u) << k;
  return m;
}

void apply(Frame& f, const std::vector<std::size_t>& anions, unsigned mask) {
  for (std::size_t k = 0; k < anions.size(); ++k) f.atomic_numbers[anions[k]] = (mask >> k) & 1u ? iodine : chlorine;
}

}  // namespace

TEST_CASE("swaps sample the exact Boltzmann distribution of the labellings (enumerated) and its acceptance rate") {
  const ForceField ff = ForceField::load(src + "/potentials/tosi_fumi_bmh.txt", src + "/potentials/carbon_ion_lj.txt");
  const double cut = 9.0, kelvin = 1500;
  const double beta = 1 / (units::boltzmann_ev_per_k * kelvin);
  Frame f = small_block();
  std::vector<std::size_t> anions;
  for (std::size_t i = 0; i < f.size(); ++i) if (f.atomic_numbers[i] != sodium) anions.push_back(i);
  REQUIRE(anions.size() == 8);

  // Exact: all labellings with 4 I⁻, their Boltzmann weights, and the expected acceptance
  // Σ_s π(s) · mean over the 16 (Cl, I) pairs of min(1, exp(−βΔE)).
  std::map<unsigned, double> energy, weight;
  for (unsigned m = 0; m < 256; ++m) {
    if (__builtin_popcount(m) != 4) continue;
    apply(f, anions, m);
    energy[m] = total_energy(f, ff, cut);
  }
  REQUIRE(energy.size() == 70);
  const double e_min = std::min_element(energy.begin(), energy.end(), [](auto& a, auto& b) { return a.second < b.second; })->second;
  double z = 0;
  for (auto& [m, e] : energy) z += weight[m] = std::exp(-beta * (e - e_min));
  double acceptance_exact = 0;
  for (auto& [m, e] : energy) {
    double mean = 0;
    for (unsigned a = 0; a < 8; ++a)
      for (unsigned b = 0; b < 8; ++b) {
        if ((m >> a & 1u) || !(m >> b & 1u)) continue;  // a Cl, b I
        const unsigned swapped = (m | 1u << a) & ~(1u << b);
        mean += std::min(1.0, std::exp(-beta * (energy[swapped] - e))) / 16;
      }
    acceptance_exact += weight[m] / z * mean;
  }
  // Spread of the exact distribution: the test only means something if it is far from uniform.
  double p_max = 0;
  for (auto& [m, w] : weight) p_max = std::max(p_max, w / z);
  CHECK(p_max > 3.0 / 70);

  // Sampled: one attempt per call (positions fixed), the labelling recorded after each.
  apply(f, anions, 0x0F);
  Rng rng(2026);
  std::map<unsigned, double> count;
  std::int64_t attempts = 0, accepted = 0;
  const int samples = 200000;
  for (int t = 0; t < samples; ++t) {
    const SwapStats s = swap_anions(f, ff, cut, 12.0, kelvin, 1, rng);
    attempts += s.attempts;
    accepted += s.accepted;
    count[labelling(f, anions)] += 1;
  }
  const double acceptance = static_cast<double>(accepted) / static_cast<double>(attempts);
  MESSAGE("acceptance sampled ", acceptance, ", exact ", acceptance_exact, "; p_max ", p_max);
  CHECK(acceptance == doctest::Approx(acceptance_exact).epsilon(0.02));
  // Occupations: every labelling with expected count ≥ 200 within 15 % (the chain's samples are
  // correlated, so the bound is wider than the binomial one), and the total variation small.
  double tv = 0;
  for (auto& [m, w] : weight) {
    const double expected = samples * w / z;
    tv += std::abs(count[m] - expected) / samples / 2;
    if (expected >= 200) CHECK(count[m] == doctest::Approx(expected).epsilon(0.15));
  }
  MESSAGE("total variation distance ", tv);
  CHECK(tv < 0.03);
}
