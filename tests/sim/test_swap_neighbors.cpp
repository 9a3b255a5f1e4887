// The swap batches' neighbour data (sim/swap_mc.hpp, AnionNeighbors): only anion pairs; carbon
// lists per anion kept while |Δx_anion| + 2·(carbon drift) stays within the skin, ion lists made
// anew. Checked against brute force written here: every pair within the cut-offs that involves an
// anion must be listed, and the ΔE of an accepted swap must equal the change of the total
// short-range energy summed over all pairs of all atoms (C–C included, for which the force field
// has no term) — also after the atoms moved without a rebuild, and across rebuilds.
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
    for (int j : nb.carbon(a)) listed.insert({anions[a], j});
    for (const auto& n : nb.cations(a)) listed.insert({anions[a], n.index});
    for (const auto& n : nb.anion_partners(a)) {
      listed.insert({anions[a], anions[static_cast<std::size_t>(n.index)]});
      listed.insert({anions[static_cast<std::size_t>(n.index)], anions[a]});
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
  const auto anions = static_cast<std::int64_t>(nb.anions().size());
  CHECK(nb.carbon_list_builds() == anions);  // positions unchanged: each carbon list built once
  check_lists_cover_all_pairs(f, nb);

  // Moves of `ion_step` for every ion and `carbon_step` for every carbon, random directions.
  Rng move(5);
  auto shake = [&](double ion_step, double carbon_step) {
    for (Eigen::Index i = 0; i < f.positions_angstrom.rows(); ++i) {
      Eigen::RowVector3d d(move.uniform(-1, 1), move.uniform(-1, 1), move.uniform(-1, 1));
      const bool c = f.atomic_numbers[static_cast<std::size_t>(i)] == carbon;
      f.positions_angstrom.row(i) += (c ? carbon_step : ion_step) * d.normalized();
    }
  };
  // The worst case the rule allows without a rebuild: carbon 0.4 Å (2·D = 0.8), ions 1.1 Å
  // (1.1 + 0.8 ≤ 2): a pair's distance changed by up to 1.5 Å, within the skin. Still every pair
  // listed, ΔE exact, nothing rebuilt.
  shake(1.1, 0.4);
  for (int k = 0; k < 5; ++k) check_one_swap(f, ff, nb, rng);
  check_lists_cover_all_pairs(f, nb);
  CHECK(nb.carbon_list_builds() == anions);
  // One anion moved 2.5 Å more: its list alone is rebuilt.
  f.positions_angstrom.row(nb.anions()[3]) += Eigen::RowVector3d(2.5, 0, 0);
  check_one_swap(f, ff, nb, rng);
  CHECK(nb.carbon_list_builds() == anions + 1);
  check_lists_cover_all_pairs(f, nb);
  // The carbon drift passes a quarter of the skin (0.4 Å, then 0.9 Å more: at least 0.5 Å from
  // where they were): all rebuilt.
  shake(0.3, 0.9);
  check_one_swap(f, ff, nb, rng);
  CHECK(nb.carbon_list_builds() == 2 * anions + 1);
  check_lists_cover_all_pairs(f, nb);
  // Many accepted swaps in one batch (the attempt's ΔE comes from per-anion sums kept up to date
  // as swaps are accepted): their ΔE add up to the brute-force change of the total energy.
  {
    const double e0 = total_short_range_ev(f, ff);
    const SwapStats st = swap_anions(f, ff, born_cut, lj_cut, 1e12, 60, rng, nb);
    REQUIRE(st.accepted == 60);
    CHECK(st.energy_change_ev == doctest::Approx(total_short_range_ev(f, ff) - e0).epsilon(1e-9).scale(1.0));
    // At a low temperature most attempts are refused, those accepted still add up.
    const double e1 = total_short_range_ev(f, ff);
    const SwapStats cold = swap_anions(f, ff, born_cut, lj_cut, 300, 400, rng, nb);
    CHECK(cold.accepted > 0);
    CHECK(cold.accepted < 400);
    CHECK(cold.energy_change_ev == doctest::Approx(total_short_range_ev(f, ff) - e1).epsilon(1e-9).scale(1.0));
  }
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
