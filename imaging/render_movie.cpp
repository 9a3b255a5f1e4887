#include "imaging/render_movie.hpp"

#include <chrono>
#include <cmath>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>

#include "core/error.hpp"
#include "core/frame_executor.hpp"
#include "core/h5md.hpp"
#include "core/parallel.hpp"
#include "core/xyz.hpp"
#include "imaging/frame_kernel.hpp"
#include "imaging/ground_truth.hpp"
#include "imaging/movie_plan.hpp"
#include "imaging/specimen.hpp"

// render_movie in three steps: the plan (movie_plan.cpp: frames, view, grid, slices, clock, checks),
// the specimen (specimen.cpp: projection, potential tables, slicing; ground_truth.cpp) and the
// per-frame kernel (frame_kernel.cpp) run by core's frame executor; this file assembles.

namespace nanomix::imaging {

// ---------------------------------------------------------------------------------------------
// Sources

SnapshotSource SnapshotSource::structure(const std::string& path) {
  auto frames = std::make_shared<std::vector<Frame>>(read_xyz(path));
  SnapshotSource s;
  s.name = path;
  s.count = frames->size();
  s.read = [frames](std::size_t i) { return (*frames)[i]; };
  return s;
}

SnapshotSource SnapshotSource::trajectory_file(const std::string& path) {
  if (!is_h5md(path)) throw InputError(path + ": not an H5MD trajectory (no /h5md group)");
  auto reader = std::make_shared<H5mdReader>(path);
  auto lock = std::make_shared<std::mutex>();
  SnapshotSource s;
  s.name = path;
  s.trajectory = true;
  s.count = reader->frame_count();
  s.experiment_seconds_per_ps = reader->parameter("md_experiment_seconds_per_ps", 0);
  s.read = [reader, lock](std::size_t i) {
    std::lock_guard<std::mutex> g(*lock);  // HDF5 is not thread-safe
    return reader->frame(i);
  };
  return s;
}

SnapshotSource SnapshotSource::frames(std::vector<Frame> frames, const std::string& name) {
  auto f = std::make_shared<std::vector<Frame>>(std::move(frames));
  SnapshotSource s;
  s.name = name;
  s.count = f->size();
  s.read = [f](std::size_t i) { return (*f)[i]; };
  return s;
}

// ---------------------------------------------------------------------------------------------
// Rendering

namespace {

/// What the render did, without the frames (written to /microscope).
RenderResult describe(const ImagingParams& p, const MoviePlan& plan, const SliceGeometry& slices, const PotentialTables& tables) {
  RenderResult res;
  res.ranks = mpi_size();
  res.threads = plan.threads;
  res.grid = plan.grid;
  res.fov_x0_angstrom = plan.view.x0_angstrom;
  res.fov_y0_angstrom = plan.view.y0_angstrom;
  res.fov_width_angstrom = plan.view.width_angstrom;
  res.fov_height_angstrom = plan.view.height_angstrom;
  res.wrap_x = plan.view.wrap_x;
  res.wrap_y = plan.view.wrap_y;
  res.wavelength_angstrom = plan.wavelength_angstrom;
  res.sigma_rad_per_volt_angstrom = plan.sigma_rad_per_volt_angstrom;
  res.dose_e_per_angstrom2 = p.dose.dose_e_per_angstrom2;
  res.first_slice_z_angstrom = slices.first_z_angstrom;
  res.slice_count = slices.count;
  res.defocus_reference_z_angstrom = slices.defocus_reference_z_angstrom();
  res.scattering_table = tables.table_name;
  for (const auto& [z, k] : tables.table_of_z) {
    res.elements.push_back(z);
    res.cutoff_angstrom.push_back(tables.tables[static_cast<std::size_t>(k)].cutoff_angstrom);
  }
  return res;
}

/// Frame m's projected snapshots, in exposure order.
std::vector<const ProjectedSnapshot*> snapshots_of(const MoviePlan& plan, const ProjectedMovie& movie, std::size_t m) {
  std::vector<const ProjectedSnapshot*> out;
  for (std::size_t s : plan.snapshots[m]) out.push_back(&movie.of(s));
  return out;
}

/// Every frame through the kernel on core's executor; rank 0 returns them all, other ranks empty ones.
std::vector<FrameImages> render_frames(const MoviePlan& plan, const ProjectedMovie& movie, const FrameEngines& engines,
                                       const std::function<void(std::size_t, std::size_t)>& progress) {
  std::vector<FrameImages> frames(plan.frames());
  FrameJob job;
  job.frames = plan.frames();
  job.threads = plan.threads;
  job.make_kernel = [&]() -> std::function<void(std::size_t)> {
    auto kernel = std::make_shared<FrameKernel>(engines);
    return [&, kernel](std::size_t m) { frames[m] = kernel->render(m, snapshots_of(plan, movie, m)); };
  };
  job.pack = [&](std::size_t m) { return pack_frame(std::exchange(frames[m], {})); };
  job.unpack = [&](std::size_t m, const Bytes& bytes) { frames[m] = unpack_frame(bytes); };
  job.progress = progress;
  execute_frames(job);
  return frames;
}

/// The three movies (and the exit waves) from the frames: rank 0 holds the pixels, every rank the layout.
void assemble_movies(const ImagingParams& p, std::vector<FrameImages>&& frames, RenderResult& res) {
  auto init = [&](Movie& mv, const char* quantity, const char* unit) {
    mv.nx = res.grid.nx;
    mv.ny = res.grid.ny;
    mv.pixel_size_x_angstrom = res.grid.dx_angstrom;
    mv.pixel_size_y_angstrom = res.grid.dy_angstrom;
    mv.frame_time_s = res.frame_interval_s;  // between frames on the experiment's clock, not the exposure
    mv.quantity = quantity;
    mv.unit = unit;
  };
  init(res.intensity, "intensity", "");
  init(res.expected_counts, "expected_counts", "counts");
  init(res.counts, "counts", "counts");
  if (mpi_rank() != 0) return;
  for (FrameImages& f : frames) {
    res.intensity.frames.push_back(std::move(f.intensity));
    res.expected_counts.frames.push_back(std::move(f.expected_counts));
    res.counts.frames.push_back(std::move(f.counts));
    if (p.exit_wave) res.exit_wave.push_back(std::move(f.exit_wave));
  }
}

}  // namespace

RenderResult render_movie(const ImagingParams& p, const SnapshotSource& src,
                          const std::function<void(std::size_t, std::size_t)>& progress) {
  p.validate();
  const auto t_start = std::chrono::steady_clock::now();
  // The plan: frames, then (from the first snapshot's cell) view, grid, sampling and memory.
  auto snapshots = frame_snapshots(p, src.count, src.name);
  const Frame first = src.read(snapshots[0][0]);
  first.validate(src.name);
  const MoviePlan plan = plan_movie(p, std::move(snapshots), first.box, src.name);
  // The specimen: every snapshot projected, the slices over all of them, the potentials.
  ProjectedMovie movie = project_movie(src, plan, p, first);
  const SliceGeometry slices = plan_slices(p, plan.view, movie.depth_min_angstrom, movie.depth_max_angstrom);
  PotentialTables tables = assign_potential_tables(p, plan.grid, movie);
  RenderResult res = describe(p, plan, slices, tables);
  if (mpi_rank() == 0) res.truth = ground_truth(plan, movie);
  std::vector<double> first_times_ps;
  for (const auto& snaps : plan.snapshots) first_times_ps.push_back(movie.of(snaps[0]).time_ps);
  MovieClock clock = plan_clock(p, first_times_ps, src.trajectory, src.experiment_seconds_per_ps);
  res.frame_times_s = std::move(clock.frame_times_s);
  res.frame_interval_s = clock.frame_interval_s;
  res.clock_from_trajectory = clock.from_trajectory;
  // The frames, then the movies.
  const FrameEngines engines(p, plan, slices, std::move(tables.tables));
  res.focal_defocus_angstrom = engines.lens.defocus_angstrom;
  res.focal_weights = engines.lens.weights;
  assemble_movies(p, render_frames(plan, movie, engines, progress), res);
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  return res;
}

}  // namespace nanomix::imaging
