// Energetics of the seed's candidate end states (issue 12 item 1), for the force field in
// potentials/ (Tosi–Fumi BMH ions, C–ion Lennard-Jones, rigid tube). Results: validation/md/RESULTS.md.
//
// For each tube (n,n) and cluster size N ion pairs (half I⁻), five clusters are built in the same
// tube and relaxed with the same protocol:
//   core_shell     rock-salt sites at the Vegard constant, the N/2 anions farthest from the axis I⁻
//   axial_hetero   the builder's heterostructure: NaI at one end, NaCl at the other, bulk lattices
//   mixed          random solid solution (rock-salt sites at the Vegard constant, random anions)
//   pure NaCl(N), pure NaI(N): references
// Protocol: minimise (CG, carbon held) → E_min; NVT at T (equilibrate, then average the potential
// energy: mean ± sd of the samples) → minimise again → E_quench (the inherent structure reached).
// Derived:
//   excess ΔE = E − ½[E_NaCl(N) + E_NaI(N)]. For the axial heterostructure this is the interface
//     energy γ_int·A exactly when the pure rods' end faces and lateral surfaces scale with length
//     (E(2n) − 2E(n) removes two end faces, so E_het(n+n) − ½E_Cl(2n) − ½E_I(2n) = γ_int·A);
//     for the mixed cluster it is the mixing energy, for the core–shell the cylindrical interface
//     plus the change of surface and tube contact.
//   contact = the C–ion Lennard-Jones energy (tube contact); its excess likewise.
//   surface excess of the pure clusters = E − N·e_bulk (e_bulk: periodic 0 K crystal, Ewald),
//     per surface area 2πR(L + R) (R: largest radial ion distance + half the bond, L: axial extent + bond).
// NANOMIX_ENERGETICS_SIZES="10:100,20:250" chooses the (n,n) tubes and sizes (ion pairs).
// NANOMIX_FORCE_FIELD=core_shell runs the table with the adiabatic core–shell model
// (potentials/core_shell.txt: polarisable Cl⁻/I⁻ shells, 1 fs steps instead of 4 fs, the same
// simulated times; temperatures are those of the core–shell pairs' centres of mass, temp/cs).
// Checks (physics, independent of the code): the pure clusters' surface excess is positive and
// their per-area surface energy within 0.05–0.5 J/m² (rock-salt (100) surfaces are 0.1–0.3 J/m²);
// the random solid solution lies above the segregated states at 0 K (the model's positive mixing
// energy, docs/md.md: ≈ +0.067 eV per pair for the bulk solid solution).
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "app/config_schema.hpp"
#include "core/config.hpp"
#include "core/elements.hpp"
#include "core/error.hpp"
#include "sim/forcefield.hpp"
#include "sim/lammps_session.hpp"
#include "sim/lammps_input.hpp"
#include "sim/md_params.hpp"
#include "sim/rocksalt.hpp"
#include "sim/sequence.hpp"
#include "sim/structure.hpp"

using namespace nanomix;
using namespace nanomix::sim;

namespace {

const std::string src = NANOMIX_SOURCE_DIR;
bool full() {
  const char* v = std::getenv("NANOMIX_VALIDATION_FULL");
  return v && std::string(v) == "1";
}
bool core_shell() {
  const char* v = std::getenv("NANOMIX_FORCE_FIELD");
  return v && std::string(v) == "core_shell";
}
ForceField load_ff() {
  return ForceField::load(src + (core_shell() ? "/potentials/core_shell.txt" : "/potentials/tosi_fumi_bmh.txt"), src + "/potentials/carbon_ion_lj.txt");
}
std::string tmp(const std::string& name) { return "/tmp/nanomix_energetics_" + std::to_string(::getpid()) + "_" + name; }
constexpr double joule_per_m2_per_ev_per_angstrom2 = 16.0218;

/// Bulk rock-salt energy per pair at 0 K (periodic 3×3×3 cells, Ewald, box relaxed).
double bulk_energy_per_pair(int anion, const ForceField& ff) {
  const double a0 = anion == iodine ? 6.37 : 5.62;
  const Frame f = rocksalt_crystal(anion, a0, 3, 3, 3);
  const std::string data = tmp("bulk.data");
  const bool cs = ff.kind == ForceFieldKind::core_shell;
  { std::ofstream(data) << (cs ? lammps_core_shell_crystal_data_file(f, ff, 0.02) : lammps_crystal_data_file(f, ff)); }
  LammpsSession lmp({"-log", "none", "-screen", "none"});
  if (cs) {
    lmp.command("units metal\natom_style full\nboundary p p p\nbond_style harmonic\nread_data " + data);
    lmp.command(lammps_core_shell_crystal_pair_commands(anion, ff, 8.0));
  } else {
    lmp.command("units metal\natom_style charge\nboundary p p p\nread_data " + data);
    lmp.command(lammps_crystal_pair_commands(anion, ff, 8.0));
  }
  lmp.command("pair_modify tail yes\nkspace_style ewald 1e-7\nfix relax all box/relax iso 0.0\nminimize 0 1e-8 5000 50000");
  lmp.command("unfix relax\nminimize 0 1e-8 2000 20000");
  std::remove(data.c_str());
  return lmp.thermo("pe") / static_cast<double>(f.size() / 2);
}

struct Result {
  double e_min = 0, e_mean = 0, e_sd = 0, e_quench = 0, contact_min = 0, contact_quench = 0;
  double e_quench_spread = 0, e_mean_spread = 0;  ///< half the difference between the two velocity seeds
  double radius = 0, length = 0;  ///< of the quenched cluster (Å)
  FrameSequence after;            ///< the quenched state analysed
};

/// Builds the ions of a given arrangement in an (n,n) tube long enough for N pairs of NaI.
Structure build(int n, int pairs, const std::string& arrangement, double iodide_fraction, int seed) {
  const double r_open = nanotube_geometry(n, n, 10).radius_angstrom() - 3.0;
  const double nai_ions_per_angstrom3 = 8 / std::pow(6.47, 3);
  double length = 2 * pairs / (nai_ions_per_angstrom3 * M_PI * r_open * r_open) * 1.4 + 16;
  for (int attempt = 0;; ++attempt) {
    std::ostringstream ini;
    ini << "[structure]\ntube_n = " << n << "\ntube_m = " << n << "\ntube_length_angstrom = " << length << "\nion_pairs = " << pairs
        << "\niodide_fraction = " << iodide_fraction << "\narrangement = " << arrangement << "\nposition_jitter_angstrom = 0\nseed = " << seed
        << "\n";
    try {
      return build_structure(StructureParams::table().read(parse_config(ini.str(), "energetics")));
    } catch (const InputError&) {
      if (attempt > 8) throw;
      length *= 1.25;
    }
  }
}

/// The outermost half of the anions (by distance from the axis) become I⁻, the rest Cl⁻.
void relabel_core_shell(Structure& s) {
  std::vector<std::pair<double, std::size_t>> anions;
  for (std::size_t i = 0; i < s.frame.size(); ++i) {
    const int z = s.frame.atomic_numbers[i];
    if (z != chlorine && z != iodine) continue;
    const Eigen::Vector3d r = s.frame.positions_angstrom.row(static_cast<Eigen::Index>(i)).transpose();
    anions.push_back({std::hypot(r.x() - s.axis_point_angstrom.x(), r.y() - s.axis_point_angstrom.y()), i});
  }
  std::stable_sort(anions.begin(), anions.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t k = 0; k < anions.size(); ++k) s.frame.atomic_numbers[anions[k].second] = k < anions.size() / 2 ? chlorine : iodine;
}

Frame frame_from(const LammpsSession& lmp, const Frame& like) {
  Frame f = like;
  const std::vector<double> x = lmp.gather3("x");
  const std::vector<int> t = lmp.gather_types();
  for (std::size_t i = 0; i < f.size(); ++i) {
    for (int k = 0; k < 3; ++k) f.positions_angstrom(static_cast<Eigen::Index>(i), k) = x[3 * i + static_cast<std::size_t>(k)];
    f.atomic_numbers[i] = t[i] == 1 ? carbon : t[i] == 2 ? sodium : t[i] == 3 ? chlorine : iodine;
  }
  return f;
}

Result relax(const Structure& s, const ForceField& ff, double kelvin, int equil_steps, int average_steps, int seed) {
  const bool cs = ff.kind == ForceFieldKind::core_shell;
  MdParams p;
  p.timestep_fs = cs ? 1.0 : 4.0;  // NVE drift at 4 fs (rigid ions) and 1 fs (core-shell): validation/md/RESULTS.md
  const int steps_per_4fs = cs ? 4 : 1;
  equil_steps *= steps_per_4fs;
  average_steps *= steps_per_4fs;
  const Eigen::Vector3d l = s.frame.box.lengths_angstrom();
  p.coulomb_cutoff_angstrom = l.norm() + 10;  // every ion pair (shrink-wrapped box): the exact direct sum
  const std::string data = tmp("cluster.data");
  { std::ofstream(data) << (cs ? lammps_core_shell_data_file(s.frame, ff) : lammps_data_file(s.frame, ff)); }
  LammpsSession lmp({"-log", "none", "-screen", "none"});
  lmp.command(cs ? lammps_core_shell_setup_commands(p, ff, data, s.frame.size() - s.carbon_count)
                 : lammps_setup_commands(p, ff, data, s.frame.size() - s.carbon_count));
  std::remove(data.c_str());
  lmp.command("compute contact ions group/group carbon pair yes\nthermo_style custom step pe c_contact\nthermo_modify norm no");
  lmp.command("fix hold carbon setforce 0 0 0\nmin_style cg\nminimize 0 1e-4 3000 30000");
  Result r;
  r.e_min = lmp.thermo("pe");
  r.contact_min = lmp.compute_scalar("contact");
  lmp.command("velocity ions create " + std::to_string(kelvin) + " " + std::to_string(seed) + " mom yes rot no dist gaussian" +
              (cs ? " bias yes temp tI" : ""));
  lmp.command("fix th ions nvt temp " + std::to_string(kelvin) + " " + std::to_string(kelvin) + " 0.1\n" + (cs ? "fix_modify th temp tI\n" : "") +
              "run " + std::to_string(equil_steps));
  const int samples = 50;
  std::vector<double> e;
  for (int k = 0; k < samples; ++k) {
    lmp.command("run " + std::to_string(average_steps / samples));
    e.push_back(lmp.thermo("pe"));
  }
  double sum = 0, sum2 = 0;
  for (double v : e) sum += v;
  r.e_mean = sum / samples;
  for (double v : e) sum2 += (v - r.e_mean) * (v - r.e_mean);
  r.e_sd = std::sqrt(sum2 / (samples - 1));
  lmp.command("unfix th\nvelocity ions set 0 0 0\nminimize 0 1e-4 5000 50000");
  r.e_quench = lmp.thermo("pe");
  r.contact_quench = lmp.compute_scalar("contact");
  const Frame f = frame_from(lmp, s.frame);
  const TubeAxis axis{s.axis_point_angstrom, s.axis};
  r.after = analyse_frame(f, axis);
  double rmax = 0, zlo = 1e300, zhi = -1e300;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f.atomic_numbers[i] == carbon) continue;
    const Eigen::Vector3d x = f.positions_angstrom.row(static_cast<Eigen::Index>(i)).transpose();
    rmax = std::max(rmax, std::hypot(x.x() - axis.point_angstrom.x(), x.y() - axis.point_angstrom.y()));
    zlo = std::min(zlo, x.z());
    zhi = std::max(zhi, x.z());
  }
  const double half_bond = 1.5;
  r.radius = rmax + half_bond;
  r.length = zhi - zlo + 2 * half_bond;
  return r;
}

/// Two relaxations from the same start with different velocity seeds: mean values, and half their
/// difference as the spread that the choice of local minimum adds.
Result relax2(const Structure& s, const ForceField& ff, double kelvin, int equil_steps, int average_steps, int seed) {
  const Result a = relax(s, ff, kelvin, equil_steps, average_steps, seed);
  const Result b = relax(s, ff, kelvin, equil_steps, average_steps, seed + 7919);
  Result r = a;
  auto avg = [](double x, double y) { return 0.5 * (x + y); };
  r.e_min = avg(a.e_min, b.e_min);
  r.e_mean = avg(a.e_mean, b.e_mean);
  r.e_sd = avg(a.e_sd, b.e_sd);
  r.e_quench = avg(a.e_quench, b.e_quench);
  r.contact_min = avg(a.contact_min, b.contact_min);
  r.contact_quench = avg(a.contact_quench, b.contact_quench);
  r.radius = avg(a.radius, b.radius);
  r.length = avg(a.length, b.length);
  r.e_quench_spread = 0.5 * std::abs(a.e_quench - b.e_quench);
  r.e_mean_spread = 0.5 * std::abs(a.e_mean - b.e_mean);
  return r;
}

std::string fmt(double v, int precision = 3) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(precision) << v;
  return o.str();
}

std::string state_summary(const FrameSequence& q) {
  std::ostringstream o;
  o << "enrich " << fmt(q.periphery_enrichment, 2) << ", split " << fmt(q.axial_split, 2) << ", cryst " << fmt(q.crystallinity, 2);
  int nai = 0, nacl = 0;
  for (const Domain& d : q.domains) {
    nai += d.kind == DomainKind::nai;
    nacl += d.kind == DomainKind::nacl;
  }
  o << ", domains NaI " << nai << " NaCl " << nacl << (is_heterostructure(q) ? ", hetero" : "");
  return o.str();
}

}  // namespace

TEST_CASE("energetics of the candidate end states: core-shell, axial heterostructure, mixed") {
  const ForceField ff = load_ff();
  const double e_nacl = bulk_energy_per_pair(chlorine, ff), e_nai = bulk_energy_per_pair(iodine, ff);
  std::cout << "force field: " << ff.ion_file << "\nbulk 0 K: NaCl " << fmt(e_nacl, 4) << " eV/pair, NaI " << fmt(e_nai, 4) << " eV/pair" << std::endl;
  CHECK(e_nacl == doctest::Approx(-8.06).epsilon(0.005));  // Tosi–Fumi NaCl, published (validate_md)

  struct Size {
    int n, pairs;
  };
  std::vector<Size> sizes = {{15, 100}, {20, 200}};
  if (full()) sizes = {{10, 100}, {15, 100}, {15, 250}, {20, 100}, {20, 250}, {20, 500}};
  if (const char* v = std::getenv("NANOMIX_ENERGETICS_SIZES")) {  // e.g. "10:100,20:250" (tube n : ion pairs)
    sizes.clear();
    std::istringstream in(v);
    std::string item;
    while (std::getline(in, item, ',')) {
      const auto colon = item.find(':');
      REQUIRE(colon != std::string::npos);
      sizes.push_back({std::stoi(item.substr(0, colon)), std::stoi(item.substr(colon + 1))});
    }
  }
  const std::vector<double> temperatures = full() ? std::vector<double>{300, 400} : std::vector<double>{350};
  const int equil = full() ? 2500 : 500, average = full() ? 5000 : 1000;  // 4 fs steps

  std::cout << "\n| tube | N pairs | T (K) | state | E_min (eV) | ⟨E⟩_T ± sd (eV) [seeds ±] | E_quench (eV) [seeds ±] | excess ΔE_quench (meV/pair) | "
               "excess ⟨E⟩_T (meV/pair) | C–ion contact, excess (eV) | after quench (seed 1) |\n|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const Size& sz : sizes) {
    for (double kelvin : temperatures) {
      Structure nacl = build(sz.n, sz.pairs, "rocksalt_nacl", 0.0, 1);
      Structure nai = build(sz.n, sz.pairs, "rocksalt_nai", 1.0, 1);
      Structure hetero = build(sz.n, sz.pairs, "heterostructure", 0.5, 1);
      Structure shell = build(sz.n, sz.pairs, "random_mixed", 0.5, 1);
      relabel_core_shell(shell);
      Structure mixed = build(sz.n, sz.pairs, "random_mixed", 0.5, 2);
      const int seed = 4000 + sz.pairs + static_cast<int>(kelvin);
      const Result r_cl = relax2(nacl, ff, kelvin, equil, average, seed);
      const Result r_i = relax2(nai, ff, kelvin, equil, average, seed);
      const double ref_q = 0.5 * (r_cl.e_quench + r_i.e_quench), ref_t = 0.5 * (r_cl.e_mean + r_i.e_mean);
      const double ref_c = 0.5 * (r_cl.contact_quench + r_i.contact_quench);
      const std::string head = "| (" + std::to_string(sz.n) + "," + std::to_string(sz.n) + ") | " + std::to_string(sz.pairs) + " | " +
                               fmt(kelvin, 0) + " | ";
      auto line = [&](const std::string& name, const Result& r, bool reference) {
        std::cout << head << name << " | " << fmt(r.e_min) << " | " << fmt(r.e_mean) << " ± " << fmt(r.e_sd) << " [" << fmt(r.e_mean_spread, 2)
                  << "] | " << fmt(r.e_quench) << " [" << fmt(r.e_quench_spread, 2) << "] | "
                  << (reference ? "(reference)" : fmt(1000 * (r.e_quench - ref_q) / sz.pairs, 1) + " ± " + fmt(1000 * r.e_quench_spread / sz.pairs, 1))
                  << " | " << (reference ? "(reference)" : fmt(1000 * (r.e_mean - ref_t) / sz.pairs, 1)) << " | " << fmt(r.contact_quench, 2)
                  << (reference ? "" : ", " + fmt(r.contact_quench - ref_c, 2)) << " | " << state_summary(r.after) << " |" << std::endl;
      };
      line("pure NaCl", r_cl, true);
      line("pure NaI", r_i, true);
      const Result r_het = relax2(hetero, ff, kelvin, equil, average, seed);
      line("axial heterostructure", r_het, false);
      const Result r_cs = relax2(shell, ff, kelvin, equil, average, seed);
      line("NaI shell / NaCl core", r_cs, false);
      const Result r_mx = relax2(mixed, ff, kelvin, equil, average, seed);
      line("mixed (solid solution)", r_mx, false);

      // Surface energies of the pure rods and the interface energy of the heterostructure.
      for (const auto& [name, r, e_bulk] : {std::tuple{"NaCl", r_cl, e_nacl}, std::tuple{"NaI", r_i, e_nai}}) {
        const double excess = r.e_quench - sz.pairs * e_bulk;
        const double area = 2 * M_PI * r.radius * (r.length + r.radius);
        const double gamma = excess / area * joule_per_m2_per_ev_per_angstrom2;
        std::cout << "surface | (" << sz.n << "," << sz.n << ") N=" << sz.pairs << " T=" << kelvin << " | " << name << " surface excess "
                  << fmt(excess, 2) << " eV (incl. C contact " << fmt(r.contact_quench, 2) << " eV) over " << fmt(area, 0) << " Å² = "
                  << fmt(gamma, 3) << " J/m²; without the tube contact " << fmt((excess - r.contact_quench) / area * joule_per_m2_per_ev_per_angstrom2, 3)
                  << " J/m²" << std::endl;
        CHECK(excess > 0);
        CHECK(gamma > 0.05);
        CHECK(gamma < 0.5);
      }
      const double interface_area = M_PI * std::pow(std::min(r_cl.radius, r_i.radius), 2);
      std::cout << "interface | (" << sz.n << "," << sz.n << ") N=" << sz.pairs << " T=" << kelvin << " | γ_int·A = "
                << fmt(r_het.e_quench - ref_q, 2) << " ± " << fmt(r_het.e_quench_spread + 0.5 * (r_cl.e_quench_spread + r_i.e_quench_spread), 2) << " eV over π R² = " << fmt(interface_area, 0) << " Å²: γ_int = "
                << fmt((r_het.e_quench - ref_q) / interface_area * joule_per_m2_per_ev_per_angstrom2, 3) << " J/m²; core–shell − hetero "
                << fmt(r_cs.e_quench - r_het.e_quench, 2) << " eV (quench), " << fmt(r_cs.e_mean - r_het.e_mean, 2) << " eV (⟨E⟩_T); contact part "
                << fmt(r_cs.contact_quench - r_het.contact_quench, 2) << " eV" << std::endl;
      CHECK(r_mx.e_quench > std::min(r_het.e_quench, r_cs.e_quench));
    }
  }
}
