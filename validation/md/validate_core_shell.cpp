// Validation of the adiabatic core–shell model (potentials/core_shell.txt; issue 12 item 2),
// results in validation/md/RESULTS.md "Core–shell model":
//   * periodic rock-salt NaCl and NaI at 0 K (born/coul/long/cs, Ewald 1e-7, box relaxed, shells
//     started off their cores): lattice constant and lattice energy against experiment, and the
//     shells' final displacement (zero by inversion symmetry, so the energy must equal the
//     rigid-ion Tosi–Fumi value: checked against the rigid-ion run in the same program);
//   * NPT at 300 K against the room-temperature lattice constants (short by default);
//   * the finite cluster's plain Coulomb sum (coul/cut longer than the cluster, own-shell pair
//     excluded by special_bonds) against an independent direct sum in Python/numpy
//     (validation/md/coulomb_direct_sum.py) over LAMMPS' own write_data of the same state;
//   * NVE energy drift of the demo cluster (200 pairs in a (20,20) tube) at 0.5 and 1 fs.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "app/config_schema.hpp"
#include "core/config.hpp"
#include "core/elements.hpp"
#include "core/units.hpp"
#include "sim/forcefield.hpp"
#include "sim/lammps_input.hpp"
#include "sim/lammps_session.hpp"
#include "sim/md_params.hpp"
#include "sim/rocksalt.hpp"
#include "sim/structure.hpp"

using namespace nanomix;
using namespace nanomix::sim;

namespace {
const std::string src = NANOMIX_SOURCE_DIR;
bool full() {
  const char* v = std::getenv("NANOMIX_VALIDATION_FULL");
  return v && std::string(v) == "1";
}
ForceField load_cs() { return ForceField::load(src + "/potentials/core_shell.txt", src + "/potentials/carbon_ion_lj.txt"); }
ForceField load_tf() { return ForceField::load(src + "/potentials/tosi_fumi_bmh.txt", src + "/potentials/carbon_ion_lj.txt"); }
std::string tmp(const std::string& name) { return "/tmp/nanomix_cs_" + std::to_string(::getpid()) + "_" + name; }

void row(const std::string& what, double value, double reference, const std::string& ref_name, const std::string& unit, double tol_percent) {
  const double err = 100 * (value - reference) / std::abs(reference);
  std::cout << "| " << what << " | " << std::setprecision(6) << value << " " << unit << " | " << reference << " " << unit << " (" << ref_name
            << ") | " << std::setprecision(3) << err << " % | " << tol_percent << " % |" << std::endl;
}

/// Periodic rock-salt crystal (4×4×4 cells), core–shell, with a kspace style.
void cs_crystal(LammpsSession& lmp, int anion, double a, const ForceField& ff, const std::string& kspace, double shell_offset) {
  const std::string data = tmp("crystal.data");
  { std::ofstream(data) << lammps_core_shell_crystal_data_file(rocksalt_crystal(anion, a, 4, 4, 4), ff, shell_offset); }
  lmp.command("units metal\natom_style full\nboundary p p p\nbond_style harmonic\nread_data " + data);
  lmp.command(lammps_core_shell_crystal_pair_commands(anion, ff, 9.0));
  lmp.command("pair_modify tail yes\nkspace_style " + kspace + "\nneighbor 2.0 bin\ncomm_modify vel yes\nthermo_style custom step temp pe lx press");
  std::remove(data.c_str());
}

// Experiment. Lattice constants at room temperature (DESIGN.md; NaCl 5.640 Å, NaI 6.473 Å).
// Lattice energies (Born–Haber cycle, 298 K): NaCl 787 kJ/mol, NaI 704 kJ/mol (CRC Handbook of
// Chemistry and Physics, "Lattice energies" table) = 8.157 and 7.296 eV per ion pair.
constexpr double kj_per_mol_per_ev = 96.4853;
}  // namespace

TEST_CASE("core-shell rock-salt NaCl and NaI at 0 K: lattice constant, lattice energy, shells at rest") {
  const ForceField cs = load_cs(), tf = load_tf();
  struct Case {
    int anion;
    double a_exp, e_exp_kj;
    const char* name;
  } cases[] = {{chlorine, 5.64, 787, "NaCl"}, {iodine, 6.47, 704, "NaI"}};
  for (const auto& c : cases) {
    double a_cs = 0, e_cs = 0, shell_max = 0;
    {
      LammpsSession lmp({"-log", tmp("lammps.log"), "-screen", "none"});
      cs_crystal(lmp, c.anion, c.a_exp, cs, "ewald 1e-7", 0.05);  // shells start 0.05 Å off their cores
      lmp.command("fix relax all box/relax iso 0.0 vmax 0.001\nmin_style cg\nminimize 0 1e-10 20000 200000");
      lmp.command("unfix relax\nminimize 0 1e-10 2000 20000");
      a_cs = lmp.thermo("lx") / 4;
      e_cs = lmp.thermo("pe") / 256;
      const std::vector<double> x = lmp.gather3("x");
      // ids 1..512: the crystal's atoms (anions at even ids? no: whatever rocksalt_crystal gives), then
      // 256 shells bonded to the anions in order: compare each shell with its core.
      std::vector<std::size_t> anion_ids;
      const Frame f = rocksalt_crystal(c.anion, c.a_exp, 4, 4, 4);
      for (std::size_t i = 0; i < f.size(); ++i) if (f.atomic_numbers[i] == c.anion) anion_ids.push_back(i);
      for (std::size_t k = 0; k < anion_ids.size(); ++k) {
        double d2 = 0;
        for (int j = 0; j < 3; ++j) {
          double d = x[3 * (f.size() + k) + j] - x[3 * anion_ids[k] + j];
          d -= std::round(d / (4 * a_cs)) * 4 * a_cs;
          d2 += d * d;
        }
        shell_max = std::max(shell_max, std::sqrt(d2));
      }
    }
    double a_tf = 0, e_tf = 0;
    {
      LammpsSession lmp({"-log", tmp("lammps.log"), "-screen", "none"});
      const std::string data = tmp("crystal_tf.data");
      { std::ofstream(data) << lammps_crystal_data_file(rocksalt_crystal(c.anion, c.a_exp, 4, 4, 4), tf); }
      lmp.command("units metal\natom_style charge\nboundary p p p\nread_data " + data);
      lmp.command(lammps_crystal_pair_commands(c.anion, tf, 9.0));
      lmp.command("pair_modify tail yes\nkspace_style ewald 1e-7\nneighbor 2.0 bin\nthermo_style custom step temp pe lx press");
      lmp.command("fix relax all box/relax iso 0.0 vmax 0.001\nmin_style cg\nminimize 0 1e-10 20000 200000");
      lmp.command("unfix relax\nminimize 0 1e-10 2000 20000");
      a_tf = lmp.thermo("lx") / 4;
      e_tf = lmp.thermo("pe") / 256;
      std::remove(data.c_str());
    }
    const double e_exp = -c.e_exp_kj / kj_per_mol_per_ev;
    row(std::string(c.name) + " a at 0 K (core-shell)", a_cs, c.a_exp, "experiment, room T", "Å", 1.0);
    row(std::string(c.name) + " lattice energy at 0 K (core-shell)", e_cs, e_exp, "experiment, Born-Haber", "eV/pair", 1.0);
    std::cout << "| " << c.name << " core-shell vs rigid-ion Tosi-Fumi, same protocol | a " << std::setprecision(8) << a_cs << " vs " << a_tf
              << " Å, E " << e_cs << " vs " << e_tf << " eV/pair | largest shell-core distance after relaxing " << std::setprecision(3)
              << shell_max << " Å | | |" << std::endl;
    // By inversion symmetry the relaxed shells sit on their cores and the energy is Tosi–Fumi's.
    CHECK(shell_max < 1e-3);
    CHECK(std::abs(a_cs - a_tf) < 2e-3);  // box/relax stops within ~1e-3 Å on the flat minimum (energies agree to 1e-5 eV)
    CHECK(std::abs(e_cs - e_tf) < 1e-4);
    // Experiment: reported, checked at the 2 % level (the 1 % target is in RESULTS.md, with the verdict).
    CHECK(std::abs(a_cs / c.a_exp - 1) < 0.02);
    CHECK(std::abs(e_cs / e_exp - 1) < 0.03);
  }
}

TEST_CASE("core-shell rock-salt NaCl and NaI, NPT at 300 K, against experiment") {
  const ForceField cs = load_cs();
  const int equil = full() ? 8000 : 2000, average = full() ? 16000 : 4000;  // 0.5 fs steps
  struct Case {
    int anion;
    double a_exp;
    const char* name;
  } cases[] = {{chlorine, 5.64, "NaCl"}, {iodine, 6.47, "NaI"}};
  for (const auto& c : cases) {
    LammpsSession lmp({"-log", tmp("lammps.log"), "-screen", "none"});
    cs_crystal(lmp, c.anion, c.a_exp, cs, "pppm 1e-5", 0.0);
    lmp.command("group cores type 2\ngroup shells type 3\ncompute tcs all temp/cs cores shells\nthermo_modify temp tcs");
    lmp.command("timestep 0.0005\nvelocity all create 300 4928 mom yes rot no dist gaussian bias yes temp tcs");
    lmp.command("fix npt all npt temp 300 300 0.1 iso 0 0 1.0\nfix_modify npt temp tcs\nthermo 500\nrun " + std::to_string(equil));
    lmp.command("reset_timestep 0\nvariable a equal lx/4\nfix avg all ave/time 10 " + std::to_string(average / 10) + " " +
                std::to_string(average) + " v_a\nrun " + std::to_string(average));
    lmp.command("variable abar equal f_avg");
    const double a = lmp.variable("abar");
    row(std::string(c.name) + " a, NPT 300 K, core-shell (" + std::to_string((equil + average) / 2000.0).substr(0, 4) + " ps)", a, c.a_exp,
        "experiment, room T", "Å", 1.0);
    CHECK(std::abs(a / c.a_exp - 1) < 0.02);
  }
}

namespace {
const char* demo_ini = R"([structure]
tube_n = 20
tube_m = 20
tube_length_angstrom = 60
ion_pairs = 200
iodide_fraction = 0.5
seed = 3
[md]
melt_ps = 0
timestep_fs = 0.5
)";
}

TEST_CASE("core-shell cluster Coulomb: plain 80 Å cut-off (own shell excluded) vs an independent direct sum") {
  const Config cfg = parse_config(demo_ini, "demo");
  const Structure s = build_structure(StructureParams::table().read(cfg));
  const ForceField ff = load_cs();
  MdParams p = MdParams::table().read(cfg);
  const std::string data = tmp("cluster.data"), state = tmp("state.data"), ions = tmp("ions.data"), out = tmp("direct.txt");
  { std::ofstream(data) << lammps_core_shell_data_file(s.frame, ff); }
  {
    // A disordered state with polarised shells: a short hot run of the real set-up.
    LammpsSession lmp({"-log", tmp("lammps.log"), "-screen", "none"});
    lmp.command(lammps_core_shell_setup_commands(p, ff, data, s.frame.size() - s.carbon_count));
    lmp.command("velocity ions create 900 11 mom yes rot yes bias yes temp tI\nfix th ions nvt temp 900 900 0.1\nfix_modify th temp tI\nrun 1000");
    lmp.command("group ionsonly type 2:" + std::to_string(core_shell_type_count(ff)) + "\ndelete_atoms group carbon bond yes\nreset_atom_ids");
    lmp.command("write_data " + state + " nocoeff");
  }
  // LAMMPS: Coulomb only, same cut-off and exclusion as the md set-up, on the written state.
  double e_lmp = 0;
  std::vector<double> f_lmp;
  std::vector<int> ids_lmp;
  double span = 0;
  {
    LammpsSession lmp({"-log", tmp("lammps.log"), "-screen", "none"});
    lmp.command("units metal\natom_style full\natom_modify map array\nboundary s s s\nbond_style zero\nspecial_bonds lj/coul 0.0 0.0 0.0\nread_data " + state);
    lmp.command("bond_coeff *\npair_style coul/cut 80\npair_coeff * *\nneighbor 2.0 bin\nneigh_modify one 10000 page 200000\nthermo_style custom step pe\nrun 0");
    e_lmp = lmp.thermo("pe");
    f_lmp = lmp.gather3("f");
    const std::vector<double> x = lmp.gather3("x");
    for (std::size_t i = 0; i < x.size() / 3; ++i)
      for (std::size_t j = i + 1; j < x.size() / 3; ++j)
        span = std::max(span, std::hypot(x[3 * i] - x[3 * j], x[3 * i + 1] - x[3 * j + 1], x[3 * i + 2] - x[3 * j + 2]));
  }
  const std::string cmd = "/usr/bin/python3 " + src + "/validation/md/coulomb_direct_sum.py " + state + " " + out;
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::ifstream in(out);
  double e_direct = 0;
  in >> e_direct;
  std::vector<double> f_direct;
  for (double v; in >> v;) f_direct.push_back(v);
  // The carbon was deleted and the ids renumbered 1..M (reset_atom_ids) before write_data: gather3
  // (by id) and the direct sum's sorted ids are the same order.
  const std::vector<double>& f_present = f_lmp;
  REQUIRE(f_present.size() == f_direct.size());
  double num = 0, den = 0;
  for (std::size_t i = 0; i < f_direct.size(); ++i) {
    num += (f_present[i] - f_direct[i]) * (f_present[i] - f_direct[i]);
    den += f_direct[i] * f_direct[i];
  }
  const double force_rms = 100 * std::sqrt(num / den), e_err = 100 * std::abs(e_lmp - e_direct) / std::abs(e_direct);
  std::cout << "| Core-shell Coulomb energy, cut-off 80 Å, own shell excluded (cluster spans " << std::setprecision(4) << span << " Å) | "
            << std::setprecision(10) << e_lmp << " eV | direct sum (numpy) " << e_direct << " eV | " << std::setprecision(3) << e_err
            << " % | 0.1 % |" << std::endl;
  std::cout << "| Core-shell Coulomb forces, relative RMS error | " << force_rms << " % | direct sum (numpy) | | 1 % |" << std::endl;
  CHECK(span < 80);
  CHECK(e_err < 0.1);
  CHECK(force_rms < 1.0);
  for (const auto& f : {data, state, ions, out}) std::remove(f.c_str());
}

TEST_CASE("core-shell NVE energy drift of the demo cluster at 0.5 fs and 1 fs") {
  const Config cfg = parse_config(demo_ini, "demo");
  const Structure s = build_structure(StructureParams::table().read(cfg));
  const ForceField ff = load_cs();
  for (const double dt_fs : {0.5, 1.0}) {
    MdParams p = MdParams::table().read(cfg);
    p.timestep_fs = dt_fs;
    const std::string data = tmp("nve.data");
    { std::ofstream(data) << lammps_core_shell_data_file(s.frame, ff); }
    LammpsSession lmp({"-log", tmp("lammps.log"), "-screen", "none"});
    lmp.command(lammps_core_shell_setup_commands(p, ff, data, s.frame.size() - s.carbon_count));
    lmp.command("fix hold carbon setforce 0 0 0\nminimize 0 1e-4 500 5000\nunfix hold");
    lmp.command("velocity ions create 600 5 mom yes rot yes bias yes temp tI\nfix th ions nvt temp 600 600 0.1\nfix_modify th temp tI\nrun " +
                std::to_string(static_cast<int>(1000 / dt_fs)) + "\nunfix th");
    lmp.command("fix nve ions nve\nrun 0");
    const int steps = static_cast<int>((full() ? 20000 : 5000) / dt_fs);  // 5 ps (--full: 20 ps)
    const double e0 = lmp.thermo("etotal");
    double worst = 0;
    for (int k = 0; k < 10; ++k) {
      lmp.command("run " + std::to_string(steps / 10));
      worst = std::max(worst, std::abs(lmp.thermo("etotal") - e0));
    }
    const double drift = lmp.thermo("etotal") - e0, ps = steps * dt_fs / 1000, t = lmp.compute_scalar("tI");
    std::cout << "| Core-shell NVE drift, 400 ions + 200 shells at ~600 K (T now " << std::setprecision(4) << t << " K), " << dt_fs << " fs, "
              << ps << " ps | " << drift << " eV (max |ΔE| " << worst << " eV) = " << drift / ps / 400 * 1e6 << " µeV/ps/ion | bounded by 0.05 eV | | |"
              << std::endl;
    if (dt_fs == 0.5) CHECK(worst < 0.05);
    std::remove(data.c_str());
  }
}

TEST_CASE("cost per simulated ps: core-shell (1 fs) against rigid-ion Tosi-Fumi (4 fs), demo cluster") {
  // Alternating A/B, three rounds, medians of the wall time per ps of NVT at 600 K (after a
  // 0.25 ps warm-up in each session); a ratio, measured in the same run.
  const Config cfg = parse_config(demo_ini, "demo");
  const Structure s = build_structure(StructureParams::table().read(cfg));
  const ForceField cs = load_cs(), tf = load_tf();
  auto seconds_per_ps = [&](bool core_shell) {
    MdParams p = MdParams::table().read(cfg);
    p.timestep_fs = core_shell ? 1.0 : 4.0;
    const std::string data = tmp("cost.data");
    { std::ofstream(data) << (core_shell ? lammps_core_shell_data_file(s.frame, cs) : lammps_data_file(s.frame, tf)); }
    LammpsSession lmp({"-log", "none", "-screen", "none"});
    const std::size_t ions = s.frame.size() - s.carbon_count;
    lmp.command(core_shell ? lammps_core_shell_setup_commands(p, cs, data, ions) : lammps_setup_commands(p, tf, data, ions));
    std::remove(data.c_str());
    lmp.command(std::string("velocity ions create 600 5 mom yes rot yes") + (core_shell ? " bias yes temp tI" : "") +
                "\nfix th ions nvt temp 600 600 0.1\n" + (core_shell ? "fix_modify th temp tI\n" : "") +
                "run " + std::to_string(core_shell ? 250 : 63));
    const auto t0 = std::chrono::steady_clock::now();
    lmp.command("run " + std::to_string(core_shell ? 1000 : 250));  // 1 ps
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  std::vector<double> a, b;
  for (int round = 0; round < 3; ++round) {
    b.push_back(seconds_per_ps(false));
    a.push_back(seconds_per_ps(true));
  }
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::cout << "| Cost per simulated ps, demo cluster at 600 K, 1 rank (median of 3 alternating rounds) | core-shell 1 fs " << std::setprecision(3)
            << a[1] << " s | Tosi-Fumi 4 fs " << b[1] << " s | ratio " << a[1] / b[1] << " | |" << std::endl;
  CHECK(a[1] > b[1]);
}
