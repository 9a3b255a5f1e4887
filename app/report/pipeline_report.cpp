#include "app/report/pipeline_report.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>

#include "app/report/html.hpp"
#include "core/h5md.hpp"
#include "core/hdf5_util.hpp"
#include "imaging/detect/movie_reader.hpp"
#include "nanomix/version.hpp"

namespace nanomix::report {

namespace fs = std::filesystem;

namespace {

std::string fixed(double v, int digits) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

bool present(const std::string& path) { return !path.empty() && fs::is_regular_file(path); }

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

void md_section(Document& doc, const RunFiles& files) {
  doc.section("md", "Molecular dynamics: observables against time");
  if (!present(files.trajectory)) return missing(doc, "trajectory", files.trajectory);
  H5mdReader r(files.trajectory);
  const double seconds_per_ps = r.parameter("md_experiment_seconds_per_ps", 0);
  doc.paragraph(std::to_string(r.frame_count()) + " frames of " + std::to_string(r.atom_count()) + " atoms" +
                (seconds_per_ps > 0 ? "; 1 ps of MD is mapped to " + fixed(seconds_per_ps, 3) + " s of experiment" : "") +
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
      series.push_back({n == prefix ? "" : n, o.times_ps, o.values});
    }
    if (series.empty()) continue;
    PlotStyle style;
    style.title = label;
    style.x_label = "MD time (ps)";
    style.y_label = label;
    plots += svg_plot(series, style);
  }
  if (plots.empty()) doc.paragraph("<em>The trajectory has no observables.</em>");
  doc.raw("<div>" + plots + "</div>");
}

/// Rows of a 2D float64 dataset (empty if absent).
struct Table2 {
  std::vector<double> data;
  std::size_t rows = 0, cols = 0;
  double at(std::size_t r, std::size_t c) const { return data[r * cols + c]; }
};

Table2 read_table(hid_t file, const std::string& name) {
  Table2 t;
  if (!h5::exists(file, name)) return t;
  std::vector<hsize_t> dims;
  t.data = h5::read_doubles(file, name, &dims);
  if (dims.size() == 2) {
    t.rows = dims[0];
    t.cols = dims[1];
  } else if (dims.size() == 1) {
    t.rows = dims[0];
    t.cols = 1;
  }
  return t;
}

void movie_section(Document& doc, const RunFiles& files) {
  doc.section("movie", "Filmstrip: noise-free and noisy frames");
  if (!present(files.movie)) return missing(doc, "movie", files.movie);
  // Each movie frame renders one MD frame (ground_truth/source_times_ps). Its place on the
  // experiment's clock is the MD time × the trajectory's time mapping ([md]
  // experiment_seconds_per_frame); the camera's frame_time_s is only the exposure of one frame.
  Table2 source_times;
  {
    h5::Id m = h5::open_file(files.movie);
    source_times = read_table(m, "ground_truth/source_times_ps");
  }
  double seconds_per_ps = 0;
  if (present(files.trajectory)) seconds_per_ps = H5mdReader(files.trajectory).parameter("md_experiment_seconds_per_ps", 0);
  for (const std::string group : {"intensity", "counts"}) {
    imaging::ReadOptions options;
    options.emd_group = group;
    imaging::ReadResult movie;
    try {
      movie = imaging::read_movie(files.movie, options);
    } catch (const std::exception& e) {
      doc.paragraph("<em>" + escape(group) + ": " + escape(e.what()) + "</em>");
      continue;
    }
    const auto& m = movie.movie;
    const std::size_t n = m.frame_count();
    const std::size_t shown = std::min<std::size_t>(n, static_cast<std::size_t>(std::max(1, files.filmstrip_frames)));
    std::string strip;
    for (std::size_t k = 0; k < shown; ++k) {
      const std::size_t t = shown == 1 ? 0 : k * (n - 1) / (shown - 1);
      std::string when;
      if (t < source_times.rows) {
        const double ps = source_times.at(t, 0);
        when = ", MD t = " + fixed(ps, 1) + " ps" + (seconds_per_ps > 0 ? " (experiment " + fixed(ps * seconds_per_ps, 2) + " s)" : "");
      }
      strip += image_tag(m.frames[t], m.nx, m.ny, group + ", frame " + std::to_string(t) + when);
    }
    doc.paragraph(std::string(group == "intensity" ? "Noise-free image intensity (before the camera)" : "Noisy counts") +
                  ": " + std::to_string(n) + " frames of " + std::to_string(m.nx) + " × " + std::to_string(m.ny) +
                  " pixels, " + fixed(m.pixel_size_x_angstrom, 3) + " Å per pixel" +
                  (m.frame_time_s > 0 ? ", " + fixed(m.frame_time_s * 1e3, 0) + " ms exposure per frame" : "") +
                  (seconds_per_ps > 0 ? "; frames are placed on the experiment's clock by the MD time mapping ("
                                        + fixed(seconds_per_ps, 3) + " s per ps of MD), not by the exposure"
                                      : "") + ".");
    doc.raw("<div>" + strip + "</div>");
  }
}

std::string first_group(hid_t file) {
  if (!h5::exists(file, "diagrams")) return "";
  h5::Id g = h5::open_group(file, "diagrams");
  if (!h5::has_attribute(g, "groups")) return "";
  const auto groups = h5::read_string_array_attribute(g, "groups");
  for (const auto& name : groups)
    if (name == "ions") return name;
  return groups.empty() ? "" : groups.front();
}

void diagrams_section(Document& doc, const RunFiles& files) {
  doc.section("topology", "Persistence diagrams and Betti curves");
  bool any = false;
  for (const auto& path : files.diagrams) {
    if (!present(path)) continue;
    any = true;
    h5::Id f = h5::open_file(path);
    const std::string group = first_group(f);
    const std::string unit = h5::has_attribute(f, "unit") ? h5::read_string_attribute(f, "unit") : "";
    const std::string source = h5::has_attribute(f, "source") ? h5::read_string_attribute(f, "source") : "";
    const Table2 frames = read_table(f, "frames");
    doc.paragraph("<b>" + escape(fs::path(path).filename().string()) + "</b>: " + escape(source) + ", subset " +
                  escape(group) + ", " + std::to_string(frames.rows) + " frames, filtration values in " + escape(unit) + ".");
    if (group.empty() || frames.rows == 0) continue;
    std::string plots;
    for (int d : {1, 2}) {
      const Table2 pairs = read_table(f, "diagrams/" + group + "/dim" + std::to_string(d));
      if (pairs.rows == 0) continue;
      const double last = static_cast<double>(frames.rows - 1);
      std::vector<Series> series = {{"first frame", {}, {}}, {"last frame", {}, {}}};
      for (std::size_t r = 0; r < pairs.rows; ++r) {
        const int which = pairs.at(r, 0) == 0 ? 0 : pairs.at(r, 0) == last ? 1 : -1;
        if (which < 0) continue;
        series[static_cast<std::size_t>(which)].x.push_back(pairs.at(r, 1));
        series[static_cast<std::size_t>(which)].y.push_back(pairs.at(r, 2));
      }
      PlotStyle style;
      style.title = "H" + std::to_string(d) + " diagram";
      style.x_label = "birth (" + unit + ")";
      style.y_label = "death (" + unit + ")";
      style.points = true;
      style.diagonal = true;
      style.width_px = 340;
      plots += svg_plot(series, style);

      const std::string stats = "statistics/" + group + "/dim" + std::to_string(d) + "/";
      const Table2 curves = read_table(f, stats + "betti_curves");
      const Table2 values = read_table(f, stats + "betti_values");
      if (curves.rows > 0 && values.rows == curves.cols) {
        std::vector<Series> b;
        for (std::size_t row : {std::size_t{0}, curves.rows / 2, curves.rows - 1}) {
          Series s{"frame " + std::to_string(row), values.data, {}};
          for (std::size_t k = 0; k < curves.cols; ++k) s.y.push_back(curves.at(row, k));
          b.push_back(s);
          if (curves.rows == 1) break;
        }
        PlotStyle bs;
        bs.title = "Betti curve β" + std::to_string(d);
        bs.x_label = "filtration (" + unit + ")";
        bs.y_label = "β" + std::to_string(d);
        bs.width_px = 340;
        plots += svg_plot(b, bs);
      }
      const Table2 summary = read_table(f, stats + "summary");
      if (summary.rows > 1 && summary.cols > 1) {
        Series total{"total persistence H" + std::to_string(d), {}, {}};
        for (std::size_t r = 0; r < summary.rows; ++r) {
          total.x.push_back(frames.at(r, 1));
          total.y.push_back(summary.at(r, 1));
        }
        PlotStyle ts;
        ts.title = "H" + std::to_string(d) + " total persistence over time";
        ts.x_label = source == "trajectory" || source == "structure" ? "MD time (ps)" : "time (s)";
        ts.y_label = unit;
        ts.width_px = 340;
        plots += svg_plot({total}, ts);
      }
    }
    doc.raw("<div>" + plots + "</div>");
  }
  if (!any) missing(doc, "persistence diagrams", files.diagrams.empty() ? "" : files.diagrams.front());
}

void local_structures_section(Document& doc, const RunFiles& files) {
  doc.section("local", "Local structures located by persistence, marked on the movie");
  const std::string path = files.diagrams.empty() ? "" : files.diagrams.front();
  if (!present(path)) return missing(doc, "diagrams of the atoms", path);
  h5::Id f = h5::open_file(path);
  if (!h5::exists(f, "local_structures")) {
    doc.paragraph("<em>No local-structure region was selected ([topology] local_subset).</em>");
    return;
  }
  h5::Id lg = h5::open_group(f, "local_structures");
  H5G_info_t info;
  H5Gget_info(lg, &info);
  if (info.nlinks == 0) return doc.paragraph("<em>No local-structure groups in the file.</em>");
  char name_buffer[256];
  H5Lget_name_by_idx(lg, ".", H5_INDEX_NAME, H5_ITER_INC, 0, name_buffer, sizeof name_buffer, H5P_DEFAULT);
  const std::string group = "local_structures/" + std::string(name_buffer);
  const Table2 frames = read_table(f, "frames");
  const Table2 counts = read_table(f, group + "/counts");
  const Table2 atom_counts = read_table(f, group + "/atom_counts");
  const Table2 atoms = read_table(f, group + "/atoms");
  if (counts.rows > 0 && frames.rows == counts.rows) {
    Series points{"diagram points in the region", {}, {}}, marked{"atoms behind them", {}, {}};
    for (std::size_t r = 0; r < counts.rows; ++r) {
      points.x.push_back(frames.at(r, 1));
      points.y.push_back(counts.data[r]);
      marked.x.push_back(frames.at(r, 1));
      marked.y.push_back(atom_counts.rows == counts.rows ? atom_counts.data[r] : NAN);
    }
    PlotStyle style;
    style.title = "local structures (" + std::string(name_buffer) + ") per frame";
    style.x_label = "MD time (ps)";
    style.y_label = "count";
    doc.raw(svg_plot({points, marked}, style));
  }
  // Overlays: the atoms of each movie frame's MD snapshot, at their projected positions.
  if (!present(files.movie) || atoms.rows == 0) return;
  h5::Id m = h5::open_file(files.movie);
  if (!h5::exists(m, "ground_truth/projected_positions_angstrom")) return;
  std::vector<hsize_t> pdims;
  const auto projected = h5::read_floats(m, "ground_truth/projected_positions_angstrom", &pdims);
  const auto atom_index = h5::read_int64s(m, "ground_truth/atom_index");
  const Table2 source_frames = read_table(m, "ground_truth/source_frames");
  imaging::ReadOptions options;
  options.emd_group = "intensity";
  const auto movie = imaging::read_movie(files.movie, options).movie;
  if (pdims.size() != 3 || movie.frame_count() == 0 || movie.pixel_size_x_angstrom <= 0) return;
  std::map<long, std::size_t> slot_of_atom;
  for (std::size_t k = 0; k < atom_index.size(); ++k) slot_of_atom[static_cast<long>(atom_index[k])] = k;
  std::map<long, std::size_t> row_of_input_frame;
  for (std::size_t r = 0; r < frames.rows; ++r) row_of_input_frame[std::lround(frames.at(r, 0))] = r;
  const std::size_t n = movie.frame_count();
  const std::size_t shown = std::min<std::size_t>(n, static_cast<std::size_t>(std::max(1, files.filmstrip_frames)));
  std::string strip;
  for (std::size_t k = 0; k < shown; ++k) {
    const std::size_t t = shown == 1 ? 0 : k * (n - 1) / (shown - 1);
    const long md_frame = source_frames.rows > t ? std::lround(source_frames.at(t, 0)) : static_cast<long>(t);
    const auto row = row_of_input_frame.find(md_frame);
    std::vector<Marker> markers;
    if (row != row_of_input_frame.end()) {
      for (std::size_t a = 0; a < atoms.rows; ++a) {
        if (std::lround(atoms.at(a, 0)) != static_cast<long>(row->second)) continue;
        const auto slot = slot_of_atom.find(std::lround(atoms.at(a, 1)));
        if (slot == slot_of_atom.end()) continue;
        const std::size_t base = (t * pdims[1] + slot->second) * 2;
        markers.push_back({projected[base] / movie.pixel_size_x_angstrom, projected[base + 1] / movie.pixel_size_y_angstrom, 0xff3030});
      }
    }
    strip += image_tag(movie.frames[t], movie.nx, movie.ny,
                       "frame " + std::to_string(t) + ": " + std::to_string(markers.size()) + " atoms marked", markers);
  }
  doc.paragraph("Red rings: atoms of the birth and death simplices of the selected diagram points, drawn at their "
                "projected positions on the noise-free frames.");
  doc.raw("<div>" + strip + "</div>");
}

void comparison_table(Document& doc, const std::string& path) {
  h5::Id f = h5::open_file(path);
  const auto simulated = h5::read_string_array_attribute(f, "simulated");
  std::vector<std::vector<std::string>> rows;
  std::string plots;
  for (std::size_t k = 0; k < simulated.size(); ++k) {
    const std::string g = "mechanisms/" + std::to_string(k);
    if (!h5::exists(f, g)) continue;
    h5::Id mg = h5::open_group(f, g);
    rows.push_back({fs::path(simulated[k]).filename().string(), fixed(h5::read_double_attribute(mg, "permutation_p_value"), 4),
                    fixed(h5::read_double_attribute(mg, "mmd_p_value"), 4), fixed(h5::read_double_attribute(mg, "mean_distance"), 4)});
    const Table2 alignment = read_table(f, g + "/alignment");
    if (alignment.rows > 0) {
      Series s{fs::path(simulated[k]).filename().string(), {}, {}};
      for (std::size_t r = 0; r < alignment.rows; ++r) {
        s.x.push_back(alignment.at(r, 0));
        s.y.push_back(alignment.at(r, 1));
      }
      PlotStyle style;
      style.title = "time alignment: best-matching simulated frame";
      style.x_label = "reference frame";
      style.y_label = "simulated frame";
      style.points = true;
      plots += svg_plot({s}, style);
    }
  }
  doc.table({"simulated", "permutation test p", "kernel (MMD) test p", "mean Wasserstein distance"}, rows);
  const std::string unit = h5::has_attribute(f, "unit") ? h5::read_string_attribute(f, "unit") : "";
  const std::string closest = h5::has_attribute(f, "closest") ? h5::read_string_attribute(f, "closest") : "";
  if (simulated.size() > 1) {
    doc.paragraph("Closest to the reference: <b>" + escape(fs::path(closest).filename().string()) + "</b> (sign-flip test against the runner-up, p = " +
                  fixed(h5::read_double_attribute(f, "closest_p_value"), 4) + ").");
  }
  doc.paragraph("Distances in " + escape(unit) + "; small p-values mean the two sets of diagrams differ.");
  doc.raw("<div>" + plots + "</div>");
}

void comparison_section(Document& doc, const RunFiles& files) {
  doc.section("compare", "Comparison of persistence statistics");
  if (!files.comparison_note.empty()) doc.paragraph(escape(files.comparison_note));
  if (!present(files.comparison)) return missing(doc, "comparison", files.comparison);
  comparison_table(doc, files.comparison);
  if (files.comparison_atoms.empty()) return;
  doc.paragraph("<b>The same test on the ground truth.</b> " + escape(files.comparison_atoms_note));
  if (!present(files.comparison_atoms)) return missing(doc, "comparison of the atoms", files.comparison_atoms);
  comparison_table(doc, files.comparison_atoms);
}

void lattice_section(Document& doc, const RunFiles& files) {
  doc.section("lattice", "Lattice matching against bulk NaCl and NaI");
  const std::string path = files.diagrams.empty() ? "" : files.diagrams.front();
  if (!present(path)) return missing(doc, "diagrams of the atoms", path);
  h5::Id f = h5::open_file(path);
  const Table2 lattice = read_table(f, "lattice");
  const Table2 frames = read_table(f, "frames");
  if (lattice.rows == 0 || lattice.cols < 5) return doc.paragraph("<em>No lattice estimate in " + escape(path) + ".</em>");
  auto deviation = [](double a, double bulk) {
    return std::isfinite(a) ? fixed(a, 3) + " (" + (a >= bulk ? "+" : "") + fixed(100 * (a - bulk) / bulk, 1) + " %)" : "–";
  };
  std::vector<std::vector<std::string>> rows;
  for (std::size_t r : {std::size_t{0}, lattice.rows / 2, lattice.rows - 1}) {
    rows.push_back({std::to_string(r), frames.rows > r ? fixed(frames.at(r, 1), 1) : "", deviation(lattice.at(r, 1), 5.64),
                    fixed(lattice.at(r, 2), 0), deviation(lattice.at(r, 3), 6.47), fixed(lattice.at(r, 4), 0)});
    if (lattice.rows == 1) break;
  }
  doc.table({"frame", "MD time (ps)", "a, NaCl-like domains (Å; vs 5.64)", "crystalline Na–Cl", "a, NaI-like domains (Å; vs 6.47)",
             "crystalline Na–I"},
            rows);
}

}  // namespace

std::string pipeline_report(const RunFiles& files, const std::vector<StageRecord>& stages) {
  Document doc("nanomix run report");
  stages_section(doc, files, stages);
  md_section(doc, files);
  movie_section(doc, files);
  local_structures_section(doc, files);
  diagrams_section(doc, files);
  comparison_section(doc, files);
  lattice_section(doc, files);
  return doc.html();
}

}  // namespace nanomix::report
