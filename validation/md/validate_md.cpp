// Validation of the md stage (ctest label `validation`; results in validation/md/RESULTS.md).
//   * periodic rock-salt NaCl and NaI at 0 K: lattice constant and lattice energy of the
//     potentials/ force field against the published Tosi–Fumi figures;
//   * NPT at 300 K against experiment (short by default; NANOMIX_VALIDATION_FULL=1 or
//     run_validation.sh --full for a longer run);
//   * the plain cut-off Coulomb of the cluster in the tube against a direct pairwise sum;
//   * NVE energy drift of the demo system at the default 2 fs time step.
// Every figure is printed as a table row so RESULTS.md can be refreshed from the output.
#include <doctest/doctest.h>

#include <unistd.h>

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
#include "sim/lammps_session.hpp"
#include "sim/md_params.hpp"
#include "sim/md_run.hpp"
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
ForceField load_ff() { return ForceField::load(src + "/potentials/tosi_fumi_bmh.txt", src + "/potentials/carbon_ion_lj.txt"); }
std::string tmp(const std::string& name) { return "/tmp/nanomix_val_" + std::to_string(::getpid()) + "_" + name; }

void row(const std::string& what, double value, double reference, const std::string& unit, double tol_percent) {
  const double err = 100 * (value - reference) / std::abs(reference);
  std::cout << "| " << what << " | " << std::setprecision(6) << value << " " << unit << " | " << reference << " " << unit
            << " | " << std::setprecision(3) << err << " % | " << tol_percent << " % |" << std::endl;
}

/// Periodic rock-salt crystal (4×4×4 cells) as a LAMMPS session with born/coul/long.
void crystal_session(LammpsSession& lmp, int anion, double a, const ForceField& ff, const std::string& kspace) {
  const Frame f = rocksalt_crystal(anion, a, 4, 4, 4);
  const std::string data = tmp("crystal.data");
  {
    std::ofstream o(data);
    o << std::setprecision(12) << "rock salt\n\n" << f.size() << " atoms\n2 atom types\n\n";
    const double l = 4 * a;
    o << "0 " << l << " xlo xhi\n0 " << l << " ylo yhi\n0 " << l << " zlo zhi\n\nMasses\n\n1 "
      << element(sodium).mass_amu << "\n2 " << element(anion).mass_amu << "\n\nAtoms # charge\n\n";
    for (std::size_t i = 0; i < f.size(); ++i) {
      const bool na = f.atomic_numbers[i] == sodium;
      o << i + 1 << " " << (na ? 1 : 2) << " " << ff.charge_e.at(f.atomic_numbers[i]) << " "
        << f.positions_angstrom(static_cast<Eigen::Index>(i), 0) << " " << f.positions_angstrom(static_cast<Eigen::Index>(i), 1)
        << " " << f.positions_angstrom(static_cast<Eigen::Index>(i), 2) << "\n";
    }
  }
  lmp.command("units metal\natom_style charge\nboundary p p p\nread_data " + data);
  lmp.command("pair_style born/coul/long 9.0");
  const int z[2] = {sodium, anion};
  for (int i = 0; i < 2; ++i) {
    for (int j = i; j < 2; ++j) {
      const BornPair& b = ff.born.at(species_pair(z[i], z[j]));
      std::ostringstream c;
      c << std::setprecision(10) << "pair_coeff " << i + 1 << " " << j + 1 << " " << b.a_ev << " " << b.rho_angstrom << " "
        << b.sigma_angstrom << " " << b.c_ev_angstrom6 << " " << b.d_ev_angstrom8;
      lmp.command(c.str());
    }
  }
  lmp.command("pair_modify tail yes\nkspace_style " + kspace + "\nneighbor 2.0 bin\nthermo_style custom step pe lx press");
  std::remove(data.c_str());
}
}  // namespace

TEST_CASE("rock-salt NaCl and NaI at 0 K: lattice constant and lattice energy (Tosi-Fumi)") {
  const ForceField ff = load_ff();
  struct Case {
    int anion;
    double a_ref, e_ref;  // published: forcefield.md (Tosi-Fumi model, LAMMPS Ewald 1e-7)
    const char* name;
  } cases[] = {{chlorine, 5.618, -8.06, "NaCl"}, {iodine, 6.372, 0, "NaI"}};
  for (const auto& c : cases) {
    LammpsSession lmp({"-log", tmp("lammps.log"), "-screen", "none"});
    crystal_session(lmp, c.anion, c.a_ref * 1.01, ff, "ewald 1e-7");
    lmp.command("fix relax all box/relax iso 0.0 vmax 0.001\nmin_style cg\nminimize 0 1e-10 20000 200000");
    lmp.command("unfix relax\nminimize 0 1e-10 2000 20000");
    const double a = lmp.thermo("lx") / 4, e = lmp.thermo("pe") / 256;
    row(std::string(c.name) + " a at 0 K", a, c.a_ref, "Å", 0.3);
    CHECK(std::abs(a / c.a_ref - 1) < 0.003);
    if (c.e_ref != 0) {
      row(std::string(c.name) + " lattice energy at 0 K", e, c.e_ref, "eV/pair", 0.5);
      CHECK(std::abs(e / c.e_ref - 1) < 0.005);
    } else {
      std::cout << "| " << c.name << " lattice energy at 0 K | " << e << " eV/pair | (no reference) | | |" << std::endl;
    }
  }
}

TEST_CASE("rock-salt NaCl and NaI, NPT at 300 K, against experiment") {
  const ForceField ff = load_ff();
  const int equil = full() ? 10000 : 1500, average = full() ? 25000 : 2500;  // 2 fs steps
  struct Case {
    int anion;
    double a_exp;  // experiment at room temperature
    const char* name;
  } cases[] = {{chlorine, 5.64, "NaCl"}, {iodine, 6.47, "NaI"}};
  for (const auto& c : cases) {
    LammpsSession lmp({"-log", tmp("lammps.log"), "-screen", "none"});
    crystal_session(lmp, c.anion, c.a_exp, ff, "pppm 1e-5");
    lmp.command("timestep 0.002\nvelocity all create 300 4928 mom yes rot yes dist gaussian");
    lmp.command("fix npt all npt temp 300 300 0.1 iso 0 0 1.0\nthermo 500\nrun " + std::to_string(equil));
    lmp.command("reset_timestep 0\nvariable a equal lx/4\nfix avg all ave/time 10 " + std::to_string(average / 10) + " " + std::to_string(average) +
                " v_a\nrun " + std::to_string(average));
    lmp.command("variable abar equal f_avg");
    const double a = lmp.variable("abar");
    row(std::string(c.name) + " a, NPT 300 K (" + std::to_string(2 * (equil + average) / 1000) + " ps)", a, c.a_exp, "Å", 1.0);
    CHECK(std::abs(a / c.a_exp - 1) < 0.01);
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
)";
}

TEST_CASE("cluster Coulomb: plain 80 Å cut-off vs a direct pairwise sum") {
  const Config cfg = parse_config(demo_ini, "demo");
  const Structure s = build_structure(StructureParams::table().read(cfg));
  const ForceField ff = load_ff();
  // A disordered cluster: positions after a short hot run of the real set-up, so that the test is
  // not done on a perfect lattice.
  MdParams p = MdParams::table().read(cfg);
  const std::string data = tmp("cluster.data");
  { std::ofstream(data) << lammps_data_file(s.frame, ff); }
  std::vector<double> x;
  std::vector<int> types;
  {
    LammpsSession lmp({"-log", tmp("lammps.log"), "-screen", "none"});
    lmp.command(lammps_setup_commands(p, ff, data, s.frame.size() - s.carbon_count));
    lmp.command("velocity ions create 900 11 mom yes rot yes\nfix th ions nvt temp 900 900 0.1\nrun 1000");
    x = lmp.gather3("x");
    types = lmp.gather_types();
  }
  // Coulomb only, ions only: LAMMPS with the same cut-off as the md stage.
  std::vector<double> q;
  std::vector<Eigen::Vector3d> r;
  for (std::size_t i = 0; i < types.size(); ++i) {
    if (types[i] == 1) continue;
    q.push_back(types[i] == 2 ? 1.0 : -1.0);
    r.emplace_back(x[3 * i], x[3 * i + 1], x[3 * i + 2]);
  }
  const std::size_t n = q.size();
  double e_direct = 0, max_dist = 0;
  std::vector<Eigen::Vector3d> f_direct(n, Eigen::Vector3d::Zero());
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const Eigen::Vector3d d = r[i] - r[j];
      const double dist = d.norm();
      max_dist = std::max(max_dist, dist);
      e_direct += units::coulomb_ev_angstrom * q[i] * q[j] / dist;
      const Eigen::Vector3d fij = units::coulomb_ev_angstrom * q[i] * q[j] / (dist * dist * dist) * d;
      f_direct[i] += fij;
      f_direct[j] -= fij;
    }
  }
  for (double cut : {80.0, 40.0}) {
    const std::string d2 = tmp("ions.data");
    {
      std::ofstream o(d2);
      o << std::setprecision(12) << "ions\n\n" << n << " atoms\n2 atom types\n\n-200 300 xlo xhi\n-200 300 ylo yhi\n-200 300 zlo zhi\n\nMasses\n\n1 23\n2 35\n\nAtoms # charge\n\n";
      for (std::size_t i = 0; i < n; ++i) o << i + 1 << " " << (q[i] > 0 ? 1 : 2) << " " << q[i] << " " << r[i].x() << " " << r[i].y() << " " << r[i].z() << "\n";
    }
    LammpsSession lmp({"-log", tmp("lammps.log"), "-screen", "none"});
    lmp.command("units metal\natom_style charge\natom_modify map array\nboundary f f f\nread_data " + d2);
    std::ostringstream c;
    c << "pair_style coul/cut " << cut << "\npair_coeff * *\nneighbor 2.0 bin\nneigh_modify one 10000 page 200000\nrun 0";
    lmp.command(c.str());
    std::remove(d2.c_str());
    const double e = lmp.thermo("pe");
    const std::vector<double> f = lmp.gather3("f");
    double num = 0, den = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const Eigen::Vector3d fl(f[3 * i], f[3 * i + 1], f[3 * i + 2]);
      num += (fl - f_direct[i]).squaredNorm();
      den += f_direct[i].squaredNorm();
    }
    const double force_rms = 100 * std::sqrt(num / den);
    const double e_err = 100 * std::abs(e - e_direct) / std::abs(e_direct);
    std::cout << "| Coulomb energy, cut-off " << cut << " Å (cluster spans " << max_dist << " Å) | " << std::setprecision(8) << e
              << " eV | direct sum " << e_direct << " eV | " << std::setprecision(3) << e_err << " % | 0.1 % |" << std::endl;
    std::cout << "| Coulomb forces, cut-off " << cut << " Å, relative RMS error | " << force_rms << " % | direct sum | | 1 % |"
              << std::endl;
    if (cut == 80.0) {
      CHECK(max_dist < cut);
      CHECK(e_err < 0.1);
      CHECK(force_rms < 1.0);
    }
  }
  std::remove(data.c_str());
}

TEST_CASE("NVE energy drift of the demo system at 2 fs (default) and 4 fs (configs/demo_long.ini)") {
  const Config cfg = parse_config(demo_ini, "demo");
  const Structure s = build_structure(StructureParams::table().read(cfg));
  const ForceField ff = load_ff();
  for (const double dt_fs : {2.0, 4.0}) {
    MdParams p = MdParams::table().read(cfg);
    p.timestep_fs = dt_fs;
    const std::string data = tmp("nve.data");
    { std::ofstream(data) << lammps_data_file(s.frame, ff); }
    LammpsSession lmp({"-log", tmp("lammps.log"), "-screen", "none"});
    lmp.command(lammps_setup_commands(p, ff, data, s.frame.size() - s.carbon_count));
    lmp.command("velocity ions create 600 5 mom yes rot yes\nfix th ions nvt temp 600 600 0.1\nrun " +
                std::to_string(static_cast<int>(2000 / dt_fs)) + "\nunfix th");
    lmp.command("fix nve ions nve\nrun 0");
    const int steps = static_cast<int>((full() ? 50000 : 10000) / dt_fs);  // 10 ps (--full: 50 ps)
    const double e0 = lmp.thermo("etotal");
    double worst = 0;
    for (int k = 0; k < 10; ++k) {
      lmp.command("run " + std::to_string(steps / 10));
      worst = std::max(worst, std::abs(lmp.thermo("etotal") - e0));
    }
    const double drift = lmp.thermo("etotal") - e0, ps = steps * p.timestep_fs / 1000;
    std::cout << "| NVE drift, 400 ions at ~600 K, " << p.timestep_fs << " fs, " << ps << " ps | " << drift << " eV (max |ΔE| "
              << worst << " eV) = " << drift / ps / 400 * 1e6 << " µeV/ps/ion | bounded by 0.05 eV | | |" << std::endl;
    CHECK(worst < 0.05);
    std::remove(data.c_str());
  }
}
