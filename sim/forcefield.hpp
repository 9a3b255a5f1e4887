#pragma once
// The force field of the md stage, read from the files in potentials/: Tosi–Fumi Born–Mayer–Huggins
// between ions (with charges), carbon–ion Lennard-Jones, and the tube model. Parameters only; the
// LAMMPS commands that use them are written by md_script.cpp. Energies in eV, lengths in Å.
#include <map>
#include <string>
#include <utility>

namespace nanomix::sim {

/// LAMMPS `born`: E(r) = A exp((σ − r)/ρ) − C/r⁶ + D/r⁸ (D negative for Tosi–Fumi).
struct BornPair {
  double a_ev = 0, rho_angstrom = 1, sigma_angstrom = 0, c_ev_angstrom6 = 0, d_ev_angstrom8 = 0;
  double energy_ev(double r_angstrom) const;
};

/// E(r) = 4ε[(σ/r)¹² − (σ/r)⁶].
struct LjPair {
  double epsilon_ev = 0, sigma_angstrom = 1;
  double energy_ev(double r_angstrom) const;
};

/// Pair key with the smaller atomic number first.
using SpeciesPair = std::pair<int, int>;
SpeciesPair species_pair(int z1, int z2);

/// A polarisable ion of the adiabatic core–shell model: core and shell joined by E = ½ k r²
/// (LAMMPS bond harmonic K = k/2); core_e + shell_e = the ion's charge; the shell's mass is taken
/// off the ion's. Polarisability α = 14.399645 shell_e² / k (Å³).
struct ShellParams {
  double core_e = 0, shell_e = 0, spring_ev_per_angstrom2 = 0, shell_mass_amu = 0;
  double polarisability_angstrom3() const;
};

/// `[md] force_field`: the rigid-ion Tosi–Fumi model or the adiabatic core–shell model.
enum class ForceFieldKind { tosi_fumi, core_shell };

struct ForceField {
  ForceFieldKind kind = ForceFieldKind::tosi_fumi;  ///< core_shell when the ion file has `shell` lines
  std::map<int, double> charge_e;            ///< per ion atomic number
  std::map<int, ShellParams> shells;         ///< polarisable ions (core_shell only); born acts on their shells
  std::map<SpeciesPair, BornPair> born;      ///< ion–ion pairs
  std::map<SpeciesPair, LjPair> carbon_ion;  ///< (6, z) pairs
  std::string ion_file, carbon_ion_file;     ///< where they were read from

  /// Reads both files; InputError "<file>:<line>: …" on a bad line, a missing file or a missing
  /// pair among the ions {Na, Cl, I} (`key` names the config key that chose the file). `shell`
  /// lines (core–shell files only): `shell <species> <core_e> <shell_e> <k_eV/Å²> <shell_mass_amu>`;
  /// a missing shell mass, charges that do not add up to the ion's charge, k <= 0 or a mass not
  /// strictly between 0 and the ion's mass: InputError naming the line.
  static ForceField load(const std::string& ion_file, const std::string& carbon_ion_file);
  bool has_species(int atomic_number) const;  ///< carbon or an ion with a charge
  bool has_shell(int atomic_number) const { return shells.count(atomic_number) > 0; }
};

}  // namespace nanomix::sim
