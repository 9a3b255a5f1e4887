// nanomix run --config C --out DIR [--resume]: every stage, then DIR/report.html.
// The run writes the resolved config to DIR/config.ini and hands it to each stage, so every
// stage sees exactly the same experiment (command-line overrides included). With --resume a
// stage is skipped when its outputs exist and were made from the same config (a stamp per stage
// under DIR/.stamps records it).
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/commands.hpp"
#include "app/report/pipeline_report.hpp"
#include "app/run_params.hpp"
#include "app/run_sequence.hpp"
#include "core/atomic_file.hpp"
#include "core/config_diff.hpp"
#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/progress.hpp"
#include "imaging/detect/detect_config.hpp"
#include "imaging/render_movie.hpp"
#include "sim/md_params.hpp"
#include "sim/structure.hpp"
#include "topology/compare.hpp"
#include "imaging/detect/movie_reader.hpp"
#include "topology/topology_run.hpp"

namespace nanomix::cli {

namespace fs = std::filesystem;

namespace {

struct Stage {
  std::string id;                    ///< unique name (stamp file)
  std::string label;                 ///< for humans
  std::vector<std::string> args;     ///< command name first
  std::vector<std::string> outputs;  ///< files it must leave behind
  std::vector<std::string> sections; ///< config sections its outputs depend on (for --resume)
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

/// The [section] blocks of resolved INI text that belong to `sections`.
std::string ini_sections(const std::string& ini, const std::vector<std::string>& sections) {
  std::istringstream in(ini);
  std::string line, out;
  bool keep = false;
  while (std::getline(in, line)) {
    if (!line.empty() && line.front() == '[') {
      keep = std::find(sections.begin(), sections.end(), line.substr(1, line.find(']') - 1)) != sections.end();
    }
    if (keep) out += line + "\n";
  }
  return out;
}

/// Lines "# input <option or key> <path> <hash>" for every file a stage reads: the files named by
/// its input options (outputs of earlier stages, the experimental movie) and the path keys of the
/// config sections it reads. A stamp holds them, so a stage is skipped on --resume only if
/// neither its config nor any of its input files changed.
std::string input_hashes(const Config& config, const Stage& stage) {
  static const std::vector<std::string> input_options = {"--trajectory", "--structure", "--movie", "--columns",
                                                         "--simulated", "--experimental"};
  std::string out;
  for (std::size_t i = 0; i + 1 < stage.args.size(); ++i) {
    if (std::find(input_options.begin(), input_options.end(), stage.args[i]) != input_options.end()) {
      out += "# input " + stage.args[i] + " " + stage.args[i + 1] + " " + file_hash(stage.args[i + 1]) + "\n";
    }
  }
  for (const auto& spec : config.schema().keys()) {
    if (spec.type != KeyType::path) continue;
    if (std::find(stage.sections.begin(), stage.sections.end(), spec.section) == stage.sections.end()) continue;
    const std::string& value = config.string(spec.section, spec.key);
    if (!value.empty()) out += "# input " + spec.name() + " " + value + " " + file_hash(value) + "\n";
  }
  return out;
}

/// Holds DIR/.nanomix.lock (flock) while a run writes into DIR, so that a second run into the same
/// folder is refused instead of overwriting the first one's files.
class FolderLock {
 public:
  explicit FolderLock(const fs::path& dir) {
    std::string error;
    if (mpi_rank() == 0) {
      const fs::path path = dir / ".nanomix.lock";
      fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
      if (fd_ < 0) {
        error = "cannot open the lock file " + path.string();
      } else if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        error = "--out " + dir.string() + ": another nanomix run is writing into this folder (it holds " + path.string() + ")";
      }
    }
    mpi_broadcast(error);
    if (!error.empty()) throw InputError(error);
  }
  ~FolderLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
  }
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int fd_ = -1;
};

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
    // [run]: known stages, at least one, a second mechanism md knows (RunParams::validate).
    const RunParams run = RunParams::table().read(config);
    const RunCompareInputs inputs = RunCompareInputs::table().read(config);
    {
      // Something to do: a stage that makes outputs, or the report of an earlier run's outputs.
      const auto& words = run.stages;
      if (std::all_of(words.begin(), words.end(), [](const std::string& w) { return w == "report"; })) {
        bool earlier = false;
        std::error_code ec;
        if (fs::is_directory(dir / ".stamps", ec)) {
          for (const auto& e : fs::directory_iterator(dir / ".stamps", ec)) earlier = earlier || e.path().extension() == ".stamp";
        }
        if (!earlier) {
          config.fail("run", "stages", "'report' alone reports an earlier run's outputs, and --out " + dir.string() + " holds none");
        }
      }
    }
    // Every stage's keys are checked now, against the user's file (errors name its lines), so that
    // a bad key never surfaces after hours of MD (the stages read DIR/config.ini later).
    if (run.has("build") || run.has("md") || run.has("image")) {
      const auto structure = sim::StructureParams::table().read(config);
      if (run.has("md")) sim::MdParams::table().read(config);
      (void)structure;
    }
    if (run.has("image")) imaging::ImagingParams::table().read(config);
    if (run.has("detect")) {
      imaging::read_options_table().read(config);
      imaging::preprocess_table().read(config);
      imaging::detect_table().read(config);
    }
    if (run.has("topology")) topology::TopologyParams::table().read(config);
    if (run.has("compare")) topology::CompareParams::table().read(config);
    const std::string experimental = inputs.experimental;
    if (!experimental.empty()) {
      // Validate the experiment before any simulation: readable, a real-space movie of >= 2 frames
      // with a pixel size, on a scale comparable with the simulated movie's.
      require_input_file(experimental, "compare.experimental");
      const auto exp = imaging::read_movie(experimental, imaging::read_options_table().read(config));
      if (exp.movie.frame_count() < 2) {
        throw InputError(experimental + ": " + std::to_string(exp.movie.frame_count()) +
                         " frame; comparing dynamics needs a movie of at least 2 frames ([compare] experimental)");
      }
      if (exp.pixel_size_source == "unknown") {
        throw InputError(experimental + ": no pixel size in the file; set [detect] pixel_size_angstrom");
      }
      const double sim_px = config.real("imaging", "pixel_size_angstrom");
      const double exp_px = exp.movie.pixel_size_x_angstrom;
      const double limit = inputs.max_scale_ratio;
      const double ratio = exp_px / sim_px;
      char line[400];
      if (ratio > limit || ratio < 1.0 / limit) {
        std::snprintf(line, sizeof line,
                      "%s: experimental pixel %.4g Å (%s) and simulated pixel %.4g Å ([imaging] pixel_size_angstrom) "
                      "differ %.3g-fold, more than [compare] max_scale_ratio = %.3g",
                      experimental.c_str(), exp_px, exp.pixel_size_source.c_str(), sim_px, ratio >= 1 ? ratio : 1 / ratio, limit);
        throw InputError(line);
      }
      std::snprintf(line, sizeof line, "experiment %s: %s, %d x %d px x %zu frames, pixel %.4g Å (%s; simulated %.4g Å), frame time %.4g s (%s)",
                    experimental.c_str(), exp.format.c_str(), exp.movie.nx, exp.movie.ny, exp.movie.frame_count(), exp_px,
                    exp.pixel_size_source.c_str(), sim_px, exp.movie.frame_time_s,
                    exp.frame_time_kind.empty() ? exp.frame_time_source.c_str() : exp.frame_time_kind.c_str());
      log_info(inv.quiet, line);
    }
    const bool root = mpi_rank() == 0;
    {
      std::string error;
      if (root) {
        std::error_code ec;
        if (fs::exists(fs::symlink_status(dir)) && !fs::is_directory(fs::symlink_status(dir))) {
          error = "--out " + dir.string() + ": exists and is not a directory";
        } else if (fs::create_directories(dir / ".stamps", ec); ec) {
          error = "--out " + dir.string() + ": cannot create the folder (" + ec.message() + ")";
        }
      }
      mpi_broadcast(error);
      if (!error.empty()) throw InputError(error);
    }
    const FolderLock lock(dir);
    const fs::path config_path = dir / "config.ini";
    const std::string resolved = config.to_ini();
    if (root && (!fs::exists(config_path) || read_file(config_path) != resolved)) {
      write_text_file_atomically(config_path, resolved);
    }
    mpi_barrier();

    const std::string cfg = config_path.string();
    auto path = [&](const std::string& name) { return (dir / name).string(); };
    std::vector<Stage> plan;
    // The simulated mechanism of [md], imaged, detected and measured; then the reference it is
    // compared with: the experimental movie of [compare] experimental, or else a second simulated
    // mechanism ([run] second_mechanism) — the report says which.
    const std::string second = run.second_mechanism;
    auto simulate = [&](const std::string& tag, const std::vector<std::string>& overrides) {
      const std::string of = tag.empty() ? "" : " (" + tag.substr(1) + ")";  // "_thermal" → " (thermal)"
      auto with = [&](std::vector<std::string> args) {
        args.insert(args.end(), overrides.begin(), overrides.end());
        return args;
      };
      const std::string t = path("trajectory" + tag + ".h5"), m = path("movie" + tag + ".emd"), k = path("columns" + tag + ".h5");
      if (run.has("md")) {
        // A trajectory left by an interrupted run is continued from its last checkpoint.
        std::vector<std::string> args = {"md", "--config", cfg, "--out", t};
        if (!run.md_all_ranks) args.emplace_back("--one-rank");
        if (resume && fs::exists(t) && !fs::exists(dir / ".stamps" / ("md" + tag + ".stamp"))) args.emplace_back("--resume");
        plan.push_back({"md" + tag, "molecular dynamics" + of, with(args), {t}, {"structure", "md"}});
      }
      if (run.has("image")) {
        // Without an MD stage the built structure itself is imaged (e.g. a reference crystal).
        std::vector<std::string> args = {"image", "--config", cfg};
        if (run.has("md")) args.insert(args.end(), {"--trajectory", t});
        else args.insert(args.end(), {"--structure", path("structure.xyz")});
        args.insert(args.end(), {"--out", m});
        std::vector<std::string> outputs = {m};
        if (run.tiff) {
          args.insert(args.end(), {"--tiff", path("movie" + tag + ".tif")});
          outputs.push_back(path("movie" + tag + ".tif"));
        }
        plan.push_back({"image" + tag, "synthetic movie" + of, with(args), outputs, {"structure", "md", "imaging"}});
      }
      if (run.has("detect")) plan.push_back({"detect" + tag, "column detection" + of, with({"detect", "--config", cfg, "--movie", m, "--out", k}), {k},
                                                   {"structure", "md", "imaging", "detect"}});
      if (run.has("topology")) {
        const std::string d = path("diagrams_columns" + tag + ".h5");
        plan.push_back({"topology_columns" + tag, "persistence of the detected columns" + of,
                        with({"topology", "--config", cfg, "--columns", k, "--out", d}), {d},
                        {"structure", "md", "imaging", "detect", "topology"}});
      }
      if (run.has("topology") && run.has("image") && experimental.empty() && !second.empty()) {
        // The detection-free statistic: cubical persistence of each frame's tube interior (group `interior`).
        const std::string d = path("diagrams_movie" + tag + ".h5");
        plan.push_back({"topology_movie" + tag, "persistence of the movie's tube interior" + of,
                        with({"topology", "--config", cfg, "--movie", m, "--out", d}), {d},
                        {"structure", "md", "imaging", "topology"}});
      }
    };
    if (run.has("build")) plan.push_back({"build", "structure", {"build", "--config", cfg, "--out", path("structure.xyz")}, {path("structure.xyz")}, {"structure"}});
    simulate("", {});
    if (run.has("topology")) {
      plan.push_back({"topology_atoms", "persistence of the ions",
                      {"topology", "--config", cfg, run.has("md") ? "--trajectory" : "--structure",
                       run.has("md") ? path("trajectory.h5") : path("structure.xyz"), "--out", path("diagrams_atoms.h5")},
                      {path("diagrams_atoms.h5")}, {"structure", "md", "topology"}});
    }
    std::string reference, comparison_note, comparison_atoms_note, comparison_movie_note;
    const std::string first_mechanism = config.string("md", "mechanism");
    if (!experimental.empty()) {
      reference = path("diagrams_experimental.h5");
      comparison_note = "Simulated (" + first_mechanism + ") detected-column diagrams against the experimental movie " +
                        experimental + " (its columns detected and measured the same way).";
      if (run.has("detect")) {
        plan.push_back({"detect_experimental", "column detection (experiment)",
                        {"detect", "--config", cfg, "--movie", experimental, "--out", path("columns_experimental.h5")},
                        {path("columns_experimental.h5")}, {"detect"}});
      }
      if (run.has("topology")) {
        plan.push_back({"topology_experimental", "persistence of the experimental columns",
                        {"topology", "--config", cfg, "--columns", path("columns_experimental.h5"), "--out", reference},
                        {reference}, {"detect", "topology"}});
      }
    } else if (!second.empty()) {
      simulate("_" + second, {"--md.mechanism=" + second});
      reference = path("diagrams_columns_" + second + ".h5");
      comparison_note = "No experimental movie was given ([compare] experimental is empty): this run compares two "
                        "simulated mechanisms with each other — the detected-column diagrams of '" + first_mechanism +
                        "' against those of '" + second + "' as the reference.";
      // With two simulations the ground truth can be compared too: the ions' 3D diagrams of both
      // trajectories, which says whether a difference the columns miss is there at all.
      if (run.has("md") && run.has("topology") && run.has("compare")) {
        const std::string da = path("diagrams_atoms_" + second + ".h5");
        plan.push_back({"topology_atoms_" + second, "persistence of the ions (" + second + ")",
                        {"topology", "--config", cfg, "--trajectory", path("trajectory_" + second + ".h5"), "--out", da},
                        {da}, {"structure", "md", "topology"}});
        std::vector<std::string> args = {"compare", "--config", cfg, "--simulated", path("diagrams_atoms.h5"), "--experimental", da,
                                         "--out", path("comparison_atoms.h5")};
        const auto subsets = topology::TopologyParams::table().read(config).subsets;
        std::string subset = config.string("compare", "subset");
        if (subset.empty() && std::find(subsets.begin(), subsets.end(), "I") != subsets.end()) subset = "I";
        if (!subset.empty()) args.push_back("--compare.subset=" + subset);
        // H0 only: the distances at which the subset's atoms join up, what segregation changes most
        // directly; H1 of the 3D cluster has many near-diagonal features and costs ~30 s of CPU.
        args.push_back("--compare.dimensions=0");
        plan.push_back({"compare_atoms", "comparison of the ground truth", args, {path("comparison_atoms.h5")},
                        {"structure", "md", "topology", "compare"}});
        comparison_atoms_note = "The 3D persistence diagrams (H0 of subset '" + (subset.empty() ? std::string("first") : subset) +
                                "', straight from the two MD trajectories) of '" + first_mechanism + "' against '" + second +
                                "': what the analysis could find with perfect column detection and no projection.";
      }
    } else {
      comparison_note = "No experimental movie and no second mechanism: nothing to compare.";
    }
    if (run.has("compare") && run.has("topology") && run.has("image") && experimental.empty() &&
        !second.empty()) {
      plan.push_back({"compare_movie", "comparison of the movies' tube interiors",
                      {"compare", "--config", cfg, "--simulated", path("diagrams_movie.h5"), "--experimental",
                       path("diagrams_movie_" + second + ".h5"), "--out", path("comparison_movie.h5"), "--compare.statistic=interior"},
                      {path("comparison_movie.h5")}, {"structure", "md", "imaging", "topology", "compare"}});
      comparison_movie_note = "Detection-free: cubical persistence of the tube interior of every frame of the noisy movies "
                              "(docs/topology.md, group 'interior'; its false-positive rate and power are measured in "
                              "validation/topology/RESULTS.md) of '" + first_mechanism + "' against '" + second + "'.";
    }
    if (run.has("compare") && !reference.empty()) {
      plan.push_back({"compare", "comparison",
                      {"compare", "--config", cfg, "--simulated", path("diagrams_columns.h5"), "--experimental", reference,
                       "--out", path("comparison.h5")},
                      {path("comparison.h5")}, {"structure", "md", "imaging", "detect", "topology", "compare"}});
    }

    std::vector<report::StageRecord> records;
    std::size_t index = 0;
    for (const Stage& stage : plan) {
      ++index;
      std::vector<std::string> args = stage.args;
      if (inv.quiet) args.emplace_back("--quiet");
      // The stamp records what the outputs depend on: the config and the stage's arguments (not
      // --resume or --quiet, which change how it runs, not what it makes).
      std::vector<std::string> identity;
      for (const auto& a : args)
        if (a != "--resume" && a != "--quiet") identity.push_back(a);
      const std::string stamp_text =
          ini_sections(resolved, stage.sections) + "\n# " + joined(identity) + "\n" + input_hashes(config, stage);
      const fs::path stamp = dir / ".stamps" / (stage.id + ".stamp");
      // An interrupted stage is continued (md --resume) only if it was started with this very
      // stamp; otherwise it starts over, so that no output ever mixes two configs.
      const fs::path started = dir / ".stamps" / (stage.id + ".started");
      if (std::find(args.begin(), args.end(), "--resume") != args.end() &&
          !(fs::exists(started) && read_file(started) == stamp_text)) {
        args.erase(std::find(args.begin(), args.end(), "--resume"));
        log_info(inv.quiet || !root, stage.id + ": its config or inputs changed since it was interrupted (or it was "
                                     "started by an older nanomix): starting it over");
      }
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
        const bool continuing = std::find(args.begin(), args.end(), "--resume") != args.end();
        if (root) {
          fs::remove(stamp);
          if (!continuing)
            for (const auto& o : stage.outputs) fs::remove(o);  // made from another config: redo
        }
        if (root) write_text_file_atomically(started, stamp_text);
        mpi_barrier();
        const auto start = std::chrono::steady_clock::now();
        const int rc = run_command(*command, {args.begin() + 1, args.end()});
        record.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (rc != 0) throw RuntimeError("stage " + stage.id + " failed (exit code " + std::to_string(rc) + ")");
        if (root) write_text_file_atomically(stamp, stamp_text);
        mpi_barrier();
      }
      records.push_back(record);
    }

    if (root && run.has("report")) {
      report::RunFiles files;
      files.config_ini = resolved;
      files.structure = path("structure.xyz");
      files.trajectory = path("trajectory.h5");
      files.movie = path("movie.emd");
      files.columns = path("columns.h5");
      files.diagrams = {path("diagrams_atoms.h5"), path("diagrams_columns.h5")};
      files.comparison_note = comparison_note;
      files.comparison = path("comparison.h5");
      if (!comparison_atoms_note.empty()) {
        files.comparison_atoms = path("comparison_atoms.h5");
        files.comparison_atoms_note = comparison_atoms_note;
      }
      if (!comparison_movie_note.empty()) {
        files.comparison_movie = path("comparison_movie.h5");
        files.comparison_movie_note = comparison_movie_note;
      }
      files.filmstrip_frames = run.filmstrip_frames;
      files.mechanisms.push_back({first_mechanism, path("trajectory.h5")});
      if (experimental.empty() && !second.empty()) files.mechanisms.push_back({second, path("trajectory_" + second + ".h5")});
      // The seed's stages (sim/sequence) in each simulated trajectory, from the species of every frame.
      for (const auto& [label, traj] : files.mechanisms) {
        if (fs::exists(traj)) add_sequence_analysis(traj, label, files);
      }
      write_text_file_atomically(dir / "report.html", report::pipeline_report(files, records));
      log_info(inv.quiet, "report: " + path("report.html"));
    }
    return 0;
  };
  return c;
}

}  // namespace nanomix::cli
