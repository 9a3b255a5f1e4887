#pragma once
// The md stage: a Structure and MdParams in, an H5MD trajectory out (frame by frame), driven
// through LAMMPS' library interface. Beside the trajectory T.h5 it writes
//   T.lammps             the complete LAMMPS input that ran, paths relative to its folder (rerun
//                        there with `lmp -in T.lammps`)
//   T.log                LAMMPS' own log (its last lines say why, if LAMMPS ends the process)
//   T.data               the starting atoms as a LAMMPS data file (read by T.lammps)
//   T.checkpoint.data    + T.checkpoint (frames done, step): the state --resume continues from
//
// The pieces: where to start (md_checkpoint.hpp: fresh or --resume) → the system (md_system.hpp:
// LAMMPS set up, melt–quench) → the plan (md_plan.hpp: frames and their MD segments) → per
// segment the mechanism's drive (md_drive.hpp: thermal, swaps, beam) and the thermostatted MD →
// per frame the recorder (md_recorder.hpp: trajectory, observables, checkpoints, LAMMPS input).
#include <cstdint>
#include <string>

#include "sim/md_checkpoint.hpp"
#include "sim/md_params.hpp"
#include "sim/structure.hpp"

namespace nanomix::sim {

struct MdRunResult {
  std::int64_t frames_written = 0;  ///< in the file at the end
  std::int64_t first_frame = 0;     ///< first frame this call ran (> 0 on resume)
  double wall_seconds = 0;
  double lammps_seconds = 0;  ///< time inside LAMMPS `run` commands
  double last_anion_sro = 0, last_crystallinity = 0;
};

/// Runs (or, with resume, continues) the md stage. Validates everything first (ParamError naming
/// the [md] or [structure] key, InputError). `this_rank_only`: LAMMPS runs on
/// the calling rank alone (under mpirun only rank 0 may call it then): the same trajectory as one
/// process, which a LAMMPS run over several ranks (another summation order) does not give.
/// Ions leaving the tube stop the run with a RuntimeError naming the frame (the trajectory ends at
/// the last good frame); LAMMPS ending the process is reported by report_lammps_failure
/// (lammps_process.hpp).
MdRunResult run_md(const MdParams& params, const Structure& structure, const MdRecord& record,
                   const std::string& trajectory, bool resume, bool quiet, bool this_rank_only = false);

}  // namespace nanomix::sim
