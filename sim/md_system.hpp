#pragma once
// The running MD system: a LAMMPS session set up for the md stage (its log beside the trajectory,
// the guard armed while it lives) and nanomix's copy of the state last gathered from it. It runs
// the start (velocities, melt–quench), the production segments under the thermostat, the rigid
// tube's vibration and the continuation from a checkpoint; the drives act on it between segments.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/frame.hpp"
#include "sim/forcefield.hpp"
#include "sim/lammps_process.hpp"
#include "sim/lammps_session.hpp"
#include "sim/md_checkpoint.hpp"
#include "sim/md_params.hpp"
#include "sim/md_plan.hpp"
#include "sim/structure.hpp"

namespace nanomix::sim {

class MdSystem {
 public:
  /// Starts LAMMPS (on every rank, or on this one alone) on work.file("start.data") — T.data, or
  /// the checkpoint's data on resume — and sends the set-up. LAMMPS' log is T.log (T.resume.log).
  MdSystem(const MdParams& params, const ForceField& ff, const Structure& structure, const MdPaths& paths,
           const LammpsWorkDir& work, bool resume, bool this_rank_only);
  MdSystem(const MdSystem&) = delete;
  MdSystem& operator=(const MdSystem&) = delete;

  LammpsSession& lammps() { return lmp_; }
  const MdParams& params() const { return p_; }
  const ForceField& forcefield() const { return ff_; }
  bool root() const { return root_; }
  /// nanomix's copy of the state as last gathered (the drives change its species with swaps).
  Frame& state() { return frame_; }
  /// Positions, species and step from LAMMPS into state() (collective); the time is that of
  /// frame `frame_index`.
  void gather(std::int64_t frame_index);

  /// A fresh run: velocities, the melt–quench, `run 0` (the state of frame 0).
  void prepare_production();
  /// Continuing from a data file already read (resume, or after a checkpoint): the step and the vibration.
  void continue_from(std::int64_t step);
  /// After a checkpoint: `clear`, read the checkpoint back, continue at `step`, gather the state
  /// of frame `frame_index`. An uninterrupted run does this after every checkpoint, as --resume
  /// would, so that both follow bitwise the same path (fresh neighbour lists and atom order from
  /// the same file, thermostats defined per segment).
  void reload_checkpoint(std::int64_t step, std::int64_t frame_index);
  /// One segment of production MD under the thermostat. The thermostat is one fix per frame
  /// (defined before segment 0, removed after the last), its target ramping over the frame
  /// (`run N start A stop B`); segment 0 sets LAMMPS up fully, later segments continue with
  /// `run … pre no` (no neighbour build, no new thermostat), after a species change from forces
  /// recomputed for the new species (LammpsSession::refresh_forces).
  void run_segment(const Segment& segment);
  /// The MD leading to frame f (f ≥ 1), segment by segment, the drive acting before each. Where
  /// the drive acts_in_run() (swaps), swap_batches_in_run is on and LAMMPS allows it
  /// (LammpsSession::can_change_types_in_run), the segments are one LAMMPS run stopped after each
  /// segment's steps (LammpsSession::run_with_stops) and the drive acts there: the same trajectory
  /// bitwise as a run per segment, without a run's start and end (thermo output and energies) per
  /// segment. The transcript records a run per segment either way.
  void run_frame(const MdPlan& plan, std::int64_t f, class Drive& drive);
  /// Cl⁻ → I⁻ (`to_i`) and I⁻ → Cl⁻ (`to_cl`) for atoms given by LAMMPS ID, state() already
  /// holding the new species: in LAMMPS as swap_species_commands does it (types, velocities scaled
  /// by √(m_old/m_new), the ions' momentum zeroed), then the next segment starts from forces of the
  /// new species (between runs: refresh_forces before it; inside a run: refresh_forces_in_run now).
  void change_species(const std::vector<int>& to_cl, const std::vector<int>& to_i);
  /// Seconds spent inside LAMMPS `run` commands.
  double lammps_seconds() const { return lammps_seconds_; }

 private:
  void run(std::int64_t steps);
  /// Before a frame's first segment: its thermostat fix, and the frame's first and last steps.
  void start_frame(const Segment& first);
  /// `run N start A stop B` of one segment (the thermostat's ramp spans the frame).
  std::string piece_run(const Segment& segment) const;
  /// What the transcript records for a piece that LAMMPS continued after refreshed forces.
  static std::string refreshed_piece_record(const std::string& run);
  void vibrate(std::int64_t from_step);

  const MdParams& p_;
  const ForceField& ff_;
  int axis_;
  std::size_t ions_;
  bool root_;
  std::unique_ptr<LogFile> log_;
  LammpsGuard guard_;
  LammpsSession lmp_;
  Frame frame_;
  double lammps_seconds_ = 0;
  bool species_changed_ = false;
  std::vector<int> changed_ids_;  ///< since the last run
  bool in_run_ = false;           ///< inside run_frame's one run (at a stop)
  std::int64_t frame_last_step_ = 0;  ///< the step at which the current frame's MD ends
  std::int64_t frame_first_step_ = 0;  ///< the step at which the current frame's MD began
};

}  // namespace nanomix::sim
