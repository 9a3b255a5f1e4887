#include "imaging/movie_file.hpp"

#include <sstream>

#include "core/elements.hpp"
#include "core/error.hpp"
#include "core/hdf5_util.hpp"
#include "core/rehearse.hpp"

namespace nanomix::imaging {

namespace {
void num(EmdContents& c, const std::string& name, double v) { c.microscope.push_back({name, false, v, ""}); }
void text(EmdContents& c, const std::string& name, const std::string& v) { c.microscope.push_back({name, true, 0, v}); }

template <class T>
std::string join(const std::vector<T>& v) {
  std::ostringstream s;
  s.precision(10);
  for (std::size_t i = 0; i < v.size(); ++i) s << (i ? " " : "") << v[i];
  return s.str();
}

/// The renderer, source, electron, pixel grid, field of view, slicing and potential attributes.
void geometry_attributes(EmdContents& c, const RenderResult& r, const ImagingParams& p, const std::string& source_name) {
  const auto& o = p.optics;
  text(c, "renderer", "nanomix plane-wave multislice (Kirkland projected potentials, FFTW single precision)");
  text(c, "source", source_name);
  num(c, "voltage_kv", o.voltage_kv);
  num(c, "wavelength_angstrom", r.wavelength_angstrom);
  num(c, "interaction_parameter_rad_per_volt_angstrom", r.sigma_rad_per_volt_angstrom);
  text(c, "electron_convention",
       "relativistic: lambda = h/sqrt(2 m0 e V (1 + eV/(2 m0 c^2))), sigma = 2 pi m e lambda/h^2 with m = gamma m0 (Kirkland 2010 eqs. 2.5, 5.6)");
  num(c, "pixel_size_x_angstrom", r.grid.dx_angstrom);
  num(c, "pixel_size_y_angstrom", r.grid.dy_angstrom);
  num(c, "nx", r.grid.nx);
  num(c, "ny", r.grid.ny);
  text(c, "pixel_convention", "pixel (i, j) is centred at (i*dx, j*dy) from the field of view's origin; data[i, j, t]; dim1 = x, dim2 = y");
  num(c, "fov_x0_angstrom", r.fov_x0_angstrom);
  num(c, "fov_y0_angstrom", r.fov_y0_angstrom);
  num(c, "fov_width_angstrom", r.fov_width_angstrom);
  num(c, "fov_height_angstrom", r.fov_height_angstrom);
  text(c, "projection_axis", p.projection_axis == 0 ? "x" : p.projection_axis == 1 ? "y" : "z");
  text(c, "axes_convention",
       "beam along +projection_axis; image (x, y) = cell (x, y) for a z beam, (y, z) for x, (z, x) for y; periodic image axes wrap");
  num(c, "periodic_wrap_x", r.wrap_x);
  num(c, "periodic_wrap_y", r.wrap_y);
  num(c, "slice_thickness_angstrom", p.slice_thickness_angstrom);
  num(c, "slice_count", r.slice_count);
  num(c, "first_slice_z_angstrom", r.first_slice_z_angstrom);
  num(c, "defocus_reference_z_angstrom", r.defocus_reference_z_angstrom);
  text(c, "slice_convention",
       "slice n covers [first_slice_z + n dz, first_slice_z + (n+1) dz) along the beam (cell coordinates); an atom's whole projected "
       "potential goes to the slice holding its nucleus; the exit wave is at the end of the last slice = defocus_reference_z_angstrom");
  text(c, "multislice_convention",
       "psi <- IFFT[P B FFT[t psi]], t = exp(+i sigma v_z), P = exp(-i pi lambda dz k^2), B = disc |k| <= 2/3 Nyquist; FFT kernel "
       "exp(-2 pi i k.r); incident plane wave psi = 1");
  num(c, "band_limit_per_angstrom", r.grid.band_limit());
  num(c, "band_limit_mrad", r.grid.band_limit() * r.wavelength_angstrom * 1e3);
  text(c, "scattering_table", r.scattering_table);
  text(c, "potential_convention",
       "Kirkland v_z(r) = 4 pi^2 a0 e sum a_i K0(2 pi r sqrt(b_i)) + 2 pi^2 a0 e sum (c_i/d_i) exp(-pi^2 r^2/d_i), a0 = 0.5292 A, e = 14.4 V A; "
       "sampled at pixel centres, shifted to 0 at the cutoff, mean over a disc of one pixel's area inside it");
  text(c, "potential_elements", join(r.elements));
  text(c, "potential_cutoff_angstrom", join(r.cutoff_angstrom));
}

/// The lens: defocus and aberrations (with their convention), aperture, coherence and MTF.
void optics_attributes(EmdContents& c, const RenderResult& r, const ImagingParams& p) {
  const auto& o = p.optics;
  num(c, "defocus_angstrom", o.defocus_angstrom);
  num(c, "c10_angstrom", -o.defocus_angstrom);
  num(c, "cs_angstrom", o.cs_angstrom);
  num(c, "c30_angstrom", o.cs_angstrom);
  num(c, "c5_angstrom", o.c5_angstrom);
  num(c, "c12_angstrom", o.c12_angstrom);
  num(c, "phi12_deg", o.phi12_deg);
  num(c, "c21_angstrom", o.c21_angstrom);
  num(c, "phi21_deg", o.phi21_deg);
  num(c, "c23_angstrom", o.c23_angstrom);
  num(c, "phi23_deg", o.phi23_deg);
  text(c, "aberration_convention",
       "chi(k) = (2 pi/lambda)[theta^2/2 (C10 + C12 cos 2(phi-phi12)) + theta^3/3 (C21 cos(phi-phi21) + C23 cos 3(phi-phi23)) + "
       "theta^4/4 C30 + theta^6/6 C50], theta = lambda |k|, phi from +x towards +y; C10 = -defocus (defocus > 0 = underfocus), "
       "measured from defocus_reference_z_angstrom; psi_image(k) = psi_exit(k) A(k) E(k) exp(-i chi(k))");
  num(c, "aperture_mrad", o.aperture_mrad);
  num(c, "focal_spread_angstrom", o.focal_spread_angstrom);
  text(c, "focal_spread_convention", "standard deviation of a Gaussian defocus distribution");
  num(c, "focal_spread_points", o.focal_spread_points);
  text(c, "temporal_coherence",
       r.focal_defocus_angstrom.size() >= 2
           ? "incoherent sum of images over defocus, Gauss-Hermite points: defocus " + join(r.focal_defocus_angstrom) + " A, weights " + join(r.focal_weights)
           : "envelope on the wave: E_t(k) = exp(-(pi lambda Delta k^2)^2 / 2), Delta = focal_spread_angstrom");
  num(c, "source_semiangle_mrad", o.source_semiangle_mrad);
  text(c, "spatial_coherence",
       "envelope on the wave: E_s(k) = exp(-alpha^2 |grad_k chi|^2 / (4 lambda^2)), illumination angles ~ exp(-theta^2/alpha^2) "
       "(alpha = source_semiangle_mrad, the 1/e half-width)");
  text(c, "mtf", p.mtf.describe());
}

/// Dose, clock, camera noise, frame selection and the run (threads, ranks, seconds).
void dose_attributes(EmdContents& c, const RenderResult& r, const ImagingParams& p) {
  num(c, "dose_e_per_angstrom2", r.dose_e_per_angstrom2);
  num(c, "dose_e_per_pixel", r.dose_e_per_angstrom2 * r.grid.dx_angstrom * r.grid.dy_angstrom);
  num(c, "dose_rate_e_per_nm2_s", r.dose_e_per_angstrom2 * 100.0 / p.frame_time_s);
  num(c, "exposure_time_s", p.frame_time_s);
  num(c, "frame_interval_s", r.frame_interval_s);
  text(c, "clock",
       r.clock_from_trajectory
           ? "dim3 and frame_interval_s are the experiment's clock: the MD time of each frame's first snapshot x the trajectory's "
             "/parameters/md_experiment_seconds_per_ps (the one mapping of [md] experiment_seconds_per_frame); exposure_time_s is "
             "the camera's exposure of one frame ([imaging] frame_time_s), which sets the dose, not the time between frames"
           : "no MD clock in the source: frame k is at k x exposure_time_s (a camera filming continuously)");
  num(c, "gain_counts_per_electron", p.dose.gain_counts_per_electron);
  num(c, "read_noise_counts", p.dose.read_noise_counts);
  num(c, "seed", static_cast<double>(p.dose.seed));
  text(c, "noise_convention",
       "counts = gain * Poisson(dose * dx * dy * max(0, MTF (x) I)) + read_noise * N(0,1); stream Rng(seed, dose_noise, frame index), "
       "mt19937_64 with nanomix's own Poisson and normal transforms");
  num(c, "first_frame", static_cast<double>(p.first_frame));
  num(c, "frame_stride", static_cast<double>(p.frame_stride));
  num(c, "snapshots_per_frame", static_cast<double>(p.snapshots_per_frame));
  num(c, "threads", r.threads);
  num(c, "mpi_ranks", r.ranks);
  num(c, "render_seconds", r.seconds);

}

/// The ground truth datasets: every atom's projected position, depth, species and source frames.
std::vector<EmdDataset> ground_truth_datasets(const RenderResult& r) {
  std::vector<EmdDataset> out;
  const auto& t = r.truth;
  const std::uint64_t nt = r.intensity.frame_count(), n = t.atom_index.size();
  const std::uint64_t spf = nt ? t.source_frames.size() / nt : 0;
  EmdDataset d;
  d = {};
  d.name = "projected_positions_angstrom";
  d.dims = {nt, n, 2};
  d.f32 = t.projected_positions_angstrom;
  d.unit = "angstrom";
  d.description = "per frame and atom: image (x, y) in the pixel frame (pixel (i, j) at (i*dx, j*dy)); mean over the frame's snapshots";
  out.push_back(d);
  d = {};
  d.name = "depth_angstrom";
  d.dims = {nt, n};
  d.f32 = t.depth_angstrom;
  d.unit = "angstrom";
  d.description = "per frame and atom: coordinate along the beam (cell frame)";
  out.push_back(d);
  d = {};
  d.name = "in_field_of_view";
  d.dims = {nt, n};
  d.u8 = t.in_field_of_view;
  d.description = "1 if the atom is in the image in every snapshot of the frame (0: left out, outside_atoms = drop)";
  out.push_back(d);
  d = {};
  d.name = "atomic_numbers";
  d.dims = {nt, n};
  d.i32.assign(t.atomic_numbers.begin(), t.atomic_numbers.end());
  d.description = "per frame and atom: species (Z) in that frame (its first snapshot); they change under Cl<->I swaps";
  out.push_back(d);
  d = {};
  d.name = "atom_index";
  d.dims = {n};
  d.i64 = t.atom_index;
  d.description = "index of each atom in the source structure or trajectory";
  out.push_back(d);
  d = {};
  d.name = "source_frames";
  d.dims = {nt, spf};
  d.i64 = t.source_frames;
  d.description = "MD frame indices averaged into each movie frame";
  out.push_back(d);
  d = {};
  d.name = "source_times_ps";
  d.dims = {nt, spf};
  d.f64 = t.source_times_ps;
  d.unit = "ps";
  d.description = "MD times of those frames";
  out.push_back(d);
  return out;
}
}  // namespace

EmdContents movie_file_contents(const RenderResult& r, const ImagingParams& p, const std::string& source_name,
                                const std::string& config_ini, const std::string& creator) {
  EmdContents c;
  c.creator = creator;
  c.config_ini = config_ini;
  c.movies = {&r.intensity, &r.expected_counts, &r.counts};
  c.frame_times_s = r.frame_times_s;
  c.descriptions = {
      "optical image at the camera, before the camera MTF and noise: |psi_image|^2 relative to the incident beam (vacuum = 1), "
      "averaged over the frame's MD snapshots",
      "expected counts per pixel after the MTF, before noise: gain * dose * dx * dy * max(0, MTF (x) intensity)",
      "noisy counts: gain * Poisson(dose * dx * dy * max(0, MTF (x) intensity)) + Normal(0, read_noise); one random stream per frame"};
  if (p.exit_wave) c.exit_wave = &r.exit_wave;

  geometry_attributes(c, r, p, source_name);
  optics_attributes(c, r, p);
  dose_attributes(c, r, p);
  c.ground_truth = ground_truth_datasets(r);
  return c;
}

int check_movie_format_version(hid_t root, const std::string& path, int oldest) {
  if (!h5::has_attribute(root, "nanomix_movie_format_version")) return 0;
  return h5::check_format_version(root, path, "movie", "nanomix_movie_format_version", oldest, movie_format_version);
}

namespace {

/// A ground-truth dataset whose element count must be `expected` (dims as written).
template <class T>
std::vector<T> read_truth(hid_t f, const std::string& path, const std::string& name, std::size_t expected,
                          std::vector<T> (*read)(hid_t, const std::string&, std::vector<hsize_t>*)) {
  const std::string full = "ground_truth/" + name;
  if (!h5::exists(f, full)) throw InputError(path + ": nanomix movie without /" + full);
  auto v = read(f, full, nullptr);
  if (v.size() != expected)
    throw InputError(path + ": /" + full + " holds " + std::to_string(v.size()) + " values, expected " + std::to_string(expected));
  return v;
}

MovieGroundTruth read_ground_truth_here(const std::string& path) {
  h5::Id f = h5::open_file(path);
  MovieGroundTruth g;
  g.format_version = check_movie_format_version(f, path, oldest_ground_truth_format_version);
  if (g.format_version == 0) throw InputError(path + ": not a nanomix movie (no nanomix_movie_format_version): it has no ground truth");
  std::vector<hsize_t> dims;
  if (!h5::exists(f, "ground_truth/atomic_numbers")) throw InputError(path + ": nanomix movie without /ground_truth/atomic_numbers");
  const auto z = h5::read_int64s(f, "ground_truth/atomic_numbers", &dims);
  if (dims.size() != 2) throw InputError(path + ": /ground_truth/atomic_numbers is not (frames, atoms)");
  g.frames = static_cast<std::size_t>(dims[0]);
  g.atoms = static_cast<std::size_t>(dims[1]);
  g.truth.atomic_numbers.assign(z.begin(), z.end());
  const std::size_t nt = g.frames, n = g.atoms;
  g.truth.atom_index = read_truth<std::int64_t>(f, path, "atom_index", n, h5::read_int64s);
  g.truth.projected_positions_angstrom = read_truth<float>(f, path, "projected_positions_angstrom", nt * n * 2, h5::read_floats);
  g.truth.depth_angstrom = read_truth<float>(f, path, "depth_angstrom", nt * n, h5::read_floats);
  for (auto v : read_truth<std::int64_t>(f, path, "in_field_of_view", nt * n, h5::read_int64s))
    g.truth.in_field_of_view.push_back(static_cast<std::uint8_t>(v != 0));
  h5::read_int64s(f, "ground_truth/source_frames", &dims);
  g.snapshots_per_frame = dims.size() == 2 ? static_cast<std::size_t>(dims[1]) : 0;
  g.truth.source_frames = read_truth<std::int64_t>(f, path, "source_frames", nt * g.snapshots_per_frame, h5::read_int64s);
  g.truth.source_times_ps = read_truth<double>(f, path, "source_times_ps", nt * g.snapshots_per_frame, h5::read_doubles);
  if (h5::exists(f, "microscope")) {
    h5::Id mic = h5::open_group(f, "microscope");
    if (h5::has_attribute(mic, "exposure_time_s")) g.exposure_time_s = h5::read_double_attribute(mic, "exposure_time_s");
  }
  return g;
}

}  // namespace

MovieGroundTruth read_movie_ground_truth(const std::string& path) {
  // libhdf5 may crash or hang on a damaged file: rehearsed in a child first (core/rehearse.hpp).
  return read_rehearsed(path, "movie", [&] { return read_ground_truth_here(path); });
}

}  // namespace nanomix::imaging
