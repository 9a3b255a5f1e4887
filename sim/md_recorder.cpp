#include "sim/md_recorder.hpp"

#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "core/atomic_file.hpp"
#include "core/parallel.hpp"
#include "sim/lammps_input.hpp"

namespace nanomix::sim {

namespace fs = std::filesystem;

MdRecorder::MdRecorder(const std::string& config_ini, const MdParams& p, const Structure& s, const TubeExtent& tube,
                       const MdPaths& paths, const LammpsWorkDir& work, const Drive& drive, const StartPoint& start,
                       const std::string& identity, bool this_rank_only)
    : p_(p),
      tube_(tube),
      paths_(paths),
      checkpoint_written_(work.file("checkpoint.data")),
      identity_(identity),
      root_(mpi_rank() == 0),
      resume_(start.resume),
      this_rank_only_(this_rank_only) {
  if (!root_) return;
  if (resume_) {
    writer_ = H5mdWriter::reopen(paths.trajectory, static_cast<std::size_t>(start.first_frame));
    return;
  }
  ::close(create_fresh_file(paths.trajectory));  // a symlink there is replaced, never written through
  // Swaps change species: the file then holds the species of every frame.
  const SpeciesStorage species = drive.changes_species() ? SpeciesStorage::per_frame : SpeciesStorage::fixed;
  writer_ = std::make_unique<H5mdWriter>(paths.trajectory, s.frame, config_ini, "nanomix user", species);
  write_parameters(drive);
}

void MdRecorder::write_parameters(const Drive& drive) {
  writer_->write_parameter("md_mechanism", drive.name());
  for (const TrajectoryParameter& param : drive.parameters()) {
    std::visit([&](const auto& value) { writer_->write_parameter(param.first, value); }, param.second);
  }
  writer_->write_parameter("md_experiment_seconds_per_frame", p_.experiment_seconds_per_frame);
  writer_->write_parameter("md_experiment_seconds_per_ps", p_.experiment_seconds_per_frame / p_.frame_interval_ps);
  writer_->write_parameter("md_time_mapping",
                           std::string("experiment_time_s = frame_index * md_experiment_seconds_per_frame; MD time "
                                       "(ps) is /particles/all/position/time, production starts at 0"));
  writer_->write_parameter("md_beam_heating_kelvin", p_.beam_heating_kelvin);
  writer_->write_parameter("md_frame_interval_ps", p_.frame_interval_ps);
  writer_->write_parameter("md_timestep_fs", p_.timestep_fs);
  writer_->write_parameter("md_lammps_script", paths_.script);
}

FrameSummary MdRecorder::record(MdSystem& system, const Drive& drive, std::int64_t f) {
  FrameSummary summary;
  const double temp = system.lammps().compute_scalar("tI");
  const double pe = system.lammps().thermo("pe");
  if (!root_) return summary;
  const Frame& frame = system.state();
  const double sro = anion_sro(frame, p_.sro_shell_angstrom);
  const Crystallinity cr = crystallinity(frame);
  writer_->write_frame(frame);
  const auto st = frame.step;
  const double t = frame.time_ps;
  writer_->write_observable("temperature", st, t, temp, "K");
  writer_->write_observable("potential_energy", st, t, pe, "eV");
  writer_->write_observable("anion_sro", st, t, sro);
  writer_->write_observable("crystallinity", st, t, cr.total);
  writer_->write_observable("crystallinity_nacl", st, t, cr.nacl);
  writer_->write_observable("crystallinity_nai", st, t, cr.nai);
  writer_->write_observable("ions_outside_tube", st, t, static_cast<double>(ions_outside_tube(tube_, frame)));
  writer_->write_observable("experiment_time", st, t, static_cast<double>(f) * p_.experiment_seconds_per_frame, "s");
  writer_->write_observable("target_temperature", st, t, p_.production_kelvin_at(t), "K");
  for (const DriveObservable& o : drive.observables()) writer_->write_observable(o.name, st, t, o.value, o.unit);
  writer_->flush();
  summary.temperature_kelvin = temp;
  summary.anion_sro = sro;
  summary.crystallinity = cr.total;
  return summary;
}

std::int64_t MdRecorder::checkpoint(MdSystem& system, const Drive& drive, std::int64_t frames_done) {
  LammpsSession& lmp = system.lammps();
  const auto step = static_cast<std::int64_t>(std::llround(lmp.thermo("step")));
  lmp.comment("checkpoint (nanomix copies it to " + fs::path(paths_.checkpoint_data).filename().string() + ")");
  lmp.command("write_data ${nmx_out}");  // kept in the transcript: a rerun with lmp writes it too
  if (!this_rank_only_) mpi_barrier();
  if (root_) {
    copy_file(checkpoint_written_, paths_.checkpoint_data, "checkpoint");
    write_checkpoint_state(paths_, {frames_done, step, drive.counters(), file_hash(paths_.checkpoint_data), identity_});
  }
  save_script(lmp);
  return step;
}

void MdRecorder::save_script(const LammpsSession& lmp) const {
  if (!root_) return;
  const std::string path =
      resume_ ? fs::path(paths_.script).replace_extension(".resume.lammps").string() : paths_.script;
  // Paths relative to the script's folder, so the folder can be moved and rerun there with lmp -in.
  std::string text = lmp.transcript();
  const std::string folder = fs::path(paths_.script).parent_path().string() + "/";
  for (std::size_t at = text.find(folder); at != std::string::npos; at = text.find(folder, at))
    text.erase(at, folder.size());
  write_text_file_atomically(path, text);
}

std::int64_t MdRecorder::close() {
  if (!writer_) return 0;
  const auto frames = static_cast<std::int64_t>(writer_->frame_count());
  writer_->close();
  return frames;
}

}  // namespace nanomix::sim
