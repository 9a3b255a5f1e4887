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

namespace {

/// The coarser of the pixel sizes of `movie` and of the movie at `other` (x and y): what both are
/// detected at when they are compared. 0 when `movie` is already the coarser (nothing to resample).
double common_pixel_angstrom(const imaging::Movie& movie, const std::string& other, const imaging::ReadOptions& options, bool quiet) {
  const auto o = imaging::read_movie(other, options);
  if (o.pixel_size_source == "unknown") throw InputError(other + ": the file gives no pixel size; set [detect] pixel_size_angstrom");
  const double own = std::max(movie.pixel_size_x_angstrom, movie.pixel_size_y_angstrom);
  const double common = std::max({own, o.movie.pixel_size_x_angstrom, o.movie.pixel_size_y_angstrom});
  char line[400];
  std::snprintf(line, sizeof line, "common pixel with %s: %.5g Å (this movie %.5g x %.5g Å, that one %.5g x %.5g Å)", other.c_str(), common,
                movie.pixel_size_x_angstrom, movie.pixel_size_y_angstrom, o.movie.pixel_size_x_angstrom, o.movie.pixel_size_y_angstrom);
  log_info(quiet, line);
  return common;
}

}  // namespace

void run_stage(const DetectStage& stage, const Config& config, bool quiet) {
  const std::string& movie_path = stage.movie;
  const std::string& out = stage.out;
  require_input_file(movie_path, "movie");
  if (!stage.common_with.empty()) require_input_file(stage.common_with, "common-pixel-with");
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
  imaging::check_detect_sizes(movie, det_params);  // before any work: a damaged pixel size is one line, exit 2
  auto pre_with_limit = pre_params;
  pre_with_limit.max_bytes = read_options.max_bytes;
  if (!stage.common_with.empty() && pre_params.resample_to_angstrom == 0) {  // a pixel size set in [detect] wins
    pre_with_limit.resample_to_angstrom = common_pixel_angstrom(movie, stage.common_with, read_options, quiet);
  }
  const auto pre = imaging::preprocess(movie, pre_with_limit);
  if (movie.nx != read.movie.nx || movie.ny != read.movie.ny) {
    for (const auto& n : pre.notes) log_info(quiet, "  " + n);  // the resampling
    imaging::check_detect_sizes(movie, det_params);
  }
  read.movie.nx = movie.nx;  // as detected: after resampling
  read.movie.ny = movie.ny;
  read.movie.pixel_size_x_angstrom = movie.pixel_size_x_angstrom;
  read.movie.pixel_size_y_angstrom = movie.pixel_size_y_angstrom;
  read.movie.frame_time_s = movie.frame_time_s;
  read.movie.quantity = movie.quantity;
  read.movie.unit = movie.unit;
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
  c.usage = "--config C --movie M(.h5|.emd|.tif|.mrc|.raw) --out columns.h5 [--common-pixel-with M2]";
  c.summary = "find atom columns in an experimental or simulated movie ([detect]): EMD, Velox, TIFF, MRC or raw in, /columns out";
  c.sections = {"detect"};
  c.add_options = [](po::options_description& o) {
    o.add_options()("movie,m", po::value<std::string>(), "input movie (EMD 0.2 / Velox HDF5, TIFF stack, MRC 2014, raw)")(
        "out,o", po::value<std::string>(), "output columns file (HDF5)")(
        "common-pixel-with", po::value<std::string>(),
        "another movie: detect at the coarser of the two movies' pixel sizes (this one resampled down by Fourier "
        "interpolation when finer; what nanomix run does with a simulated and an experimental movie)");
  };
  c.run = [](const Invocation& inv) {
    run_stage(DetectStage{inv.required("movie"), inv.required("out"), inv.optional("common-pixel-with")},
              inv.config, inv.quiet);
    return 0;
  };
  return c;
}

}  // namespace nanomix::cli
