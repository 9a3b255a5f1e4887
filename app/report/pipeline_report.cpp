#include "app/report/pipeline_report.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <algorithm>
#include <map>
#include <memory>
#include <sstream>

#include <Eigen/Eigenvalues>

#include "app/report/composition.hpp"
#include "app/report/experiment.hpp"
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
#include "topology/local_structures.hpp"
#include "sim/sequence.hpp"

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
  double total = 0, end = 0;
  bool any_background = false;
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : stages) {
    total += s.seconds;
    end = std::max(end, s.start_seconds + s.seconds);
    any_background = any_background || s.background;
    rows.push_back({s.name, s.skipped ? "–" : fixed(s.start_seconds, 1) + " s",
                    s.skipped ? "reused (--resume)" : fixed(s.seconds, 1) + " s" + (s.background ? " (background process)" : ""),
                    s.command_line});
  }
  doc.table({"stage", "started at", "wall time", "command"}, rows);
  doc.paragraph("The stages took " + fixed(end, 1) + " s from the start of the run to the end of the last one; their wall times add up to " +
                fixed(total, 1) + " s" +
                (any_background ? " (stages marked 'background process' ran as child processes beside the others: [run] processes)"
                                : "") +
                ". nanomix " + std::string(version_string) + ".");
  doc.raw("<details><summary>Configuration (resolved: every key of every section)</summary>");
  doc.preformatted(files.config_ini);
  doc.raw("</details>");
}

/// The anions' extent along the tube axis and their largest distance from it over `frames`.
struct AnionExtent {
  double lo = INFINITY, hi = -INFINITY, r_max = 0;
};
AnionExtent anion_extent(const std::vector<Frame>& frames) {
  AnionExtent e;
  for (const auto& f : frames) {
    const sim::TubeAxis axis = sim::tube_axis_of(f);
    for (std::size_t i = 0; i < f.size(); ++i) {
      if (f.atomic_numbers[i] != chlorine_z && f.atomic_numbers[i] != iodine_z) continue;
      const auto row = static_cast<Eigen::Index>(i);
      double r2 = 0;
      for (int k = 0; k < 3; ++k)
        if (k != axis.axis) r2 += std::pow(f.positions_angstrom(row, k) - axis.point_angstrom[k], 2);
      e.lo = std::min(e.lo, f.positions_angstrom(row, axis.axis));
      e.hi = std::max(e.hi, f.positions_angstrom(row, axis.axis));
      e.r_max = std::max(e.r_max, std::sqrt(r2));
    }
  }
  return e;
}

/// One mechanism's composition from its trajectory: a kymograph of I/(Cl + I) along the tube
/// (3 Å bins, one row per frame) and the radial profile of the first and the last frame (1.5 Å bins).
std::string composition_plots(const std::string& label, const std::string& trajectory) {
  const H5mdReader r(trajectory);
  const double spp = r.parameter("md_experiment_seconds_per_ps", 0);
  std::vector<Frame> frames;
  for (std::size_t i = 0; i < r.frame_count(); ++i) frames.push_back(r.frame(i));
  const AnionExtent extent = anion_extent(frames);
  if (frames.empty() || !(extent.hi >= extent.lo)) return "";
  const double axial_bin = 3.0, radial_bin = 1.5;
  const int min_anions = 3;  // fewer in a bin: grey (one or two anions would read as 0 or 1)
  const int axial_bins = std::max(1, static_cast<int>(std::ceil((extent.hi - extent.lo) / axial_bin + 1e-9)));
  const int radial_bins = std::max(1, static_cast<int>(std::ceil(extent.r_max / radial_bin + 1e-9)));
  Heatmap map;
  map.rows = frames.size();
  map.cols = static_cast<std::size_t>(axial_bins);
  map.x0 = extent.lo;
  map.x1 = extent.lo + axial_bins * axial_bin;
  map.value_label = "I / (Cl + I)  (grey: < 3 anions)";
  auto when = [&](const Frame& f) { return spp > 0 ? f.time_ps * spp : f.time_ps; };
  const double step = frames.size() > 1 ? (when(frames.back()) - when(frames.front())) / static_cast<double>(frames.size() - 1) : 1;
  map.y0 = when(frames.front()) - step / 2;
  map.y1 = when(frames.back()) + step / 2;
  for (const auto& f : frames) {
    const auto p = axial_iodide_profile(f, sim::tube_axis_of(f), map.x0, map.x1 + 1e-9, axial_bins);
    for (std::size_t b = 0; b < p.fraction.size(); ++b) map.values.push_back(p.anions[b] >= min_anions ? p.fraction[b] : NAN);
  }
  PlotStyle ks;
  ks.title = label + ": I fraction along the tube, per frame";
  ks.x_label = "position along the tube axis (Å)";
  ks.y_label = spp > 0 ? "experiment time (s)" : "MD time (ps)";
  ks.width_px = 470;
  std::vector<Series> radial;
  for (const Frame* f : {&frames.front(), &frames.back()}) {
    const auto p = radial_iodide_profile(*f, sim::tube_axis_of(*f), radial_bins * radial_bin + 1e-9, radial_bins);
    Series s{(f == &frames.front() ? "first frame, " : "last frame, ") + fixed(when(*f), 1) + (spp > 0 ? " s" : " ps"), {}, p.fraction};
    for (int b = 0; b < radial_bins; ++b) s.x.push_back((b + 0.5) * radial_bin);
    radial.push_back(std::move(s));
  }
  const auto all = radial_iodide_profile(frames.back(), sim::tube_axis_of(frames.back()), 2 * extent.r_max + 1, 1);
  if (!all.fraction.empty()) radial.push_back({"all anions", {0, radial_bins * radial_bin}, {all.fraction[0], all.fraction[0]}});
  PlotStyle rs;
  rs.title = label + ": I fraction against distance from the axis";
  rs.x_label = "distance from the tube axis (Å)";
  rs.y_label = "I / (Cl + I)";
  rs.width_px = 400;
  rs.y_min = 0, rs.y_max = 1;
  rs.legend_below = true;
  return svg_heatmap(map, ks) + svg_plot(radial, rs);
}

/// Where the iodide goes: each mechanism's kymograph and radial profile, from the ground truth.
void composition_subsection(Document& doc, const std::vector<std::pair<std::string, std::string>>& runs) {
  doc.raw("<h3>Where the iodide goes: composition along and across the tube (ground truth)</h3>");
  doc.paragraph("From the trajectory's positions and per-frame species: the anions of each frame binned along the tube "
                "axis (3 Å bins over the anions' extent in all frames) and coloured by their iodide fraction I/(Cl + I) "
                "(grey: fewer than 3 anions in the bin), one row per recorded frame — a band that sharpens over time "
                "is the iodide gathering in one part of the "
                "tube. Beside it, the same fraction against the distance from the tube axis (1.5 Å shells) in the first "
                "and the last frame, with the fraction of all anions for reference: a rise towards the wall is an I-rich "
                "shell, a fall an I-rich core.");
  std::string plots;
  for (const auto& [label, path] : runs) plots += composition_plots(label, path);
  doc.raw("<div>" + plots + "</div>");
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
  composition_subsection(doc, available);
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

/// The detected columns of each frame (pixels, class); returns how many. `classes` gets what
/// classes_sentence says of the file.
std::size_t add_column_marks(const RunFiles& files, PlayerInput& in, std::string& classes) {
  const std::size_t nt = in.frames.size();
  std::size_t column_count = 0;
  if (present(files.columns) && in.pixel_size_angstrom > 0) {
    const auto cf = imaging::read_columns_file(files.columns);
    classes = classes_sentence(cf);
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
  std::string classes;
  const std::size_t column_count = add_column_marks(files, in, classes);
  const auto& first = in.movies.front();
  doc.paragraph(std::to_string(nt) + " frames of " + std::to_string(first.nx) + " × " + std::to_string(first.ny) + " pixels, " +
                fixed(dx, 3) + " Å per pixel. Each movie is shown on one grey scale for all its frames (the 0.1–99.9 % range "
                "of all its pixels; the colour bar gives the values), so a column that fades is seen to fade. Frame times are "
                "the experiment's clock" +
                (spp > 0 ? " (MD time × " + fixed(spp, 3) + " s/ps, the movie's time axis)" : "") +
                (exposure_s > 0 ? "; the camera's exposure per frame is " + fixed(exposure_s * 1e3, 0) + " ms, a separate attribute" : "") +
                ". Overlays: the ground-truth ions of the frame's MD snapshot and the " + std::to_string(column_count) +
                " columns detected over all frames (heavy = I-rich, light)." + classes);
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

const std::uint32_t loop_colours[] = {0x1f77b4, 0xd62728, 0x2ca02c, 0xff7f0e, 0x9467bd};  // the plots' first five colours
const char* species_colour(int z) { return z == sodium_z ? "#ff9900" : z == chlorine_z ? "#22dd22" : z == iodine_z ? "#cc55ff" : "#999999"; }
std::string hex_colour(std::uint32_t rgb) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%06x", static_cast<unsigned>(rgb & 0xffffffu));
  return buf;
}

/// The atoms of a feature as the report marks them: its cycle's when the file stores one, else
/// those of its birth and death simplices.
std::vector<int> feature_atoms(const topology::PersistencePair& p, const topology::Cycle* cycle) {
  return cycle ? topology::cycle_atoms(*cycle) : topology::simplex_atoms(p);
}

/// One feature drawn from what the diagrams file stores, seen face-on (the plane of best fit
/// through its atoms) with the ions within 2.5 Å of that plane around it coloured by species: a
/// loop with a stored cycle is drawn whole (its edges, thick, in its colour), the death simplex
/// (the triangle that fills it last) shaded; without a cycle, the birth simplex (the closing edge)
/// is the thick line.
std::string feature_svg(const Frame& frame, const topology::PersistencePair& p, const topology::Cycle* cycle, std::uint32_t rgb,
                        const std::string& title) {
  auto atoms = feature_atoms(p, cycle);
  for (int a : topology::simplex_atoms(p)) atoms.push_back(a);  // the death triangle too (inside the cycle's span)
  std::sort(atoms.begin(), atoms.end());
  atoms.erase(std::unique(atoms.begin(), atoms.end()), atoms.end());
  std::vector<Eigen::Vector3d> at;
  for (int a : atoms)
    if (a >= 0 && static_cast<std::size_t>(a) < frame.size()) at.push_back(frame.positions_angstrom.row(a).transpose());
  if (at.empty()) return "";
  Eigen::Vector3d c = Eigen::Vector3d::Zero();
  for (const auto& r : at) c += r / static_cast<double>(at.size());
  Eigen::Matrix3d cov = Eigen::Matrix3d::Zero();
  for (const auto& r : at) cov += (r - c) * (r - c).transpose();
  const Eigen::SelfAdjointEigenSolver<Eigen::Matrix3d> eig(cov);  // eigenvalues ascending
  const Eigen::Vector3d n = eig.eigenvectors().col(0), u = eig.eigenvectors().col(2), v = eig.eigenvectors().col(1);
  double reach = 0;
  for (const auto& r : at) reach = std::max(reach, (r - c).norm());
  const double half = std::max(6.0, 1.5 * reach), size = 230, scale = size / (2 * half);
  auto X = [&](const Eigen::Vector3d& r) { return fixed(size / 2 + (r - c).dot(u) * scale, 1); };
  auto Y = [&](const Eigen::Vector3d& r) { return fixed(size / 2 + 12 - (r - c).dot(v) * scale, 1); };
  const std::string colour = hex_colour(rgb);
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << size << "\" height=\"" << size + 24 << "\" font-family=\"sans-serif\" font-size=\"11\">"
    << "<rect width=\"" << size << "\" height=\"" << size + 24 << "\" fill=\"white\" stroke=\"#ccc\"/><text x=\"" << size / 2
    << "\" y=\"14\" text-anchor=\"middle\">" << escape(title) << "</text>";
  for (std::size_t i = 0; i < frame.size(); ++i) {  // the ions around it, in a slab about its plane
    const int z = frame.atomic_numbers[i];
    const Eigen::Vector3d r = frame.positions_angstrom.row(static_cast<Eigen::Index>(i)).transpose();
    if ((z != sodium_z && z != chlorine_z && z != iodine_z) || std::abs((r - c).dot(n)) > 2.5) continue;
    if (std::abs((r - c).dot(u)) > half || std::abs((r - c).dot(v)) > half) continue;
    o << "<circle cx=\"" << X(r) << "\" cy=\"" << Y(r) << "\" r=\"" << fixed(0.45 * scale, 1) << "\" fill=\"" << species_colour(z)
      << "\" fill-opacity=\"0.45\"/>";
  }
  auto vertices = [&](const std::array<int, 4>& simplex) {
    std::vector<Eigen::Vector3d> out;
    for (int a : simplex)
      if (a >= 0 && static_cast<std::size_t>(a) < frame.size()) out.push_back(frame.positions_angstrom.row(a).transpose());
    return out;
  };
  std::string polygon;
  for (const auto& r : vertices(p.death_atoms)) polygon += X(r) + "," + Y(r) + " ";
  o << "<polygon points=\"" << polygon << "\" fill=\"" << colour << "\" fill-opacity=\"0.2\" stroke=\"" << colour << "\" stroke-dasharray=\"3 2\"/>";
  std::vector<std::array<int, 2>> thick;  // the cycle's edges, or the birth edge
  if (cycle)
    thick = cycle->edges;
  else if (p.birth_atoms[1] >= 0)
    thick.push_back({p.birth_atoms[0], p.birth_atoms[1]});
  for (const auto& e : thick) {
    if (e[0] < 0 || e[1] < 0 || static_cast<std::size_t>(std::max(e[0], e[1])) >= frame.size()) continue;
    const Eigen::Vector3d a = frame.positions_angstrom.row(e[0]).transpose(), b = frame.positions_angstrom.row(e[1]).transpose();
    o << "<line x1=\"" << X(a) << "\" y1=\"" << Y(a) << "\" x2=\"" << X(b) << "\" y2=\"" << Y(b) << "\" stroke=\"" << colour
      << "\" stroke-width=\"3\" stroke-linecap=\"round\"/>";
  }
  for (int a : atoms)
    if (a >= 0 && static_cast<std::size_t>(a) < frame.size())
      o << "<circle cx=\"" << X(frame.positions_angstrom.row(a).transpose()) << "\" cy=\"" << Y(frame.positions_angstrom.row(a).transpose())
        << "\" r=\"" << fixed(0.6 * scale, 1) << "\" fill=\"" << species_colour(frame.atomic_numbers[static_cast<std::size_t>(a)])
        << "\" stroke=\"" << colour << "\" stroke-width=\"2\"/>";
  const double bar = half >= 10 ? 5 : 2;  // a scale bar in Å
  o << "<line x1=\"8\" y1=\"" << size + 16 << "\" x2=\"" << fixed(8 + bar * scale, 1) << "\" y2=\"" << size + 16
    << "\" stroke=\"#333\" stroke-width=\"2\"/><text x=\"" << fixed(12 + bar * scale, 1) << "\" y=\"" << size + 20 << "\">" << fixed(bar, 0)
    << " Å</text></svg>";
  return o.str();
}

/// The tracks of the few most persistent features of the local subset (for the movie overlay too).
struct LocalFeatures {
  topology::DiagramsRead diagrams;
  std::vector<topology::FeatureTrack> tracks;
  std::size_t dimension = 1;
  double min_persistence = 0;  ///< the local region's floor: a feature continues only above it
  const topology::PersistencePair* at(std::size_t k, std::size_t row) const {
    const auto& t = tracks[k];
    if (row < t.first_frame || row >= t.first_frame + t.frames()) return nullptr;
    return &diagrams.frames[row].dims[dimension][t.points[row - t.first_frame]];
  }
  /// The stored cycle of feature k in frame `row` (H1 only), or nullptr.
  const topology::Cycle* cycle(std::size_t k, std::size_t row) const {
    if (dimension != 1 || !at(k, row)) return nullptr;
    return topology::cycle_of(diagrams.frames[row], tracks[k].points[row - tracks[k].first_frame]);
  }
};

/// Each of the few most persistent features drawn, and a table of their lifetimes.
void persistent_features_subsection(Document& doc, const RunFiles& files, const LocalFeatures& lf, const topology::DiagramsInfo& info) {
  const std::string unit = pretty_unit(info.unit), hd = "H" + std::to_string(lf.dimension);
  doc.raw("<h3>The " + std::to_string(lf.tracks.size()) + " most persistent " + hd + " features of " + escape(lf.diagrams.group) + ", drawn whole</h3>");
  doc.paragraph("<b>What is drawn.</b> Each loop is drawn <b>whole</b>: its <b>representative cycle</b>, the ring of "
                "edges (thick lines in its colour) that the diagrams file stores for the few most persistent H1 points of "
                "each frame — a closed chain of atoms, present from the loop's birth (it holds the edge that closes the "
                "ring last) and filled in at its death — with the <b>death simplex</b> (the triangle that fills it last) "
                "shaded. A point without a stored cycle (an H2 void, a diagrams file from before cycles) shows only its "
                "<b>birth simplex</b> (the closing edge, thick) and death simplex. Each panel shows the atoms face-on (the "
                "plane of best fit through them), in the frame where the feature is most persistent, with the ions within "
                "2.5 Å of that plane around them (Na orange, Cl green, I purple), so the ring is seen in its surroundings. "
                "<b>Lifetime:</b> the feature is followed "
                "from that frame backward and forward while the next frame has a point whose birth and death atoms share at "
                "least 3 with it and whose persistence is above the region's floor (" + fixed(lf.min_persistence, 1) + " " + unit +
                "; each point joins one feature only). In the I subset a long-lived loop is a ring of iodide "
                "around ions of the other species: the panel shows what the ring encloses.");
  const bool atoms_known = info.source == "trajectory" && present(files.trajectory);
  std::unique_ptr<H5mdReader> traj = atoms_known ? std::make_unique<H5mdReader>(files.trajectory) : nullptr;
  const double spp = seconds_per_ps(files);
  auto when = [&](std::size_t row) { return fixed(spp > 0 ? info.frame_time[row] * spp : info.frame_time[row], spp > 0 ? 2 : 1); };
  const std::string clock = spp > 0 ? " s" : " ps";
  std::vector<std::vector<std::string>> rows;
  std::string panels;
  for (std::size_t k = 0; k < lf.tracks.size(); ++k) {
    const auto& t = lf.tracks[k];
    const std::size_t peak = t.first_frame + t.peak, last = t.first_frame + t.frames() - 1;
    const auto& p = *lf.at(k, peak);
    const auto* cycle = lf.cycle(k, peak);
    std::string atoms;
    for (int a : feature_atoms(p, cycle)) atoms += (atoms.empty() ? "" : " ") + std::to_string(a);
    if (cycle) atoms = std::to_string(cycle->edges.size()) + " edges; atoms " + atoms;
    rows.push_back({std::to_string(k + 1), when(peak) + clock, fixed(p.birth, 2), fixed(p.death, 2), fixed(p.persistence(), 2),
                    std::to_string(t.frames()) + " (" + when(t.first_frame) + "–" + when(last) + clock + ")", atoms});
    const std::size_t input_frame = static_cast<std::size_t>(std::lround(info.frame_index[peak]));
    if (traj && input_frame < traj->frame_count())
      panels += feature_svg(traj->frame(input_frame), p, cycle, loop_colours[k % 5],
                            "feature " + std::to_string(k + 1) + ": t = " + when(peak) + clock + ", " +
                                std::to_string(t.frames()) + (t.frames() == 1 ? " frame" : " frames"));
  }
  std::vector<Series> lives;  // each feature's persistence along its track
  for (std::size_t k = 0; k < lf.tracks.size(); ++k) {
    Series life{"feature " + std::to_string(k + 1), {}, {}};
    for (std::size_t j = 0; j < lf.tracks[k].frames(); ++j) {
      const std::size_t row = lf.tracks[k].first_frame + j;
      life.x.push_back(spp > 0 ? info.frame_time[row] * spp : info.frame_time[row]);
      life.y.push_back(lf.at(k, row)->persistence());
    }
    lives.push_back(std::move(life));
  }
  PlotStyle ls;
  ls.title = "persistence of each feature over its lifetime";
  ls.x_label = spp > 0 ? "experiment time (s)" : "MD time (ps)";
  ls.y_label = "death − birth (" + unit + ")";
  ls.points = true;
  ls.legend_below = true;
  if (!info.frame_time.empty()) {
    ls.x_min = spp > 0 ? info.frame_time.front() * spp : info.frame_time.front();
    ls.x_max = spp > 0 ? info.frame_time.back() * spp : info.frame_time.back();
  }
  ls.y_min = 0;
  const std::string life_plot = svg_plot(lives, ls);
  doc.table({"feature", "most persistent at", "birth (" + unit + ")", "death (" + unit + ")", "persistence (" + unit + ")",
             "lifetime: consecutive frames (from–to)", "atoms of its cycle (else birth ∪ death simplices)"},
            rows);
  if (panels.empty()) doc.paragraph("<em>The atoms' positions are not drawn: the diagrams were not computed from this run's trajectory.</em>");
  doc.raw("<div>" + panels + life_plot + "</div>");
}

/// Diagram points in the local region and the atoms behind them, per frame.
void local_counts_plot(Document& doc, const RunFiles& files, const topology::LocalStructuresRead& local, const std::vector<double>& frame_time) {
  const auto& counts = local.counts;
  const auto& atom_counts = local.atom_counts;
  if (counts.rows == 0 || frame_time.size() != counts.rows) return;
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
  style.title = "all local structures (" + local.group + ", persistence ≥ " + fixed(local.min_persistence, 1) + ") per frame";
  style.x_label = spp > 0 ? "experiment time (s)" : "MD time (ps)";
  style.y_label = "count";
  style.legend_below = true;
  doc.raw(svg_plot({points, marked}, style));
}

/// The features' atoms ringed in their colours on the noise-free frames, where they are alive.
void local_filmstrip(Document& doc, const RunFiles& files, const LocalFeatures& lf, const topology::DiagramsInfo& info) {
  if (!present(files.movie) || lf.tracks.empty()) return;
  const auto truth = imaging::read_movie_ground_truth(files.movie);
  const auto& projected = truth.truth.projected_positions_angstrom;  // (frames, atoms, 2)
  imaging::ReadOptions options;
  options.emd_group = "intensity";
  const auto movie = imaging::read_movie(files.movie, options).movie;
  if (truth.frames < movie.frame_count() || movie.frame_count() == 0 || movie.pixel_size_x_angstrom <= 0) return;
  std::map<long, std::size_t> slot_of_atom;
  for (std::size_t k = 0; k < truth.truth.atom_index.size(); ++k) slot_of_atom[static_cast<long>(truth.truth.atom_index[k])] = k;
  std::map<long, std::size_t> row_of_input_frame;
  for (std::size_t r = 0; r < info.frame_index.size(); ++r) row_of_input_frame[std::lround(info.frame_index[r])] = r;
  // The movie frames whose MD snapshot is a feature's most persistent frame, in time order.
  std::map<std::size_t, std::map<long, std::size_t>::const_iterator> shown;
  for (std::size_t t = 0; t < movie.frame_count(); ++t) {
    const long md_frame = truth.snapshots_per_frame > 0 ? static_cast<long>(truth.truth.source_frames[t * truth.snapshots_per_frame])
                                                        : static_cast<long>(t);
    const auto row = row_of_input_frame.find(md_frame);
    for (const auto& track : lf.tracks)
      if (row != row_of_input_frame.end() && row->second == track.first_frame + track.peak &&
          shown.size() < static_cast<std::size_t>(std::max(1, files.filmstrip_frames)))
        shown.emplace(t, row);
  }
  const auto grey = grey_range(movie.frames);  // one grey scale for every frame shown
  std::string strip;
  for (const auto& [t, row] : shown) {
    std::vector<Marker> markers;
    std::string alive;
    for (std::size_t k = 0; k < lf.tracks.size() && row != row_of_input_frame.end(); ++k) {
      const auto* p = lf.at(k, row->second);
      if (!p) continue;
      alive += (alive.empty() ? "" : ", ") + std::to_string(k + 1);
      for (int a : feature_atoms(*p, lf.cycle(k, row->second))) {
        const auto slot = slot_of_atom.find(a);
        if (slot == slot_of_atom.end()) continue;
        const std::size_t base = (t * truth.atoms + slot->second) * 2;
        markers.push_back({projected[base] / movie.pixel_size_x_angstrom, projected[base + 1] / movie.pixel_size_y_angstrom, loop_colours[k % 5]});
      }
    }
    strip += image_tag(movie.frames[t], movie.nx, movie.ny, "frame " + std::to_string(t) + ": " + (alive.empty() ? "none of them" : "feature " + alive),
                       markers, 240, grey.first, grey.second);
  }
  doc.paragraph("The same features on the noise-free movie (one grey scale for all frames): on each frame where one of "
                "them is most persistent, the atoms of every feature alive then (its cycle's atoms where one is stored), "
                "ringed in its colour at their projected positions.");
  doc.raw("<div>" + strip + "</div>");
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
  local_counts_plot(doc, files, local, info.frame_time);
  LocalFeatures lf;
  lf.diagrams = topology::read_diagrams_file(path, local.group);
  lf.dimension = static_cast<std::size_t>(std::clamp(local.dimension, 0, 2));
  lf.min_persistence = local.min_persistence;
  lf.tracks = topology::persistent_features(lf.diagrams.frames, local.dimension, 4, 3, local.min_persistence);
  if (lf.tracks.empty()) return doc.paragraph("<em>No finite H" + std::to_string(lf.dimension) + " point in " + escape(local.group) + ".</em>");
  persistent_features_subsection(doc, files, lf, info);
  local_filmstrip(doc, files, lf, info);
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
    rows.push_back({name, p_text(m.permutation.p_value), fixed(m.permutation.effect_z, 1), p_text(m.kernel.p_value), fixed(m.kernel.statistic, 4),
                    fixed(m.kernel.effect_z, 1), fixed(m.mean_distance, 4)});
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
                "relabelling was as extreme as the real split, and a smaller p needs more permutations ([compare] permutations). "
                "<b>Effect size</b>, which keeps growing where p sits at its floor: z = how many null standard deviations the "
                "observed statistic lies beyond the mean of the relabelled ones (a within-set loss below, an MMD² above); MMD² "
                "itself (the squared distance between the two sets' kernel mean embeddings; 0 when they agree, and its unbiased "
                "estimate can fall slightly below 0); and the mean Wasserstein distance between their diagrams (" + escape(unit) +
                "). A small p says the sets differ; <b>a large p is no evidence that they are the same</b> — only that this "
                "many frames could not tell them apart.");
  std::vector<std::string> header{"simulated", "permutation test p", "its effect z", "kernel (MMD) test p", "MMD²", "its effect z",
                                  "mean Wasserstein distance (" + unit + ")"};
  const auto& null_e = first.null_pair_energy_distance;
  if (!null_e.empty()) {  // the run-level test: the energy distance ranked among same-process pairs'
    header.push_back("energy distance (" + unit + ")");
    header.push_back("run-level p (" + std::to_string(null_e.size()) + " null pairs)");
    for (std::size_t k = 0; k < rows.size(); ++k) {
      rows[k].push_back(fixed(first.mechanisms[k].energy_distance, 3));
      rows[k].push_back(fixed(first.mechanisms[k].run_level_p_value, 3));
    }
  }
  doc.table(header, rows);
  if (!null_e.empty()) {
    const auto [lo, hi] = std::minmax_element(null_e.begin(), null_e.end());
    doc.paragraph("<b>Run-level test.</b> The energy distance of the two frame sets (2·mean distance between them − the mean "
                  "distances within each), ranked among those of " + std::to_string(null_e.size()) +
                  " pairs of movies of one process that differ only in their seeds (compared the same way; theirs ran from " +
                  fixed(*lo, 3) + " to " + fixed(*hi, 3) + "): p = (1 + #{null E ≥ observed E}) / (pairs + 1), at least " +
                  fixed(1.0 / (1.0 + static_cast<double>(null_e.size())), 3) +
                  ". Frames of one run share its cluster and are correlated in time, so the frame-level p says whether two "
                  "<i>movies</i> differ; this one says whether they differ more than two runs of one process do.");
  }
  if (first.mechanisms.size() > 1) {
    const std::string closest = first.mechanisms[static_cast<std::size_t>(first.closest)].path;
    doc.paragraph("Closest to the reference: <b>" + escape(fs::path(closest).filename().string()) + "</b> (sign-flip test against the runner-up, p = " +
                  fixed(first.closest_p_value, 4) + ").");
  }
  if (!plots.empty()) {
    doc.paragraph("<b>Time alignment</b> (not a test: the tests above do not use it): for each reference frame, the "
                  "simulated frame whose diagram is nearest (smallest Wasserstein distance). If the two evolve in step, the "
                  "points follow the rising diagonal (frame k matched with frame k); a flat or scattered cloud means no "
                  "frame-by-frame correspondence, e.g. one run stays in one state while the other changes.");
    doc.raw("<div>" + plots + "</div>");
  }
}

/// Power of the tube-interior test, measured in validation (validation/topology/RESULTS.md section
/// 6, power_fpr.py --no-null --doses 100 400 1000 4000 --frames 5 10 20 40; 199 permutations): the
/// permutation p of a segregated against a mixed cluster on the same sites, one realisation per cell.
/// Reference data for the reader, not a result of this run (the report says so).
struct PowerTable {
  std::vector<double> frames_per_side{5, 10, 20, 40};
  std::vector<std::pair<double, std::vector<double>>> p_by_dose{{100, {0.060, 0.155, 0.010, 0.005}},
                                                                {400, {0.020, 0.005, 0.005, 0.005}},
                                                                {1000, {0.020, 0.005, 0.005, 0.005}},
                                                                {4000, {0.020, 0.005, 0.005, 0.005}}};
  /// The effect size z of the same cells (observed loss in null standard deviations): it keeps
  /// growing where p sits at its floor.
  std::vector<std::pair<double, std::vector<double>>> z_by_dose{{100, {2.4, 1.0, 3.8, 3.8}},
                                                                {400, {2.5, 6.3, 16.6, 29.8}},
                                                                {1000, {4.3, 7.9, 21.2, 43.9}},
                                                                {4000, {4.8, 10.0, 23.3, 47.4}}};
  double false_positive_upper_95 = 0.14;  ///< 0 of 20 same-process pairs rejected (6 + 6 frames, 400 e/Å²)
};

/// The demo's own question calibrated by simulation (validation/topology/RESULTS.md section 7,
/// demo_calibration.py --full, re-measured 2 Dec 2026 with the demo at 4 fs and 10 swap batches per frame): 20 pairs of thermal runs of configs/demo.ini's start that
/// differ only in their seeds (MD and dose noise; 21 frames, 400 e/Å², 199 permutations), and swap
/// vs thermal as the demo runs them. Reference data for the reader, not a result of this run.
struct DemoCalibration {
  struct Row {
    std::string statistic;
    int rejected;          ///< null pairs rejected by the frame-level test at α = 0.05
    double frame_p;        ///< swap vs thermal, frame-level permutation p
    double run_p;          ///< swap vs thermal, run-level p among the null pairs (floor 1/21)
    std::string run_power; ///< where the run-level p reached its floor
  };
  int null_pairs = 20;
  std::vector<Row> rows{{"tube interior (detection-free)", 5, 0.005, 0.048, "at every dose 100–4000 e/Å² and every length 5–21 frames"},
                        {"detected columns", 4, 0.530, 0.762, "—"},
                        {"ground truth (H0 of the iodide, no imaging)", 12, 0.005, 0.048, "from 5 frames on"}};
};

/// Why a frame-level p of two MD runs is not a p about mechanisms, and the run-level figures.
void demo_calibration_note(Document& doc) {
  const DemoCalibration cal;
  const std::string n = std::to_string(cal.null_pairs);
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : cal.rows) {
    rows.push_back({r.statistic, std::to_string(r.rejected) + "/" + n + " = " + fixed(r.rejected / static_cast<double>(cal.null_pairs), 2),
                    fixed(r.frame_p, 3), fixed(r.run_p, 3), r.run_power});
  }
  doc.paragraph("<b>Frame-level p of two MD runs.</b> The tests above take the frames as exchangeable. The frames of one MD run "
                "share its cluster and are correlated in time, so two runs of one and the same process differ more than their "
                "frames suggest: on " + n + " pairs of thermal runs of the demo's start that differ only in their seeds "
                "(validation, not this run: validation/topology/RESULTS.md section 7; 21 frames, 400 e/Å²), the frame-level "
                "test rejected far more than α = 0.05 of them. A small frame-level p therefore says that the two <i>movies</i> "
                "differ, not that the mechanisms do. The <b>run-level test</b> (<code>nanomix compare --null-pair</code>, with "
                "those " + n + " pairs as the null) ranks the energy distance of the compared pair among the pairs' and is "
                "valid whatever the correlation; with " + n + " pairs its floor is 1/" + std::to_string(cal.null_pairs + 1) + " = " +
                fixed(1.0 / (cal.null_pairs + 1), 3) + "; <code>[run] null_pairs</code> makes a run compute it itself. The demo's "
                "swap against thermal:");
  doc.table({"statistic", "same-process pairs rejected (frame level)", "swap vs thermal: frame-level p", "run-level p",
             "run-level p at its floor"},
            rows);
  doc.paragraph("In that calibration a movie of the demo's length and dose tells its two mechanisms apart through the "
                "detection-free statistic (and so does the ground truth), while the detected columns do not; the frame-level "
                "p = 0.005 of the interior and of the ground truth is not, by itself, that evidence. Five more swap/thermal "
                "pairs with seeds of their own also reach the floor (the demo's is the narrowest margin of the six), while "
                "against another draw of 20 null pairs the demo's pair landed at p = 2/21 = 0.095 "
                "(validation/topology/RESULTS.md section 7).");
}

/// What the tests can detect: measured in validation, not in this run; this run's frames and dose
/// placed on that curve.
void power_note(Document& doc, const RunFiles& files) {
  const PowerTable table;
  std::vector<Series> series, effect;
  for (const auto& [dose, p] : table.p_by_dose) {
    Series s{fixed(dose, 0) + " e/Å²", table.frames_per_side, {}};
    for (double v : p) s.y.push_back(-std::log10(v));
    series.push_back(std::move(s));
  }
  for (const auto& [dose, z] : table.z_by_dose) effect.push_back({fixed(dose, 0) + " e/Å²", table.frames_per_side, z});
  series.push_back({"α = 0.05", {table.frames_per_side.front(), table.frames_per_side.back()}, {-std::log10(0.05), -std::log10(0.05)}});
  PlotStyle style;
  style.title = "Power, validation (not this run): p";
  style.x_label = "frames per side";
  style.y_label = "−log10 p (floor 1/200 → 2.3)";
  style.width_px = 420;
  style.y_min = 0;
  style.y_max = 2.5;
  style.legend_below = true;
  PlotStyle effect_style = style;
  effect_style.title = "Power, validation (not this run): effect z";
  effect_style.y_label = "effect z (null standard deviations)";
  effect_style.y_min = 0;
  effect_style.y_max = 50;
  std::size_t frames = 0;
  if (present(files.comparison)) {
    const auto c = topology::read_comparison_file(files.comparison);
    if (!c.results.empty() && !c.results.front().mechanisms.empty()) frames = c.results.front().mechanisms.front().frames.size();
    if (!c.results.empty()) frames = std::min(frames, c.results.front().experimental_frames.size());
  }
  if (frames > 0) style.marks.push_back({static_cast<double>(frames), "this run: " + std::to_string(frames) + " frames"});
  effect_style.marks = style.marks;
  doc.raw("<div>" + svg_plot(series, style) + svg_plot(effect, effect_style) + "</div>");
  std::string here;
  if (frames > 0) {
    here = " This run compared " + std::to_string(frames) + " frames a side" +
           (files.dose_e_per_angstrom2 > 0 ? " at " + fixed(files.dose_e_per_angstrom2, 0) + " e/Å² per frame" : "") +
           " (the dashed line): read the curve of the nearest dose there. The curves hold for the tube-interior statistic on "
           "that validation cluster (40 ion pairs, (14,14) tube); a different cluster, tube or statistic (the detected columns) "
           "has its own power, not measured here.";
  }
  doc.paragraph("<b>Power</b> is not computed for this run (it would need many independent runs per mechanism); the plots show "
                "what was measured on simulated movies, a segregated against a mixed cluster on the same sites "
                "(validation/topology/RESULTS.md, section 6; 199 permutations, α = 0.05, one realisation per point): the "
                "permutation p (the 400, 1000 and 4000 e/Å² curves coincide: p is at its floor from 10 frames a side) and the "
                "effect size z, which keeps growing with frames and dose where p cannot. Two movies of one static cluster (thermal jitter and "
                "dose noise only, no MD) were told apart in 0 of 20 pairs (false-positive rate, 95 % upper bound " +
                fixed(table.false_positive_upper_95, 2) + "); a segregated against a mixed cluster "
                "reached the p floor with 10 frames a side at 400 e/Å² and above, and needed 20 frames at 100 e/Å². Different "
                "clusters of the same composition are also rejected: the frames of one movie share its cluster, so the test "
                "compares runs, not mechanisms." + here);
  demo_calibration_note(doc);
}

void comparison_tables(Document& doc, const RunFiles& files) {
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

void comparison_section(Document& doc, const RunFiles& files) {
  doc.section("compare", "Comparison of persistence statistics");
  comparison_tables(doc, files);
  if (present(files.comparison)) power_note(doc, files);
}

/// "a ± se (+x % vs bulk)" and "m Na, n distances" of one lattice estimate (columns c, c + 1 of
/// `lattice`, its error and distance count at e, e + 1 when the file has them).
std::pair<std::string, std::string> lattice_cells(const topology::DiagramsTable& lattice, std::size_t r, std::size_t c, std::size_t e,
                                                  double bulk) {
  const double a = lattice.at(r, c);
  if (!std::isfinite(a)) return {"–", fixed(lattice.at(r, c + 1), 0) + " Na"};
  const bool has_error = lattice.cols > e + 1;
  const double se = has_error ? lattice.at(r, e) : NAN;
  std::string value = fixed(a, 3) + (std::isfinite(se) ? " ± " + fixed(se, 3) : "") + " (" + (a >= bulk ? "+" : "") +
                      fixed(100 * (a - bulk) / bulk, 1) + " %)";
  std::string count = fixed(lattice.at(r, c + 1), 0) + " Na" + (has_error ? ", " + fixed(lattice.at(r, e + 1), 0) + " distances" : "");
  return {value, count};
}

void lattice_section(Document& doc, const RunFiles& files) {
  doc.section("lattice", "Lattice matching against bulk NaCl and NaI");
  const std::string path = files.diagrams.empty() ? "" : files.diagrams.front();
  if (!present(path)) return missing(doc, "diagrams of the atoms", path);
  const auto lattice = topology::read_lattice(path);
  const std::vector<double> frame_time = topology::read_diagrams_info(path).frame_time;
  if (lattice.rows == 0 || lattice.cols < 5) return doc.paragraph("<em>No lattice estimate in " + escape(path) + ".</em>");
  const double spp = seconds_per_ps(files);
  std::vector<std::vector<std::string>> rows;
  for (std::size_t r : {std::size_t{0}, lattice.rows / 2, lattice.rows - 1}) {
    const auto cl = lattice_cells(lattice, r, 1, 5, nacl_lattice_constant_angstrom);
    const auto i = lattice_cells(lattice, r, 3, 7, nai_lattice_constant_angstrom);
    rows.push_back({std::to_string(r), frame_time.size() > r ? fixed(spp > 0 ? frame_time[r] * spp : frame_time[r], spp > 0 ? 2 : 1) : "",
                    cl.first, cl.second, i.first, i.second});
    if (lattice.rows == 1) break;
  }
  doc.table({"frame", spp > 0 ? "experiment time (s)" : "MD time (ps)",
             "a, NaCl-like domains (Å ± standard error; vs " + fixed(nacl_lattice_constant_angstrom, 2) + ")", "rests on (crystalline Na, Na–Cl distances)",
             "a, NaI-like domains (Å ± standard error; vs " + fixed(nai_lattice_constant_angstrom, 2) + ")", "rests on (crystalline Na, Na–I distances)"},
            rows);
  doc.paragraph("a = 2 × the median Na–anion distance of the crystalline Na (those with at least 5 anions of one species "
                "within 1.25 × the sum of the Shannon radii). Its error is the standard error of that median, "
                "2 × √(π/2) × s/√n, with s the spread of the n distances it rests on; bonds that share an ion are not "
                "independent, so read it as a lower bound, and an estimate resting on a few Na as indicative only." +
                std::string(lattice.cols < 9 ? " <em>This diagrams file predates the errors: none is shown.</em>" : ""));
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
  guarded(doc, experiment_section, files);
  guarded(doc, local_structures_section, files);
  guarded(doc, diagrams_section, files);
  comparison_section(doc, files);
  guarded(doc, lattice_section, files);
  return doc.html();
}

}  // namespace nanomix::report
