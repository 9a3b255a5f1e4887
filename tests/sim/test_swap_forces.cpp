// A swap run continues LAMMPS with `run … pre no` after each swap batch (sim/md_system.cpp); after
// accepted swaps LammpsSession::refresh_forces first recomputes the forces for the new species on
// the neighbour lists LAMMPS holds. Checked by brute force against LAMMPS' own full set-up (`run 0`,
// or a run with `pre yes`: neighbour lists rebuilt, atoms sorted, forces and fixes set up):
//  * the forces and the potential energy left by refresh_forces equal the full set-up's (1e-10),
//    while the forces before it (the old species') do not;
//  * 25 steps continued with `pre no` after the refresh follow the fully set-up run (round-off),
//    25 steps with `pre no` without it (the old species' forces in the first half-kick) do not.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "app/config_schema.hpp"
#include "core/config.hpp"
#include "core/elements.hpp"
#include "core/parallel.hpp"
#include "sim/forcefield.hpp"
#include "sim/lammps_input.hpp"
#include "sim/lammps_session.hpp"
#include "sim/md_params.hpp"
#include "sim/structure.hpp"

using namespace nanomix;
using namespace nanomix::sim;

namespace {

const std::string src = NANOMIX_SOURCE_DIR;
// Under mpirun (ctest test_swap_forces_mpi2) MPI is initialised before LAMMPS starts, so that every
// session runs on both ranks, and finalised at exit.
const MpiSession mpi_session(nullptr, nullptr);

/// 64 ions (half the anions iodide) in a rigid (14,14) tube of 40 Å, the demo's cut-offs
/// (Coulomb 80 Å: every ion pair in one neighbour list).
struct System {
  Structure s;
  MdParams p;
  ForceField ff;
  std::string data;
  System() {
    const Config c = parse_config(R"([structure]
tube_n = 14
tube_m = 14
tube_length_angstrom = 40
ion_pairs = 32
iodide_fraction = 0.5
arrangement = random_mixed
seed = 4
[md]
melt_ps = 0
)",
                                  "t.ini");
    s = build_structure(StructureParams::table().read(c));
    p = MdParams::table().read(c);
    ff = ForceField::load(src + "/potentials/tosi_fumi_bmh.txt", src + "/potentials/carbon_ion_lj.txt");
    data = "/tmp/nanomix_test_swapf_" + std::to_string(::getpid()) + ".data";
    std::ofstream(data) << lammps_data_file(s.frame, ff);
  }
  ~System() { std::remove(data.c_str()); }

  /// LAMMPS with the md stage's set-up and a thermostat ramping 600 → 500 K over steps 0–80 as
  /// the md stage defines it for a frame, 30 of those steps behind it (the neighbour lists then
  /// are some steps old and the atoms have moved since they were built).
  void start(LammpsSession& lmp, Thermostat thermostat = Thermostat::nose_hoover) const {
    MdParams q = p;
    q.thermostat = thermostat;
    lmp.command(lammps_setup_commands(q, ff, data, s.frame.size() - s.carbon_count));
    lmp.command("velocity ions create 600 11 mom yes rot yes dist gaussian");
    lmp.command(thermostat_fix_commands(q, 600, 500, 1));
    lmp.command("run 30 start 0 stop 80 post no");
  }

  /// Swaps the first 4 Cl with the first 4 I (LAMMPS types by ID afterwards; `changed`: their IDs).
  std::vector<int> swap(LammpsSession& lmp, std::vector<int>* changed = nullptr) const {
    std::vector<int> to_cl, to_i, types(s.frame.size());
    for (std::size_t i = 0; i < s.frame.size(); ++i) {
      const int z = s.frame.atomic_numbers[i];
      int now = z;
      if (z == chlorine && to_i.size() < 4) {
        to_i.push_back(static_cast<int>(i) + 1);
        now = iodine;
      } else if (z == iodine && to_cl.size() < 4) {
        to_cl.push_back(static_cast<int>(i) + 1);
        now = chlorine;
      }
      types[i] = lammps_type_of(now);
    }
    REQUIRE(to_cl.size() == 4);
    REQUIRE(to_i.size() == 4);
    lmp.command(swap_species_commands(to_cl, to_i));
    if (changed) {
      *changed = to_cl;
      changed->insert(changed->end(), to_i.begin(), to_i.end());
    }
    return types;
  }
};

// Both NaN-propagating (a NaN anywhere makes the result NaN, and every check below then fails).
double max_abs(const std::vector<double>& a) {
  double m = 0;
  for (double v : a) {
    if (!(std::abs(v) <= m)) m = std::abs(v);
  }
  return m;
}
double max_diff(const std::vector<double>& a, const std::vector<double>& b) {
  REQUIRE(a.size() == b.size());
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!(std::abs(a[i] - b[i]) <= m)) m = std::abs(a[i] - b[i]);
  }
  return m;
}

const std::vector<int> anion_types = {lammps_type_of(chlorine), lammps_type_of(iodine)};

}  // namespace

TEST_CASE("after a swap, refresh_forces leaves the forces and energy of a full LAMMPS set-up") {
  const System sys;
  LammpsSession lmp;
  sys.start(lmp);
  const std::vector<double> before = lmp.gather3("f");
  std::vector<int> changed;
  const std::vector<int> types = sys.swap(lmp, &changed);
  REQUIRE(lmp.refresh_forces(types, anion_types, 0, 80, changed));
  const std::vector<double> refreshed = lmp.gather3("f");
  const double pe_refreshed = lmp.thermo("pe");  // needs the energy tallied at this step
  lmp.command("run 0");                           // LAMMPS' own: neighbour build, sort, forces
  const std::vector<double> full = lmp.gather3("f");
  const double pe_full = lmp.thermo("pe");
  const double scale = max_abs(full);
  REQUIRE(scale > 0.1);  // eV/Å
  MESSAGE("max |F| " << scale << " eV/Å; refreshed vs full " << max_diff(refreshed, full) << ", old species' vs full "
                     << max_diff(before, full));
  CHECK(max_diff(refreshed, full) <= 1e-10 * scale);
  CHECK(std::abs(pe_refreshed - pe_full) <= 1e-10 * std::abs(pe_full));
  CHECK(max_diff(before, full) > 1e-3 * scale);  // the swap changed the forces: the check can fail
}

TEST_CASE("refresh_forces refuses types LAMMPS does not hold, and leaves the forces alone") {
  const System sys;
  LammpsSession lmp;
  sys.start(lmp);
  const std::vector<double> before = lmp.gather3("f");
  std::vector<int> types(sys.s.frame.size());
  for (std::size_t i = 0; i < types.size(); ++i) types[i] = lammps_type_of(sys.s.frame.atomic_numbers[i]);
  std::vector<int> wrong = types;
  for (int& t : wrong) {
    if (t == lammps_type_of(chlorine)) {
      t = lammps_type_of(iodine);  // nanomix would think an atom swapped that LAMMPS never changed
      break;
    }
  }
  CHECK_FALSE(lmp.refresh_forces(wrong, anion_types, 0, 80, {}));
  CHECK_FALSE(lmp.refresh_forces(types, {lammps_type_of(carbon), lammps_type_of(iodine)}, 0, 80, {}));  // other cut-offs
  CHECK(max_diff(before, lmp.gather3("f")) == 0.0);
  LammpsSession fresh;  // no run yet: nothing to refresh
  fresh.command(lammps_setup_commands(sys.p, sys.ff, sys.data, sys.s.frame.size() - sys.s.carbon_count));
  CHECK_FALSE(fresh.refresh_forces(types, anion_types, 0, 80, {}));
}

TEST_CASE("25 steps with `pre no` after the refresh follow the fully set-up run; without it they do not") {
  const System sys;
  for (const Thermostat th : {Thermostat::nose_hoover, Thermostat::berendsen}) {
    CAPTURE(static_cast<int>(th));
    auto positions_after = [&](const std::string& mode) {
      LammpsSession lmp;
      sys.start(lmp, th);
      std::vector<int> changed;
      const std::vector<int> types = sys.swap(lmp, &changed);
      if (mode == "refresh") REQUIRE(lmp.refresh_forces(types, anion_types, 0, 80, changed));
      if (mode == "refresh-all") REQUIRE(lmp.refresh_forces(types, anion_types, 0, 80, {}));
      lmp.command(mode == "full" ? "run 25 start 0 stop 80 post no" : "run 25 start 0 stop 80 pre no post no");
      return lmp.gather3("x");
    };
    const std::vector<double> full = positions_after("full");
    const std::vector<double> refreshed = positions_after("refresh");
    const std::vector<double> refreshed_all = positions_after("refresh-all");  // the full pair computation
    const std::vector<double> stale = positions_after("stale");
    MESSAGE("max |Δx| after 25 steps: refreshed " << max_diff(refreshed, full) << " Å, stale "
                                                   << max_diff(stale, full) << " Å");
    CHECK(max_abs(full) < 1e3);               // finite, inside the box
    CHECK(max_diff(refreshed, full) < 1e-9);  // Å: round-off of a different summation order
    CHECK(max_diff(refreshed_all, full) < 1e-9);
    CHECK(max_diff(stale, full) > 1e-5);      // the old species' forces in the first half-kick
  }
}
