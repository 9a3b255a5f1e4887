// The swap batches' neighbour data (sim/swap_mc.hpp, AnionNeighbors): only anion pairs, built
// once and reused while no atom moved more than half the skin. Checked against brute force
// written here: every pair within the cut-offs that involves an anion must be listed, and the ΔE
// of an accepted swap must equal the change of the total short-range energy summed over all pairs
// of all atoms (C–C included, for which the force field has no term) — also after the atoms moved
// without a rebuild, and across a rebuild.
#include <doctest/doctest.h>

#include <cmath>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "app/config_schema.hpp"
#include "core/config.hpp"
#include "core/random.hpp"
#include "sim/forcefield.hpp"
#include "sim/rocksalt.hpp"
#include "sim/structure.hpp"
#include "sim/swap_mc.hpp"

using namespace nanomix;
using namespace nanomix::sim;

namespace {

const std::string src = NANOMIX_SOURCE_DIR;
constexpr double born_cut = 9.0, lj_cut = 12.0;

ForceField load_ff() {
  return ForceField::load(src + "/potentials/tosi_fumi_bmh.txt", src + "/potentials/carbon_ion_lj.txt");
}

/// 64 ions (half the anions iodide) in a (14,14) tube of 40 Å: ~ 1100 C, most of them far from
/// most anions.
Frame tube_cluster() {
  const Config c = parse_config(R"([structure]
tube_n = 14
tube_m = 14
tube_length_angstrom = 40
ion_pairs = 32
iodide_fraction = 0.5
arrangement = random_mixed
seed = 4
)",
                                "t.ini");
  return build_structure(StructureParams::table().read(c)).frame;
}

/// Total short-range energy, all pairs i < j of all atoms: BMH between ions within the Born
/// cut-off, LJ between carbon and ions within the LJ cut-off, nothing between carbon atoms.
double total_short_range_ev(const Frame& f, const ForceField& ff) {
  double e = 0;
  for (std::size_t i = 0; i < f.size(); ++i)
    for (std::size_t j = i + 1; j < f.size(); ++j) {
      const int zi = f.atomic_numbers[i], zj = f.atomic_numbers[j];
      const double r = (f.positions_angstrom.row(static_cast<Eigen::Index>(i)) -
                        f.positions_angstrom.row(static_cast<Eigen::Index>(j))).norm();
      if (zi == carbon && zj == carbon) continue;
      if (zi == carbon || zj == carbon) {
        if (r < lj_cut) e += ff.carbon_ion.at(species_pair(zi, zj)).energy_ev(r);
      } else if (r < born_cut) {
        e += ff.born.at(species_pair(zi, zj)).energy_ev(r);
      }
    }
  return e;
}

/// Every pair (anion, other atom) within its cut-off must be in the lists.
void check_lists_cover_all_pairs(const Frame& f, const AnionNeighbors& nb) {
  std::set<std::pair<int, int>> listed;  // (atom, atom), both orders
  const auto& anions = nb.anions();
  for (std::size_t a = 0; a < anions.size(); ++a) {
    for (int j : nb.others(a)) listed.insert({anions[a], j});
    for (int b : nb.anion_partners(a)) {
      listed.insert({anions[a], anions[static_cast<std::size_t>(b)]});
      listed.insert({anions[static_cast<std::size_t>(b)], anions[a]});
    }
  }
  std::size_t needed = 0, missing = 0, carbon_pairs = 0;
  for (int i : anions)
    for (std::size_t j = 0; j < f.size(); ++j) {
      if (static_cast<int>(j) == i) continue;
      const double r = (f.positions_angstrom.row(i) - f.positions_angstrom.row(static_cast<Eigen::Index>(j))).norm();
      const bool c = f.atomic_numbers[j] == carbon;
      if (r >= (c ? lj_cut : born_cut)) continue;
      ++needed;
      carbon_pairs += c;
      missing += listed.count({i, static_cast<int>(j)}) == 0;
    }
  CHECK(needed > 1000);
  CHECK(carbon_pairs > 100);
  CHECK(missing == 0);
  // Nothing but anion pairs: no pair without an anion is listed (no C–C, no Na–C).
  std::size_t not_anion = 0;
  for (const auto& [i, j] : listed) {
    const int z = f.atomic_numbers[static_cast<std::size_t>(i)];
    not_anion += z != chlorine && z != iodine;
  }
  CHECK(not_anion == 0);
}

/// One attempt at a huge temperature (accepted): its ΔE against the brute-force total energies.
void check_one_swap(Frame& f, const ForceField& ff, AnionNeighbors& nb, Rng& rng) {
  const double e0 = total_short_range_ev(f, ff);
  const SwapStats st = swap_anions(f, ff, born_cut, lj_cut, 1e12, 1, rng, nb);
  REQUIRE(st.accepted == 1);
  const double e1 = total_short_range_ev(f, ff);
  CHECK(st.energy_change_ev == doctest::Approx(e1 - e0).epsilon(1e-9).scale(1.0));
  CHECK(std::abs(e1 - e0) > 1e-3);  // a swap that changes something
}

}  // namespace

TEST_CASE("swap neighbour lists: every anion pair within the cut-offs, ΔE equals brute-force all-pairs sums") {
  const ForceField ff = load_ff();
  Frame f = tube_cluster();
  REQUIRE(f.count(carbon) > 400);
  REQUIRE(f.count(chlorine) > 10);
  REQUIRE(f.count(iodine) > 10);
  AnionNeighbors nb(2.0);
  Rng rng(11);
  for (int k = 0; k < 5; ++k) check_one_swap(f, ff, nb, rng);
  CHECK(nb.builds() == 1);  // positions unchanged: built once
  check_lists_cover_all_pairs(f, nb);

  // Every atom moved by just under half the skin (1 Å): the lists are reused, ΔE still exact.
  Rng move(5);
  auto shake = [&](double step) {
    for (Eigen::Index i = 0; i < f.positions_angstrom.rows(); ++i) {
      Eigen::RowVector3d d(move.uniform(-1, 1), move.uniform(-1, 1), move.uniform(-1, 1));
      f.positions_angstrom.row(i) += step * d.normalized();
    }
  };
  shake(0.99);
  for (int k = 0; k < 5; ++k) check_one_swap(f, ff, nb, rng);
  CHECK(nb.builds() == 1);
  // Further: some atom is now beyond half the skin from where the lists were built: rebuilt.
  shake(0.99);
  check_one_swap(f, ff, nb, rng);
  CHECK(nb.builds() == 2);
  check_lists_cover_all_pairs(f, nb);
  // A fresh AnionNeighbors per call (the plain overload) gives the same ΔE.
  check_one_swap(f, ff, nb, rng);
  Frame g = f;
  Rng r1(9), r2(9);
  AnionNeighbors fresh;
  const SwapStats a = swap_anions(f, ff, born_cut, lj_cut, 300, 500, r1, nb);
  const SwapStats b = swap_anions(g, ff, born_cut, lj_cut, 300, 500, r2, fresh);
  CHECK(a.accepted == b.accepted);
  CHECK(a.energy_change_ev == doctest::Approx(b.energy_change_ev).epsilon(1e-12));
  CHECK(f.atomic_numbers == g.atomic_numbers);
}
