#include <cmath>
#include <string>

#include "core/error.hpp"
#include "imaging/render_movie.hpp"

namespace nanomix::imaging {

namespace {
/// The field `f` of the params' optics.
template <class T>
auto optics_field(T OpticsParams::*f) {
  return [f](ImagingParams& p) -> T& { return p.optics.*f; };
}
}  // namespace

// Keys of [imaging]: synthetic SMART-EM movies by plane-wave multislice (docs/imaging.md states every
// convention; the same text goes into each movie's /microscope attributes). The optics defaults are
// a Cs-corrected 80 kV TEM at SMART-EM conditions: Cs = 1 µm, Δf = 30 Å underfocus (near Scherzer),
// a 30 Å focal spread, 0.1 mrad illumination, 400 e/Å² per 40 ms frame.
// Long: one entry per config key of [imaging]; splitting would scatter the table.
const ParamTable<ImagingParams>& ImagingParams::table() {
  static const ParamTable<ImagingParams> t = [] {
    using P = ImagingParams;
    ParamTable<P> t("imaging");
    // Electron and specimen sampling.
    t.real("voltage_kv", optics_field(&OpticsParams::voltage_kv), 80.0, 1.0, 3000.0, "kV", "accelerating voltage (relativistic wavelength and interaction parameter)");
    t.real("pixel_size_angstrom", &P::pixel_size_angstrom, 0.1, 0.001, 100.0, "Å",
           "largest pixel size: the grid takes the smallest FFT-friendly pixel count (2^a 3^b 5^c 7^d) that reaches it across the field of view");
    t.integer("nx", &P::nx, 0, 0, 1048576, "px", "pixels along the image x axis (0 = from pixel_size_angstrom)");
    t.integer("ny", &P::ny, 0, 0, 1048576, "px", "pixels along the image y axis (0 = from pixel_size_angstrom)");
    t.real("slice_thickness_angstrom", &P::slice_thickness_angstrom, 1.0, 0.01, 1000.0, "Å", "multislice slice thickness along the beam");
    t.choice("slice_range", &P::slice_range_cell, "atoms", {{"atoms", false}, {"cell", true}},
             "atoms: slices from the first to the last slice holding atoms (over all frames); cell: slices tile the cell along the beam");
    t.real("potential_cutoff_angstrom", &P::potential_cutoff_angstrom, 0.0, 0.0, 20.0, "Å",
           "radius of each atom's projected potential (0 = per element: the tail beyond carries < 0.1 % of its integral, at most 8 Å)");
    t.path("scattering_table", &P::scattering_table, "", "Kirkland-format parameter file (empty = Kirkland 2010, App. C, built in)");
    // Objective lens (Krivanek coefficients; Δf = −C10).
    t.real("defocus_angstrom", optics_field(&OpticsParams::defocus_angstrom), 30.0, -1.0e7, 1.0e7, "Å",
           "Δf = −C10, positive = underfocus, measured from defocus_reference_z_angstrom (the exit surface)");
    t.real("cs_angstrom", optics_field(&OpticsParams::cs_angstrom), 1.0e4, -1.0e9, 1.0e9, "Å", "spherical aberration C30 (Cs-corrected TEM: a few µm or less)");
    t.real("c5_angstrom", optics_field(&OpticsParams::c5_angstrom), 0.0, -1.0e11, 1.0e11, "Å", "fifth-order spherical aberration C50");
    t.real("c12_angstrom", optics_field(&OpticsParams::c12_angstrom), 0.0, -1.0e7, 1.0e7, "Å", "twofold astigmatism C12 (magnitude)");
    t.real("phi12_deg", optics_field(&OpticsParams::phi12_deg), 0.0, -360.0, 360.0, "deg", "azimuth of C12 from +x towards +y");
    t.real("c21_angstrom", optics_field(&OpticsParams::c21_angstrom), 0.0, -1.0e9, 1.0e9, "Å", "axial coma C21 (magnitude)");
    t.real("phi21_deg", optics_field(&OpticsParams::phi21_deg), 0.0, -360.0, 360.0, "deg", "azimuth of C21");
    t.real("c23_angstrom", optics_field(&OpticsParams::c23_angstrom), 0.0, -1.0e9, 1.0e9, "Å", "threefold astigmatism C23 (magnitude)");
    t.real("phi23_deg", optics_field(&OpticsParams::phi23_deg), 0.0, -360.0, 360.0, "deg", "azimuth of C23");
    t.real("aperture_mrad", optics_field(&OpticsParams::aperture_mrad), 0.0, 0.0, 1000.0, "mrad", "objective aperture semi-angle (0 = none)");
    t.real("focal_spread_angstrom", optics_field(&OpticsParams::focal_spread_angstrom), 30.0, 0.0, 1.0e5, "Å", "standard deviation of the defocus spread (chromatic; temporal coherence)");
    t.choice("temporal_coherence", optics_field(&OpticsParams::temporal_coherence), "defocus_sum", {{"defocus_sum", TemporalCoherence::defocus_sum}, {"envelope", TemporalCoherence::envelope}},
             "defocus_sum: exact for the focal spread, images summed over defocus (Gauss–Hermite); envelope: the fast "
           "approximation exp(−½(πλΔk²)²) on the wave (error in docs/imaging.md)");
    t.integer("focal_spread_points", optics_field(&OpticsParams::focal_spread_points), 0, 0, 64, "",
              "Gauss–Hermite points of the defocus sum; 0: the fewest that resolve the defocus phase out to the band limit (at most 16)");
    t.real("source_semiangle_mrad", optics_field(&OpticsParams::source_semiangle_mrad), 0.1, 0.0, 100.0, "mrad",
           "illumination semi-angle α (angular distribution ∝ exp(−θ²/α²)); spatial envelope on the wave");
    // Camera.
    t.choice("mtf", [](P& p) -> MtfParams::Kind& { return p.mtf.kind; }, "none", {{"none", MtfParams::Kind::none}, {"parametric", MtfParams::Kind::parametric}, {"file", MtfParams::Kind::table}},
             "detector MTF: none; parametric (1−c)/(1+(ν/ν0)^p)+c with ν = q/q_Nyquist; file: two columns ν MTF");
    t.real("mtf_nu0", [](P& p) -> double& { return p.mtf.nu0; }, 0.5, 1e-3, 100.0, "Nyquist", "parametric MTF: ν0");
    t.real("mtf_power", [](P& p) -> double& { return p.mtf.power; }, 2.0, 0.1, 100.0, "", "parametric MTF: p");
    t.real("mtf_floor", [](P& p) -> double& { return p.mtf.floor; }, 0.0, 0.0, 1.0, "", "parametric MTF: c");
    t.path("mtf_file", &P::mtf_file, "", "mtf = file: table of 'ν MTF' rows (ν in units of Nyquist, increasing from 0)");
    t.custom(real_key("", "dose_e_per_angstrom2", 0.0, 0.0, 1.0e12, "e/Å²",
           "electron dose per frame (0 = dose_rate_e_per_nm2_s × frame_time_s)"),
             [](P& p, const std::string& v) { p.dose.dose_e_per_angstrom2 = std::stod(v); });
    t.real("dose_rate_e_per_nm2_s", &P::dose_rate_e_per_nm2_s, 1.0e6, 0.0, 1.0e15, "e/(nm²·s)", "dose rate, used when dose_e_per_angstrom2 = 0");
    t.real("frame_time_s", &P::frame_time_s, 0.04, 1e-9, 1.0e6, "s", "the camera's exposure of one frame (SMART-EM: 0.04 s); sets the dose of a dose rate. The time between movie frames is the trajectory's clock ([md] experiment_seconds_per_frame), or this exposure for a structure");
    t.real("gain_counts_per_electron", [](P& p) -> double& { return p.dose.gain_counts_per_electron; }, 1.0, 1e-6, 1e6, "counts/e", "camera conversion gain");
    t.real("read_noise_counts", [](P& p) -> double& { return p.dose.read_noise_counts; }, 0.0, 0.0, 1e6, "counts", "standard deviation of Gaussian read noise added to each pixel");
    t.integer("seed", [](P& p) -> std::uint64_t& { return p.dose.seed; }, 1, 0, 9.0e18, "", "seed of the dose noise (one stream per frame: frame index, not rank or thread)");
    // Which atoms, which frames, which view.
    t.choice("projection_axis", &P::projection_axis, "z", {{"x", 0}, {"y", 1}, {"z", 2}},
             "beam direction (+axis); image axes (x, y) = (x, y) for z, (y, z) for x, (z, x) for y");
    t.real("fov_x0_angstrom", &P::fov_x0_angstrom, 0.0, -1.0e6, 1.0e6, "Å", "field of view: image x of pixel column 0 in the cell frame");
    t.real("fov_y0_angstrom", &P::fov_y0_angstrom, 0.0, -1.0e6, 1.0e6, "Å", "field of view: image y of pixel row 0");
    t.real("fov_width_angstrom", &P::fov_width_angstrom, 0.0, 0.0, 1.0e6, "Å", "field of view along image x (0 = the cell's length along that axis)");
    t.real("fov_height_angstrom", &P::fov_height_angstrom, 0.0, 0.0, 1.0e6, "Å", "field of view along image y (0 = the cell's length)");
    t.choice("outside_atoms", &P::drop_outside_atoms, "error", {{"error", false}, {"drop", true}},
             "atoms outside a non-periodic field of view: error, or leave them out (periodic cells with the full view wrap)");
    t.integer("first_frame", &P::first_frame, 0, 0, 9.0e18, "", "trajectory: first MD frame used");
    t.integer("frame_stride", &P::frame_stride, 1, 1, 1.0e9, "", "trajectory: every k-th MD frame starts a movie frame");
    t.integer("snapshots_per_frame", &P::snapshots_per_frame, 1, 1, 10000, "",
              "trajectory: a movie frame averages the image intensities of this many consecutive MD frames (its exposure)");
    t.integer("max_frames", &P::max_frames, 0, 0, 1.0e9, "", "at most this many movie frames (0 = all)");
    // Outputs and resources.
    t.boolean("exit_wave", &P::exit_wave, false, "also write /data/exit_wave (complex, the first snapshot of each frame)");
    t.choice("export_quantity", &P::export_quantity, "counts", {{"counts", ExportQuantity::counts}, {"expected_counts", ExportQuantity::expected_counts}, {"intensity", ExportQuantity::intensity}},
             "what the TIFF, MRC and PNG outputs hold");
    t.integer("threads", &P::threads, 0, 0, 1024, "", "threads per process (0 = all cores); frames are spread over them");
    t.integer("max_memory_mib", [](P& p) -> double& { return p.max_memory_mib; }, 8192, 1, 1.0e8, "MiB", "refuse grids and movies that would need more memory than this");
    t.finish([](P& p, const auto& is_set) {
      const std::string s = "imaging";
      if (p.mtf.kind == MtfParams::Kind::table) {
        if (p.mtf_file.empty()) throw ParamError(s, "mtf_file", "mtf = file needs a table file");
        p.mtf = MtfParams::read_table(p.mtf_file);
      } else if (p.mtf.kind == MtfParams::Kind::none) {
        p.mtf = MtfParams{};
      }
      const double dose = p.dose.dose_e_per_angstrom2;
      if (is_set("dose_e_per_angstrom2") && is_set("dose_rate_e_per_nm2_s") && dose > 0) {
        throw ParamError(s, "dose_e_per_angstrom2", "set either the dose per frame or dose_rate_e_per_nm2_s (× frame_time_s), not both");
      }
      p.dose.dose_e_per_angstrom2 = dose > 0 ? dose : p.dose_rate_e_per_nm2_s / 100.0 * p.frame_time_s;
      if (!(p.dose.dose_e_per_angstrom2 > 0)) {
        throw ParamError(s, dose > 0 ? "dose_e_per_angstrom2" : "dose_rate_e_per_nm2_s", "the dose per frame must be positive");
      }
    });
    return t;
  }();
  return t;
}

void ImagingParams::validate() const {
  if (optics.focal_spread_points == 1) {
    throw ParamError("imaging", "focal_spread_points", "must be 0 (chosen per grid) or at least 2 quadrature points");
  }
  if (snapshots_per_frame > frame_stride) {
    throw ParamError("imaging", "snapshots_per_frame",
                     "a frame's exposure cannot hold more MD frames than frame_stride = " + std::to_string(frame_stride));
  }
  optics.validate();
  if (!(pixel_size_angstrom > 0) || !std::isfinite(pixel_size_angstrom)) throw InputError("[imaging] pixel_size_angstrom must be positive");
  if (!(slice_thickness_angstrom > 0)) throw InputError("[imaging] slice_thickness_angstrom must be positive");
  if (!(dose.dose_e_per_angstrom2 > 0) || !std::isfinite(dose.dose_e_per_angstrom2)) throw InputError("[imaging] the dose per frame must be positive");
  if (!(dose.gain_counts_per_electron > 0)) throw InputError("[imaging] gain_counts_per_electron must be positive");
  if (!(dose.read_noise_counts >= 0)) throw InputError("[imaging] read_noise_counts must be >= 0");
  if (frame_stride < 1 || snapshots_per_frame < 1) throw InputError("[imaging] frame_stride and snapshots_per_frame must be >= 1");
}

}  // namespace nanomix::imaging
