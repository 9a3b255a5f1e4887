#include "sim/lammps_input.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "core/elements.hpp"

namespace nanomix::sim {

namespace {
constexpr int type_carbon = 1, type_na = 2, type_cl = 3, type_i = 4;

/// Commands that turn the atoms `ids` (LAMMPS ids) into `type` and multiply their velocities by
/// `velocity_factor`: `set` and `velocity` on a temporary group, chunked.
std::string set_types_commands(const std::vector<int>& ids, int type, double velocity_factor) {
  if (ids.empty()) return {};
  std::string out;
  for (std::size_t k = 0; k < ids.size(); k += 200) {
    out += "group nmx_set id";
    for (std::size_t i = k; i < std::min(ids.size(), k + 200); ++i) out += " " + std::to_string(ids[i]);
    out += "\n";
  }
  const std::string f = lammps_number(velocity_factor);
  out += "set group nmx_set type " + std::to_string(type) + "\nvariable nmx_vx atom vx*" + f +
         "\nvariable nmx_vy atom vy*" + f + "\nvariable nmx_vz atom vz*" + f +
         "\nvelocity nmx_set set v_nmx_vx v_nmx_vy v_nmx_vz units box\ngroup nmx_set delete\n";
  return out;
}

}  // namespace

int lammps_type_of(int z) {
  return z == carbon ? type_carbon : z == sodium ? type_na : z == chlorine ? type_cl : type_i;
}
int species_of_lammps_type(int t) {
  return t == type_carbon ? carbon : t == type_na ? sodium : t == type_cl ? chlorine : iodine;
}

std::string lammps_number(double v) {
  std::ostringstream o;
  o << std::setprecision(10) << v;
  return o.str();
}

long lammps_seed(std::uint64_t s) { return static_cast<long>(s % 899999999ULL) + 1; }

std::string thermostat_fix_commands(const MdParams& p, double t0, double t1, std::uint64_t seed) {
  const std::string group = p.tube == TubeModel::rigid ? "ions" : "carbon";
  const std::string damp = lammps_number(p.thermostat_damping_ps);
  switch (p.thermostat) {
    case Thermostat::nose_hoover:
      return "fix th " + group + " nvt temp " + lammps_number(t0) + " " + lammps_number(t1) + " " + damp + "\n";
    case Thermostat::langevin:
      return "fix nve_th " + group + " nve\nfix th " + group + " langevin " + lammps_number(t0) + " " +
             lammps_number(t1) + " " + damp + " " + std::to_string(lammps_seed(seed)) + " zero yes\n";
    case Thermostat::berendsen:
      return "fix nve_th " + group + " nve\nfix th " + group + " temp/berendsen " + lammps_number(t0) + " " +
             lammps_number(t1) + " " + damp + "\n";
  }
  return {};
}

std::string unfix_thermostat_commands(const MdParams& p) {
  return p.thermostat == Thermostat::nose_hoover ? "unfix th\n" : "unfix th\nunfix nve_th\n";
}

std::string swap_species_commands(const std::vector<int>& to_cl, const std::vector<int>& to_i) {
  // Types carry the masses. Without the scaling and the zeroing each swapped pair changes the
  // ions' momentum by (m_I - m_Cl)(v_a - v_b) and the cluster random-walks along the frictionless
  // tube (measured: 24 Å in 90 ps for 300 ions under swaps at 570 K; with them, 0.0 Å).
  return set_types_commands(to_cl, type_cl, swap_velocity_factor(chlorine)) +
         set_types_commands(to_i, type_i, swap_velocity_factor(iodine)) + "velocity ions zero linear\n";
}

double swap_velocity_factor(int to_z) {
  const double m_cl = element(chlorine).mass_amu, m_i = element(iodine).mass_amu;
  return std::stod(lammps_number(to_z == chlorine ? std::sqrt(m_i / m_cl) : std::sqrt(m_cl / m_i)));
}

std::string lammps_data_file(const Frame& f, const ForceField& ff) {
  std::ostringstream o;
  o << std::setprecision(12);
  o << "LAMMPS data file written by nanomix md (types: 1 C, 2 Na, 3 Cl, 4 I)\n\n"
    << f.size() << " atoms\n4 atom types\n\n";
  Eigen::Vector3d lo = f.positions_angstrom.colwise().minCoeff().transpose();
  Eigen::Vector3d hi = f.positions_angstrom.colwise().maxCoeff().transpose();
  const char* axes[] = {"x", "y", "z"};
  for (int k = 0; k < 3; ++k) o << lo[k] - 1 << " " << hi[k] + 1 << " " << axes[k] << "lo " << axes[k] << "hi\n";
  o << "\nMasses\n\n";
  for (int z : {carbon, sodium, chlorine, iodine})
    o << lammps_type_of(z) << " " << element(z).mass_amu << "  # " << element(z).symbol << "\n";
  o << "\nAtoms # charge\n\n";
  for (std::size_t i = 0; i < f.size(); ++i) {
    const int z = f.atomic_numbers[i];
    const double q = z == carbon ? 0.0 : ff.charge_e.at(z);
    o << i + 1 << " " << lammps_type_of(z) << " " << q << " " << f.positions_angstrom(static_cast<Eigen::Index>(i), 0)
      << " " << f.positions_angstrom(static_cast<Eigen::Index>(i), 1) << " "
      << f.positions_angstrom(static_cast<Eigen::Index>(i), 2) << "\n";
  }
  return o.str();
}

std::string lammps_crystal_data_file(const Frame& f, const ForceField& ff) {
  std::ostringstream o;
  int anion = chlorine;
  for (int z : f.atomic_numbers) {
    if (z != sodium) anion = z;
  }
  const Eigen::Vector3d l = f.box.lengths_angstrom();
  o << std::setprecision(12) << "rock salt\n\n" << f.size() << " atoms\n2 atom types\n\n";
  o << "0 " << l[0] << " xlo xhi\n0 " << l[1] << " ylo yhi\n0 " << l[2] << " zlo zhi\n\nMasses\n\n1 "
    << element(sodium).mass_amu << "\n2 " << element(anion).mass_amu << "\n\nAtoms # charge\n\n";
  for (std::size_t i = 0; i < f.size(); ++i) {
    const auto r = static_cast<Eigen::Index>(i);
    o << i + 1 << " " << (f.atomic_numbers[i] == sodium ? 1 : 2) << " " << ff.charge_e.at(f.atomic_numbers[i]) << " "
      << f.positions_angstrom(r, 0) << " " << f.positions_angstrom(r, 1) << " " << f.positions_angstrom(r, 2) << "\n";
  }
  return o.str();
}

std::string lammps_crystal_pair_commands(int anion, const ForceField& ff, double cutoff_angstrom) {
  std::ostringstream o;
  o << std::setprecision(10) << "pair_style born/coul/long " << cutoff_angstrom << "\n";
  const int z[2] = {sodium, anion};
  for (int i = 0; i < 2; ++i) {
    for (int j = i; j < 2; ++j) {
      const BornPair& b = ff.born.at(species_pair(z[i], z[j]));
      o << "pair_coeff " << i + 1 << " " << j + 1 << " " << b.a_ev << " " << b.rho_angstrom << " " << b.sigma_angstrom
        << " " << b.c_ev_angstrom6 << " " << b.d_ev_angstrom8 << "\n";
    }
  }
  return o.str();
}

bool lammps_plain_word(const std::string& text) {
  if (text.empty()) return false;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (!(std::isalnum(c) || c == '/' || c == '.' || c == '_' || c == '-' || c == '+' || c == ',' || c == '=' ||
          c == '@' || c == '%' || c == ':')) {
      return false;
    }
  }
  return true;
}

std::string lammps_comment_text(const std::string& text) {
  std::string out = text;
  for (char& ch : out) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f || ch == '&') ch = '?';
  }
  return out;
}

std::string lammps_file_variable(const std::string& name, const std::string& default_file) {
  if (lammps_plain_word(default_file)) return "variable " + name + " index " + default_file + "\n";
  return "# " + name + ": pass -var " + name + " FILE to lmp (the file's name is not a plain LAMMPS word)\n";
}

std::string lammps_setup_commands(const MdParams& p, const ForceField& ff, const std::string& data_file,
                                  std::size_t ions) {
  return lammps_file_variable("nmx_in", data_file) + lammps_setup_commands_from(p, ff, "nmx_in", ions);
}

std::string lammps_setup_commands_from(const MdParams& p, const ForceField& ff, const std::string& data_variable,
                                       std::size_t ions) {
  std::ostringstream o;
  o << "# force field: " << lammps_comment_text(ff.ion_file) << " (Tosi-Fumi BMH + charges), "
    << lammps_comment_text(ff.carbon_ion_file) << " (C-ion LJ)\n";
  // File names reach LAMMPS only through variables (see lammps_plain_word).
  if (p.tube == TubeModel::flexible_tersoff) o << lammps_file_variable("nmx_tersoff", p.tersoff_file);
  if (p.tube == TubeModel::flexible_airebo) o << lammps_file_variable("nmx_airebo", p.airebo_file);
  o << "units metal\natom_style charge\natom_modify map array\nboundary s s s\nread_data ${" << data_variable << "}\n";
  o << "group carbon type 1\ngroup ions type 2 3 4\n";
  o << "pair_style hybrid/overlay born " << lammps_number(p.born_cutoff_angstrom) << " coul/cut "
    << lammps_number(p.coulomb_cutoff_angstrom) << " lj/cut " << lammps_number(p.lj_cutoff_angstrom);
  if (p.tube == TubeModel::flexible_tersoff) o << " tersoff";
  if (p.tube == TubeModel::flexible_airebo) o << " airebo 3.0 1 0";
  o << "\n";
  if (p.tube == TubeModel::rigid) o << "pair_coeff 1 1 none\n";
  if (p.tube == TubeModel::flexible_tersoff) o << "pair_coeff * * tersoff ${nmx_tersoff} C NULL NULL NULL\n";
  if (p.tube == TubeModel::flexible_airebo) o << "pair_coeff * * airebo ${nmx_airebo} C NULL NULL NULL\n";
  const int ion_z[] = {sodium, chlorine, iodine};
  for (int a = 0; a < 3; ++a) {
    for (int b = a; b < 3; ++b) {
      const BornPair& bp = ff.born.at(species_pair(ion_z[a], ion_z[b]));
      o << "pair_coeff " << lammps_type_of(ion_z[a]) << " " << lammps_type_of(ion_z[b]) << " born "
        << lammps_number(bp.a_ev) << " " << lammps_number(bp.rho_angstrom) << " " << lammps_number(bp.sigma_angstrom)
        << " " << lammps_number(bp.c_ev_angstrom6) << " " << lammps_number(bp.d_ev_angstrom8) << "\n";
    }
  }
  o << "pair_coeff 2*4 2*4 coul/cut\n";
  for (int z : ion_z) {
    const LjPair& lj = ff.carbon_ion.at(species_pair(carbon, z));
    o << "pair_coeff 1 " << lammps_type_of(z) << " lj/cut " << lammps_number(lj.epsilon_ev) << " "
      << lammps_number(lj.sigma_angstrom) << "\n";
  }
  const std::size_t one = std::max<std::size_t>(10000, 2 * ions + 2000);
  o << "neighbor " << lammps_number(p.neighbor_skin_angstrom) << " bin\n";
  // No `exclude type 1 1` for the rigid tube: `pair_coeff 1 1 none` already keeps C–C pairs out of
  // every pair style's list, and the exclusion test (a function call per checked pair, 1.8 M C–C
  // pairs of the demo's 2.7 M) doubled the cost of each neighbour build; without it the pair
  // styles get the same pairs in the same order (trajectories bitwise the same, checked).
  o << "neigh_modify every 1 delay 0 check yes one " << one << " page " << 20 * one << "\n";
  o << "comm_modify cutoff " << lammps_number(p.coulomb_cutoff_angstrom + p.neighbor_skin_angstrom) << "\n";
  o << "timestep " << lammps_number(p.timestep_fs / 1000.0) << "\n";
  o << "compute tI ions temp\n";
  o << "thermo_style custom step c_tI pe etotal\nthermo_modify temp tI lost error norm no\n";
  o << "thermo " << p.steps_per_frame() << "\n";
  if (p.tube == TubeModel::rigid) {
    o << "velocity carbon set 0 0 0\n";
  } else {
    o << "fix nve_ions ions nve\nfix mom all momentum 100 linear 1 1 1 angular\n";
  }
  o << "balance 1.0 shift xyz 10 1.0\n";
  return o.str();
}

}  // namespace nanomix::sim

namespace nanomix::sim {

namespace {
const int cs_order[] = {sodium, chlorine, iodine};
std::string cs_born_coeffs(const BornPair& b) {
  return lammps_number(b.a_ev) + " " + lammps_number(b.rho_angstrom) + " " + lammps_number(b.sigma_angstrom) + " " +
         lammps_number(b.c_ev_angstrom6) + " " + lammps_number(b.d_ev_angstrom8);
}
/// Bond type of species z's core–shell spring (1, 2, … in the order Na, Cl, I).
int cs_bond_type(const ForceField& ff, int z) {
  int t = 0;
  for (int s : cs_order) {
    if (ff.has_shell(s)) ++t;
    if (s == z) return t;
  }
  return 0;
}
/// The particle carrying the Born and carbon–ion terms: the shell, or the core of a rigid ion.
int cs_short_range_type(const ForceField& ff, int z) {
  return ff.has_shell(z) ? core_shell_shell_type(ff, z) : lammps_type_of(z);
}
}  // namespace

int core_shell_shell_type(const ForceField& ff, int z) {
  return ff.has_shell(z) ? 4 + cs_bond_type(ff, z) : 0;
}

int core_shell_type_count(const ForceField& ff) { return 4 + static_cast<int>(ff.shells.size()); }

std::string lammps_core_shell_data_file(const Frame& f, const ForceField& ff) {
  std::size_t shells = 0;
  for (int z : f.atomic_numbers) shells += ff.has_shell(z);
  std::ostringstream o;
  o << std::setprecision(12);
  o << "LAMMPS data file written by nanomix (core-shell model; types 1 C, 2 Na, 3 Cl, 4 I, then shells)\n\n"
    << f.size() + shells << " atoms\n" << shells << " bonds\n" << core_shell_type_count(ff) << " atom types\n"
    << ff.shells.size() << " bond types\n\n";
  Eigen::Vector3d lo = f.positions_angstrom.colwise().minCoeff().transpose();
  Eigen::Vector3d hi = f.positions_angstrom.colwise().maxCoeff().transpose();
  const char* axes[] = {"x", "y", "z"};
  for (int k = 0; k < 3; ++k) o << lo[k] - 1 << " " << hi[k] + 1 << " " << axes[k] << "lo " << axes[k] << "hi\n";
  o << "\nMasses\n\n";
  for (int z : {carbon, sodium, chlorine, iodine}) {
    const double shell_mass = ff.has_shell(z) ? ff.shells.at(z).shell_mass_amu : 0.0;
    o << lammps_type_of(z) << " " << element(z).mass_amu - shell_mass << "  # " << element(z).symbol << (shell_mass > 0 ? " core" : "") << "\n";
  }
  for (int z : cs_order) {
    if (ff.has_shell(z)) o << core_shell_shell_type(ff, z) << " " << ff.shells.at(z).shell_mass_amu << "  # " << element(z).symbol << " shell\n";
  }
  if (!ff.shells.empty()) {
    o << "\nBond Coeffs # harmonic: E = K r^2, K = k/2\n\n";
    for (int z : cs_order) {
      if (ff.has_shell(z)) o << cs_bond_type(ff, z) << " " << lammps_number(0.5 * ff.shells.at(z).spring_ev_per_angstrom2) << " 0.0\n";
    }
  }
  o << "\nAtoms # full\n\n";
  auto pos = [&](std::size_t i) {
    const auto r = static_cast<Eigen::Index>(i);
    std::ostringstream p;
    p << std::setprecision(12) << f.positions_angstrom(r, 0) << " " << f.positions_angstrom(r, 1) << " " << f.positions_angstrom(r, 2);
    return p.str();
  };
  for (std::size_t i = 0; i < f.size(); ++i) {
    const int z = f.atomic_numbers[i];
    const double q = z == carbon ? 0.0 : ff.has_shell(z) ? ff.shells.at(z).core_e : ff.charge_e.at(z);
    o << i + 1 << " " << (z == carbon ? 0 : i + 1) << " " << lammps_type_of(z) << " " << q << " " << pos(i) << "\n";
  }
  std::size_t id = f.size();
  std::vector<std::pair<std::size_t, std::size_t>> bonds;  // (core id, shell id)
  for (std::size_t i = 0; i < f.size(); ++i) {
    const int z = f.atomic_numbers[i];
    if (!ff.has_shell(z)) continue;
    ++id;
    o << id << " " << i + 1 << " " << core_shell_shell_type(ff, z) << " " << ff.shells.at(z).shell_e << " " << pos(i) << "\n";
    bonds.emplace_back(i + 1, id);
  }
  if (!bonds.empty()) {
    o << "\nBonds\n\n";
    std::size_t b = 0;
    for (const auto& [core, shell] : bonds) {
      const int z = f.atomic_numbers[core - 1];
      o << ++b << " " << cs_bond_type(ff, z) << " " << core << " " << shell << "\n";
    }
  }
  return o.str();
}

std::string lammps_core_shell_setup_commands(const MdParams& p, const ForceField& ff, const std::string& data_file,
                                             std::size_t ions) {
  std::ostringstream o;
  o << lammps_file_variable("nmx_in", data_file);
  o << "# force field: " << lammps_comment_text(ff.ion_file) << " (adiabatic core-shell), "
    << lammps_comment_text(ff.carbon_ion_file) << " (C-ion LJ)\n";
  o << "units metal\natom_style full\natom_modify map array\nboundary s s s\n";
  o << "bond_style harmonic\nspecial_bonds lj/coul 0.0 0.0 0.0\nread_data ${nmx_in}\n";
  const int ntypes = core_shell_type_count(ff);
  o << "group carbon type 1\ngroup ions type 2:" << ntypes << "\n";
  std::string cores, shells;
  for (int z : cs_order) {
    if (!ff.has_shell(z)) continue;
    cores += " " + std::to_string(lammps_type_of(z));
    shells += " " + std::to_string(core_shell_shell_type(ff, z));
  }
  o << "group cores type" << cores << "\ngroup shells type" << shells << "\n";
  o << "pair_style hybrid/overlay born " << lammps_number(p.born_cutoff_angstrom) << " coul/cut "
    << lammps_number(p.coulomb_cutoff_angstrom) << " lj/cut " << lammps_number(p.lj_cutoff_angstrom) << "\n";
  o << "pair_coeff 1 1 none\n";
  for (int a = 0; a < 3; ++a) {
    for (int b = a; b < 3; ++b) {
      const int ta = cs_short_range_type(ff, cs_order[a]), tb = cs_short_range_type(ff, cs_order[b]);
      o << "pair_coeff " << std::min(ta, tb) << " " << std::max(ta, tb) << " born "
        << cs_born_coeffs(ff.born.at(species_pair(cs_order[a], cs_order[b]))) << "\n";
    }
  }
  o << "pair_coeff 2*" << ntypes << " 2*" << ntypes << " coul/cut\n";
  for (int z : cs_order) {
    const LjPair& lj = ff.carbon_ion.at(species_pair(carbon, z));
    o << "pair_coeff 1 " << cs_short_range_type(ff, z) << " lj/cut " << lammps_number(lj.epsilon_ev) << " "
      << lammps_number(lj.sigma_angstrom) << "\n";
    if (ff.has_shell(z)) o << "pair_coeff 1 " << lammps_type_of(z) << " none\n";
  }
  const std::size_t one = std::max<std::size_t>(10000, 4 * ions + 2000);
  o << "neighbor " << lammps_number(p.neighbor_skin_angstrom) << " bin\n";
  o << "neigh_modify every 1 delay 0 check yes one " << one << " page " << 20 * one << "\n";
  o << "comm_modify vel yes cutoff " << lammps_number(p.coulomb_cutoff_angstrom + p.neighbor_skin_angstrom) << "\n";
  o << "timestep " << lammps_number(p.timestep_fs / 1000.0) << "\n";
  o << "compute tI ions temp/cs cores shells\n";
  o << "thermo_style custom step c_tI pe etotal\nthermo_modify temp tI lost error norm no\n";
  o << "thermo " << p.steps_per_frame() << "\n";
  o << "velocity carbon set 0 0 0\n";
  return o.str();
}

std::string lammps_core_shell_crystal_data_file(const Frame& f, const ForceField& ff, double offset) {
  int anion = chlorine;
  for (int z : f.atomic_numbers) {
    if (z != sodium) anion = z;
  }
  const bool shelled = ff.has_shell(anion);
  std::size_t anions = 0;
  for (int z : f.atomic_numbers) anions += z == anion;
  const std::size_t shells = shelled ? anions : 0;
  const double shell_mass = shelled ? ff.shells.at(anion).shell_mass_amu : 0.0;
  const Eigen::Vector3d l = f.box.lengths_angstrom();
  std::ostringstream o;
  o << std::setprecision(12) << "rock salt, core-shell\n\n" << f.size() + shells << " atoms\n" << shells << " bonds\n"
    << (shelled ? 3 : 2) << " atom types\n" << (shelled ? 1 : 0) << " bond types\n\n";
  o << "0 " << l[0] << " xlo xhi\n0 " << l[1] << " ylo yhi\n0 " << l[2] << " zlo zhi\n\nMasses\n\n1 "
    << element(sodium).mass_amu << "\n2 " << element(anion).mass_amu - shell_mass << "\n";
  if (shelled) o << "3 " << shell_mass << "\n\nBond Coeffs\n\n1 " << lammps_number(0.5 * ff.shells.at(anion).spring_ev_per_angstrom2) << " 0.0\n";
  o << "\nAtoms # full\n\n";
  std::vector<std::pair<std::size_t, std::size_t>> bonds;
  std::size_t id = f.size();
  std::ostringstream sh;
  sh << std::setprecision(12);
  for (std::size_t i = 0; i < f.size(); ++i) {
    const auto r = static_cast<Eigen::Index>(i);
    const int z = f.atomic_numbers[i];
    const double q = z == anion && shelled ? ff.shells.at(anion).core_e : ff.charge_e.at(z);
    o << i + 1 << " " << i + 1 << " " << (z == sodium ? 1 : 2) << " " << q << " " << f.positions_angstrom(r, 0) << " "
      << f.positions_angstrom(r, 1) << " " << f.positions_angstrom(r, 2) << "\n";
    if (z == anion && shelled) {
      ++id;
      sh << id << " " << i + 1 << " 3 " << ff.shells.at(anion).shell_e << " " << f.positions_angstrom(r, 0) + offset << " "
         << f.positions_angstrom(r, 1) << " " << f.positions_angstrom(r, 2) << "\n";
      bonds.emplace_back(i + 1, id);
    }
  }
  o << sh.str();
  if (!bonds.empty()) {
    o << "\nBonds\n\n";
    std::size_t b = 0;
    for (const auto& [c, s] : bonds) o << ++b << " 1 " << c << " " << s << "\n";
  }
  return o.str();
}

std::string lammps_core_shell_crystal_pair_commands(int anion, const ForceField& ff, double cutoff_angstrom) {
  std::ostringstream o;
  const bool shelled = ff.has_shell(anion);
  const int sr_anion = shelled ? 3 : 2;
  o << "pair_style born/coul/long/cs " << lammps_number(cutoff_angstrom) << "\npair_coeff * * 0.0 1.0 0.0 0.0 0.0\n";
  o << "pair_coeff 1 1 " << cs_born_coeffs(ff.born.at(species_pair(sodium, sodium))) << "\n";
  o << "pair_coeff 1 " << sr_anion << " " << cs_born_coeffs(ff.born.at(species_pair(sodium, anion))) << "\n";
  o << "pair_coeff " << sr_anion << " " << sr_anion << " " << cs_born_coeffs(ff.born.at(species_pair(anion, anion))) << "\n";
  if (shelled) o << "bond_style harmonic\nbond_coeff 1 " << lammps_number(0.5 * ff.shells.at(anion).spring_ev_per_angstrom2) << " 0.0\n";
  o << "special_bonds lj/coul 0.0 0.0 0.0\n";
  return o.str();
}

}  // namespace nanomix::sim
