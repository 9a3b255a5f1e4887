#pragma once
// The LAMMPS input text nanomix md sends (pure text: tested without LAMMPS). Atom types are fixed:
// 1 C, 2 Na, 3 Cl, 4 I. Files reach LAMMPS only through variables holding plain words (see
// lammps_plain_word), never as part of a command.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/frame.hpp"
#include "sim/forcefield.hpp"
#include "sim/md_params.hpp"

namespace nanomix::sim {

/// LAMMPS atom type of an element (1 C, 2 Na, 3 Cl, 4 I) and back.
int lammps_type_of(int atomic_number);
int species_of_lammps_type(int type);

/// A number as LAMMPS input text (10 significant digits).
std::string lammps_number(double value);
/// A positive LAMMPS seed from a derived stream seed (<= 9e8: the Marsaglia generator of fix
/// langevin refuses larger ones).
long lammps_seed(std::uint64_t stream_seed);

/// True if LAMMPS reads `text` as one word with nothing substituted: letters, digits and / . _ - + , = @ % :
/// only (no blank, $, #, quote, &, newline or other control character).
bool lammps_plain_word(const std::string& text);
/// `text` safe inside a LAMMPS comment line: control characters and & replaced by '?'.
std::string lammps_comment_text(const std::string& text);
/// `variable NAME index DEFAULT` (a -var NAME on LAMMPS' command line wins over it) or, when
/// DEFAULT is not a plain word, a comment saying that -var NAME is needed.
std::string lammps_file_variable(const std::string& name, const std::string& default_file);

/// LAMMPS commands that set up the system from a data file (units, atoms, force field, groups,
/// neighbour lists, thermo). Files are read through the LAMMPS variables nmx_in (the data file)
/// and nmx_tersoff / nmx_airebo; `data_file` (and the tube potential's path) are only their
/// defaults, used when they are plain words (a -var given to LAMMPS wins over them).
std::string lammps_setup_commands(const MdParams& params, const ForceField& ff, const std::string& data_file,
                                  std::size_t ion_count);
/// The same without the nmx_in line, reading the data file named by the LAMMPS variable
/// `data_variable` (after `clear`, variables are kept).
std::string lammps_setup_commands_from(const MdParams& params, const ForceField& ff, const std::string& data_variable,
                                       std::size_t ion_count);
/// The atoms of `frame` as a LAMMPS data file (types 1 C, 2 Na, 3 Cl, 4 I; charges from ff).
std::string lammps_data_file(const Frame& frame, const ForceField& ff);

/// A periodic bulk rock-salt crystal (e.g. rocksalt_crystal; orthorhombic box from `crystal.box`,
/// origin 0) as a LAMMPS data file for validation: types 1 Na, 2 the anion, charges from ff.
std::string lammps_crystal_data_file(const Frame& crystal, const ForceField& ff);
/// `pair_style born/coul/long CUTOFF` and the Na/anion Born–Mayer–Huggins coefficients of ff for
/// that data file (Coulomb through a kspace_style the caller chooses).
std::string lammps_crystal_pair_commands(int anion, const ForceField& ff, double cutoff_angstrom);

/// The thermostat fix `th` (with `nve_th` where the thermostat does not integrate) on the
/// thermostatted group (the ions with a rigid tube, else the carbon), ramping t0 → t1 kelvin over
/// the next run; `stream_seed` seeds langevin.
std::string thermostat_fix_commands(const MdParams& params, double t0_kelvin, double t1_kelvin,
                                    std::uint64_t stream_seed);
/// Removes what thermostat_fix_commands defined.
std::string unfix_thermostat_commands(const MdParams& params);

// LAMMPS commands that turn the atoms `to_cl` into Cl and `to_i` into I (LAMMPS ids, 1-based) after
// accepted swaps: velocities scaled by sqrt(m_old / m_new) (each atom keeps its kinetic energy, so a
// Maxwell distribution at T stays one), then the ions' net linear momentum set to zero.
std::string swap_species_commands(const std::vector<int>& to_cl, const std::vector<int>& to_i);
/// The velocity factor swap_species_commands applies to an anion that becomes `to_z` (chlorine or
/// iodine): √(m_old / m_new) as the commands write it (10 digits), read back.
double swap_velocity_factor(int to_z);

}  // namespace nanomix::sim

namespace nanomix::sim {

// ---- Adiabatic core–shell model (ForceFieldKind::core_shell; CORESHELL package) ----
// Types: 1 C, 2 Na, 3 Cl, 4 I (the cores; an ion without a shell is its own core), then one shell
// type per polarisable species in the order Na, Cl, I (5, 6, … : core_shell_shell_type). Atom ids:
// the frame's atoms 1..N in frame order, then the shells N+1.. in the order of their cores, each
// bonded to its core (bond type = 1, 2, … in the same order as the shell types). Coulomb between
// every pair but a core and its own shell (special_bonds coul 0); Born–Mayer–Huggins between the
// shells of polarisable ions (the core of an unpolarisable one); carbon–ion Lennard-Jones on the
// same particle as the Born terms.

/// LAMMPS type of the shell of species z (0 if z has none).
int core_shell_shell_type(const ForceField& ff, int atomic_number);
/// Number of LAMMPS atom types (4 + shelled species).
int core_shell_type_count(const ForceField& ff);
/// The frame as an atom_style full data file with shells (placed on their cores), bonds and masses.
std::string lammps_core_shell_data_file(const Frame& frame, const ForceField& ff);
/// The set-up of the cluster in the tube, as lammps_setup_commands, for the core–shell model:
/// groups carbon, ions, cores (cores with a shell), shells; compute tI = temp/cs of the ions (the
/// core–shell pairs' centre-of-mass motion); plain Coulomb (coul/cut, cut-off longer than the
/// cluster: an exact direct sum, the own-shell pair excluded).
std::string lammps_core_shell_setup_commands(const MdParams& params, const ForceField& ff, const std::string& data_file,
                                             std::size_t ion_count);
/// A periodic rock-salt crystal (types 1 Na, 2 anion core, 3 anion shell if polarisable) as an
/// atom_style full data file; shells displaced from their cores by `shell_offset_angstrom` along x
/// (0: on the cores), so that a test can watch them relax.
std::string lammps_core_shell_crystal_data_file(const Frame& crystal, const ForceField& ff, double shell_offset_angstrom = 0);
/// born/coul/long/cs CUTOFF with the crystal's coefficients, bond_style harmonic, special_bonds
/// (Coulomb through a kspace_style the caller chooses).
std::string lammps_core_shell_crystal_pair_commands(int anion, const ForceField& ff, double cutoff_angstrom);

}  // namespace nanomix::sim
