#include "imaging/render_movie.hpp"

#include <mpi.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <map>
#include <set>
#include <mutex>
#include <sstream>
#include <thread>

#include "core/elements.hpp"
#include "core/error.hpp"
#include "core/h5md.hpp"
#include "core/parallel.hpp"
#include "core/units.hpp"
#include "core/xyz.hpp"
#include "imaging/electron.hpp"
#include "imaging/image_formation.hpp"
#include "imaging/kirkland.hpp"
#include "imaging/multislice.hpp"

namespace nanomix::imaging {

namespace {

const char* axis_name(int a) { return a == 0 ? "x" : a == 1 ? "y" : "z"; }

std::string fmt(double v) {
  std::ostringstream s;
  s.precision(6);
  s << v;
  return s.str();
}

bool mpi_active() {
  int init = 0, fin = 0;
  MPI_Initialized(&init);
  MPI_Finalized(&fin);
  return init && !fin;
}

}  // namespace

int fft_friendly_size(int m) {
  if (m < 1) m = 1;
  for (int n = m;; ++n) {
    int r = n;
    for (int p : {2, 3, 5, 7}) while (r % p == 0) r /= p;
    if (r == 1) return n;
  }
}

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

/// One snapshot projected into the image frame.
struct Projected {
  std::vector<double> u, v, depth;  // image x, y (Å, from the view's origin); depth along the beam (cell frame)
  std::vector<std::uint8_t> inside;
  std::vector<int> z;      // species of this snapshot (they change between snapshots under Cl<->I swaps)
  std::vector<int> table;  // potential table of each atom, from z
};

struct Plan {
  std::size_t frames = 0;
  std::vector<std::vector<std::size_t>> snapshots;  // per frame
  std::vector<Projected> projected;                 // per distinct snapshot, by position in `order`
  std::map<std::size_t, std::size_t> slot;          // MD frame index -> index into projected
  std::vector<double> times_ps;
};

double memory_mib(double bytes) { return bytes / (1024.0 * 1024.0); }

}  // namespace

RenderResult render_movie(const ImagingParams& p, const SnapshotSource& src,
                          const std::function<void(std::size_t, std::size_t)>& progress) {
  p.validate();
  const auto t_start = std::chrono::steady_clock::now();
  RenderResult res;
  const int rank = mpi_rank(), size = mpi_size();
  res.ranks = size;

  // Which MD frames make which movie frame.
  if (src.count == 0) throw InputError(src.name + ": holds no frames");
  Plan plan;
  for (std::size_t m = 0;; ++m) {
    if (p.max_frames && m >= p.max_frames) break;
    const std::size_t first = p.first_frame + m * p.frame_stride;
    if (first + p.snapshots_per_frame > src.count) break;
    std::vector<std::size_t> snaps;
    for (std::size_t q = 0; q < p.snapshots_per_frame; ++q) snaps.push_back(first + q);
    plan.snapshots.push_back(snaps);
  }
  plan.frames = plan.snapshots.size();
  if (plan.frames == 0) {
    throw InputError(src.name + ": " + std::to_string(src.count) + " frame(s), none left for a movie frame from first_frame = " +
                     std::to_string(p.first_frame) + " with snapshots_per_frame = " + std::to_string(p.snapshots_per_frame));
  }

  // Geometry from the first snapshot.
  const Frame first = src.read(plan.snapshots[0][0]);
  first.validate(src.name);
  if (!first.box.is_orthorhombic(1e-6)) throw InputError(src.name + ": nanomix image needs an orthorhombic cell (a ∥ x, b ∥ y, c ∥ z)");
  const int b = p.projection_axis, ua = (b + 1) % 3, va = (b + 2) % 3;
  const Eigen::Vector3d L = first.box.lengths_angstrom();
  const double width = p.fov_width_angstrom > 0 ? p.fov_width_angstrom : L[ua];
  const double height = p.fov_height_angstrom > 0 ? p.fov_height_angstrom : L[va];
  if (!(width > 0) || !(height > 0)) {
    throw InputError(src.name + ": the cell has no length along image axis " + std::string(axis_name(!(width > 0) ? ua : va)) +
                     "; set [imaging] fov_width_angstrom / fov_height_angstrom");
  }
  res.fov_x0_angstrom = p.fov_x0_angstrom;
  res.fov_y0_angstrom = p.fov_y0_angstrom;
  res.fov_width_angstrom = width;
  res.fov_height_angstrom = height;
  res.wrap_x = first.box.periodic[static_cast<std::size_t>(ua)] && p.fov_x0_angstrom == 0 && std::abs(width - L[ua]) < 1e-9;
  res.wrap_y = first.box.periodic[static_cast<std::size_t>(va)] && p.fov_y0_angstrom == 0 && std::abs(height - L[va]) < 1e-9;

  // Grid.
  Grid g;
  const double want_nx = std::ceil(width / p.pixel_size_angstrom - 1e-9), want_ny = std::ceil(height / p.pixel_size_angstrom - 1e-9);
  if (p.nx == 0 && want_nx > 1048576) throw InputError("[imaging] pixel_size_angstrom: the field of view needs " + fmt(want_nx) + " pixels along x (limit 1048576)");
  if (p.ny == 0 && want_ny > 1048576) throw InputError("[imaging] pixel_size_angstrom: the field of view needs " + fmt(want_ny) + " pixels along y (limit 1048576)");
  g.nx = p.nx ? p.nx : fft_friendly_size(static_cast<int>(want_nx));
  g.ny = p.ny ? p.ny : fft_friendly_size(static_cast<int>(want_ny));
  if (g.nx < 2 || g.ny < 2) throw InputError("[imaging] the grid needs at least 2 x 2 pixels");
  g.dx_angstrom = width / g.nx;
  g.dy_angstrom = height / g.ny;
  res.grid = g;
  const double lambda = wavelength_angstrom(p.optics.voltage_kv);
  res.wavelength_angstrom = lambda;
  res.sigma_rad_per_volt_angstrom = interaction_parameter_rad_per_volt_angstrom(p.optics.voltage_kv);
  res.dose_e_per_angstrom2 = p.dose.dose_e_per_angstrom2;

  // Sampling: the objective aperture must fit inside the 2/3-Nyquist band limit.
  const double band_mrad = g.band_limit() * lambda * 1e3;
  if (p.optics.aperture_mrad > band_mrad * (1 + 1e-9)) {
    const double need = 2.0 / 3.0 * 0.5 * lambda / (p.optics.aperture_mrad * 1e-3);
    throw InputError("[imaging] pixel_size_angstrom: pixels of " + fmt(std::max(g.dx_angstrom, g.dy_angstrom)) +
                     " Å band-limit the wave at " + fmt(band_mrad) + " mrad (2/3 Nyquist), below aperture_mrad = " +
                     fmt(p.optics.aperture_mrad) + "; use pixels of at most " + fmt(need) + " Å");
  }
  if (p.optics.aperture_mrad == 0) {
    // Without an aperture, the envelopes must have damped the transfer (below 1 %) inside the band limit.
    OpticsParams o = p.optics;
    const double kb = g.band_limit();
    const double env = temporal_envelope(o, lambda, kb) * spatial_envelope(o, lambda, kb, 0.0);
    if (env > 0.01 && (o.focal_spread_angstrom > 0 || o.source_semiangle_mrad > 0)) {
      // The information limit lies beyond the band limit: finer pixels are needed to render what the lens transmits.
      double k = kb;
      while (k < 100 && temporal_envelope(o, lambda, k) * spatial_envelope(o, lambda, k, 0.0) > 0.01) k *= 1.02;
      throw InputError("[imaging] pixel_size_angstrom: the lens still transfers " + fmt(100 * env) + " % at the band limit " +
                       fmt(kb) + " 1/Å (2/3 Nyquist) and down to 1 % only at " + fmt(k) + " 1/Å; use pixels of at most " +
                       fmt(1.0 / (3.0 * k)) + " Å or set aperture_mrad");
    }
  }

  // Memory, before allocating anything large.
  {
    const double npix = static_cast<double>(g.nx) * static_cast<double>(g.ny);
    int threads = p.threads > 0 ? p.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const double points = focal_points_for(g, p.optics);
    const double per_worker = npix * (8 + 8 + 4 + 8 + 8 + 8 + 8);       // ψ, wave, potential, work, 2 FFT scratch, intensity
    const double shared = npix * (8 + 4 + 8 * points);                  // propagator, MTF, lens transfer
    const double movie = npix * static_cast<double>(plan.frames) * (12 + (p.exit_wave ? 8 : 0));
    const double total = shared + per_worker * std::min<double>(threads, static_cast<double>(plan.frames)) + movie;
    if (memory_mib(total) > p.max_memory_mib) {
      throw InputError("[imaging] the grid of " + std::to_string(g.nx) + " x " + std::to_string(g.ny) + " pixels x " +
                       std::to_string(plan.frames) + " frames needs " + fmt(memory_mib(total)) +
                       " MiB, more than max_memory_mib = " + fmt(p.max_memory_mib) + " (coarser pixels, fewer frames or a larger limit)");
    }
  }

  // Read and project every snapshot (all ranks: the slice range spans all frames).
  double dmin = INFINITY, dmax = -INFINITY;
  const std::size_t natoms = first.size();
  for (const auto& snaps : plan.snapshots) {
    for (std::size_t s : snaps) {
      if (plan.slot.count(s)) continue;
      const Frame f = s == plan.snapshots[0][0] ? first : src.read(s);
      f.validate(src.name + " frame " + std::to_string(s));
      if (f.size() != natoms) throw InputError(src.name + " frame " + std::to_string(s) + ": " + std::to_string(f.size()) +
                                               " atoms, the first frame has " + std::to_string(natoms));
      Projected pr;
      pr.z = f.atomic_numbers;
      pr.u.resize(natoms);
      pr.v.resize(natoms);
      pr.depth.resize(natoms);
      pr.inside.resize(natoms);
      std::size_t outside = 0, first_out = 0;
      for (std::size_t a = 0; a < natoms; ++a) {
        const auto row = f.positions_angstrom.row(static_cast<Eigen::Index>(a));
        double x = row[ua] - p.fov_x0_angstrom, y = row[va] - p.fov_y0_angstrom, d = row[b];
        if (res.wrap_x) x -= width * std::floor(x / width);
        if (res.wrap_y) y -= height * std::floor(y / height);
        if (p.slice_range_cell && f.box.periodic[static_cast<std::size_t>(b)]) d -= L[b] * std::floor(d / L[b]);
        const double tol = 1e-9;
        const bool in = x >= -tol && x <= width + tol && y >= -tol && y <= height + tol;
        if (!in && outside++ == 0) first_out = a;
        pr.u[a] = x;
        pr.v[a] = y;
        pr.depth[a] = d;
        pr.inside[a] = in;
        if (in) {
          dmin = std::min(dmin, d);
          dmax = std::max(dmax, d);
        }
      }
      if (outside && !p.drop_outside_atoms) {
        const auto row = f.positions_angstrom.row(static_cast<Eigen::Index>(first_out));
        throw InputError(src.name + " frame " + std::to_string(s) + ": " + std::to_string(outside) + " atom(s) lie outside the field of view [" +
                         fmt(p.fov_x0_angstrom) + ", " + fmt(p.fov_x0_angstrom + width) + "] x [" + fmt(p.fov_y0_angstrom) + ", " +
                         fmt(p.fov_y0_angstrom + height) + "] Å along " + axis_name(ua) + ", " + axis_name(va) + " (atom " +
                         std::to_string(first_out) + " at " + fmt(row[ua]) + ", " + fmt(row[va]) +
                         "); enlarge the view, or set [imaging] outside_atoms = drop");
      }
      if (p.slice_range_cell) {
        for (std::size_t a = 0; a < natoms; ++a) {
          if (pr.inside[a] && (pr.depth[a] < 0 || pr.depth[a] > L[b])) {
            throw InputError(src.name + " frame " + std::to_string(s) + ": atom " + std::to_string(a) + " lies outside the cell along the beam (" +
                             axis_name(b) + " = " + fmt(pr.depth[a]) + " Å) with slice_range = cell");
          }
        }
      }
      plan.slot[s] = plan.projected.size();
      plan.projected.push_back(std::move(pr));
      plan.times_ps.push_back(f.time_ps);
    }
  }

  // Slices.
  const double dz = p.slice_thickness_angstrom;
  if (p.slice_range_cell) {
    res.first_slice_z_angstrom = 0;
    res.slice_count = std::max(1, static_cast<int>(std::ceil(L[b] / dz - 1e-9)));
  } else if (std::isfinite(dmin)) {
    const double k0 = std::floor(dmin / dz), k1 = std::floor(dmax / dz);
    res.first_slice_z_angstrom = k0 * dz;
    res.slice_count = static_cast<int>(k1 - k0) + 1;
  } else {
    res.first_slice_z_angstrom = 0;
    res.slice_count = 1;
  }
  if (res.slice_count > 10000000) throw InputError("[imaging] slice_thickness_angstrom: " + std::to_string(res.slice_count) + " slices are too many");
  res.defocus_reference_z_angstrom = res.first_slice_z_angstrom + res.slice_count * dz;

  // Radial potential tables for the elements present.
  const ScatteringTable table = p.scattering_table.empty() ? ScatteringTable::kirkland() : ScatteringTable::read(p.scattering_table);
  res.scattering_table = table.name();
  std::vector<RadialPotential> tables;
  std::map<int, int> table_of_z;
  RadialPotentialOptions ropt;
  ropt.core_angstrom = std::sqrt(g.dx_angstrom * g.dy_angstrom / units::pi);  // a disc with a pixel's area
  ropt.step_angstrom = std::min(0.002, ropt.core_angstrom / 4);
  ropt.fixed_cutoff_angstrom = p.potential_cutoff_angstrom;
  std::set<int> species_present;
  for (const Projected& pr : plan.projected) species_present.insert(pr.z.begin(), pr.z.end());
  for (int z : species_present) {
    table_of_z[z] = static_cast<int>(tables.size());
    tables.push_back(make_radial_potential(table.at(z), ropt));
  }
  for (const auto& [z, k] : table_of_z) {
    res.elements.push_back(z);
    res.cutoff_angstrom.push_back(tables[static_cast<std::size_t>(k)].cutoff_angstrom);
  }
  for (Projected& pr : plan.projected) {
    pr.table.resize(natoms);
    for (std::size_t a = 0; a < natoms; ++a) pr.table[a] = table_of_z.at(pr.z[a]);
  }

  // Ground truth (rank 0).
  const std::size_t nt = plan.frames, spf = p.snapshots_per_frame;
  if (rank == 0) {
    auto& t = res.truth;
    t.atomic_numbers.resize(nt * natoms);
    t.atom_index.resize(natoms);
    for (std::size_t a = 0; a < natoms; ++a) t.atom_index[a] = static_cast<std::int64_t>(a);
    t.projected_positions_angstrom.resize(nt * natoms * 2);
    t.depth_angstrom.resize(nt * natoms);
    t.in_field_of_view.resize(nt * natoms);
    for (std::size_t m = 0; m < nt; ++m) {
      const Projected& p0 = plan.projected[plan.slot.at(plan.snapshots[m][0])];
      // A frame's species are those of its first snapshot (a swap inside the exposure shows as the old species).
      std::copy(p0.z.begin(), p0.z.end(), t.atomic_numbers.begin() + static_cast<std::ptrdiff_t>(m * natoms));
      for (std::size_t a = 0; a < natoms; ++a) {
        double su = 0, sv = 0, sd = 0;
        bool in = true;
        for (std::size_t s : plan.snapshots[m]) {
          const Projected& pq = plan.projected[plan.slot.at(s)];
          double du = pq.u[a] - p0.u[a], dv = pq.v[a] - p0.v[a];
          if (res.wrap_x) du -= width * std::round(du / width);
          if (res.wrap_y) dv -= height * std::round(dv / height);
          su += du;
          sv += dv;
          sd += pq.depth[a];
          in = in && pq.inside[a];
        }
        double u = p0.u[a] + su / spf, v = p0.v[a] + sv / spf;
        if (res.wrap_x) u -= width * std::floor(u / width);
        if (res.wrap_y) v -= height * std::floor(v / height);
        t.projected_positions_angstrom[(m * natoms + a) * 2] = static_cast<float>(u);
        t.projected_positions_angstrom[(m * natoms + a) * 2 + 1] = static_cast<float>(v);
        t.depth_angstrom[m * natoms + a] = static_cast<float>(sd / spf);
        t.in_field_of_view[m * natoms + a] = in;
      }
      for (std::size_t s : plan.snapshots[m]) {
        t.source_frames.push_back(static_cast<std::int64_t>(s));
        t.source_times_ps.push_back(plan.times_ps[plan.slot.at(s)]);
      }
    }
  }

  // The experiment's clock (see render_movie.hpp): the trajectory's mapping of MD time, else the
  // camera filming continuously at one exposure per frame.
  res.clock_from_trajectory = src.trajectory && src.experiment_seconds_per_ps > 0;
  res.frame_times_s.resize(nt);
  for (std::size_t m = 0; m < nt; ++m) {
    res.frame_times_s[m] = res.clock_from_trajectory ? plan.times_ps[plan.slot.at(plan.snapshots[m][0])] * src.experiment_seconds_per_ps
                                                     : static_cast<double>(m) * p.frame_time_s;
  }
  res.frame_interval_s = nt > 1 ? (res.frame_times_s[nt - 1] - res.frame_times_s[0]) / static_cast<double>(nt - 1) : p.frame_time_s;

  // Engines: threads per process; FFTW threads only when there are fewer frames than threads (a
  // choice made from the global frame count, so every rank plans the same transforms).
  int threads = p.threads > 0 ? p.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  res.threads = threads;
  const int workers_global = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(threads), nt));
  const int fft_threads = std::max(1, threads / std::max(1, workers_global));
  const Multislice engine(g, p.optics.voltage_kv, dz, tables, fft_threads);
  const LensTransfer lens = make_lens_transfer(g, p.optics);
  res.focal_defocus_angstrom = lens.defocus_angstrom;
  res.focal_weights = lens.weights;
  const std::vector<float> mtf = mtf_on_grid(g, p.mtf);

  const auto mine = frames_of_rank(nt, rank, size);
  const std::size_t npix = g.size();
  // This rank's frames, by position in `mine`.
  std::vector<std::vector<float>> my_int(mine.size()), my_exp(mine.size()), my_cnt(mine.size());
  std::vector<std::vector<cfloat>> my_wave(mine.size());
  std::atomic<std::size_t> next{0}, done{0};
  std::mutex progress_lock;
  std::exception_ptr failure;
  std::mutex failure_lock;
  auto work = [&]() {
    try {
      Multislice::Workspace ws(g);
      FftBuffer scratch(npix);
      std::vector<double> image(npix);
      for (;;) {
        const std::size_t k = next++;
        if (k >= mine.size()) break;
        {
          std::lock_guard<std::mutex> l(failure_lock);
          if (failure) break;
        }
        const std::size_t m = mine[k];
        std::fill(image.begin(), image.end(), 0.0);
        for (std::size_t q = 0; q < spf; ++q) {
          const Projected& pr = plan.projected[plan.slot.at(plan.snapshots[m][q])];
          SlicedSpecimen spec;
          spec.slices.resize(static_cast<std::size_t>(res.slice_count));
          for (std::size_t a = 0; a < natoms; ++a) {
            if (!pr.inside[a]) continue;
            long s = static_cast<long>(std::floor((pr.depth[a] - res.first_slice_z_angstrom) / dz));
            s = std::clamp(s, 0L, static_cast<long>(res.slice_count) - 1);
            spec.slices[static_cast<std::size_t>(s)].push_back({pr.u[a], pr.v[a], pr.table[a]});
          }
          engine.exit_spectrum(spec, ws);
          if (q == 0 && p.exit_wave) {
            exit_wave_from_spectrum(engine.fft(), ws.psi, scratch);
            my_wave[k].assign(scratch.data(), scratch.data() + npix);
          }
          add_image_intensity(g, engine.fft(), ws.psi, lens, 1.0 / static_cast<double>(spf), scratch, image.data());
        }
        my_int[k].resize(npix);
        for (std::size_t i = 0; i < npix; ++i) my_int[k][i] = static_cast<float>(image[i]);
        apply_mtf(g, engine.fft(), mtf, scratch, image);
        my_exp[k].resize(npix);
        my_cnt[k].resize(npix);
        expose(g, p.dose, m, image, my_exp[k].data(), my_cnt[k].data());
        const std::size_t d = ++done;
        if (rank == 0 && progress) {
          std::lock_guard<std::mutex> l(progress_lock);
          progress(d, mine.size());
        }
      }
    } catch (...) {
      std::lock_guard<std::mutex> l(failure_lock);
      if (!failure) failure = std::current_exception();
    }
  };
  const int workers = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(threads), std::max<std::size_t>(1, mine.size())));
  {
    std::vector<std::thread> pool;
    for (int w = 1; w < workers; ++w) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
  }
  if (failure) std::rethrow_exception(failure);

  // Gather on rank 0.
  auto init_movie = [&](Movie& mv, const char* quantity, const char* unit) {
    mv.nx = g.nx;
    mv.ny = g.ny;
    mv.pixel_size_x_angstrom = g.dx_angstrom;
    mv.pixel_size_y_angstrom = g.dy_angstrom;
    mv.frame_time_s = res.frame_interval_s;  // between frames on the experiment's clock, not the exposure
    mv.quantity = quantity;
    mv.unit = unit;
  };
  init_movie(res.intensity, "intensity", "");
  init_movie(res.expected_counts, "expected_counts", "counts");
  init_movie(res.counts, "counts", "counts");
  if (rank == 0) {
    res.intensity.frames.resize(nt);
    res.expected_counts.frames.resize(nt);
    res.counts.frames.resize(nt);
    if (p.exit_wave) res.exit_wave.resize(nt);
  }
  for (std::size_t k = 0; k < mine.size() && rank == 0; ++k) {
    res.intensity.frames[mine[k]] = std::move(my_int[k]);
    res.expected_counts.frames[mine[k]] = std::move(my_exp[k]);
    res.counts.frames[mine[k]] = std::move(my_cnt[k]);
    if (p.exit_wave) res.exit_wave[mine[k]] = std::move(my_wave[k]);
  }
  if (size > 1 && mpi_active()) {
    const int n = static_cast<int>(npix);
    for (std::size_t m = 0; m < nt; ++m) {
      const int owner = static_cast<int>(m % static_cast<std::size_t>(size));
      if (owner == 0) continue;
      const int tag = 0;  // messages between two ranks arrive in order: frame m's four are told apart by tag + 0..3
      if (rank == 0) {
        res.intensity.frames[m].resize(npix);
        res.expected_counts.frames[m].resize(npix);
        res.counts.frames[m].resize(npix);
        MPI_Recv(res.intensity.frames[m].data(), n, MPI_FLOAT, owner, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Recv(res.expected_counts.frames[m].data(), n, MPI_FLOAT, owner, tag + 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Recv(res.counts.frames[m].data(), n, MPI_FLOAT, owner, tag + 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (p.exit_wave) {
          res.exit_wave[m].resize(npix);
          MPI_Recv(res.exit_wave[m].data(), 2 * n, MPI_FLOAT, owner, tag + 3, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        }
        if (progress) progress(m + 1, nt);
      } else if (rank == owner) {
        const std::size_t k = static_cast<std::size_t>(std::find(mine.begin(), mine.end(), m) - mine.begin());
        MPI_Send(my_int[k].data(), n, MPI_FLOAT, 0, tag, MPI_COMM_WORLD);
        MPI_Send(my_exp[k].data(), n, MPI_FLOAT, 0, tag + 1, MPI_COMM_WORLD);
        MPI_Send(my_cnt[k].data(), n, MPI_FLOAT, 0, tag + 2, MPI_COMM_WORLD);
        if (p.exit_wave) MPI_Send(my_wave[k].data(), 2 * n, MPI_FLOAT, 0, tag + 3, MPI_COMM_WORLD);
      }
    }
  }
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  return res;
}

}  // namespace nanomix::imaging
