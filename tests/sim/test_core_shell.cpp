// The core–shell force field (potentials/core_shell.txt, issue 12 item 2): the file's parsing and
// its refusals, the [md] force_field key, and the bulk energy of a LAMMPS core–shell crystal
// against an independent lattice sum (Madelung + Born–Mayer–Huggins over lattice vectors).
#include <doctest/doctest.h>

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "app/config_schema.hpp"
#include "core/config.hpp"
#include "core/elements.hpp"
#include "core/error.hpp"
#include "core/params.hpp"
#include "sim/forcefield.hpp"
#include "sim/lammps_input.hpp"
#include "sim/lammps_session.hpp"
#include "sim/md_params.hpp"
#include "sim/rocksalt.hpp"

using namespace nanomix;
using namespace nanomix::sim;

namespace {
const std::string src = NANOMIX_SOURCE_DIR;
const std::string lj = src + "/potentials/carbon_ion_lj.txt";
std::string tmp(const std::string& name) { return "/tmp/nanomix_tcs_" + std::to_string(::getpid()) + "_" + name; }

/// The core–shell file with `from` replaced by `to` (regex), written to a temporary file.
std::string edited(const std::string& from, const std::string& to) {
  std::ifstream in(src + "/potentials/core_shell.txt");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string out = std::regex_replace(text, std::regex(from), to);
  REQUIRE(out != text);
  const std::string path = tmp("ff.txt");
  std::ofstream(path) << out;
  return path;
}

std::string load_error(const std::string& path) {
  try {
    (void)ForceField::load(path, lj);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("core_shell.txt: shells of Cl and I with the published polarisabilities; rigid Na") {
  const ForceField ff = ForceField::load(src + "/potentials/core_shell.txt", lj);
  CHECK(ff.kind == ForceFieldKind::core_shell);
  REQUIRE(ff.has_shell(chlorine));
  REQUIRE(ff.has_shell(iodine));
  CHECK_FALSE(ff.has_shell(sodium));
  // Tessman, Kahn & Shockley, Phys. Rev. 92, 890 (1953): Cl- 2.96, I- 6.43 Å³ (α = Y² e²/(4πε0 k)).
  CHECK(ff.shells.at(chlorine).polarisability_angstrom3() == doctest::Approx(2.96).epsilon(1e-4));
  CHECK(ff.shells.at(iodine).polarisability_angstrom3() == doctest::Approx(6.43).epsilon(1e-4));
  for (int z : {chlorine, iodine}) CHECK(ff.shells.at(z).core_e + ff.shells.at(z).shell_e == doctest::Approx(-1.0));
  // Short range: the published Tosi–Fumi numbers, the same as the rigid-ion file's.
  const ForceField tf = ForceField::load(src + "/potentials/tosi_fumi_bmh.txt", lj);
  CHECK(tf.kind == ForceFieldKind::tosi_fumi);
  CHECK(tf.shells.empty());
  CHECK(ff.born.at(species_pair(sodium, chlorine)).a_ev == 0.210980);
  CHECK(ff.born.at(species_pair(iodine, iodine)).c_ev_angstrom6 == 244.667054);
}

TEST_CASE("core_shell.txt refusals: missing pair, shell without mass, charges not adding up, bad mass") {
  CHECK(load_error(edited("\nCl I [^\n]*", "\n")).find("no Cl–I pair") != std::string::npos);
  const std::string no_mass = load_error(edited("(shell +I +1.5005 +-2.5005 +14.0021) +0.5", "$1"));
  CHECK(no_mass.find("without a shell mass") != std::string::npos);
  CHECK(no_mass.rfind(tmp("ff.txt") + ":", 0) == 0);  // names the file and its line
  CHECK(load_error(edited("shell +Cl +1.5005", "shell Cl 1.6005")).find("differs from the ion's charge") != std::string::npos);
  CHECK(load_error(edited("(shell +I .*) 0.5\n", "$1 200\n")).find("shell mass") != std::string::npos);
  CHECK(load_error(edited("(shell +I +1.5005 +-2.5005) +14.0021", "$1 -1")).find("spring constant") != std::string::npos);
  std::remove(tmp("ff.txt").c_str());
}

TEST_CASE("[md] force_field: core_shell picks the core-shell file; nanomix md refuses it; a mismatched file is refused") {
  const auto read = [](const std::string& md) {
    return MdParams::table().read(parse_config("[md]\n" + md, "t.ini"));
  };
  const MdParams tf = read("");
  CHECK(tf.force_field == ForceFieldKind::tosi_fumi);
  CHECK(tf.ion_potential_file.find("tosi_fumi_bmh.txt") != std::string::npos);
  const MdParams cs = read("force_field = core_shell\n");
  CHECK(cs.ion_potential_file.find("core_shell.txt") != std::string::npos);
  const ForceField ff_cs = ForceField::load(cs.ion_potential_file, cs.carbon_ion_potential_file);
  CHECK_NOTHROW(check_force_field(cs, ff_cs, false));
  CHECK_THROWS_AS(check_force_field(cs, ff_cs), ParamError);  // nanomix md: validation tools only
  const MdParams mismatched = read("ion_potential_file = potentials/core_shell.txt\n");
  CHECK_THROWS_AS(check_force_field(mismatched, ff_cs, false), ParamError);
  CHECK_THROWS_AS(read("force_field = drude\n"), InputError);
}

namespace {
/// Independent 0 K energy per ion pair of rock salt with lattice constant a: Madelung
/// (α_M = 1.747565) plus the Born–Mayer–Huggins terms summed over lattice vectors within `cut`.
double lattice_sum_energy_per_pair(const ForceField& ff, int anion, double a, double cut) {
  const double r0 = a / 2;
  double e = -1.747564594633 * 14.399645478 / r0;
  // Sites n·(a/2) with integer n; Na at even n1+n2+n3 seen from a Na: same species at even sums.
  const int m = static_cast<int>(cut / r0) + 1;
  double sr_na = 0, sr_x = 0;  // short-range sum around a Na and around an anion
  for (int i = -m; i <= m; ++i)
    for (int j = -m; j <= m; ++j)
      for (int k = -m; k <= m; ++k) {
        if (i == 0 && j == 0 && k == 0) continue;
        const double r = r0 * std::sqrt(double(i * i + j * j + k * k));
        if (r >= cut) continue;
        const bool same = (i + j + k) % 2 == 0;
        sr_na += (same ? ff.born.at(species_pair(sodium, sodium)) : ff.born.at(species_pair(sodium, anion))).energy_ev(r);
        sr_x += (same ? ff.born.at(species_pair(anion, anion)) : ff.born.at(species_pair(sodium, anion))).energy_ev(r);
      }
  return e + 0.5 * (sr_na + sr_x);
}
}  // namespace

TEST_CASE("core-shell crystal in LAMMPS: shells relax onto their cores and the energy is the lattice sum") {
  const ForceField ff = ForceField::load(src + "/potentials/core_shell.txt", lj);
  for (const auto& [anion, a] : {std::pair{chlorine, 5.64}, std::pair{iodine, 6.47}}) {
    const Frame f = rocksalt_crystal(anion, a, 3, 3, 3);
    const std::string data = tmp("crystal.data");
    { std::ofstream(data) << lammps_core_shell_crystal_data_file(f, ff, 0.1); }  // shells 0.1 Å off
    LammpsSession lmp({"-log", "none", "-screen", "none"});
    lmp.command("units metal\natom_style full\nboundary p p p\nbond_style harmonic\nread_data " + data);
    lmp.command(lammps_core_shell_crystal_pair_commands(anion, ff, 8.0));
    lmp.command("kspace_style ewald 1e-8\nneighbor 2.0 bin\nthermo_style custom step pe");
    lmp.command("run 0");
    const double e_start = lmp.thermo("pe") / 108;
    lmp.command("min_style cg\nminimize 0 1e-10 5000 50000");
    const double e_lmp = lmp.thermo("pe") / 108;
    std::remove(data.c_str());
    const double e_ref = lattice_sum_energy_per_pair(ff, anion, a, 8.0);
    CHECK(e_start > e_lmp + 0.01);  // the displaced shells cost energy (spring and field)
    CHECK(e_lmp == doctest::Approx(e_ref).epsilon(2e-5));
    MESSAGE(element(anion).symbol << ": LAMMPS core-shell " << e_lmp << " eV/pair, lattice sum " << e_ref << " eV/pair");
  }
}

TEST_CASE("core-shell cluster set-up: an anion's shell in a point charge's field moves by |Y| E / k (own-shell Coulomb excluded)") {
  // Na⁺ and X⁻ 12 Å apart, both cores held: the shell obeys k d = |Y| e²/(4πε₀ (R − d)²) (the
  // short range is negligible at 12 Å: < 1e-5 of the spring force); solved here by fixed point.
  const ForceField ff = ForceField::load(src + "/potentials/core_shell.txt", lj);
  for (int anion : {chlorine, iodine}) {
    const double r = 12.0;
    Frame f;
    f.positions_angstrom = Positions(2, 3);
    f.positions_angstrom << 0, 0, 0, r, 0, 0;
    f.atomic_numbers = {sodium, anion};
    const std::string data = tmp("pair.data");
    { std::ofstream(data) << lammps_core_shell_data_file(f, ff); }
    MdParams p;
    p.coulomb_cutoff_angstrom = 30;
    LammpsSession lmp({"-log", tmp("pair.log"), "-screen", "none"});
    lmp.command(lammps_core_shell_setup_commands(p, ff, data, 2));
    lmp.command("neighbor 2.0 nsq\ngroup held id 1 2\nfix hold held setforce 0 0 0\nmin_style cg\nminimize 0 1e-12 1000 10000");
    const std::vector<double> x = lmp.gather3("x");
    std::remove(data.c_str());
    const ShellParams& sp = ff.shells.at(anion);
    double d = 0;
    for (int it = 0; it < 50; ++it) d = std::abs(sp.shell_e) * 14.399645478 / ((r - d) * (r - d)) / sp.spring_ev_per_angstrom2;
    const double d_lmp = r - x[6];  // the shell (id 3) moves towards Na⁺
    CHECK(d_lmp == doctest::Approx(d).epsilon(1e-3));
    CHECK(std::abs(x[7]) < 1e-9);
    MESSAGE(element(anion).symbol << " shell displacement: LAMMPS " << d_lmp << " Å, analytic " << d << " Å");
  }
}
