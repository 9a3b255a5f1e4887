// nanomix md --config C --out trajectory.h5 [--resume]
#include <filesystem>

#include <cstdio>

#include "app/commands.hpp"
#include "app/stages.hpp"
#include "core/atomic_file.hpp"
#include "core/config_diff.hpp"
#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/progress.hpp"
#include "sim/md_checkpoint.hpp"
#include "sim/md_params.hpp"
#include "sim/md_run.hpp"
#include "sim/structure.hpp"

namespace nanomix::cli {

void run_stage(const MdStage& stage, const Config& config, bool quiet) {
  const std::string& out = stage.out;
  check_output_directory(out);
  // T.lammps, T.data, T.checkpoint*, T.log are named from the trajectory's name: none of them may
  // be the trajectory itself (`--out x.log` ended with exit 0 and the log where the trajectory
  // was) nor a file md reads (the config, a potential table).
  std::vector<NamedPath> outputs{{"--out", out}};
  for (const auto& [what, path] : sim::MdPaths::beside(out).companions()) outputs.push_back({"--out's " + what.substr(4), path});
  std::vector<NamedPath> inputs;
  if (!config.path().empty()) inputs.push_back({"--config", config.path()});
  for (const auto& in : input_files({}, config)) inputs.push_back(in);
  check_outputs_apart(outputs, inputs);
  if (stage.resume && !std::filesystem::exists(out)) throw InputError("--resume: " + out + " does not exist");
  const auto structure = sim::build_structure(sim::StructureParams::table().read(config));
  const auto params = sim::MdParams::table().read(config);
  if (stage.one_rank && mpi_rank() != 0) return;  // the input was checked above on every rank; rank 0 runs
  const sim::MdRecord record{config.to_ini(), ini_of_sections(config, {"structure", "md"})};
  // Checks of the params against the structure name their key: with the config, where it was set.
  const auto r = with_config_errors(config, [&] { return sim::run_md(params, structure, record, out, stage.resume, quiet, stage.one_rank); });
  if (mpi_rank() == 0) {
    char values[96];
    std::snprintf(values, sizeof values, "anion_sro %.3f, crystallinity %.3f", r.last_anion_sro, r.last_crystallinity);
    log_info(quiet, "md: " + std::to_string(r.frames_written) + " frames → " + out + " (" + values + "; wall " +
                        format_duration(r.wall_seconds) + ", LAMMPS runs " + format_duration(r.lammps_seconds) + ")");
  }
}

Command md_command() {
  Command c;
  c.name = "md";
  c.usage = "--config C --out trajectory.h5 [--resume] [--one-rank]";
  c.summary = "molecular dynamics of the ions in the tube through LAMMPS ([structure], [md]): trajectory (H5MD) "
              "with observables, and the LAMMPS input beside it";
  c.sections = {"structure", "md"};
  c.add_options = [](po::options_description& o) {
    o.add_options()("out,o", po::value<std::string>(), "output trajectory (H5MD); T.lammps, T.data, T.checkpoint* beside it")(
        "resume", "continue a killed run from its last checkpoint, to the same number of frames")(
        "one-rank", "under mpirun: LAMMPS runs on rank 0 alone and the other ranks wait, so the trajectory is the one "
                    "process's (a LAMMPS run over several ranks adds forces in another order and follows another, "
                    "equally valid trajectory)");
  };
  c.run = [](const Invocation& inv) {
    run_stage(MdStage{inv.required("out"), inv.has("resume"), inv.has("one-rank")}, inv.config, inv.quiet);
    return 0;
  };
  return c;
}

}  // namespace nanomix::cli
