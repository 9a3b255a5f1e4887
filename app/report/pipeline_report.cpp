#include "app/report/pipeline_report.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <algorithm>
#include <map>
#include <memory>
#include <sstream>

#include "app/report/html.hpp"
#include "app/report/player.hpp"
#include "imaging/detect/columns_file.hpp"
#include "core/elements.hpp"
#include "core/error.hpp"
#include "core/h5md.hpp"
#include "core/materials.hpp"
#include "imaging/detect/movie_reader.hpp"
#include "imaging/movie_file.hpp"
#include "topology/comparison_file.hpp"
#include "nanomix/version.hpp"
#include "topology/diagrams_file.hpp"

namespace nanomix::report {

namespace fs = std::filesystem;

namespace {

std::string fixed(double v, int digits) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

bool present(const std::string& path) { return !path.empty() && fs::is_regular_file(path); }

/// The run's one clock: experiment seconds = MD time (ps) × the trajectory's mapping
/// (/parameters/md_experiment_seconds_per_ps, from [md] experiment_seconds_per_frame). 0 = no MD.
double seconds_per_ps(const RunFiles& files) {
  return present(files.trajectory) ? H5mdReader(files.trajectory).parameter("md_experiment_seconds_per_ps", 0) : 0;
}

/// A unit as a reader writes it: "angstrom^2" → "Å²".
std::string pretty_unit(const std::string& unit) {
  if (unit == "angstrom^2" || unit == "angstrom2" || unit == "angstrom**2") return "Å²";
  if (unit == "angstrom") return "Å";
  return unit;
}

void missing(Document& doc, const std::string& what, const std::string& path) {
  doc.paragraph("<em>Not available: " + escape(what) + (path.empty() ? "" : " (" + escape(path) + " was not written)") +
                ".</em>");
}

void stages_section(Document& doc, const RunFiles& files, const std::vector<StageRecord>& stages) {
  doc.section("run", "What ran");
  double total = 0;
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : stages) {
    total += s.seconds;
    rows.push_back({s.name, s.skipped ? "reused (--resume)" : fixed(s.seconds, 1) + " s", s.command_line});
  }
  doc.table({"stage", "wall time", "command"}, rows);
  doc.paragraph("Total " + fixed(total, 1) + " s, nanomix " + std::string(version_string) + ".");
  doc.raw("<details><summary>Configuration (resolved: every key of every section)</summary>");
  doc.preformatted(files.config_ini);
  doc.raw("</details>");
}

/// The story on one page: the mechanisms' observables on shared axes against the experiment's clock,
/// the experiment's own stages marked, and the stages the sequence analysis detected (when it ran).
void story_section(Document& doc, const RunFiles& files) {
  doc.section("story", "What happened: order and crystallinity of each mechanism, on the experiment's clock");
  std::vector<std::pair<std::string, std::string>> runs = files.mechanisms;
  if (runs.empty() && present(files.trajectory)) runs.push_back({"simulation", files.trajectory});
  std::vector<std::pair<std::string, std::string>> available;
  for (const auto& r : runs)
    if (present(r.second)) available.push_back(r);
  if (available.empty()) return missing(doc, "trajectory", files.trajectory);
  if (!files.outcome.empty()) doc.paragraph("<b>Outcome (sequence analysis):</b> " + escape(files.outcome));
  else doc.paragraph("<em>The sequence analysis (stage detection) did not run, so no outcome is named and no detected stage is marked.</em>");
  doc.paragraph("Time is the experiment's clock: MD time × the trajectory's mapping ([md] experiment_seconds_per_frame per "
                "recorded frame), the same clock as the movie's time axis and the player. Dashed lines mark the experiment's "
                "stages (mixed cluster at 0 s, I-rich local structures 15–17 s, NaI nanocrystal 17 s, heterostructure 27 s)"
                " and, when present, the stages detected in each simulation.");
  const std::vector<std::pair<std::string, std::string>> wanted = {
      {"anion_sro", "anion order α (Warren–Cowley; > 0: like anions cluster)"},
      {"crystallinity_nacl", "crystallinity of NaCl-like environments"},
      {"crystallinity_nai", "crystallinity of NaI-like environments"},
      {"iodide_outer_shell_fraction", "I fraction in the outer shell"},
      {"temperature", "ion temperature (K)"}};
  std::vector<std::pair<double, std::string>> marks = {{0, "exp. 0 s"}, {15, "15"}, {17, "17 s"}, {27, "27 s"}};
  for (const auto& m : files.stage_marks) marks.push_back({m.time_s, m.label});
  double t_max = 0;
  std::vector<std::unique_ptr<H5mdReader>> readers;
  for (const auto& r : available) {
    readers.push_back(std::make_unique<H5mdReader>(r.second));
    const double spp = readers.back()->parameter("md_experiment_seconds_per_ps", 0);
    const auto names = readers.back()->observable_names();
    if (std::find(names.begin(), names.end(), "anion_sro") == names.end()) continue;
    const auto o = readers.back()->observable("anion_sro");
    if (!o.times_ps.empty()) t_max = std::max(t_max, o.times_ps.back() * (spp > 0 ? spp : 1));
  }
  std::string plots;
  for (const auto& [name, label] : wanted) {
    std::vector<Series> series;
    bool clock = true;
    for (std::size_t k = 0; k < available.size(); ++k) {
      const auto names = readers[k]->observable_names();
      if (std::find(names.begin(), names.end(), name) == names.end()) continue;
      const double spp = readers[k]->parameter("md_experiment_seconds_per_ps", 0);
      clock = clock && spp > 0;
      const auto o = readers[k]->observable(name);
      Series s{available[k].first, {}, o.values};
      for (double t : o.times_ps) s.x.push_back(t * (spp > 0 ? spp : 1));
      series.push_back(std::move(s));
    }
    if (series.empty()) continue;
    PlotStyle style;
    style.title = label;
    style.x_label = clock ? "experiment time (s)" : "MD time (ps)";
    style.y_label = name;
    style.width_px = 440;
    style.legend_below = true;
    if (t_max > 0) style.x_min = 0, style.x_max = 1.05 * t_max;  // room for the last stage's label
    if (name.rfind("crystallinity", 0) == 0 || name == "iodide_outer_shell_fraction") style.y_min = 0, style.y_max = 1;
    if (clock) style.marks = marks;
    plots += svg_plot(series, style);
  }
  doc.raw("<div>" + plots + "</div>");
}

void md_section(Document& doc, const RunFiles& files) {
  doc.section("md", "Molecular dynamics: observables against time");
  if (!present(files.trajectory)) return missing(doc, "trajectory", files.trajectory);
  H5mdReader r(files.trajectory);
  const double spp = r.parameter("md_experiment_seconds_per_ps", 0);
  doc.paragraph(std::to_string(r.frame_count()) + " frames of " + std::to_string(r.atom_count()) + " atoms" +
                (spp > 0 ? "; the experiment's clock: 1 ps of MD = " + fixed(spp, 3) + " s (" +
                               fixed(r.parameter("md_experiment_seconds_per_frame", 0), 3) + " s per recorded frame)"
                         : "") +
                ".");
  const std::vector<std::pair<std::string, std::string>> wanted = {
      {"temperature", "temperature (K)"},
      {"anion_sro", "anion short-range order α"},
      {"crystallinity", "crystallinity"},
      {"ions_outside_tube", "ions outside the tube"},
      {"potential_energy", "potential energy (eV)"}};
  const auto names = r.observable_names();
  std::string plots;
  for (const auto& [prefix, label] : wanted) {
    std::vector<Series> series;
    for (const auto& n : names) {
      if (n.rfind(prefix, 0) != 0) continue;
      const auto o = r.observable(n);
      Series s{n == prefix ? "" : n, {}, o.values};
      for (double t : o.times_ps) s.x.push_back(spp > 0 ? t * spp : t);
      series.push_back(std::move(s));
    }
    if (series.empty()) continue;
    PlotStyle style;
    style.title = label;
    style.x_label = spp > 0 ? "experiment time (s)" : "MD time (ps)";
    style.y_label = label;
    style.legend_below = true;
    plots += svg_plot(series, style);
  }
  if (plots.empty()) doc.paragraph("<em>The trajectory has no observables.</em>");
  doc.raw("<div>" + plots + "</div>");
}

/// Na, Cl or I (the ions the player draws).
bool is_ion(int z) { return z == sodium_z || z == chlorine_z || z == iodine_z; }

/// The movie's two images (noise-free intensity, noisy counts) into the player, with each
/// frame's times; false (after saying why in the document) when one cannot be read.
bool add_player_movies(Document& doc, const RunFiles& files, const imaging::MovieGroundTruth& truth, double spp, PlayerInput& in) {
  const auto& gt = truth.truth;
  for (const std::string group : {"intensity", "counts"}) {
    imaging::ReadOptions options;
    options.emd_group = group;
    imaging::ReadResult movie;
    try {
      movie = imaging::read_movie(files.movie, options);
    } catch (const std::exception& e) {
      doc.paragraph("<em>" + escape(group) + ": " + escape(e.what()) + "</em>");
      return false;
    }
    PlayerMovie pm;
    pm.title = group == "intensity" ? "noise-free image intensity (before the camera)" : "noisy counts (the camera)";
    pm.unit = group == "intensity" ? "I/I₀" : "counts";
    pm.nx = movie.movie.nx;
    pm.ny = movie.movie.ny;
    pm.frames = std::move(movie.movie.frames);
    if (in.movies.empty()) {
      in.pixel_size_angstrom = movie.movie.pixel_size_x_angstrom;
      in.frames.resize(pm.frames.size());
      for (std::size_t t = 0; t < pm.frames.size(); ++t) {
        const bool known = t < truth.frames && truth.snapshots_per_frame > 0;
        const double md_time_ps = known ? gt.source_times_ps[t * truth.snapshots_per_frame] : -1;  // the frame's first snapshot
        in.frames[t].md_time_ps = md_time_ps;
        in.frames[t].time_s = known && spp > 0 ? md_time_ps * spp : static_cast<double>(t) * movie.movie.frame_time_s;
      }
    }
    in.movies.push_back(std::move(pm));
  }
  return true;
}

/// Ground truth: the ions of each frame at their projected positions (pixels), with the species
/// of that frame (Cl↔I swaps change them; the movie holds them per frame).
void add_truth_marks(const imaging::MovieGroundTruth& truth, PlayerInput& in) {
  const auto& gt = truth.truth;
  const std::size_t nt = in.frames.size();
  const double dx = in.pixel_size_angstrom;
  if (dx > 0) {
    const std::size_t n = truth.atoms;
    for (std::size_t t = 0; t < nt && t < truth.frames; ++t) {
      for (std::size_t a = 0; a < n; ++a) {
        const int z = gt.atomic_numbers[t * n + a];
        if (!is_ion(z) || gt.in_field_of_view[t * n + a] == 0) continue;
        const std::size_t base = (t * n + a) * 2;
        in.frames[t].atoms.insert(in.frames[t].atoms.end(), {static_cast<float>(gt.projected_positions_angstrom[base] / dx),
                                                             static_cast<float>(gt.projected_positions_angstrom[base + 1] / dx),
                                                             static_cast<float>(z)});
      }
    }
  }
}

/// The detected columns of each frame (pixels, class); returns how many.
std::size_t add_column_marks(const RunFiles& files, PlayerInput& in) {
  const std::size_t nt = in.frames.size();
  std::size_t column_count = 0;
  if (present(files.columns) && in.pixel_size_angstrom > 0) {
    const auto cf = imaging::read_columns_file(files.columns);
    for (const auto& c : cf.columns) {
      if (c.frame < 0 || static_cast<std::size_t>(c.frame) >= nt) continue;
      in.frames[static_cast<std::size_t>(c.frame)].columns.insert(
          in.frames[static_cast<std::size_t>(c.frame)].columns.end(),
          {static_cast<float>(c.x_angstrom / cf.pixel_size_x_angstrom), static_cast<float>(c.y_angstrom / cf.pixel_size_y_angstrom),
           static_cast<float>(c.klass)});
      ++column_count;
    }
  }
  return column_count;
}

void movie_section(Document& doc, const RunFiles& files) {
  doc.section("movie", "The movie: noise-free and noisy, with the ground truth and the detected columns");
  if (!present(files.movie)) return missing(doc, "movie", files.movie);
  imaging::MovieGroundTruth truth;
  try {
    truth = imaging::read_movie_ground_truth(files.movie);
  } catch (const std::exception& e) {
    doc.paragraph("<em>ground truth: " + escape(e.what()) + "</em>");
  }
  const double exposure_s = truth.exposure_time_s;
  const double spp = seconds_per_ps(files);
  PlayerInput in;
  if (!add_player_movies(doc, files, truth, spp, in)) return;
  const std::size_t nt = in.frames.size();
  const double dx = in.pixel_size_angstrom;
  add_truth_marks(truth, in);
  const std::size_t column_count = add_column_marks(files, in);
  const auto& first = in.movies.front();
  doc.paragraph(std::to_string(nt) + " frames of " + std::to_string(first.nx) + " × " + std::to_string(first.ny) + " pixels, " +
                fixed(dx, 3) + " Å per pixel. Each movie is shown on one grey scale for all its frames (the 0.1–99.9 % range "
                "of all its pixels; the colour bar gives the values), so a column that fades is seen to fade. Frame times are "
                "the experiment's clock" +
                (spp > 0 ? " (MD time × " + fixed(spp, 3) + " s/ps, the movie's time axis)" : "") +
                (exposure_s > 0 ? "; the camera's exposure per frame is " + fixed(exposure_s * 1e3, 0) + " ms, a separate attribute" : "") +
                ". Overlays: the ground-truth ions of the frame's MD snapshot and the " + std::to_string(column_count) +
                " columns detected over all frames (heavy = I-rich, light).");
  doc.raw(movie_player(in));
}

void diagrams_section(Document& doc, const RunFiles& files) {
  doc.section("topology", "Persistence diagrams of every subset, H0–H2");
  doc.paragraph("How to read them. Each point is one topological feature of a subset's atoms (or detected columns) as "
                "balls around them grow: H0 = a connected cluster, H1 = a ring (loop) enclosing an empty channel, "
                "H2 = an enclosed void. <b>Birth</b> is the filtration value at which the feature appears and "
                "<b>death</b> the value at which it is filled in; for GUDHI's alpha complexes these values are "
                "<b>squared radii, in Å²</b> (weighted: radius² minus the ion's weight). Points far above the dashed "
                "diagonal live long (robust rings, voids, well separated clusters); points near it are noise of the "
                "thermal motion. H0 births are 0 (every atom is a cluster from the start), so H0 shows the death "
                "values only: the squared distances at which clusters join. Each plot is a density of the points of "
                "all frames (counts per cell, log colour scale); the strip at the top counts features that never die.");
  bool any = false;
  for (const auto& path : files.diagrams) {
    if (!present(path)) continue;
    any = true;
    const auto info = topology::read_diagrams_info(path);
    const std::string unit = pretty_unit(info.unit);
    const std::string& source = info.source;
    const auto& groups = info.groups;
    const std::size_t frame_count = info.frame_time.size();
    std::string names;
    for (const auto& g : groups) names += (names.empty() ? "" : ", ") + g;
    doc.raw("<h3>" + escape(fs::path(path).filename().string()) + "</h3>");
    doc.paragraph("Source: " + escape(source) + "; " + std::to_string(frame_count) + " frames; subsets: " + escape(names) +
                  "; filtration values in " + escape(unit) + ".");
    for (const auto& group : groups) {
      std::string plots;
      const auto diagrams = topology::read_diagrams_file(path, group);
      for (std::size_t d : {0, 1, 2}) {
        std::vector<double> birth, death;
        for (const auto& frame : diagrams.frames)
          for (const auto& p : frame.dims[d]) {
            birth.push_back(p.birth);
            death.push_back(p.death);
          }
        if (birth.empty()) continue;
        PlotStyle style;
        style.title = group + ": H" + std::to_string(d) + " (" + std::to_string(birth.size()) + " points)";
        style.x_label = "birth (" + unit + ")";
        style.y_label = "death (" + unit + ")";
        style.width_px = 330;
        style.height_px = 300;
        plots += svg_density(birth, death, style, 36);
      }
      if (!plots.empty()) doc.raw("<div class=\"diagram-row\">" + plots + "</div>");
    }
    // Total persistence of each subset's H1 over time: the rings appearing and healing.
    std::vector<Series> totals;
    for (const auto& group : groups) {
      const auto summary = topology::read_summary(path, group, 1);
      if (summary.rows < 2 || summary.cols < 2 || frame_count != summary.rows) continue;
      Series t{group, {}, {}};
      const double spp = source == "trajectory" ? seconds_per_ps(files) : 0;
      for (std::size_t r = 0; r < summary.rows; ++r) {
        t.x.push_back(spp > 0 ? info.frame_time[r] * spp : info.frame_time[r]);
        t.y.push_back(summary.at(r, 1));
      }
      totals.push_back(std::move(t));
    }
    if (!totals.empty()) {
      PlotStyle ts;
      ts.title = "H1 total persistence over time, per subset";
      ts.x_label = source == "trajectory" && seconds_per_ps(files) > 0 ? "experiment time (s)"
                   : source == "trajectory" || source == "structure" ? "MD time (ps)"
                                                                      : "experiment time (s)";
      ts.y_label = "Σ (death − birth) (" + unit + ")";
      ts.legend_below = true;
      doc.raw(svg_plot(totals, ts));
    }
  }
  if (!any) missing(doc, "persistence diagrams", files.diagrams.empty() ? "" : files.diagrams.front());
}

void local_structures_section(Document& doc, const RunFiles& files) {
  doc.section("local", "Local structures located by persistence, marked on the movie");
  const std::string path = files.diagrams.empty() ? "" : files.diagrams.front();
  if (!present(path)) return missing(doc, "diagrams of the atoms", path);
  const auto local = topology::read_local_structures(path);
  if (local.group.empty()) {
    doc.paragraph("<em>No local-structure region was selected ([topology] local_subset).</em>");
    return;
  }
  const auto info = topology::read_diagrams_info(path);
  const std::vector<double>& frame_time = info.frame_time;
  const auto& counts = local.counts;
  const auto& atom_counts = local.atom_counts;
  const auto& atoms = local.atoms;
  if (counts.rows > 0 && frame_time.size() == counts.rows) {
    Series points{"diagram points in the region", {}, {}}, marked{"atoms behind them", {}, {}};
    const double spp = seconds_per_ps(files);
    for (std::size_t r = 0; r < counts.rows; ++r) {
      const double when = spp > 0 ? frame_time[r] * spp : frame_time[r];
      points.x.push_back(when);
      points.y.push_back(counts.values[r]);
      marked.x.push_back(when);
      marked.y.push_back(atom_counts.rows == counts.rows ? atom_counts.values[r] : NAN);
    }
    PlotStyle style;
    style.title = "local structures (" + local.group + ") per frame";
    style.x_label = spp > 0 ? "experiment time (s)" : "MD time (ps)";
    style.y_label = "count";
    style.legend_below = true;
    doc.raw(svg_plot({points, marked}, style));
  }
  // Overlays: the atoms of each movie frame's MD snapshot, at their projected positions.
  if (!present(files.movie) || atoms.rows == 0) return;
  const auto truth = imaging::read_movie_ground_truth(files.movie);
  const auto& projected = truth.truth.projected_positions_angstrom;  // (frames, atoms, 2)
  const auto& atom_index = truth.truth.atom_index;
  imaging::ReadOptions options;
  options.emd_group = "intensity";
  const auto movie = imaging::read_movie(files.movie, options).movie;
  if (truth.frames < movie.frame_count() || movie.frame_count() == 0 || movie.pixel_size_x_angstrom <= 0) return;
  std::map<long, std::size_t> slot_of_atom;
  for (std::size_t k = 0; k < atom_index.size(); ++k) slot_of_atom[static_cast<long>(atom_index[k])] = k;
  std::map<long, std::size_t> row_of_input_frame;
  for (std::size_t r = 0; r < info.frame_index.size(); ++r) row_of_input_frame[std::lround(info.frame_index[r])] = r;
  const std::size_t n = movie.frame_count();
  const std::size_t shown = std::min<std::size_t>(n, static_cast<std::size_t>(std::max(1, files.filmstrip_frames)));
  const auto grey = grey_range(movie.frames);  // one grey scale for every frame shown
  std::string strip;
  for (std::size_t k = 0; k < shown; ++k) {
    const std::size_t t = shown == 1 ? 0 : k * (n - 1) / (shown - 1);
    const long md_frame = truth.snapshots_per_frame > 0 ? static_cast<long>(truth.truth.source_frames[t * truth.snapshots_per_frame])
                                                        : static_cast<long>(t);
    const auto row = row_of_input_frame.find(md_frame);
    std::vector<Marker> markers;
    if (row != row_of_input_frame.end()) {
      for (std::size_t a = 0; a < atoms.rows; ++a) {
        if (std::lround(atoms.at(a, 0)) != static_cast<long>(row->second)) continue;
        const auto slot = slot_of_atom.find(std::lround(atoms.at(a, 1)));
        if (slot == slot_of_atom.end()) continue;
        const std::size_t base = (t * truth.atoms + slot->second) * 2;
        markers.push_back({projected[base] / movie.pixel_size_x_angstrom, projected[base + 1] / movie.pixel_size_y_angstrom, 0xff3030});
      }
    }
    strip += image_tag(movie.frames[t], movie.nx, movie.ny,
                       "frame " + std::to_string(t) + ": " + std::to_string(markers.size()) + " atoms marked", markers, 240, grey.first,
                       grey.second);
  }
  doc.paragraph("Red rings: atoms of the birth and death simplices of the selected diagram points, drawn at their "
                "projected positions on the noise-free frames.");
  doc.raw("<div>" + strip + "</div>");
}

void comparison_table(Document& doc, const std::string& path) {
  const auto file = topology::read_comparison_file(path);
  const topology::CompareResult& first = file.results.front();  // the first statistic (the file's root)
  const std::string unit = pretty_unit(first.unit);
  const std::string& group = first.group;
  const double permutations = file.permutations;
  const double p_floor = permutations > 0 ? 1.0 / (permutations + 1) : NAN;
  std::string dims;
  for (int d : file.dimensions) dims += (dims.empty() ? "H" : ", H") + std::to_string(d);
  std::vector<std::vector<std::string>> rows;
  std::string plots;
  auto p_text = [&](double p) { return fixed(p, 4) + (std::isfinite(p_floor) && p <= p_floor * 1.0000001 ? " (= the floor)" : ""); };
  for (const auto& m : first.mechanisms) {
    const std::string name = fs::path(m.path).filename().string();
    rows.push_back({name, p_text(m.permutation.p_value), p_text(m.kernel.p_value), fixed(m.kernel.statistic, 4), fixed(m.mean_distance, 4)});
    if (!m.best_frame.empty()) {
      Series s{name, {}, {}};
      for (std::size_t r = 0; r < m.best_frame.size(); ++r) {
        s.x.push_back(static_cast<double>(first.experimental_frames[r]));
        s.y.push_back(static_cast<double>(m.best_frame[r]));
      }
      PlotStyle style;
      style.title = "time alignment: nearest simulated frame";
      style.x_label = "reference frame";
      style.y_label = "simulated frame with the smallest distance";
      style.points = true;
      style.legend_below = true;
      plots += svg_plot({s}, style);
    }
  }
  doc.paragraph("<b>Null hypothesis:</b> the per-frame persistence diagrams (subset " + escape(group.empty() ? "first" : group) +
                ", " + escape(dims) + ") of the simulation and of the reference are draws from one and the same distribution. "
                "<b>Tests:</b> a permutation test on the within-set Wasserstein loss (Robinson &amp; Turner 2017) and a "
                "kernel two-sample test (MMD), each relabelling the frames " + fixed(permutations, 0) + " times. "
                "<b>The smallest possible p</b> is 1/(n_perm + 1) = " + fixed(p_floor, 4) + ": a p at that floor means no "
                "relabelling was as extreme as the real split. <b>Effect size:</b> MMD² (the squared distance between the "
                "two sets' kernel mean embeddings; 0 when they agree, and its unbiased estimate can fall slightly below 0) and the mean Wasserstein distance between their "
                "diagrams (" + escape(unit) + "). A small p says the sets differ; <b>a large p is no evidence that they are "
                "the same</b> — only that this many frames could not tell them apart.");
  doc.table({"simulated", "permutation test p", "kernel (MMD) test p", "effect size MMD²", "mean Wasserstein distance (" + unit + ")"}, rows);
  if (first.mechanisms.size() > 1) {
    const std::string closest = first.mechanisms[static_cast<std::size_t>(first.closest)].path;
    doc.paragraph("Closest to the reference: <b>" + escape(fs::path(closest).filename().string()) + "</b> (sign-flip test against the runner-up, p = " +
                  fixed(first.closest_p_value, 4) + ").");
  }
  if (!plots.empty()) {
    doc.paragraph("Time alignment: for each reference frame, the simulated frame whose diagram is nearest (smallest "
                  "Wasserstein distance). Points near a rising line mean the two evolve in step; a flat or scattered "
                  "cloud means no frame-by-frame correspondence (the tests above do not use it).");
    doc.raw("<div>" + plots + "</div>");
  }
}

void comparison_section(Document& doc, const RunFiles& files) {
  doc.section("compare", "Comparison of persistence statistics");
  if (!files.comparison_note.empty()) doc.paragraph(escape(files.comparison_note));
  if (!present(files.comparison)) return missing(doc, "comparison", files.comparison);
  comparison_table(doc, files.comparison);
  if (!files.comparison_movie.empty()) {
    doc.paragraph("<b>The same test without detection.</b> " + escape(files.comparison_movie_note));
    if (present(files.comparison_movie)) comparison_table(doc, files.comparison_movie);
    else missing(doc, "comparison of the movies", files.comparison_movie);
  }
  if (files.comparison_atoms.empty()) return;
  doc.paragraph("<b>The same test on the ground truth.</b> " + escape(files.comparison_atoms_note));
  if (!present(files.comparison_atoms)) return missing(doc, "comparison of the atoms", files.comparison_atoms);
  comparison_table(doc, files.comparison_atoms);
}

void lattice_section(Document& doc, const RunFiles& files) {
  doc.section("lattice", "Lattice matching against bulk NaCl and NaI");
  const std::string path = files.diagrams.empty() ? "" : files.diagrams.front();
  if (!present(path)) return missing(doc, "diagrams of the atoms", path);
  const auto lattice = topology::read_lattice(path);
  const std::vector<double> frame_time = topology::read_diagrams_info(path).frame_time;
  if (lattice.rows == 0 || lattice.cols < 5) return doc.paragraph("<em>No lattice estimate in " + escape(path) + ".</em>");
  auto deviation = [](double a, double bulk) {
    return std::isfinite(a) ? fixed(a, 3) + " (" + (a >= bulk ? "+" : "") + fixed(100 * (a - bulk) / bulk, 1) + " %)" : "–";
  };
  std::vector<std::vector<std::string>> rows;
  for (std::size_t r : {std::size_t{0}, lattice.rows / 2, lattice.rows - 1}) {
    const double spp = seconds_per_ps(files);
    rows.push_back({std::to_string(r), frame_time.size() > r ? fixed(spp > 0 ? frame_time[r] * spp : frame_time[r], spp > 0 ? 2 : 1) : "",
                    deviation(lattice.at(r, 1), nacl_lattice_constant_angstrom),
                    fixed(lattice.at(r, 2), 0), deviation(lattice.at(r, 3), nai_lattice_constant_angstrom), fixed(lattice.at(r, 4), 0)});
    if (lattice.rows == 1) break;
  }
  doc.table({"frame", seconds_per_ps(files) > 0 ? "experiment time (s)" : "MD time (ps)", "a, NaCl-like domains (Å; vs " + fixed(nacl_lattice_constant_angstrom, 2) + ")",
             "crystalline Na–Cl (count behind the estimate)", "a, NaI-like domains (Å; vs " + fixed(nai_lattice_constant_angstrom, 2) + ")", "crystalline Na–I (count behind the estimate)"},
            rows);
  doc.paragraph("The lattice constants rest on the crystalline Na–anion counts beside them; with a few they are "
                "indicative only (no uncertainty is computed).");
}

/// A section that reads diagrams files through their reader: a file it refuses (another format
/// version, not a diagrams file) is said in the section instead of ending the report.
void guarded(Document& doc, void (*section)(Document&, const RunFiles&), const RunFiles& files) {
  try {
    section(doc, files);
  } catch (const InputError& e) {
    doc.paragraph("<em>" + escape(e.what()) + "</em>");
  }
}

}  // namespace

std::string pipeline_report(const RunFiles& files, const std::vector<StageRecord>& stages) {
  Document doc("nanomix run report");
  stages_section(doc, files, stages);
  story_section(doc, files);
  md_section(doc, files);
  movie_section(doc, files);
  guarded(doc, local_structures_section, files);
  guarded(doc, diagrams_section, files);
  comparison_section(doc, files);
  guarded(doc, lattice_section, files);
  return doc.html();
}

}  // namespace nanomix::report
