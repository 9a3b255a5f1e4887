#pragma once
// The md stage's files beside the trajectory, and its checkpoint: T.checkpoint.data (LAMMPS'
// write_data) + T.checkpoint (a small text file: frames done, step, the drives' running counters,
// the data file's hash and the identity of the run that wrote it). --resume continues from it.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/md_params.hpp"

namespace nanomix::sim {

struct MdPaths {
  std::string trajectory, script, data, checkpoint_data, checkpoint_state;
  static MdPaths beside(const std::string& trajectory);
  /// Every file md writes beside the trajectory, named "T.<what>" by replacing its extension
  /// (T.lammps, T.data, T.checkpoint, T.checkpoint.data, T.log, T.resume.lammps, T.resume.log),
  /// with what each is.
  std::vector<std::pair<std::string, std::string>> companions() const;
};

/// Running totals of the drives, kept across checkpoints (they feed the observables
/// swap_acceptance and kicks).
struct DriveCounters {
  std::int64_t swaps_attempted = 0, swaps_accepted = 0, kicks = 0;
};

struct Checkpoint {
  std::int64_t frames_done = 0, step = 0;
  DriveCounters counters;
  std::string data_hash;  ///< of T.checkpoint.data as written with this state
  std::string identity;   ///< md_identity of the run that wrote it
};

/// What the md stage records of its config: the whole resolved config (Config::to_ini, stored in
/// the trajectory) and the resolved [structure] and [md] sections (ini_of_sections), which with the
/// potential files make the run's identity: a checkpoint is resumed only under the same identity.
struct MdRecord {
  std::string config_ini;
  std::string sections_ini;
};

/// What the md stage's result depends on: the resolved [structure] and [md] sections, the bytes
/// of every file it reads (the potential tables) and the number of processes LAMMPS runs on
/// (`lammps_ranks`: LAMMPS sums forces in another order on another number of ranks, so a run
/// resumed on another number is not the uninterrupted one). A checkpoint is used only by a run
/// with the same identity, so a resumed trajectory never mixes two configs.
std::string md_identity(const MdRecord& record, const MdParams& params, int lammps_ranks);

/// Writes T.checkpoint (atomically).
void write_checkpoint_state(const MdPaths& paths, const Checkpoint& checkpoint);
/// The checkpoint beside the trajectory, or the reason there is none usable ("" and a message).
std::pair<Checkpoint, std::string> read_checkpoint_state(const MdPaths& paths);
/// Removes T.checkpoint and T.checkpoint.data (if there).
void remove_checkpoint(const MdPaths& paths);

/// Where a run starts: frame 0 (a fresh run), or the checkpoint's frame and step (--resume).
struct StartPoint {
  bool resume = false;
  bool finished = false;  ///< --resume of a trajectory that holds every frame: nothing to run
  std::int64_t first_frame = 0, step = 0;
  DriveCounters counters;
};
/// --resume continues from the last checkpoint only if it was made from this same identity
/// (config sections and input files) and matches its data file; a trajectory from another
/// config is refused (InputError naming what changed); with no usable checkpoint yet (killed
/// before the first one, or while writing it) the stage starts over (said through log_info
/// unless `quiet`).
StartPoint resolve_start(const MdPaths& paths, const MdParams& params, const std::string& identity, bool resume,
                         bool quiet);

}  // namespace nanomix::sim
