#include "imaging/movie_plan.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/error.hpp"
#include "core/frame_executor.hpp"
#include "imaging/ctf.hpp"
#include "imaging/electron.hpp"

namespace nanomix::imaging {

const char* axis_name(int a) { return a == 0 ? "x" : a == 1 ? "y" : "z"; }

std::string format_number(double v) {
  std::ostringstream s;
  s.precision(6);
  s << v;
  return s.str();
}

namespace {


double mib(double bytes) { return bytes / (1024.0 * 1024.0); }

/// Without an aperture the envelopes must have damped the transfer below 1 % inside the band limit.
void check_information_limit(const OpticsParams& o, const Grid& g, double lambda, const std::string& origin) {
  const double kb = g.band_limit();
  const double env = temporal_envelope(o, lambda, kb) * spatial_envelope(o, lambda, kb, 0.0);
  if (!(env > 0.01 && (o.focal_spread_angstrom > 0 || o.source_semiangle_mrad > 0))) return;
  // The information limit lies beyond the band limit: finer pixels are needed to render what the lens transmits.
  double k = kb;
  while (k < 100 && temporal_envelope(o, lambda, k) * spatial_envelope(o, lambda, k, 0.0) > 0.01) k *= 1.02;
  throw InputError(origin + ": the lens still transfers " + format_number(100 * env) + " % at the band limit " + format_number(kb) +
                   " 1/Å (2/3 Nyquist) and down to 1 % only at " + format_number(k) + " 1/Å; use pixels of at most " + format_number(1.0 / (3.0 * k)) +
                   " Å or set aperture_mrad");
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

std::vector<std::vector<std::size_t>> frame_snapshots(const ImagingParams& p, std::size_t count, const std::string& name) {
  if (count == 0) throw InputError(name + ": holds no frames");
  std::vector<std::vector<std::size_t>> frames;
  for (std::size_t m = 0;; ++m) {
    if (p.max_frames && m >= p.max_frames) break;
    const std::size_t first = p.first_frame + m * p.frame_stride;
    if (first + p.snapshots_per_frame > count) break;
    std::vector<std::size_t> snaps;
    for (std::size_t q = 0; q < p.snapshots_per_frame; ++q) snaps.push_back(first + q);
    frames.push_back(snaps);
  }
  if (frames.empty()) {
    throw InputError(name + ": " + std::to_string(count) + " frame(s), none left for a movie frame from first_frame = " +
                     std::to_string(p.first_frame) + " with snapshots_per_frame = " + std::to_string(p.snapshots_per_frame));
  }
  return frames;
}

FieldOfView plan_field_of_view(const ImagingParams& p, const Box& box, const std::string& name) {
  if (!box.is_orthorhombic(1e-6)) throw InputError(name + ": nanomix image needs an orthorhombic cell (a ∥ x, b ∥ y, c ∥ z)");
  FieldOfView v;
  v.beam_axis = p.projection_axis;
  v.x_axis = (v.beam_axis + 1) % 3;
  v.y_axis = (v.beam_axis + 2) % 3;
  const auto ux = static_cast<std::size_t>(v.x_axis), uy = static_cast<std::size_t>(v.y_axis);
  const Eigen::Vector3d L = box.lengths_angstrom();
  v.width_angstrom = p.fov_width_angstrom > 0 ? p.fov_width_angstrom : L[v.x_axis];
  v.height_angstrom = p.fov_height_angstrom > 0 ? p.fov_height_angstrom : L[v.y_axis];
  if (!(v.width_angstrom > 0) || !(v.height_angstrom > 0)) {
    throw InputError(name + ": the cell has no length along image axis " + std::string(axis_name(!(v.width_angstrom > 0) ? v.x_axis : v.y_axis)) +
                     "; set [imaging] fov_width_angstrom / fov_height_angstrom");
  }
  v.x0_angstrom = p.fov_x0_angstrom;
  v.y0_angstrom = p.fov_y0_angstrom;
  v.wrap_x = box.periodic[ux] && p.fov_x0_angstrom == 0 && std::abs(v.width_angstrom - L[v.x_axis]) < 1e-9;
  v.wrap_y = box.periodic[uy] && p.fov_y0_angstrom == 0 && std::abs(v.height_angstrom - L[v.y_axis]) < 1e-9;
  v.beam_length_angstrom = L[v.beam_axis];
  return v;
}

Grid plan_grid(const ImagingParams& p, const FieldOfView& view) {
  const double want_nx = std::ceil(view.width_angstrom / p.pixel_size_angstrom - 1e-9);
  const double want_ny = std::ceil(view.height_angstrom / p.pixel_size_angstrom - 1e-9);
  if (p.nx == 0 && want_nx > 1048576) throw InputError("[imaging] pixel_size_angstrom: the field of view needs " + format_number(want_nx) + " pixels along x (limit 1048576)");
  if (p.ny == 0 && want_ny > 1048576) throw InputError("[imaging] pixel_size_angstrom: the field of view needs " + format_number(want_ny) + " pixels along y (limit 1048576)");
  Grid g;
  g.nx = p.nx ? p.nx : fft_friendly_size(static_cast<int>(want_nx));
  g.ny = p.ny ? p.ny : fft_friendly_size(static_cast<int>(want_ny));
  if (g.nx < 2 || g.ny < 2) throw InputError("[imaging] the grid needs at least 2 x 2 pixels");
  g.dx_angstrom = view.width_angstrom / g.nx;
  g.dy_angstrom = view.height_angstrom / g.ny;
  return g;
}

void check_sampling(const OpticsParams& o, const Grid& g, const std::string& origin) {
  const double lambda = wavelength_angstrom(o.voltage_kv);
  const double band_mrad = g.band_limit() * lambda * 1e3;
  if (o.aperture_mrad > band_mrad * (1 + 1e-9)) {
    const double need = 2.0 / 3.0 * 0.5 * lambda / (o.aperture_mrad * 1e-3);
    throw InputError(origin + ": pixels of " + format_number(std::max(g.dx_angstrom, g.dy_angstrom)) + " Å band-limit the wave at " +
                     format_number(band_mrad) + " mrad (2/3 Nyquist), below aperture_mrad = " + format_number(o.aperture_mrad) + "; use pixels of at most " +
                     format_number(need) + " Å");
  }
  if (o.aperture_mrad == 0) check_information_limit(o, g, lambda, origin);
}

double render_memory_mib(const ImagingParams& p, const Grid& g, std::size_t frames) {
  const double npix = static_cast<double>(g.nx) * static_cast<double>(g.ny);
  const int threads = resolve_threads(p.threads);
  const double points = focal_points_for(g, p.optics);
  const double per_worker = npix * (8 + 8 + 4 + 8 + 8 + 8 + 8);  // ψ, wave, potential, work, 2 FFT scratch, intensity
  const double shared = npix * (8 + 4 + 8 * points);             // propagator, MTF, lens transfer (a bound: stored only where it transfers)
  const double movie = npix * static_cast<double>(frames) * (12 + (p.exit_wave ? 8 : 0));
  return mib(shared + per_worker * std::min<double>(threads, static_cast<double>(frames)) + movie);
}

std::size_t SliceGeometry::slice_of(double z) const {
  const long s = static_cast<long>(std::floor((z - first_z_angstrom) / thickness_angstrom));
  return static_cast<std::size_t>(std::clamp(s, 0L, static_cast<long>(count) - 1));
}

SliceGeometry plan_slices(const ImagingParams& p, const FieldOfView& view, double dmin, double dmax) {
  SliceGeometry s;
  const double dz = p.slice_thickness_angstrom;
  s.thickness_angstrom = dz;
  // The count is checked as a double before it becomes an int: a damaged or exploded structure
  // (an atom at 1e300 Å) must give a message, not an overflowing cast.
  constexpr double max_slices = 10000000;
  double count = 1;
  std::string span;
  if (p.slice_range_cell) {
    s.first_z_angstrom = 0;
    count = std::max(1.0, std::ceil(view.beam_length_angstrom / dz - 1e-9));
    span = "the cell's " + format_number(view.beam_length_angstrom) + " Å along the beam";
  } else if (std::isfinite(dmin)) {
    const double k0 = std::floor(dmin / dz), k1 = std::floor(dmax / dz);
    s.first_z_angstrom = k0 * dz;
    count = k1 - k0 + 1;
    span = "the imaged atoms, " + format_number(dmin) + " … " + format_number(dmax) + " Å along the beam,";
  } else {
    s.first_z_angstrom = 0;
  }
  if (!(count <= max_slices))
    throw InputError("[imaging] slice_thickness_angstrom = " + format_number(dz) + ": " + span + " need " + format_number(count) +
                     " slices, more than " + format_number(max_slices) + " (a damaged or exploded structure?)");
  s.count = static_cast<int>(count);
  return s;
}

MovieClock plan_clock(const ImagingParams& p, const std::vector<double>& first_times_ps, bool trajectory, double seconds_per_ps) {
  MovieClock c;
  const std::size_t nt = first_times_ps.size();
  c.from_trajectory = trajectory && seconds_per_ps > 0;
  c.frame_times_s.resize(nt);
  for (std::size_t m = 0; m < nt; ++m) {
    c.frame_times_s[m] = c.from_trajectory ? first_times_ps[m] * seconds_per_ps : static_cast<double>(m) * p.frame_time_s;
  }
  c.frame_interval_s = nt > 1 ? (c.frame_times_s[nt - 1] - c.frame_times_s[0]) / static_cast<double>(nt - 1) : p.frame_time_s;
  return c;
}

MoviePlan plan_movie(const ImagingParams& p, std::vector<std::vector<std::size_t>> snapshots, const Box& first_box,
                     const std::string& name) {
  MoviePlan plan;
  plan.snapshots = std::move(snapshots);
  plan.view = plan_field_of_view(p, first_box, name);
  plan.grid = plan_grid(p, plan.view);
  plan.wavelength_angstrom = wavelength_angstrom(p.optics.voltage_kv);
  plan.sigma_rad_per_volt_angstrom = interaction_parameter_rad_per_volt_angstrom(p.optics.voltage_kv);
  // Pixels given as counts are named as such (nx = 3 is not a pixel_size_angstrom problem).
  std::string origin = "[imaging] pixel_size_angstrom";
  if (p.nx || p.ny) {
    origin = "[imaging]";
    if (p.nx) origin += " nx = " + std::to_string(p.nx);
    if (p.ny) origin += std::string(p.nx ? "," : "") + " ny = " + std::to_string(p.ny);
    origin += " (pixels of " + format_number(plan.grid.dx_angstrom) + " x " + format_number(plan.grid.dy_angstrom) + " Å)";
  }
  check_sampling(p.optics, plan.grid, origin);
  const Grid& g = plan.grid;
  const double need_mib = render_memory_mib(p, g, plan.frames());
  if (need_mib > p.max_memory_mib) {  // before anything large is allocated
    throw InputError("[imaging] the grid of " + std::to_string(g.nx) + " x " + std::to_string(g.ny) + " pixels x " +
                     std::to_string(plan.frames()) + " frames needs " + format_number(need_mib) + " MiB, more than max_memory_mib = " +
                     format_number(p.max_memory_mib) + " (coarser pixels, fewer frames or a larger limit)");
  }
  // FFTW threads only when there are fewer frames than threads (a choice made from the global frame
  // count, so every rank plans the same transforms).
  plan.threads = resolve_threads(p.threads);
  const int workers_global = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(plan.threads), plan.frames()));
  plan.fft_threads = std::max(1, plan.threads / std::max(1, workers_global));
  return plan;
}

}  // namespace nanomix::imaging
