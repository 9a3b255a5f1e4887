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

struct ForceField {
  std::map<int, double> charge_e;            ///< per ion atomic number
  std::map<SpeciesPair, BornPair> born;      ///< ion–ion pairs
  std::map<SpeciesPair, LjPair> carbon_ion;  ///< (6, z) pairs
  std::string ion_file, carbon_ion_file;     ///< where they were read from

  /// Reads both files; InputError "<file>:<line>: …" on a bad line, a missing file or a missing
  /// pair among the ions {Na, Cl, I} (`key` names the config key that chose the file).
  static ForceField load(const std::string& ion_file, const std::string& carbon_ion_file);
  bool has_species(int atomic_number) const;  ///< carbon or an ion with a charge
};

}  // namespace nanomix::sim
