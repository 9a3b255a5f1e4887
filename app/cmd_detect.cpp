// nanomix detect --config C --movie M(.h5|.emd|.tif|.mrc|.raw) --out columns.h5
#include <algorithm>
#include <cstdio>

#include "app/commands.hpp"
#include "app/stages.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/progress.hpp"
#include "imaging/detect/columns_file.hpp"
#include "imaging/detect/detect_config.hpp"

namespace nanomix::cli {

void run_stage(const DetectStage& stage, const Config& config, bool quiet) {
  const std::string& movie_path = stage.movie;
  const std::string& out = stage.out;
  require_input_file(movie_path, "movie");
  check_output_directory(out);
  const auto read_options = imaging::read_options_table().read(config);
  const auto pre_params = imaging::preprocess_table().read(config);
  const auto det_params = imaging::detect_table().read(config);
  if (mpi_rank() != 0) return;  // detection runs on rank 0 (frames are cheap next to imaging)

  auto read = imaging::read_movie(movie_path, read_options);
  if (read.pixel_size_source == "unknown") {
    throw InputError(movie_path + ": the file gives no pixel size; set [detect] pixel_size_angstrom");
  }
  char line[512];
  std::snprintf(line, sizeof line, "read %s (%s %s): %d x %d pixels x %zu frames, pixel %.4g Å (%s), frame time %.4g s (%s%s%s)",
                movie_path.c_str(), read.format.c_str(), read.dataset.c_str(), read.movie.nx, read.movie.ny,
                read.movie.frame_count(), read.movie.pixel_size_x_angstrom, read.pixel_size_source.c_str(),
                read.movie.frame_time_s, read.frame_time_kind.c_str(), read.frame_time_kind.empty() ? "" : ", ",
                read.frame_time_source.c_str());
  log_info(quiet, line);
  for (const auto& n : read.notes) log_info(quiet, "  " + n);

  imaging::Movie movie = std::move(read.movie);
  read.movie.frames.clear();  // the read result keeps only the metadata, for the output file
  read.movie.nx = movie.nx;
  read.movie.ny = movie.ny;
  read.movie.pixel_size_x_angstrom = movie.pixel_size_x_angstrom;
  read.movie.pixel_size_y_angstrom = movie.pixel_size_y_angstrom;
  read.movie.frame_time_s = movie.frame_time_s;
  read.movie.quantity = movie.quantity;
  read.movie.unit = movie.unit;
  imaging::check_detect_sizes(movie, det_params);  // before any work: a damaged pixel size is one line, exit 2
  const auto pre = imaging::preprocess(movie, pre_params);
  imaging::DetectResult det;
  {
    Progress progress("detect", static_cast<std::int64_t>(movie.frame_count()), quiet);
    det = imaging::detect_columns(movie, det_params, [&](std::size_t done) { progress.update(static_cast<std::int64_t>(done)); });
  }
  for (const auto& n : det.notes) {
    if (std::find(det.warnings.begin(), det.warnings.end(), n) == det.warnings.end()) log_info(quiet, "  " + n);
  }
  for (const auto& w : det.warnings) std::fprintf(stderr, "nanomix detect: %s\n", w.c_str());  // even with --quiet
  AtomicOutput output(out);
  output.write([&](const std::string& path) { imaging::write_columns_file(path, movie_path, read, pre, det, config.to_ini()); });
  output.commit();
  std::size_t heavy = 0;
  for (const auto& col : det.columns) heavy += col.klass == 1;
  std::snprintf(line, sizeof line, "found %zu columns in %zu frames (%s polarity; %s) → %s", det.columns.size(),
                movie.frame_count(), det.polarity_used == imaging::Polarity::dark ? "dark" : "bright",
                det.classes_split ? (std::to_string(heavy) + " heavy").c_str() : "one intensity class", out.c_str());
  log_info(quiet, line);
}

Command detect_command() {
  Command c;
  c.name = "detect";
  c.usage = "--config C --movie M(.h5|.emd|.tif|.mrc|.raw) --out columns.h5";
  c.summary = "find atom columns in an experimental or simulated movie ([detect]): EMD, Velox, TIFF, MRC or raw in, /columns out";
  c.sections = {"detect"};
  c.add_options = [](po::options_description& o) {
    o.add_options()("movie,m", po::value<std::string>(), "input movie (EMD 0.2 / Velox HDF5, TIFF stack, MRC 2014, raw)")(
        "out,o", po::value<std::string>(), "output columns file (HDF5)");
  };
  c.run = [](const Invocation& inv) {
    run_stage(DetectStage{inv.required("movie"), inv.required("out")}, inv.config, inv.quiet);
    return 0;
  };
  return c;
}

}  // namespace nanomix::cli
