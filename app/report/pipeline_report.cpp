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
  const double seconds_per_ps = r.parameter("md_time_to_experiment_seconds_per_ps", 0);
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

void movie_section(Document& doc, const RunFiles& files) {
  doc.section("movie", "Filmstrip: noise-free and noisy frames");
  if (!present(files.movie)) return missing(doc, "movie", files.movie);
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
      strip += image_tag(m.frames[t], m.nx, m.ny,
                         group + ", frame " + std::to_string(t) +
                             (m.frame_time_s > 0 ? ", t = " + fixed(static_cast<double>(t) * m.frame_time_s, 2) + " s" : ""));
    }
    doc.paragraph(std::string(group == "intensity" ? "Noise-free image intensity (before the camera)" : "Noisy counts") +
                  ": " + std::to_string(n) + " frames of " + std::to_string(m.nx) + " × " + std::to_string(m.ny) +
                  " pixels, " + fixed(m.pixel_size_x_angstrom, 3) + " Å per pixel.");
    doc.raw("<div>" + strip + "</div>");
  }
}

}  // namespace

std::string pipeline_report(const RunFiles& files, const std::vector<StageRecord>& stages) {
  Document doc("nanomix run report");
  stages_section(doc, files, stages);
  md_section(doc, files);
  movie_section(doc, files);
  return doc.html();
}

}  // namespace nanomix::report
