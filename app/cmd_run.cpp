// nanomix run --config C --out DIR [--resume]: every stage, then DIR/report.html.
// The run writes the resolved config to DIR/config.ini and hands it to each stage, so every
// stage sees exactly the same experiment (command-line overrides included). With --resume a
// stage is skipped when its outputs exist and were made from the same config (a stamp per stage
// under DIR/.stamps records it).
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <sstream>
#include <type_traits>
#include <variant>

#include "app/commands.hpp"
#include "app/config_schema.hpp"
#include "app/stages.hpp"
#include "app/report/pipeline_report.hpp"
#include "app/run_params.hpp"
#include "app/run_sequence.hpp"
#include "core/atomic_file.hpp"
#include "core/config_diff.hpp"
#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/progress.hpp"
#include "imaging/detect/detect_config.hpp"
#include "imaging/kirkland.hpp"
#include "imaging/render_movie.hpp"
#include "sim/forcefield.hpp"
#include "sim/md_params.hpp"
#include "sim/structure.hpp"
#include "topology/compare.hpp"
#include "imaging/detect/movie_reader.hpp"
#include "topology/topology_run.hpp"

namespace nanomix::cli {

namespace fs = std::filesystem;

namespace {

using Step = std::variant<BuildStage, MdStage, ImageStage, DetectStage, TopologyStage, CompareStage>;

/// One stage of the plan: a typed library call (app/stages.hpp), the config keys it sets for
/// itself on top of the run's config (the second mechanism's [md] mechanism, a [compare]
/// statistic), and what its stamp is derived from.
struct PlannedStage {
  std::string id;     ///< unique name (stamp file)
  std::string label;  ///< for humans
  Step step;
  std::vector<std::pair<std::string, std::string>> overrides;  ///< ("section.key", value)
};

/// Every file of a run, named once: DIR/<name>; `tag` is "" for the first mechanism and
/// "_<mechanism>" for the second.
struct RunLayout {
  fs::path dir;
  std::string at(const std::string& name) const { return (dir / name).string(); }
  std::string config() const { return at("config.ini"); }
  std::string structure() const { return at("structure.xyz"); }
  std::string trajectory(const std::string& tag = "") const { return at("trajectory" + tag + ".h5"); }
  std::string movie(const std::string& tag = "") const { return at("movie" + tag + ".emd"); }
  std::string tiff(const std::string& tag = "") const { return at("movie" + tag + ".tif"); }
  std::string columns(const std::string& tag = "") const { return at("columns" + tag + ".h5"); }
  std::string diagrams_columns(const std::string& tag = "") const { return at("diagrams_columns" + tag + ".h5"); }
  std::string diagrams_movie(const std::string& tag = "") const { return at("diagrams_movie" + tag + ".h5"); }
  std::string diagrams_atoms(const std::string& tag = "") const { return at("diagrams_atoms" + tag + ".h5"); }
  std::string columns_experimental() const { return at("columns_experimental.h5"); }
  std::string diagrams_experimental() const { return at("diagrams_experimental.h5"); }
  std::string comparison() const { return at("comparison.h5"); }
  std::string comparison_atoms() const { return at("comparison_atoms.h5"); }
  std::string comparison_movie() const { return at("comparison_movie.h5"); }
  std::string report() const { return at("report.html"); }
  fs::path stamp(const std::string& id, const char* extension) const { return dir / ".stamps" / (id + extension); }
};

/// What a step reads (option name, path) and writes, and the config sections it reads itself.
struct StepFiles {
  std::vector<std::pair<std::string, std::string>> inputs;
  std::vector<std::string> outputs;
  std::vector<std::string> sections;
  std::string command;  ///< the equivalent `nanomix` command line (shown in the report)
  std::vector<std::string> argv;  ///< the same command as arguments after `nanomix` (a child process's)
};

StepFiles step_files(const Step& step, const std::string& config_path) {
  StepFiles f;
  std::string name;                // the command
  std::vector<std::string> args;   // its options after --config
  auto in = [&](const char* option, const std::string& path) {
    if (path.empty()) return;
    f.inputs.push_back({option, path});
    args.insert(args.end(), {option, path});
  };
  auto out = [&](const char* option, const std::string& path) {
    if (path.empty()) return;
    f.outputs.push_back(path);
    args.insert(args.end(), {option, path});
  };
  std::visit(
      [&](const auto& s) {
        using T = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<T, BuildStage>) {
          name = "build";
          f.sections = {"structure"};
          out("--out", s.out);
        } else if constexpr (std::is_same_v<T, MdStage>) {
          name = "md";
          f.sections = {"structure", "md"};
          out("--out", s.out);
          if (s.one_rank) args.push_back("--one-rank");  // --resume changes how it runs, not what it makes: not here
        } else if constexpr (std::is_same_v<T, ImageStage>) {
          name = "image";
          f.sections = {"imaging"};
          in("--structure", s.structure);
          in("--trajectory", s.trajectory);
          out("--out", s.out);
          out("--tiff", s.tiff);
        } else if constexpr (std::is_same_v<T, DetectStage>) {
          name = "detect";
          f.sections = {"detect"};
          in("--movie", s.movie);
          in("--common-pixel-with", s.common_with);
          out("--out", s.out);
        } else if constexpr (std::is_same_v<T, TopologyStage>) {
          name = "topology";
          f.sections = {"topology"};
          in("--structure", s.structure);
          in("--trajectory", s.trajectory);
          in("--movie", s.movie);
          in("--columns", s.columns);
          out("--out", s.out);
        } else {
          static_assert(std::is_same_v<T, CompareStage>);
          name = "compare";
          f.sections = {"compare"};
          for (const auto& x : s.simulated) in("--simulated", x);
          in("--experimental", s.experimental);
          for (const auto& [a, b] : s.null_pairs) {
            f.inputs.push_back({"--null-pair", a});
            f.inputs.push_back({"--null-pair", b});
            args.insert(args.end(), {"--null-pair", a + "," + b});
          }
          out("--out", s.out);
        }
      },
      step);
  f.argv = {name, "--config", config_path};
  f.argv.insert(f.argv.end(), args.begin(), args.end());
  f.command = "nanomix";
  for (const auto& a : f.argv) f.command += " " + a;
  return f;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
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

/// Lines "# input <option or key> <path> <hash>" for every file a stage reads: its typed inputs
/// (outputs of earlier stages, the experimental movie) and the path keys of the config sections
/// it depends on. A stamp holds them, so a stage is skipped on --resume only if neither its
/// config nor any of its input files changed. The potential files are hashed where md finds them
/// (the working directory, else the source tree: MdParams resolves them); a path key's file is
/// hashed only up to the size limit of a table, which every file read through one has (larger:
/// its size and time stand for it — a path key a stage never reads, such as mtf_file without
/// mtf = file, may name anything).
std::string input_hashes(const Config& config, const StepFiles& files, const std::vector<std::string>& sections) {
  std::string out;
  for (const auto& [option, path] : files.inputs) out += "# input " + option + " " + path + " " + file_hash(path) + "\n";
  std::map<std::string, std::string> resolved;
  if (std::find(sections.begin(), sections.end(), "md") != sections.end()) {
    const auto md = sim::MdParams::table().read(config);
    resolved = {{"md.ion_potential_file", md.ion_potential_file},
                {"md.carbon_ion_potential_file", md.carbon_ion_potential_file},
                {"md.tersoff_file", md.tersoff_file},
                {"md.airebo_file", md.airebo_file}};
  }
  for (const auto& spec : config.schema().keys()) {
    if (spec.type != KeyType::path) continue;
    if (std::find(sections.begin(), sections.end(), spec.section) == sections.end()) continue;
    const auto found = resolved.find(spec.name());
    const std::string& value = found != resolved.end() ? found->second : config.string(spec.section, spec.key);
    if (!value.empty()) out += "# input " + spec.name() + " " + value + " " + file_hash(value, max_table_file_bytes) + "\n";
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

/// The plan of a run and what the report says about its comparisons.
struct RunPlan {
  std::vector<PlannedStage> stages;
  std::string reference;  ///< the diagrams the simulation is compared with ("" = none)
  std::string comparison_note, comparison_atoms_note, comparison_movie_note;
};

/// Something to do: a stage that makes outputs, or the report of an earlier run's outputs.
void check_something_to_do(const RunParams& run, const Config& config, const fs::path& dir) {
  const auto& words = run.stages;
  if (!std::all_of(words.begin(), words.end(), [](const std::string& w) { return w == "report"; })) return;
  bool earlier = false;
  std::error_code ec;
  if (fs::is_directory(dir / ".stamps", ec)) {
    for (const auto& e : fs::directory_iterator(dir / ".stamps", ec)) earlier = earlier || e.path().extension() == ".stamp";
  }
  if (!earlier) config.fail("run", "stages", "'report' alone reports an earlier run's outputs, and --out " + dir.string() + " holds none");
}

/// Every stage's keys are checked now, against the user's file (errors name its lines), so that a
/// bad key never surfaces after hours of MD.
void check_stage_keys(const RunParams& run, const Config& config) {
  if (run.has("build") || run.has("md") || run.has("image")) sim::StructureParams::table().read(config);
  if (run.has("md")) {
    // The potential tables are parsed when MD starts, after the build stage: parse them now.
    const auto md = sim::MdParams::table().read(config);
    sim::check_force_field(md, sim::ForceField::load(md.ion_potential_file, md.carbon_ion_potential_file));
  }
  if (run.has("image")) {
    // The scattering table is read when the image stage starts, after build and hours of MD: read now.
    const auto image_params = imaging::ImagingParams::table().read(config);
    if (!image_params.scattering_table.empty()) (void)imaging::ScatteringTable::read(image_params.scattering_table);
  }
  if (run.has("detect")) {
    imaging::read_options_table().read(config);
    imaging::preprocess_table().read(config);
    imaging::detect_table().read(config);
  }
  if (run.has("topology")) topology::TopologyParams::table().read(config);
  if (run.has("compare")) topology::CompareParams::table().read(config);
}

/// The experiment, before any simulation: readable, a real-space movie of >= 2 frames with a pixel
/// size, on a scale comparable with the simulated movie's. Both movies are then detected at the
/// coarser of their two pixel sizes (DetectStage::common_with; the finer one is resampled down by
/// Fourier interpolation, never up, which would correlate its noise).
void check_experiment(const RunCompareInputs& inputs, const Config& config, bool quiet) {
  const std::string& experimental = inputs.experimental;
  require_input_file(experimental, "compare.experimental");
  const auto exp = imaging::read_movie(experimental, imaging::read_options_table().read(config));
  if (exp.movie.frame_count() < 2) {
    throw InputError(experimental + ": " + std::to_string(exp.movie.frame_count()) +
                     " frame; comparing dynamics needs a movie of at least 2 frames ([compare] experimental)");
  }
  if (exp.pixel_size_source == "unknown") throw InputError(experimental + ": no pixel size in the file; set [detect] pixel_size_angstrom");
  const double sim_px = imaging::ImagingParams::table().read(config).pixel_size_angstrom;
  const double exp_px = exp.movie.pixel_size_x_angstrom;
  const double limit = inputs.max_scale_ratio;
  char line[400];
  // Both axes (a pixel may not be square), each within the stated range of the simulated pixel.
  for (const auto& [what, px] : {std::pair<const char*, double>{"pixel", exp_px}, {"pixel height", exp.movie.pixel_size_y_angstrom}}) {
    const double ratio = px / sim_px;
    if (ratio > limit || ratio < 1.0 / limit) {
      std::snprintf(line, sizeof line,
                    "%s: experimental %s %.4g Å (%s) and simulated pixel %.4g Å ([imaging] pixel_size_angstrom) "
                    "differ %.3g-fold, more than [compare] max_scale_ratio = %.3g",
                    experimental.c_str(), what, px, exp.pixel_size_source.c_str(), sim_px, ratio >= 1 ? ratio : 1 / ratio, limit);
      throw InputError(line);
    }
  }
  std::snprintf(line, sizeof line,
                "experiment %s: %s, %d x %d px x %zu frames, pixel %.4g Å (%s; simulated about %.4g Å; both detected at the coarser), frame time %.4g s (%s)",
                experimental.c_str(), exp.format.c_str(), exp.movie.nx, exp.movie.ny, exp.movie.frame_count(), exp_px,
                exp.pixel_size_source.c_str(), sim_px, exp.movie.frame_time_s,
                exp.frame_time_kind.empty() ? exp.frame_time_source.c_str() : exp.frame_time_kind.c_str());
  log_info(quiet, line);
}

/// DIR and DIR/.stamps exist (rank 0 makes them; every rank gets the same error).
void make_run_folder(const fs::path& dir) {
  std::string error;
  if (mpi_rank() == 0) {
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

/// One simulated mechanism (tag "" or "_<mechanism>"): md, image, detect, the columns' diagrams,
/// and with two mechanisms the detection-free diagrams of the movie's tube interior.
void plan_simulation(RunPlan& plan, const RunParams& run, const RunLayout& layout, bool resume, bool two_mechanisms, const std::string& tag,
                     const std::vector<std::pair<std::string, std::string>>& overrides, const std::string& experimental = "") {
  const std::string of = tag.empty() ? "" : " (" + tag.substr(1) + ")";  // "_thermal" → " (thermal)"
  const std::string t = layout.trajectory(tag), m = layout.movie(tag), k = layout.columns(tag);
  auto& stages = plan.stages;
  if (run.has("md")) {
    // A trajectory left by an interrupted run is continued from its last checkpoint.
    const bool resume_md = resume && fs::exists(t) && !fs::exists(layout.stamp("md" + tag, ".stamp"));
    stages.push_back({"md" + tag, "molecular dynamics" + of, MdStage{t, resume_md, !run.md_all_ranks}, overrides});
  }
  if (run.has("image")) {
    // Without an MD stage the built structure itself is imaged (e.g. a reference crystal).
    ImageStage image;
    (run.has("md") ? image.trajectory : image.structure) = run.has("md") ? t : layout.structure();
    image.out = m;
    if (run.tiff) image.tiff = layout.tiff(tag);
    stages.push_back({"image" + tag, "synthetic movie" + of, image, overrides});
  }
  // With an experiment, both movies are detected at the coarser of their pixel sizes.
  if (run.has("detect")) stages.push_back({"detect" + tag, "column detection" + of, DetectStage{m, k, experimental}, overrides});
  if (run.has("topology")) {
    TopologyStage columns;
    columns.columns = k;
    columns.out = layout.diagrams_columns(tag);
    stages.push_back({"topology_columns" + tag, "persistence of the detected columns" + of, columns, overrides});
  }
  if (run.has("topology") && run.has("image") && two_mechanisms) {
    // The detection-free statistic: cubical persistence of each frame's tube interior (group `interior`).
    TopologyStage movie;
    movie.movie = m;
    movie.out = layout.diagrams_movie(tag);
    // Only the interior is compared and reported; the whole frame's cubical diagrams (~10^6 pairs
    // of noise for the demo's movie, most of the stage's time) are left to `nanomix topology`.
    auto movie_overrides = overrides;
    movie_overrides.push_back({"topology.image_region", "tube_interior"});
    stages.push_back({"topology_movie" + tag, "persistence of the movie's tube interior" + of, movie, movie_overrides});
  }
}

/// The reference is the experimental movie: its columns detected and measured the same way.
void plan_experiment(RunPlan& plan, const RunParams& run, const RunLayout& layout, const std::string& experimental,
                     const std::string& first_mechanism) {
  plan.reference = layout.diagrams_experimental();
  plan.comparison_note = "Simulated (" + first_mechanism + ") detected-column diagrams against the experimental movie " + experimental +
                         " (its columns detected and measured the same way).";
  if (run.has("detect"))
    plan.stages.push_back({"detect_experimental", "column detection (experiment)", DetectStage{experimental, layout.columns_experimental(), layout.movie()}, {}});
  if (run.has("topology")) {
    TopologyStage columns;
    columns.columns = layout.columns_experimental();
    columns.out = plan.reference;
    plan.stages.push_back({"topology_experimental", "persistence of the experimental columns", columns, {}});
  }
}

/// The subset of the ground-truth comparison: [compare] ground_truth_subset; its default (I) falls
/// back to [compare] subset when [topology] subsets lacks it; a value set by the user must be there.
std::string ground_truth_subset(const RunCompareInputs& inputs, const Config& config) {
  const auto subsets = topology::TopologyParams::table().read(config).subsets;
  std::string subset = inputs.ground_truth_subset;
  if (!subset.empty() && std::find(subsets.begin(), subsets.end(), subset) == subsets.end()) {
    if (config.is_set("compare", "ground_truth_subset"))
      config.fail("compare", "ground_truth_subset", "not among [topology] subsets, so its diagrams are not computed");
    subset.clear();
  }
  return subset.empty() ? topology::CompareParams::table().read(config).subset : subset;
}

/// With two simulations the ground truth is compared too: the ions' 3D diagrams of both
/// trajectories ([compare] ground_truth_subset / ground_truth_dimensions), which says whether a
/// difference the columns miss is there at all.
void plan_ground_truth(RunPlan& plan, const RunCompareInputs& inputs, const Config& config, const RunLayout& layout,
                       const std::string& first_mechanism, const std::string& second) {
  TopologyStage atoms;
  atoms.trajectory = layout.trajectory("_" + second);
  atoms.out = layout.diagrams_atoms("_" + second);
  plan.stages.push_back({"topology_atoms_" + second, "persistence of the ions (" + second + ")", atoms, {}});
  const std::string subset = ground_truth_subset(inputs, config);
  std::vector<std::pair<std::string, std::string>> overrides;
  if (!subset.empty()) overrides.push_back({"compare.subset", subset});
  std::string dims;
  for (int d : inputs.ground_truth_dimensions) dims += (dims.empty() ? "" : " ") + std::to_string(d);
  overrides.push_back({"compare.dimensions", dims});
  plan.stages.push_back({"compare_atoms", "comparison of the ground truth",
                         CompareStage{{layout.diagrams_atoms()}, layout.diagrams_atoms("_" + second), layout.comparison_atoms(), {}}, overrides});
  plan.comparison_atoms_note = "The 3D persistence diagrams (H" + dims + " of subset '" + (subset.empty() ? std::string("first") : subset) +
                               "', straight from the two MD trajectories) of '" + first_mechanism + "' against '" + second +
                               "': what the analysis could find with perfect column detection and no projection.";
}

/// The second mechanism's run: [md] mechanism replaced; with null pairs also its md and dose-noise
/// seeds moved on by 1 (S + 1, I + 1), so that the compared pair is made as each null pair is — two
/// runs with seeds of their own. (Two runs sharing their MD seed stay close for a while whatever
/// their mechanisms, which would make the compared pair look more alike than any null pair.)
std::vector<std::pair<std::string, std::string>> second_run_overrides(const RunParams& run, const Config& config, int offset = 1) {
  std::vector<std::pair<std::string, std::string>> o{{"md.mechanism", run.second_mechanism}};
  if (run.null_pairs == 0) return o;
  const auto md_seed = static_cast<std::uint64_t>(sim::MdParams::table().read(config).seed);
  const auto noise_seed = imaging::ImagingParams::table().read(config).dose.seed;
  o.push_back({"md.seed", std::to_string(md_seed + static_cast<std::uint64_t>(offset))});
  o.push_back({"imaging.seed", std::to_string(noise_seed + static_cast<std::uint64_t>(offset))});
  return o;
}

/// [run] null_pairs: pairs of runs of the second mechanism that differ only in their seeds (md and
/// dose noise: S + 2k and S + 2k + 1 of the config's S and I, k = 1…pairs; the compared runs have S
/// and S + 1), each made and measured as the compared runs are (tags "_null<k>a", "_null<k>b");
/// every comparison of the plan gets them as its run-level null (CompareStage::null_pairs).
void plan_null_pairs(RunPlan& plan, const RunParams& run, const Config& config, const RunLayout& layout, bool resume) {
  std::vector<std::pair<std::string, std::string>> tags;
  RunPlan nulls;
  for (int k = 1; k <= run.null_pairs; ++k) {
    const std::string base = "_null" + std::to_string(k);
    for (int side = 0; side < 2; ++side) {
      const std::string tag = base + (side == 0 ? "a" : "b");
      plan_simulation(nulls, run, layout, resume, true, tag, second_run_overrides(run, config, 2 * k + side));
      if (run.has("md") && run.has("topology")) {
        TopologyStage atoms;
        atoms.trajectory = layout.trajectory(tag);
        atoms.out = layout.diagrams_atoms(tag);
        nulls.stages.push_back({"topology_atoms" + tag, "persistence of the ions (" + tag.substr(1) + ")", atoms, {}});
      }
    }
    tags.push_back({base + "a", base + "b"});
  }
  // The null runs are made before the first comparison, which reads them.
  const auto first_compare = std::find_if(plan.stages.begin(), plan.stages.end(),
                                          [](const PlannedStage& st) { return std::holds_alternative<CompareStage>(st.step); });
  plan.stages.insert(first_compare, nulls.stages.begin(), nulls.stages.end());
  for (auto& stage : plan.stages) {
    auto* compare = std::get_if<CompareStage>(&stage.step);
    if (compare == nullptr) continue;
    for (const auto& [a, b] : tags) {
      if (stage.id == "compare_movie") compare->null_pairs.push_back({layout.diagrams_movie(a), layout.diagrams_movie(b)});
      if (stage.id == "compare_atoms") compare->null_pairs.push_back({layout.diagrams_atoms(a), layout.diagrams_atoms(b)});
      if (stage.id == "compare") compare->null_pairs.push_back({layout.diagrams_columns(a), layout.diagrams_columns(b)});
    }
  }
}

/// The simulated mechanism of [md], imaged, detected and measured; then the reference it is
/// compared with: the experimental movie of [compare] experimental, or else a second simulated
/// mechanism ([run] second_mechanism) — the report says which.
RunPlan make_plan(const RunParams& run, const RunCompareInputs& inputs, const Config& config, const RunLayout& layout, bool resume) {
  RunPlan plan;
  const std::string& experimental = inputs.experimental;
  const std::string& second = run.second_mechanism;
  const bool two_mechanisms = experimental.empty() && !second.empty();
  const std::string first_mechanism = config.string("md", "mechanism");
  if (run.has("build")) plan.stages.push_back({"build", "structure", BuildStage{layout.structure()}, {}});
  plan_simulation(plan, run, layout, resume, two_mechanisms, "", {}, experimental);
  if (run.has("topology")) {
    TopologyStage atoms;
    (run.has("md") ? atoms.trajectory : atoms.structure) = run.has("md") ? layout.trajectory() : layout.structure();
    atoms.out = layout.diagrams_atoms();
    plan.stages.push_back({"topology_atoms", "persistence of the ions", atoms, {}});
  }
  if (!experimental.empty()) {
    plan_experiment(plan, run, layout, experimental, first_mechanism);
  } else if (two_mechanisms) {
    plan_simulation(plan, run, layout, resume, two_mechanisms, "_" + second, second_run_overrides(run, config));
    plan.reference = layout.diagrams_columns("_" + second);
    plan.comparison_note = "No experimental movie was given ([compare] experimental is empty): this run compares two "
                           "simulated mechanisms with each other — the detected-column diagrams of '" + first_mechanism +
                           "' against those of '" + second + "' as the reference.";
    if (run.has("md") && run.has("topology") && run.has("compare")) plan_ground_truth(plan, inputs, config, layout, first_mechanism, second);
  } else {
    plan.comparison_note = "No experimental movie and no second mechanism: nothing to compare.";
  }
  if (run.has("compare") && run.has("topology") && run.has("image") && two_mechanisms) {
    plan.stages.push_back({"compare_movie", "comparison of the movies' tube interiors",
                           CompareStage{{layout.diagrams_movie()}, layout.diagrams_movie("_" + second), layout.comparison_movie(), {}},
                           {{"compare.statistic", "interior"}}});
    plan.comparison_movie_note = "Detection-free: cubical persistence of the tube interior of every frame of the noisy movies "
                                 "(docs/topology.md, group 'interior'; its false-positive rate and power are measured in "
                                 "validation/topology/RESULTS.md sections 6 and 7, and for two MD runs its frame-level p "
                                 "says the movies differ, not the mechanisms: see the run-level figures below) of '" + first_mechanism + "' against '" + second + "'.";
  }
  if (run.has("compare") && !plan.reference.empty())
    plan.stages.push_back({"compare", "comparison", CompareStage{{layout.diagrams_columns()}, plan.reference, layout.comparison(), {}}, {}});
  if (two_mechanisms && run.null_pairs > 0) plan_null_pairs(plan, run, config, layout, resume);
  return plan;
}

/// [run] processes, 0 resolved to the number of cores.
int stage_processes(const RunParams& run) {
  return run.processes > 0 ? run.processes : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

/// A stage about to run: its files, config and stamp, and what --resume decided.
struct PreparedStage {
  StepFiles files;
  Config config;
  std::string command, stamp_text;
  fs::path stamp, started;
  Step step;
  bool continuing = false;  ///< an interrupted md continued from its checkpoint
  bool done = false;        ///< --resume: outputs exist for this very stamp
};

/// [run] processes: stages of the plan run as child `nanomix <command>` processes beside the run's
/// own process once the stages that make their inputs are done (the run queues them: a list
/// scheduler over the plan's file dependencies — the two mechanisms' MD, then their image → detect
/// → topology chains, side by side). The child is the same program with the same resolved config and the same
/// overrides, so its outputs are bitwise those the run would make in-process. Children get SIGTERM
/// if this process dies (PR_SET_PDEATHSIG) or fails, and start with no descriptor of ours but 0–2
/// (an HDF5 file held open by an inherited descriptor would stay locked). The run's own process
/// takes the stages in plan order: one already started in a child is waited for (meanwhile the
/// run runs the next ready one itself), one not started yet it runs itself.
class StageProcesses {
 public:
  struct Outcome {
    int status = 0;  ///< waitpid status
    double start_seconds = 0, end_seconds = 0;
  };

  StageProcesses(int slots, std::chrono::steady_clock::time_point t0) : slots_(slots), t0_(t0) {}
  ~StageProcesses() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
      for (auto& [index, job] : jobs_)
        if (job.state == Job::running) ::kill(job.pid, SIGTERM);
    }
    wake_.notify_all();
    if (monitor_.joinable()) monitor_.join();
  }
  StageProcesses(const StageProcesses&) = delete;
  StageProcesses& operator=(const StageProcesses&) = delete;

  /// Queues stage `index` (prepared, begun, its inputs made) as `nanomix <args>`; started when a
  /// slot is free, in the order queued.
  void add(std::size_t index, std::vector<std::string> args) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      jobs_[index].args = std::move(args);
      order_.push_back(index);
      if (!monitor_.joinable()) monitor_ = std::thread([this] { monitor(); });
    }
    wake_.notify_all();
  }
  bool has(std::size_t index) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return jobs_.count(index) > 0;
  }
  bool running(std::size_t index) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = jobs_.find(index);
    return it != jobs_.end() && it->second.state == Job::running;
  }
  /// Job `index` ran in a child and exited with code 0.
  bool finished_ok(std::size_t index) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = jobs_.find(index);
    if (it == jobs_.end() || it->second.state != Job::finished) return false;
    const int s = it->second.outcome.status;
    return WIFEXITED(s) && WEXITSTATUS(s) == 0;
  }
  /// The first queued job not started yet, now the caller's to run itself (nullopt: none).
  std::optional<std::size_t> take_next() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (std::size_t index : order_) {
      Job& job = jobs_[index];
      if (job.state != Job::queued) continue;
      job.state = Job::taken;
      return index;
    }
    return std::nullopt;
  }
  /// A job not started yet (or taken) is the caller's to run itself (nullopt); a started one is
  /// waited for.
  std::optional<Outcome> take_or_wait(std::size_t index) {
    std::unique_lock<std::mutex> lock(mutex_);
    Job& job = jobs_.at(index);
    if (job.state == Job::queued || job.state == Job::taken) {
      job.state = Job::taken;
      return std::nullopt;
    }
    done_.wait(lock, [&] { return job.state == Job::finished; });
    return job.outcome;
  }
  /// Waits until job `index` has finished or another job has (its dependants may then be queued).
  void wait_for_change(std::size_t index) {
    std::unique_lock<std::mutex> lock(mutex_);
    const std::size_t seen = finished_;
    done_.wait(lock, [&] { return jobs_.at(index).state == Job::finished || finished_ != seen; });
  }

 private:
  struct Job {
    enum State { queued, running, finished, taken } state = queued;
    std::vector<std::string> args;
    pid_t pid = -1;
    Outcome outcome;
  };

  double now() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count(); }

  /// fork + exec of this very program; between the two only async-signal-safe calls.
  static pid_t launch(const std::vector<std::string>& args) {
    std::vector<char*> argv;
    static char self[] = "nanomix";
    argv.push_back(self);
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid != 0) return pid;
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(128 + SIGTERM);  // the parent died before the prctl
    if (::syscall(SYS_close_range, 3U, ~0U, 0U) != 0)
      for (int fd = 3; fd < 65536; ++fd) ::close(fd);
    ::execv("/proc/self/exe", argv.data());
    ::_exit(127);
  }

  void monitor() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      int running = 0;
      for (auto& [index, job] : jobs_) {
        if (job.state != Job::running) continue;
        int status = 0;
        const pid_t r = ::waitpid(job.pid, &status, stop_ ? 0 : WNOHANG);
        if (r == job.pid || (r < 0 && errno == ECHILD)) {
          job.state = Job::finished;
          job.outcome.status = r == job.pid ? status : -1;
          job.outcome.end_seconds = now();
          ++finished_;
          done_.notify_all();
        } else {
          ++running;
        }
      }
      if (stop_ && running == 0) return;
      for (std::size_t index : order_) {
        if (stop_ || running >= slots_) break;
        Job& job = jobs_[index];
        if (job.state != Job::queued) continue;
        job.pid = launch(job.args);
        if (job.pid < 0) break;  // no process now: the main loop runs it itself
        job.state = Job::running;
        job.outcome.start_seconds = now();
        ++running;
      }
      wake_.wait_for(lock, std::chrono::milliseconds(running > 0 ? 20 : 200));
    }
  }

  const int slots_;
  const std::chrono::steady_clock::time_point t0_;
  mutable std::mutex mutex_;
  std::condition_variable wake_, done_;
  std::map<std::size_t, Job> jobs_;
  std::vector<std::size_t> order_;
  std::size_t finished_ = 0;
  bool stop_ = false;
  std::thread monitor_;
};

/// Runs the plan's stages in order, or skips those whose stamp and outputs say they are done
/// (--resume). Stamps derived from the plan: a stage's config sections are its own and those of
/// every stage that made its inputs; its identity is its command line with the keys it sets for itself.
class PlanRunner {
 public:
  PlanRunner(const RunLayout& layout, std::string resolved, bool resume, bool quiet)
      : layout_(layout), resolved_(std::move(resolved)), resume_(resume), quiet_(quiet), t0_(std::chrono::steady_clock::now()) {}

  std::chrono::steady_clock::time_point t0() const { return t0_; }

  PreparedStage prepare(const PlannedStage& stage) {
    const bool root = mpi_rank() == 0;
    PreparedStage p{step_files(stage.step, layout_.config()), parse_config(resolved_, layout_.config(), stage.overrides), "", "", {}, {}, stage.step};
    p.command = p.files.command;
    for (const auto& [key, value] : stage.overrides) p.command += " --" + key + "=" + value;
    p.stamp_text = stamp_of(p.files, p.config, p.command);
    p.stamp = layout_.stamp(stage.id, ".stamp");
    p.started = layout_.stamp(stage.id, ".started");
    // An interrupted stage is continued (md --resume) only if it was started with this very
    // stamp; otherwise it starts over, so that no output ever mixes two configs.
    auto* md = std::get_if<MdStage>(&p.step);
    if (md && md->resume && !(fs::exists(p.started) && read_file(p.started) == p.stamp_text)) {
      md->resume = false;
      log_info(quiet_ || !root, stage.id + ": its config or inputs changed since it was interrupted (or it was "
                                "started by an older nanomix): starting it over");
    }
    p.continuing = md && md->resume;
    p.done = resume_ && fs::exists(p.stamp) && read_file(p.stamp) == p.stamp_text;
    for (const auto& o : p.files.outputs) p.done = p.done && fs::exists(o);
    return p;
  }

  /// Every stage of the plan, in plan order, before any is prepared: which config sections each
  /// output depends on (a stage may then be prepared whenever its inputs are made). Returns, per
  /// stage, the earlier stages that make its inputs.
  std::vector<std::vector<std::size_t>> register_stages(const std::vector<PlannedStage>& stages) {
    std::vector<std::vector<std::size_t>> after(stages.size());
    std::map<std::string, std::size_t> made_by;
    for (std::size_t i = 0; i < stages.size(); ++i) {
      const StepFiles files = step_files(stages[i].step, layout_.config());
      for (const auto& input : files.inputs)
        if (auto it = made_by.find(input.second); it != made_by.end()) after[i].push_back(it->second);
      const auto sections = sections_of(files);
      for (const auto& o : files.outputs) {
        sections_of_output_[o] = sections;
        made_by[o] = i;
      }
    }
    return after;
  }

  /// Before the stage makes anything: its old stamp and (unless it continues) its old outputs go,
  /// and the stamp it starts with is recorded.
  void begin(const PreparedStage& p) {
    if (mpi_rank() == 0) {
      fs::remove(p.stamp);
      if (!p.continuing)
        for (const auto& o : p.files.outputs) fs::remove(o);  // made from another config: redo
      write_text_file_atomically(p.started, p.stamp_text);
    }
    mpi_barrier();
  }

  /// The arguments of `nanomix` that make this stage in a child process.
  static std::vector<std::string> child_arguments(const PlannedStage& stage, const PreparedStage& p) {
    std::vector<std::string> args = p.files.argv;
    args.push_back("--quiet");
    if (p.continuing) args.push_back("--resume");
    for (const auto& [key, value] : stage.overrides) args.push_back("--" + key + "=" + value);
    return args;
  }

  report::StageRecord run(const PlannedStage& stage, std::size_t index, std::size_t total, std::optional<PreparedStage> prepared,
                          StageProcesses* background) {
    const bool root = mpi_rank() == 0;
    PreparedStage p = prepared ? std::move(*prepared) : prepare(stage);
    report::StageRecord record{stage.id, p.command + (p.continuing ? " --resume" : ""), 0, p.done};
    const std::string heading = "[" + std::to_string(index) + "/" + std::to_string(total) + "] " + stage.label;
    if (p.done) {
      log_info(quiet_ || !root, heading + ": outputs exist for this config, skipped (--resume)");
      return record;
    }
    if (background != nullptr && background->has(index - 1)) {
      if (const auto outcome = background->take_or_wait(index - 1)) {
        record.start_seconds = outcome->start_seconds;
        record.seconds = outcome->end_seconds - outcome->start_seconds;
        record.background = true;
        const int s = outcome->status;
        if (!(WIFEXITED(s) && WEXITSTATUS(s) == 0)) {
          const std::string how = WIFEXITED(s) ? "exited with code " + std::to_string(WEXITSTATUS(s))
                                  : WIFSIGNALED(s) ? "was killed by signal " + std::to_string(WTERMSIG(s))
                                                   : "could not be waited for";
          const std::string what = "stage " + stage.id + " (`" + p.command + "`, run in the background) " + how;
          if (WIFEXITED(s) && WEXITSTATUS(s) == exit_input_error) throw InputError(what);
          throw RuntimeError(what);
        }
        log_info(quiet_ || !root, heading + ": ran in the background from " + fixed_seconds(record.start_seconds) + " to " +
                                      fixed_seconds(outcome->end_seconds) + " ([run] processes)");
        if (root) write_text_file_atomically(p.stamp, p.stamp_text);
        return record;
      }
      // Not started yet: run it here (its old outputs are already gone and its start recorded).
      log_info(quiet_ || !root, heading);
    } else {
      log_info(quiet_ || !root, heading);
      begin(p);
    }
    const auto start = std::chrono::steady_clock::now();
    record.start_seconds = std::chrono::duration<double>(start - t0_).count();
    std::visit([&](const auto& s) { run_stage(s, p.config, quiet_); }, p.step);
    record.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (root) write_text_file_atomically(p.stamp, p.stamp_text);
    mpi_barrier();
    return record;
  }

 private:
  /// The config sections a stage's outputs depend on: its own and those of the stages making its
  /// inputs (registered before).
  std::vector<std::string> sections_of(const StepFiles& files) const {
    std::vector<std::string> sections = files.sections;
    for (const auto& input : files.inputs) {
      auto it = sections_of_output_.find(input.second);
      if (it == sections_of_output_.end()) continue;
      for (const auto& s : it->second)
        if (std::find(sections.begin(), sections.end(), s) == sections.end()) sections.push_back(s);
    }
    return sections;
  }

  std::string stamp_of(const StepFiles& files, const Config& config, const std::string& command) const {
    const auto sections = sections_of(files);
    return ini_sections(config.to_ini(), sections) + "\n# " + command + "\n" + input_hashes(config, files, sections);
  }

  static std::string fixed_seconds(double t) {
    char b[32];
    std::snprintf(b, sizeof b, "%.1f s", t);
    return b;
  }

  const RunLayout& layout_;
  std::string resolved_;
  bool resume_, quiet_;
  std::chrono::steady_clock::time_point t0_;
  std::map<std::string, std::vector<std::string>> sections_of_output_;
};

/// Runs every stage of the plan and returns their records in plan order. With `slots` > 0, stages
/// whose inputs are made run in up to `slots` child processes beside this one ([run] processes).
std::vector<report::StageRecord> run_plan(const RunPlan& plan, PlanRunner& runner, int slots) {
  const std::size_t n = plan.stages.size();
  const std::vector<std::vector<std::size_t>> after = runner.register_stages(plan.stages);  // who makes each stage's inputs
  std::optional<StageProcesses> background;
  if (slots > 0) background.emplace(slots, runner.t0());
  std::vector<std::optional<report::StageRecord>> done(n);
  std::map<std::size_t, PreparedStage> prepared;
  std::vector<bool> released(n, false);
  auto finished = [&](std::size_t k) { return done[k].has_value() || (background && background->finished_ok(k)); };
  // Queues every stage whose inputs are now made (prepared now: its stamp hashes those inputs).
  // Comparisons stay here: they take a second and print the run's p-values.
  auto release_ready = [&](std::size_t from) {
    if (!background) return;
    for (std::size_t j = from; j < n; ++j) {
      if (released[j] || done[j] || std::holds_alternative<CompareStage>(plan.stages[j].step)) continue;
      if (!std::all_of(after[j].begin(), after[j].end(), finished)) continue;
      released[j] = true;
      PreparedStage p = runner.prepare(plan.stages[j]);
      if (!p.done) {
        runner.begin(p);
        background->add(j, PlanRunner::child_arguments(plan.stages[j], p));
      }
      prepared.emplace(j, std::move(p));
    }
  };
  auto run_stage_at = [&](std::size_t i) {
    std::optional<PreparedStage> p;
    if (auto it = prepared.find(i); it != prepared.end()) p = std::move(it->second);
    done[i] = runner.run(plan.stages[i], i + 1, n, std::move(p), background ? &*background : nullptr);
  };
  for (std::size_t i = 0; i < n; ++i) {
    release_ready(i);
    if (done[i]) continue;  // run here ahead of its turn (below)
    // Rather than wait for a stage running in a child, run the next queued one here meanwhile.
    while (background && background->running(i)) {
      if (const auto j = background->take_next()) {
        run_stage_at(*j);
      } else {
        background->wait_for_change(i);
      }
      release_ready(i);
    }
    run_stage_at(i);
  }
  std::vector<report::StageRecord> records;
  for (auto& r : done) records.push_back(std::move(*r));
  return records;
}

/// DIR/report.html from every output (rank 0).
void write_report(const RunPlan& plan, const RunParams& run, const RunCompareInputs& inputs, const Config& config, const RunLayout& layout,
                  const std::vector<report::StageRecord>& records, bool quiet) {
  report::RunFiles files;
  files.config_ini = config.to_ini();
  files.structure = layout.structure();
  files.trajectory = layout.trajectory();
  files.movie = layout.movie();
  files.columns = layout.columns();
  files.diagrams = {layout.diagrams_atoms(), layout.diagrams_columns()};
  files.comparison_note = plan.comparison_note;
  files.comparison = layout.comparison();
  if (!plan.comparison_atoms_note.empty()) {
    files.comparison_atoms = layout.comparison_atoms();
    files.comparison_atoms_note = plan.comparison_atoms_note;
  }
  if (!plan.comparison_movie_note.empty()) {
    files.comparison_movie = layout.comparison_movie();
    files.comparison_movie_note = plan.comparison_movie_note;
  }
  files.filmstrip_frames = run.filmstrip_frames;
  if (run.has("image")) files.dose_e_per_angstrom2 = imaging::ImagingParams::table().read(config).dose.dose_e_per_angstrom2;
  if (!inputs.experimental.empty()) {
    files.experimental_movie = inputs.experimental;
    files.experimental_read_options = imaging::read_options_table().read(config);
    files.columns_experimental = layout.columns_experimental();
  }
  files.mechanisms.push_back({config.string("md", "mechanism"), layout.trajectory()});
  if (inputs.experimental.empty() && !run.second_mechanism.empty())
    files.mechanisms.push_back({run.second_mechanism, layout.trajectory("_" + run.second_mechanism)});
  // The seed's stages (sim/sequence) in each simulated trajectory, from the species of every frame.
  for (const auto& [label, traj] : files.mechanisms) {
    if (fs::exists(traj)) add_sequence_analysis(traj, label, files);
  }
  write_text_file_atomically(layout.report(), report::pipeline_report(files, records));
  log_info(quiet, "report: " + layout.report());
}

int run_all(const Invocation& inv) {
  const fs::path dir = inv.required("out");
  const bool resume = inv.has("resume");
  const Config& config = inv.config;
  // [run]: known stages, at least one, a second mechanism md knows (RunParams::validate).
  const RunParams run = RunParams::table().read(config);
  const RunCompareInputs inputs = RunCompareInputs::table().read(config);
  check_something_to_do(run, config, dir);
  check_stage_keys(run, config);
  if (!inputs.experimental.empty()) check_experiment(inputs, config, inv.quiet);
  if (!inputs.experimental.empty() && run.null_pairs > 0)
    config.fail("run", "null_pairs", "is for two simulated mechanisms; with [compare] experimental there is no second mechanism to make null pairs of");
  if (inputs.experimental.empty() && !run.second_mechanism.empty() && run.has("topology")) ground_truth_subset(inputs, config);
  make_run_folder(dir);
  const FolderLock lock(dir);
  const RunLayout layout{dir};
  const std::string resolved = config.to_ini();
  if (mpi_rank() == 0 && (!fs::exists(layout.config()) || read_file(layout.config()) != resolved)) {
    write_text_file_atomically(layout.config(), resolved);
  }
  mpi_barrier();
  const RunPlan plan = make_plan(run, inputs, config, layout, resume);
  PlanRunner runner(layout, resolved, resume, inv.quiet);
  // Stages run in child processes, beside this one, once their inputs are made, when more than one
  // process may run at once (not under an MPI launcher: there the ranks share each stage instead).
  const int slots = launched_by_mpi_launcher() ? 0 : stage_processes(run) - 1;
  const std::vector<report::StageRecord> records = run_plan(plan, runner, slots);
  if (mpi_rank() == 0 && run.has("report")) write_report(plan, run, inputs, config, layout, records, inv.quiet);
  return 0;
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
  c.run = run_all;
  return c;
}

}  // namespace nanomix::cli
