// Unit tests of the md stage: knock-on physics against published numbers and a numerical
// integral, the force-field files, the swap energy change against LAMMPS' own energies, the
// observables on hand-made structures, and the input checks that must stop a run before LAMMPS.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "app/config_schema.hpp"
#include "core/config.hpp"
#include "core/elements.hpp"
#include "core/error.hpp"
#include "core/random.hpp"
#include "sim/forcefield.hpp"
#include "sim/knock_on.hpp"
#include "sim/lammps_session.hpp"
#include "sim/md_observables.hpp"
#include "sim/md_params.hpp"
#include "sim/md_run.hpp"
#include "sim/rocksalt.hpp"
#include "sim/structure.hpp"
#include "sim/swap_mc.hpp"

using namespace nanomix;
using namespace nanomix::sim;

namespace {
const std::string src = NANOMIX_SOURCE_DIR;
ForceField load_ff() { return ForceField::load(src + "/potentials/tosi_fumi_bmh.txt", src + "/potentials/carbon_ion_lj.txt"); }

// A small tube with a small cluster: fast to build and to run.
const char* small_ini = R"([structure]
tube_n = 10
tube_m = 10
tube_length_angstrom = 30
ion_pairs = 16
seed = 5
[md]
melt_ps = 0
)";
}  // namespace

TEST_CASE("knock-on: T_max at 80 kV matches the published values") {
  // ../shared/reference/forcefield.md: C 15.76, Na 8.23, Cl 5.34, I 1.49 eV (Banhart's tables give
  // the same to 0.01 eV). Masses: standard atomic weights.
  CHECK(max_transfer_ev(80e3, 12.011) == doctest::Approx(15.76).epsilon(0.003));
  CHECK(max_transfer_ev(80e3, 22.98977) == doctest::Approx(8.23).epsilon(0.003));
  CHECK(max_transfer_ev(80e3, 35.453) == doctest::Approx(5.34).epsilon(0.003));
  CHECK(max_transfer_ev(80e3, 126.90447) == doctest::Approx(1.49).epsilon(0.01));
  CHECK(electron_beta(80e3) == doctest::Approx(0.5024).epsilon(1e-3));
}

TEST_CASE("knock-on: McKinley-Feshbach total = numerical integral of dσ/dT; samples follow it") {
  const int z = sodium;
  const double m = 22.98977, e = 80e3, emin = 0.5, tmax = max_transfer_ev(e, m);
  const double b = electron_beta(e), za = z / 137.035999;
  const double re2 = 2.8179403262e-15 * 2.8179403262e-15 / 1e-28;
  auto dsig = [&](double t) {
    const double x = t / tmax;
    return M_PI * z * z * re2 * (1 - b * b) / std::pow(b, 4) * tmax / (t * t) * (1 - b * b * x + M_PI * za * b * (std::sqrt(x) - x));
  };
  // Simpson in log T.
  const int n = 20000;
  double integral = 0, first_moment = 0;
  const double l0 = std::log(emin), l1 = std::log(tmax), h = (l1 - l0) / n;
  for (int i = 0; i <= n; ++i) {
    const double t = std::exp(l0 + i * h), w = (i == 0 || i == n) ? 1 : (i % 2 ? 4 : 2);
    integral += w * dsig(t) * t;
    first_moment += w * dsig(t) * t * t;
  }
  integral *= h / 3;
  first_moment *= h / 3;
  CHECK(mckinley_feshbach_barn(z, m, e, emin) == doctest::Approx(integral).epsilon(1e-6));
  CHECK(mckinley_feshbach_barn(z, m, e, 100.0) == 0.0);
  // Sampled mean recoil energy vs the integral's mean; directions at cos²θ = T/T_max.
  Rng rng(42);
  double mean = 0;
  const int samples = 200000;
  for (int i = 0; i < samples; ++i) {
    const Recoil r = sample_recoil(z, m, e, emin, Eigen::Vector3d::UnitY(), rng);
    mean += r.energy_ev;
    REQUIRE(r.direction.norm() == doctest::Approx(1.0));
    REQUIRE(r.direction.y() * r.direction.y() == doctest::Approx(r.energy_ev / tmax).epsilon(1e-9));
  }
  CHECK(mean / samples == doctest::Approx(first_moment / integral).epsilon(0.01));
}

TEST_CASE("force field files: the published Tosi-Fumi numbers, and one-line errors") {
  const ForceField ff = load_ff();
  const BornPair& nacl = ff.born.at(species_pair(sodium, chlorine));
  CHECK(nacl.a_ev == 0.210980);
  CHECK(nacl.rho_angstrom == 0.317);
  CHECK(nacl.sigma_angstrom == doctest::Approx(1.170 + 1.585));  // Tosi-Fumi radii sum
  // E(2.8) by hand: A exp((σ−r)/ρ) − C/r⁶ + D/r⁸.
  CHECK(nacl.energy_ev(2.8) == doctest::Approx(0.21098 * std::exp((2.755 - 2.8) / 0.317) - 6.990487 / std::pow(2.8, 6) -
                                              8.675694 / std::pow(2.8, 8)));
  CHECK(ff.charge_e.at(iodine) == -1);
  CHECK(ff.carbon_ion.at(species_pair(carbon, iodine)).sigma_angstrom == 4.330);
  CHECK_THROWS_AS(ForceField::load("/nonexistent/ff.txt", src + "/potentials/carbon_ion_lj.txt"), InputError);
}

TEST_CASE("anion_sro and crystallinity on hand-made structures") {
  // Periodic NaCl-type crystal, 4x4x4 cells: 256 anions on an fcc lattice.
  Frame f = rocksalt_crystal(chlorine, 6.0, 4, 4, 4);
  CHECK(crystallinity(f).total == doctest::Approx(1.0));
  CHECK(crystallinity(f).nacl == doctest::Approx(1.0));
  // (001) layers of Cl and I alternating: each anion has 4 like and 8 unlike first-shell anions:
  // α = 1 − (8/12)/(2·½·½) = −1/3.
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f.atomic_numbers[i] == sodium) continue;
    const long layer = std::lround(f.positions_angstrom(static_cast<Eigen::Index>(i), 2) / 3.0);
    f.atomic_numbers[i] = layer % 2 ? iodine : chlorine;
  }
  CHECK(anion_sro(f, 5.0) == doctest::Approx(-1.0 / 3.0));
  // Two halves (x < L/2 Cl, else I) in the periodic box: unlike pairs only across the 2 interfaces.
  // Per interface (001)-type plane of 32 anions... count: each anion next to an interface plane has
  // 4 unlike neighbours across it; 2 interfaces × 2 sides × 32 anions × 4 / 2 = 256 unlike pairs of
  // 256·12/2 = 1536: α = 1 − (256/1536)/0.5 = 2/3.
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f.atomic_numbers[i] == sodium) continue;
    f.atomic_numbers[i] = f.positions_angstrom(static_cast<Eigen::Index>(i), 0) < 11.9 ? chlorine : iodine;
  }
  CHECK(anion_sro(f, 5.0) == doctest::Approx(2.0 / 3.0));
  // Random labels: α ≈ 0 (±0.05 for 1536 pairs, binomial spread).
  Rng rng(7);
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f.atomic_numbers[i] != sodium) f.atomic_numbers[i] = rng.uniform() < 0.5 ? chlorine : iodine;
  }
  CHECK(std::abs(anion_sro(f, 5.0)) < 0.08);
  // A gas of ions at random positions is not crystalline.
  Frame gas;
  gas.box = Box::orthorhombic(40, 40, 40, {false, false, false});
  gas.positions_angstrom.resize(200, 3);
  for (int i = 0; i < 200; ++i) {
    for (int k = 0; k < 3; ++k) gas.positions_angstrom(i, k) = rng.uniform(0, 25);
    gas.atomic_numbers.push_back(i % 2 ? sodium : chlorine);
  }
  CHECK(crystallinity(gas).total < 0.05);
}

TEST_CASE("swap ΔE equals the change of LAMMPS' potential energy") {
  const Config c = parse_config(small_ini, "small.ini");
  const Structure s = build_structure(StructureParams::table().read(c));
  const MdParams p = MdParams::table().read(c);
  const ForceField ff = load_ff();
  LammpsSession lmp;
  const std::string data = "/tmp/nanomix_test_swap_" + std::to_string(::getpid()) + ".data";
  { std::ofstream(data) << lammps_data_file(s.frame, ff); }
  lmp.command(lammps_setup_commands(p, ff, data, s.frame.size() - s.carbon_count));
  lmp.command("run 0");
  const double e0 = lmp.thermo("pe");
  Frame f = s.frame;
  Rng rng(3);
  // One attempt at a huge temperature: accepted; the energy change must match LAMMPS.
  const SwapStats st = swap_anions(f, ff, p.born_cutoff_angstrom, p.lj_cutoff_angstrom, 1e12, 1, rng);
  REQUIRE(st.accepted == 1);
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f.atomic_numbers[i] != s.frame.atomic_numbers[i]) {
      lmp.command("set atom " + std::to_string(i + 1) + " type " + (f.atomic_numbers[i] == chlorine ? "3" : "4"));
    }
  }
  lmp.command("run 0");
  CHECK(lmp.thermo("pe") - e0 == doctest::Approx(st.energy_change_ev).epsilon(1e-6));
  std::remove(data.c_str());
}

TEST_CASE("a swap scales the swapped atoms' velocities by sqrt(m_old/m_new) and zeroes the ions' momentum") {
  // Types carry the masses, so a Cl<->I swap changes m. Against LAMMPS' own per-atom velocities:
  // after the swap v_new = f v_old - u for the swapped atoms (f = sqrt(m_old/m_new), so each keeps
  // its kinetic energy) and v_new = v_old - u for every other ion, with one common u (the removed
  // centre-of-mass velocity); the ions' total momentum is zero after (without the correction each
  // swapped pair would change it by (m_I - m_Cl)(v_a - v_b)).
  const Config c = parse_config(small_ini, "small.ini");
  const Structure s = build_structure(StructureParams::table().read(c));
  const MdParams p = MdParams::table().read(c);
  const ForceField ff = load_ff();
  LammpsSession lmp;
  const std::string data = "/tmp/nanomix_test_swapv_" + std::to_string(::getpid()) + ".data";
  { std::ofstream(data) << lammps_data_file(s.frame, ff); }
  lmp.command(lammps_setup_commands(p, ff, data, s.frame.size() - s.carbon_count));
  lmp.command("velocity ions create 500 7 mom yes rot no dist gaussian\nrun 0");
  int cl = 0, io = 0, na = 0;
  for (std::size_t i = 0; i < s.frame.size(); ++i) {
    const int z = s.frame.atomic_numbers[i], id = static_cast<int>(i) + 1;
    if (!cl && z == chlorine) cl = id;
    if (!io && z == iodine) io = id;
    if (!na && z == sodium) na = id;
  }
  REQUIRE((cl && io && na));
  auto v = [&](int id, const char* d) {
    lmp.command("variable nmx_v equal v" + std::string(d) + "[" + std::to_string(id) + "]");
    return lmp.variable("nmx_v");
  };
  lmp.command("variable nmx_pm atom mass*vx\ncompute nmx_p ions reduce sum v_nmx_pm");
  double before[3][3];
  const int ids[3] = {cl, io, na};
  const char* dirs[3] = {"x", "y", "z"};
  for (int a = 0; a < 3; ++a)
    for (int d = 0; d < 3; ++d) before[a][d] = v(ids[a], dirs[d]);
  const double m_cl = element(chlorine).mass_amu, m_i = element(iodine).mass_amu;
  lmp.command(swap_species_commands({io}, {cl}) + "run 0");  // the Cl becomes I, the I becomes Cl
  const double f[3] = {std::sqrt(m_cl / m_i), std::sqrt(m_i / m_cl), 1.0};
  for (int d = 0; d < 3; ++d) {
    const double u = f[2] * before[2][d] - v(na, dirs[d]);
    CHECK(std::abs(u) < 0.5);  // a small common shift (Å/ps)
    for (int a = 0; a < 2; ++a) CHECK(f[a] * before[a][d] - v(ids[a], dirs[d]) == doctest::Approx(u).epsilon(1e-9).scale(1));
  }
  CHECK(std::abs(lmp.compute_scalar("nmx_p")) < 1e-9);
  lmp.command("variable nmx_m equal mass[" + std::to_string(cl) + "]");
  CHECK(lmp.variable("nmx_m") == doctest::Approx(m_i));
  std::remove(data.c_str());
}

TEST_CASE("bad input stops before LAMMPS with a one-line InputError") {
  auto check = [](const std::string& extra, const std::string& needle) {
    const Config c = parse_config(std::string(small_ini) + extra, "bad.ini");
    std::string msg;
    try {
      const Structure s = build_structure(StructureParams::table().read(c));
      const MdParams p = MdParams::table().read(c);
      validate_md_input(p, load_ff(), s);
    } catch (const InputError& e) {
      msg = e.what();
    }
    INFO(extra);
    CHECK(msg.find(needle) != std::string::npos);
    CHECK(msg.find('\n') == std::string::npos);
  };
  check("timestep_fs = 8\n", "timestep_fs");
  check("min_start_distance_angstrom = 3.5\n", "overlap");
  check("ion_potential_file = no/such/file.txt\n", "ion_potential_file");
  check("coulomb_cutoff_angstrom = 20\n", "coulomb_cutoff_angstrom");
  check("mechanism = beam\ntimestep_fs = 2\n", "timestep_fs");  // an 8 eV Na recoil moves 0.17 Å/step
  // Swaps apart from the MD temperature are the biased drive, which must be named as such.
  check("mechanism = swap_accelerated\nswap_temperature_kelvin = 100\n", "swap_biased_drive");
  check("mechanism = swap_accelerated\nswap_schedule = 0:500, 10:100\n", "swap_biased_drive");
  CHECK(MdParams::table().read(parse_config(std::string(small_ini) + "mechanism = swap_biased_drive\nswap_temperature_kelvin = 100\n", "ok.ini")).swap_biased_drive);
  CHECK_THROWS_AS(parse_config(std::string(small_ini) + "temperature_kelvin = 0\n", "bad.ini"), InputError);
  {
    const Config c = parse_config(std::string(small_ini) + "anneal_schedule = 0:500, 10:-5\n", "bad.ini");
    CHECK_THROWS_AS(MdParams::table().read(c), InputError);
  }
  // Unknown species and an ion outside the tube: made by hand (the builder cannot make them).
  const Config c = parse_config(small_ini, "small.ini");
  const MdParams p = MdParams::table().read(c);
  Structure s = build_structure(StructureParams::table().read(c));
  Structure bad = s;
  bad.frame.atomic_numbers.back() = 26;  // Fe
  CHECK_THROWS_WITH_AS(validate_md_input(p, load_ff(), bad), doctest::Contains("unknown species"), InputError);
  bad = s;
  bad.frame.positions_angstrom(static_cast<Eigen::Index>(s.frame.size() - 1), 0) += 30;
  CHECK_THROWS_WITH_AS(validate_md_input(p, load_ff(), bad), doctest::Contains("outside the tube"), InputError);
}
