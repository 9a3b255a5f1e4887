// nanomix run --config C --out DIR [--resume]: every stage, then DIR/report.html.
// The run writes the resolved config to DIR/config.ini and hands it to each stage, so every
// stage sees exactly the same experiment (command-line overrides included). With --resume a
// stage is skipped when its outputs exist and were made from the same config (a stamp per stage
// under DIR/.stamps records it).
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/commands.hpp"
#include "app/report/pipeline_report.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/progress.hpp"

namespace nanomix::cli {

namespace fs = std::filesystem;

namespace {

struct Stage {
  std::string id;                    ///< unique name (stamp file)
  std::string label;                 ///< for humans
  std::vector<std::string> args;     ///< command name first
  std::vector<std::string> outputs;  ///< files it must leave behind
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string joined(const std::vector<std::string>& args) {
  std::string out = "nanomix";
  for (const auto& a : args) out += " " + a;
  return out;
}

bool has_stage(const Config& config, const std::string& name) {
  std::istringstream in(config.string("run", "stages"));
  std::string word;
  while (in >> word)
    if (word == name) return true;
  return false;
}

}  // namespace

Command run_command() {
  Command c;
  c.name = "run";
  c.usage = "--config C --out DIR [--resume]";
  c.summary = "the whole experiment: build, md, image, detect, topology, compare, then DIR/report.html";
  c.sections = {"run"};
  c.add_options = [](po::options_description& o) {
    o.add_options()("out,o", po::value<std::string>(), "output directory (created if missing)")(
        "resume", "skip the stages whose outputs exist and were made from the same config");
  };
  c.run = [](const Invocation& inv) {
    const fs::path dir = inv.required("out");
    const bool resume = inv.has("resume");
    const Config& config = inv.config;
    {
      std::istringstream in(config.string("run", "stages"));
      std::string word;
      const std::vector<std::string> known = {"build", "md", "image", "detect", "topology", "compare", "report"};
      while (in >> word) {
        if (std::find(known.begin(), known.end(), word) == known.end()) {
          config.fail("run", "stages", "unknown stage '" + word + "'");
        }
      }
    }
    const bool root = mpi_rank() == 0;
    if (root) fs::create_directories(dir / ".stamps");
    mpi_barrier();
    const fs::path config_path = dir / "config.ini";
    const std::string resolved = config.to_ini();
    if (root && (!fs::exists(config_path) || read_file(config_path) != resolved)) {
      write_text_file_atomically(config_path, resolved);
    }
    mpi_barrier();

    const std::string cfg = config_path.string();
    auto path = [&](const std::string& name) { return (dir / name).string(); };
    std::vector<Stage> plan;
    if (has_stage(config, "build")) plan.push_back({"build", "structure", {"build", "--config", cfg, "--out", path("structure.xyz")}, {path("structure.xyz")}});
    if (has_stage(config, "md")) {
      plan.push_back({"md", "molecular dynamics", {"md", "--config", cfg, "--out", path("trajectory.h5"), "--resume"}, {path("trajectory.h5")}});
    }
    if (has_stage(config, "image")) {
      plan.push_back({"image", "synthetic movie",
                      {"image", "--config", cfg, "--trajectory", path("trajectory.h5"), "--out", path("movie.h5"), "--tiff", path("movie.tif")},
                      {path("movie.h5"), path("movie.tif")}});
    }
    if (has_stage(config, "detect")) {
      plan.push_back({"detect", "column detection", {"detect", "--config", cfg, "--movie", path("movie.h5"), "--out", path("columns.h5")}, {path("columns.h5")}});
    }
    if (has_stage(config, "topology")) {
      plan.push_back({"topology_atoms", "persistence of the ions",
                      {"topology", "--config", cfg, "--trajectory", path("trajectory.h5"), "--out", path("diagrams_atoms.h5")},
                      {path("diagrams_atoms.h5")}});
    }

    std::vector<report::StageRecord> records;
    std::size_t index = 0;
    for (const Stage& stage : plan) {
      ++index;
      std::vector<std::string> args = stage.args;
      if (inv.quiet) args.emplace_back("--quiet");
      const std::string stamp_text = resolved + "\n# " + joined(args) + "\n";
      const fs::path stamp = dir / ".stamps" / (stage.id + ".stamp");
      bool done = resume && fs::exists(stamp) && read_file(stamp) == stamp_text;
      for (const auto& o : stage.outputs) done = done && fs::exists(o);
      report::StageRecord record{stage.id, joined(args), 0, done};
      log_info(inv.quiet || !root, "[" + std::to_string(index) + "/" + std::to_string(plan.size()) + "] " + stage.label +
                                       (done ? ": outputs exist for this config, skipped (--resume)" : ""));
      if (!done) {
        const Command* command = nullptr;
        const auto commands = all_commands();
        for (const auto& candidate : commands)
          if (candidate.name == args.front()) command = &candidate;
        if (!command) throw RuntimeError("this nanomix has no '" + args.front() + "' command for the " + stage.id + " stage");
        if (root) fs::remove(stamp);
        const auto start = std::chrono::steady_clock::now();
        const int rc = run_command(*command, {args.begin() + 1, args.end()});
        record.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (rc != 0) throw RuntimeError("stage " + stage.id + " failed (exit code " + std::to_string(rc) + ")");
        if (root) write_text_file_atomically(stamp, stamp_text);
        mpi_barrier();
      }
      records.push_back(record);
    }

    if (root && has_stage(config, "report")) {
      report::RunFiles files;
      files.config_ini = resolved;
      files.structure = path("structure.xyz");
      files.trajectory = path("trajectory.h5");
      files.movie = path("movie.h5");
      files.columns = path("columns.h5");
      files.diagrams = {path("diagrams_atoms.h5")};
      files.comparison = path("comparison.h5");
      files.filmstrip_frames = static_cast<int>(config.integer("run", "filmstrip_frames"));
      write_text_file_atomically(dir / "report.html", report::pipeline_report(files, records));
      log_info(inv.quiet, "report: " + path("report.html"));
    }
    return 0;
  };
  return c;
}

}  // namespace nanomix::cli
