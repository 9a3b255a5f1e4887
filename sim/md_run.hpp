#pragma once
// The md stage: a Structure and MdParams in, an H5MD trajectory out (frame by frame), driven
// through LAMMPS' library interface. Beside the trajectory T.h5 it writes
//   T.lammps             the complete LAMMPS input that ran, paths relative to its folder (rerun
//                        there with `lmp -in T.lammps`)
//   T.lammpstrj          every recorded frame as LAMMPS dumps it (id type x y z), from T.lammps' `dump`
//   T.log                LAMMPS' own log (its last lines say why, if LAMMPS ends the process)
//   T.data               the starting atoms as a LAMMPS data file (read by T.lammps)
//   T.checkpoint.data    + T.checkpoint (frames done, step): the state --resume continues from
#include <cstdint>
#include <string>
#include <vector>

#include "sim/forcefield.hpp"
#include "sim/md_params.hpp"
#include "sim/structure.hpp"

namespace nanomix::sim {

struct MdRunResult {
  std::int64_t frames_written = 0;  ///< in the file at the end
  std::int64_t first_frame = 0;     ///< first frame this call ran (> 0 on resume)
  double wall_seconds = 0;
  double lammps_seconds = 0;        ///< time inside LAMMPS `run` commands
  double last_anion_sro = 0, last_crystallinity = 0;
};

struct MdPaths {
  std::string trajectory, script, data, checkpoint_data, checkpoint_state;
  static MdPaths beside(const std::string& trajectory);
};

/// True if LAMMPS reads `text` as one word with nothing substituted: letters, digits and / . _ - + , = @ % :
/// only (no blank, $, #, quote, &, newline or other control character).
bool lammps_plain_word(const std::string& text);
/// `text` safe inside a LAMMPS comment line: control characters and & replaced by '?'.
std::string lammps_comment_text(const std::string& text);
/// Largest LAMMPS data file (start or checkpoint) nanomix copies (1 GiB).
inline constexpr std::uintmax_t max_lammps_data_bytes = 1ull << 30;

/// LAMMPS commands that set up the system from a data file (units, atoms, force field, groups,
/// neighbour lists, thermo). Pure text: tested without LAMMPS. Files are read through the LAMMPS
/// variables nmx_in (the data file) and nmx_tersoff / nmx_airebo; `data_file` (and the tube
/// potential's path) are only their defaults, used when they are plain words (a -var given to
/// LAMMPS wins over them).
std::string lammps_setup_commands(const MdParams& params, const ForceField& ff, const std::string& data_file,
                                  std::size_t ion_count);
/// The same without the nmx_in line, reading the data file named by the LAMMPS variable
/// `data_variable` (after `clear`, variables are kept).
std::string lammps_setup_commands_from(const MdParams& params, const ForceField& ff, const std::string& data_variable,
                                       std::size_t ion_count);
/// The starting atoms as a LAMMPS data file (types 1 C, 2 Na, 3 Cl, 4 I; charges from ff).
std::string lammps_data_file(const Frame& frame, const ForceField& ff);

// LAMMPS commands that turn the atoms `to_cl` into Cl and `to_i` into I (LAMMPS ids, 1-based) after
// accepted swaps: velocities scaled by sqrt(m_old / m_new) (each atom keeps its kinetic energy, so a
// Maxwell distribution at T stays one), then the ions' net linear momentum set to zero.
std::string swap_species_commands(const std::vector<int>& to_cl, const std::vector<int>& to_i);

/// Called when LAMMPS ends the process (its exit(1), or MPI_Abort through app/lammps_abort.cpp)
/// while run_md runs it: prints one line naming the md stage, LAMMPS' ERROR line and its log,
/// renames the trajectory T.h5 to T.h5.partial and removes its checkpoint. No-op otherwise.
void report_lammps_failure();

/// What the md stage records of its config: the whole resolved config (Config::to_ini, stored in
/// the trajectory) and the resolved [structure] and [md] sections (ini_of_sections), which with the
/// potential files make the run's identity: a checkpoint is resumed only under the same identity.
struct MdRecord {
  std::string config_ini;
  std::string sections_ini;
};

/// Runs (or, with resume, continues) the md stage. Validates everything first (ParamError naming
/// the [md] or [structure] key, InputError). `this_rank_only`: LAMMPS runs on
/// the calling rank alone (under mpirun only rank 0 may call it then): the same trajectory as one
/// process, which a LAMMPS run over several ranks (another summation order) does not give.
MdRunResult run_md(const MdParams& params, const Structure& structure, const MdRecord& record,
                   const std::string& trajectory, bool resume, bool quiet, bool this_rank_only = false);

}  // namespace nanomix::sim
