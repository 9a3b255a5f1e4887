#include "sim/md_run.hpp"

#include <chrono>
#include <cstdio>
#include <memory>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/progress.hpp"
#include "sim/lammps_input.hpp"
#include "sim/lammps_process.hpp"
#include "sim/md_checkpoint.hpp"
#include "sim/md_drive.hpp"
#include "sim/md_observables.hpp"
#include "sim/md_plan.hpp"
#include "sim/md_recorder.hpp"
#include "sim/md_system.hpp"

namespace nanomix::sim {

namespace {

/// Rank 0, before LAMMPS starts: the tube potential and the starting atoms (T.data, or the
/// checkpoint's data on resume) as copies in LAMMPS' working folder.
void stage_lammps_inputs(const MdParams& p, const ForceField& ff, const Structure& s, const MdPaths& paths,
                         const LammpsWorkDir& work, bool resume) {
  if (p.tube == TubeModel::flexible_tersoff) copy_file(p.tersoff_file, work.file("tersoff"), "[md] tersoff_file");
  if (p.tube == TubeModel::flexible_airebo) copy_file(p.airebo_file, work.file("airebo"), "[md] airebo_file");
  if (resume) {
    copy_file(paths.checkpoint_data, work.file("start.data"), "checkpoint");
    return;
  }
  const std::string data = lammps_data_file(s.frame, ff);
  write_text_file_atomically(paths.data, data);
  write_text_file_atomically(work.file("start.data"), data);
}

/// A checkpoint after `frames_done` frames; unless the run is over, the system then continues
/// from it as --resume would.
void checkpoint(MdRecorder& recorder, MdSystem& system, const Drive& drive, std::int64_t frames_done,
                std::int64_t frames) {
  const std::int64_t step = recorder.checkpoint(system, drive, frames_done);
  if (frames_done < frames) system.reload_checkpoint(step, frames_done - 1);
}

std::string progress_note(const FrameSummary& r) {
  // As LAMMPS users read thermo output: the ions' temperature and the order.
  char note[96];
  std::snprintf(note, sizeof note, "T %.0f K, anion order %.2f", r.temperature_kelvin, r.anion_sro);
  return note;
}

void keep_last(MdRunResult& result, const FrameSummary& summary) {
  result.last_anion_sro = summary.anion_sro;
  result.last_crystallinity = summary.crystallinity;
}

/// The state production continues from: on resume the checkpoint's; otherwise frame 0 (the state
/// after the melt–quench), recorded and checkpointed.
void begin_production(MdSystem& system, Drive& drive, MdRecorder& recorder, const StartPoint& start,
                      MdRunResult& result) {
  if (start.resume) {
    system.continue_from(start.step);
    system.gather(start.first_frame - 1);
    return;
  }
  system.prepare_production();
  system.gather(0);
  keep_last(result, recorder.record(system, drive, 0));
  checkpoint(recorder, system, drive, 1, system.params().frames);
}

/// Ions beyond the tube's wall or past its ends (e.g. knock-on at a raised dose melting the
/// cluster): the model no longer describes a cluster in a tube. Stops with a RuntimeError (exit 1)
/// before frame f is written, so the trajectory ends at the last good frame and the LAMMPS input
/// that ran is saved.
void stop_if_ions_left(MdSystem& system, MdRecorder& recorder, const TubeExtent& tube, std::int64_t f) {
  const std::size_t outside = ions_outside_tube(tube, system.state());
  if (outside == 0) return;
  recorder.save_script(system.lammps());
  const std::string trajectory = recorder.trajectory();
  recorder.close();
  throw RuntimeError("md: " + std::to_string(outside) + " ions left the tube at frame " + std::to_string(f) + " (" +
                     std::to_string(system.state().time_ps) + " ps); the trajectory ends at the last good frame " +
                     std::to_string(f - 1) + " (" + trajectory + ")");
}

/// The production loop: per frame, the drive and the MD segment by segment, then the recorder.
void produce(const MdPlan& plan, MdSystem& system, Drive& drive, MdRecorder& recorder, const TubeExtent& tube,
             bool quiet, MdRunResult& result) {
  Progress progress("md", plan.frames(), quiet);
  progress.update(plan.first_frame());
  for (std::int64_t f = plan.first_frame(); f < plan.frames(); ++f) {
    system.run_frame(plan, f, drive);
    system.gather(f);
    stop_if_ions_left(system, recorder, tube, f);
    const FrameSummary summary = recorder.record(system, drive, f);
    keep_last(result, summary);
    progress.update(f + 1, progress_note(summary));
    if (plan.checkpoint_after(f)) checkpoint(recorder, system, drive, f + 1, plan.frames());
  }
  progress.finish();
}

}  // namespace

MdRunResult run_md(const MdParams& p, const Structure& s, const MdRecord& record, const std::string& trajectory,
                   bool resume, bool quiet, bool this_rank_only) {
  const auto wall_start = std::chrono::steady_clock::now();
  const ForceField ff = ForceField::load(p.ion_potential_file, p.carbon_ion_potential_file);
  validate_md_input(p, ff, s);
  // LAMMPS needs MPI: start it before any output file is open (see mpi_ensure_initialised).
  mpi_ensure_initialised();
  const MdPaths paths = MdPaths::beside(trajectory);
  const bool root = mpi_rank() == 0;
  const std::string identity = md_identity(record, p, this_rank_only ? 1 : mpi_size());
  const StartPoint start = resolve_start(paths, p, identity, resume, quiet || !root);
  MdRunResult result;
  result.first_frame = start.first_frame;
  if (start.finished) {
    result.frames_written = start.first_frame;
    return result;
  }
  if (!this_rank_only) mpi_barrier();                   // every rank has read the checkpoint before rank 0 removes it
  if (!start.resume && root) remove_checkpoint(paths);  // an earlier run's must never be taken for this one's

  const std::unique_ptr<Drive> drive = make_drive(p, ff);
  drive->restore(start.counters);
  LammpsWorkDir work(root, !this_rank_only);
  if (root) stage_lammps_inputs(p, ff, s, paths, work, start.resume);
  const TubeExtent tube = TubeExtent::of(s);
  MdRecorder recorder(record.config_ini, p, s, tube, paths, work, *drive, start, identity, this_rank_only);
  if (!this_rank_only) mpi_barrier();
  MdSystem system(p, ff, s, paths, work, start.resume, this_rank_only);

  begin_production(system, *drive, recorder, start, result);
  const MdPlan plan(p, start.resume ? start.first_frame : 1, drive->segments_per_frame());
  produce(plan, system, *drive, recorder, tube, quiet || !root, result);
  recorder.save_script(system.lammps());
  result.frames_written = recorder.close();
  result.lammps_seconds = system.lammps_seconds();
  result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return result;
}

}  // namespace nanomix::sim
