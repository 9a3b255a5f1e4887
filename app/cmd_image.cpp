// nanomix image --config C (--structure S.xyz | --trajectory T.h5) --out movie.emd [--tiff M.tif] [--mrc M.mrc] [--png-dir D]
#include <cstdio>
#include <filesystem>

#include "app/commands.hpp"
#include "app/stages.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/progress.hpp"
#include "imaging/emd_writer.hpp"
#include "imaging/movie_file.hpp"
#include "imaging/mrc_writer.hpp"
#include "imaging/png_writer.hpp"
#include "imaging/render_movie.hpp"
#include "imaging/tiff_writer.hpp"
#include "nanomix/version.hpp"

namespace nanomix::cli {

void run_stage(const ImageStage& stage, const Config& config, bool quiet) {
  const bool has_s = !stage.structure.empty(), has_t = !stage.trajectory.empty();
  if (has_s == has_t) throw InputError("give exactly one of --structure S.xyz and --trajectory T.h5");
  const std::string in = has_s ? stage.structure : stage.trajectory;
  require_input_file(in, has_s ? "structure" : "trajectory");
  const std::string& out = stage.out;
  check_output_directory(out);
  const std::string &tiff = stage.tiff, &mrc = stage.mrc, &png_dir = stage.png_dir;
  if (!tiff.empty()) check_output_directory(tiff);
  if (!mrc.empty()) check_output_directory(mrc);
  if (!png_dir.empty()) {
    const std::filesystem::path d(png_dir);
    if (std::filesystem::exists(d) && !std::filesystem::is_directory(d)) throw InputError("--png-dir " + png_dir + ": not a directory");
    const std::filesystem::path folder = d.has_filename() ? d : d.parent_path();
    if (!std::filesystem::is_directory(folder)) check_output_directory(folder);  // its parent must exist
  }
  const auto params = imaging::ImagingParams::table().read(config);
  const auto source = has_s ? imaging::SnapshotSource::structure(in) : imaging::SnapshotSource::trajectory_file(in);

  imaging::RenderResult result;
  {
    std::unique_ptr<Progress> bar;
    result = imaging::render_movie(params, source, [&](std::size_t done, std::size_t total) {
      if (!bar) bar = std::make_unique<Progress>("image", static_cast<std::int64_t>(total), quiet || mpi_rank() != 0);
      bar->update(static_cast<std::int64_t>(done));
    });
  }
  if (mpi_rank() != 0) return;

  const imaging::Movie& chosen = params.export_quantity == imaging::ExportQuantity::intensity ? result.intensity
                                 : params.export_quantity == imaging::ExportQuantity::expected_counts
                                     ? result.expected_counts
                                     : result.counts;
  AtomicOutput emd(out);
  emd.write([&](const std::string& path) {
    imaging::write_emd(path, imaging::movie_file_contents(result, params, in, config.to_ini(), std::string("nanomix ") + version_string));
  });
  std::unique_ptr<AtomicOutput> tiff_out, mrc_out;
  if (!tiff.empty()) {
    tiff_out = std::make_unique<AtomicOutput>(tiff);
    tiff_out->write([&](const std::string& path) { imaging::write_tiff(path, chosen); });
  }
  if (!mrc.empty()) {
    mrc_out = std::make_unique<AtomicOutput>(mrc);
    mrc_out->write([&](const std::string& path) { imaging::write_mrc(path, chosen); });
  }
  if (!png_dir.empty()) {
    std::filesystem::create_directories(png_dir);
    imaging::write_png_previews(png_dir, chosen);
  }
  emd.commit();
  if (tiff_out) tiff_out->commit();
  if (mrc_out) mrc_out->commit();
  char line[512];
  std::snprintf(line, sizeof line,
                "rendered %zu frame(s) of %d x %d pixels (%.4g x %.4g Å), %d slices of %.3g Å, dose %.4g e/Å² per frame, in %.3g s (%.3g s/frame, %d thread(s), %d rank(s)) → %s",
                result.intensity.frame_count(), result.grid.nx, result.grid.ny, result.grid.dx_angstrom, result.grid.dy_angstrom,
                result.slice_count, params.slice_thickness_angstrom, result.dose_e_per_angstrom2, result.seconds,
                result.seconds / std::max<double>(1.0, static_cast<double>(result.intensity.frame_count())) * result.ranks,
                result.threads, result.ranks, out.c_str());
  log_info(quiet, line);
}

Command image_command() {
  Command c;
  c.name = "image";
  c.usage = "--config C (--structure S.xyz | --trajectory T.h5) --out movie.emd [--tiff M.tif] [--mrc M.mrc] [--png-dir D]";
  c.summary = "render a synthetic SMART-EM movie ([imaging]): multislice HRTEM, lens, camera MTF and dose noise → EMD (+ TIFF, MRC, PNG)";
  c.sections = {"imaging"};
  c.add_options = [](po::options_description& o) {
    o.add_options()("structure,s", po::value<std::string>(), "atoms from an extended-XYZ structure (view = the cell's a × b, beam along +z)")(
        "trajectory,t", po::value<std::string>(), "atoms from an H5MD trajectory (view and projection axis from [imaging])")(
        "out,o", po::value<std::string>(), "output movie (EMD 0.2 HDF5)")("tiff", po::value<std::string>(), "also an ImageJ TIFF stack")(
        "mrc", po::value<std::string>(), "also an MRC 2014 stack")("png-dir", po::value<std::string>(), "also PNG previews, one per frame, in this directory");
  };
  c.run = [](const Invocation& inv) {
    ImageStage stage;
    stage.structure = inv.optional("structure");
    stage.trajectory = inv.optional("trajectory");
    stage.out = inv.required("out");
    stage.tiff = inv.optional("tiff");
    stage.mrc = inv.optional("mrc");
    stage.png_dir = inv.optional("png-dir");
    run_stage(stage, inv.config, inv.quiet);
    return 0;
  };
  return c;
}

}  // namespace nanomix::cli
