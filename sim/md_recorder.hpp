#pragma once
// Everything the md stage writes while it runs, in one place: the trajectory (frames, the
// observables of each frame, the parameters of a fresh file), the checkpoints and the LAMMPS input
// that ran. Files are written on rank 0; the LAMMPS queries (temperature, energy, write_data) are
// collective and made on every rank.
//
// Observables (/observables/<name>, one value per frame): temperature (ions, K),
// potential_energy (eV), anion_sro, crystallinity, crystallinity_nacl, crystallinity_nai,
// ions_outside_tube, experiment_time (s), target_temperature (K), then the drive's own
// (swap_acceptance, kicks). Meanings: docs/md.md.
#include <cstdint>
#include <memory>
#include <string>

#include "core/h5md.hpp"
#include "sim/lammps_process.hpp"
#include "sim/md_checkpoint.hpp"
#include "sim/md_drive.hpp"
#include "sim/md_observables.hpp"
#include "sim/md_params.hpp"
#include "sim/md_system.hpp"
#include "sim/structure.hpp"

namespace nanomix::sim {

/// What the progress line and the result report of a recorded frame (0 on ranks other than 0).
struct FrameSummary {
  double temperature_kelvin = 0, anion_sro = 0, crystallinity = 0;
};

class MdRecorder {
 public:
  /// Rank 0 creates the trajectory (a fresh one with the drive's and the time mapping's
  /// /parameters) or, on resume, reopens it cut back to start.first_frame frames.
  MdRecorder(const std::string& config_ini, const MdParams& params, const Structure& structure, const TubeExtent& tube,
             const MdPaths& paths, const LammpsWorkDir& work, const Drive& drive, const StartPoint& start,
             const std::string& identity, bool this_rank_only);
  MdRecorder(const MdRecorder&) = delete;
  MdRecorder& operator=(const MdRecorder&) = delete;

  /// Writes frame f: the state just gathered into system.state() and its observables.
  FrameSummary record(MdSystem& system, const Drive& drive, std::int64_t f);
  /// LAMMPS writes its data file, nanomix copies it to T.checkpoint.data and writes T.checkpoint
  /// (`frames_done`, the step, the drive's counters), then saves the LAMMPS input; returns the step.
  std::int64_t checkpoint(MdSystem& system, const Drive& drive, std::int64_t frames_done);
  /// The LAMMPS input so far as T.lammps (T.resume.lammps on resume), paths relative to its folder.
  void save_script(const LammpsSession& lmp) const;
  /// Closes the trajectory; returns the frames it holds (0 on other ranks).
  std::int64_t close();
  /// The trajectory's path, as given.
  const std::string& trajectory() const { return paths_.trajectory; }

 private:
  void write_parameters(const Drive& drive);

  const MdParams& p_;
  const TubeExtent tube_;
  const MdPaths paths_;
  const std::string checkpoint_written_, identity_;
  const bool root_, resume_, this_rank_only_;
  std::unique_ptr<H5mdWriter> writer_;
};

}  // namespace nanomix::sim
