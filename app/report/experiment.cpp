#include "app/report/experiment.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "app/report/player.hpp"
#include "imaging/detect/columns_file.hpp"
#include "imaging/detect/movie_reader.hpp"

namespace nanomix::report {

namespace {

std::string number(double v, const char* format = "%.4g") {
  char b[64];
  std::snprintf(b, sizeof b, format, v);
  return b;
}

/// The reader's findings as table rows: calibration with its source, frame time with its kind.
std::vector<std::vector<std::string>> reader_rows(const std::string& path, const imaging::ReadResult& r) {
  const auto& m = r.movie;
  std::vector<std::vector<std::string>> rows = {
      {"file", path},
      {"format", r.format + (r.dataset.empty() ? "" : " — " + r.dataset)},
      {"size", std::to_string(m.nx) + " × " + std::to_string(m.ny) + " pixels, " + std::to_string(m.frame_count()) + " frames"},
      {"pixel size", number(m.pixel_size_x_angstrom) + " × " + number(m.pixel_size_y_angstrom) + " Å (from the " +
                         (r.pixel_size_source == "file" ? "file's calibration" : r.pixel_size_source == "config" ? "config, [detect] pixel_size_angstrom" : r.pixel_size_source) + ")"},
      {"frame time", m.frame_time_s > 0 ? number(m.frame_time_s) + " s (" + (r.frame_time_kind.empty() ? "" : r.frame_time_kind + ", ") + "from the " +
                                                  (r.frame_time_source == "file" ? std::string("file") : r.frame_time_source) + ")"
                                        : std::string("unknown")},
      {"values", m.quantity + (m.unit.empty() ? "" : " (" + m.unit + ")")}};
  if (!r.signal.empty()) rows.push_back({"signal", r.signal});
  for (const auto& [key, value] : r.metadata) rows.push_back({key, value});
  for (const auto& note : r.notes) rows.push_back({"note", note});
  return rows;
}

}  // namespace

std::vector<std::size_t> reduce_for_display(std::vector<std::vector<float>>& frames, int& nx, int& ny, int& bin, int max_side_px,
                                            std::size_t max_frames) {
  const std::size_t stride = frames.empty() ? 1 : (frames.size() + max_frames - 1) / max_frames;
  bin = std::max(1, (std::max(nx, ny) + max_side_px - 1) / max_side_px);
  const int bx = nx / bin, by = ny / bin;  // whole blocks only
  std::vector<std::size_t> kept;
  std::vector<std::vector<float>> out;
  for (std::size_t t = 0; t < frames.size(); t += stride) {
    kept.push_back(t);
    std::vector<float> f(static_cast<std::size_t>(bx) * static_cast<std::size_t>(by));
    for (int j = 0; j < by; ++j)
      for (int i = 0; i < bx; ++i) {
        double sum = 0;
        for (int v = 0; v < bin; ++v)
          for (int u = 0; u < bin; ++u)
            sum += frames[t][static_cast<std::size_t>(j * bin + v) * static_cast<std::size_t>(nx) + static_cast<std::size_t>(i * bin + u)];
        f[static_cast<std::size_t>(j) * static_cast<std::size_t>(bx) + static_cast<std::size_t>(i)] = static_cast<float>(sum / (bin * bin));
      }
    out.push_back(std::move(f));
  }
  frames = std::move(out);
  nx = bx;
  ny = by;
  return kept;
}

void experiment_section(Document& doc, const RunFiles& files) {
  if (files.experimental_movie.empty()) return;
  doc.section("experiment", "The experimental movie: calibration, metadata and the columns detected in it");
  imaging::ReadResult r;
  try {
    r = imaging::read_movie(files.experimental_movie, files.experimental_read_options);
  } catch (const std::exception& e) {
    doc.paragraph("<em>" + escape(e.what()) + "</em>");
    return;
  }
  doc.paragraph("As nanomix's reader found it (the same reading detect used), with where each calibration came from: a pixel "
                "size is taken only from a real calibration field of the file or from the config, never from a screen "
                "resolution.");
  doc.table({"", "value"}, reader_rows(files.experimental_movie, r));
  const double px = r.movie.pixel_size_x_angstrom, frame_s = r.movie.frame_time_s;
  const std::size_t total = r.movie.frame_count();
  PlayerMovie pm;
  pm.title = "experimental frames";
  pm.unit = r.movie.unit.empty() ? "file units" : r.movie.unit;
  pm.nx = r.movie.nx;
  pm.ny = r.movie.ny;
  pm.frames = std::move(r.movie.frames);
  int bin = 1;
  const auto kept = reduce_for_display(pm.frames, pm.nx, pm.ny, bin, 600, 40);
  PlayerInput in;
  in.pixel_size_angstrom = px * bin;
  in.frames.resize(kept.size());
  std::vector<std::size_t> slot(total, kept.size());
  for (std::size_t k = 0; k < kept.size(); ++k) {
    slot[kept[k]] = k;
    in.frames[k].time_s = static_cast<double>(kept[k]) * frame_s;
  }
  std::size_t columns = 0;
  std::string classes;
  if (std::filesystem::is_regular_file(files.columns_experimental)) {
    const auto cf = imaging::read_columns_file(files.columns_experimental);
    classes = classes_sentence(cf);
    if (!cf.resampling.empty()) {
      doc.paragraph("Detection ran on the movie " + cf.resampling +
                    ": the simulated and experimental movies are detected at one pixel size, the finer one resampled down "
                    "(Fourier, DCT-I: an ideal low-pass to the coarser grid, then sampled; docs/detect.md).");
    }
    for (const auto& c : cf.columns) {
      if (c.frame < 0 || static_cast<std::size_t>(c.frame) >= total || slot[static_cast<std::size_t>(c.frame)] == kept.size()) continue;
      // pixel-centre units of the reduced frame: original pixel i lies in block i / bin
      // (positions are in Å from the first pixel centre, also when detection ran on a resampled grid)
      const double x = (c.x_angstrom / px + 0.5) / bin - 0.5, y = (c.y_angstrom / r.movie.pixel_size_y_angstrom + 0.5) / bin - 0.5;
      auto& marks = in.frames[slot[static_cast<std::size_t>(c.frame)]].columns;
      marks.insert(marks.end(), {static_cast<float>(x), static_cast<float>(y), static_cast<float>(c.klass)});
      ++columns;
    }
  }
  in.movies.push_back(std::move(pm));
  doc.paragraph(std::to_string(kept.size()) + " of " + std::to_string(total) + " frames shown" +
                (bin > 1 ? ", as " + std::to_string(bin) + " × " + std::to_string(bin) + " block means (the page's copy only; detection used every pixel)" : "") +
                ", on one grey scale for all frames. Overlay: the " + std::to_string(columns) +
                " columns detected in the frames shown (heavy = I-rich, light), the same detection as for the simulated movie." + classes);
  doc.raw(movie_player(in));
}

/// How the detector decided heavy and light (columns.h5 /movie class_rule), said plainly: a movie
/// whose classes could not be split is not shown as if all its columns were light.
std::string classes_sentence(const imaging::ColumnsFile& cf) {
  if (cf.classes_split)
    return " Heavy (holds iodide) and light were decided by " + (cf.class_rule.empty() ? std::string("the detector") : escape(cf.class_rule)) + ".";
  return " <b>Heavy and light could not be split in this movie</b>" + (cf.class_rule.empty() ? std::string() : " (" + escape(cf.class_rule) + ")") +
         ": every column is drawn as light, and the heavy/light statistics are not computed from it (columns.h5 /movie notes say why).";
}

}  // namespace nanomix::report
