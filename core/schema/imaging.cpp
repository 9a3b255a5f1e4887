#include "core/config_schema.hpp"

namespace nanomix::schema {

// Keys of [imaging]: synthetic SMART-EM movies by plane-wave multislice (docs/imaging.md states every
// convention; the same text goes into each movie's /microscope attributes). The optics defaults are
// a Cs-corrected 80 kV TEM at SMART-EM conditions: Cs = 1 µm, Δf = 30 Å underfocus (near Scherzer),
// a 30 Å focal spread, 0.1 mrad illumination, 400 e/Å² per 40 ms frame.
std::vector<KeySpec> imaging_keys() {
  const std::string s = "imaging";
  return {
      // Electron and specimen sampling.
      real_key(s, "voltage_kv", 80.0, 1.0, 3000.0, "kV", "accelerating voltage (relativistic wavelength and interaction parameter)"),
      real_key(s, "pixel_size_angstrom", 0.1, 0.001, 100.0, "Å",
               "largest pixel size: the grid takes the smallest FFT-friendly pixel count (2^a 3^b 5^c 7^d) that reaches it across the field of view"),
      int_key(s, "nx", 0, 0, 1048576, "px", "pixels along the image x axis (0 = from pixel_size_angstrom)"),
      int_key(s, "ny", 0, 0, 1048576, "px", "pixels along the image y axis (0 = from pixel_size_angstrom)"),
      real_key(s, "slice_thickness_angstrom", 1.0, 0.01, 1000.0, "Å", "multislice slice thickness along the beam"),
      choice_key(s, "slice_range", "atoms", {"atoms", "cell"},
                 "atoms: slices from the first to the last slice holding atoms (over all frames); cell: slices tile the cell along the beam"),
      real_key(s, "potential_cutoff_angstrom", 0.0, 0.0, 20.0, "Å",
               "radius of each atom's projected potential (0 = per element: the tail beyond carries < 0.1 % of its integral, at most 8 Å)"),
      path_key(s, "scattering_table", "", "Kirkland-format parameter file (empty = Kirkland 2010, App. C, built in)"),
      // Objective lens (Krivanek coefficients; Δf = −C10).
      real_key(s, "defocus_angstrom", 30.0, -1.0e7, 1.0e7, "Å",
               "Δf = −C10, positive = underfocus, measured from defocus_reference_z_angstrom (the exit surface)"),
      real_key(s, "cs_angstrom", 1.0e4, -1.0e9, 1.0e9, "Å", "spherical aberration C30 (Cs-corrected TEM: a few µm or less)"),
      real_key(s, "c5_angstrom", 0.0, -1.0e11, 1.0e11, "Å", "fifth-order spherical aberration C50"),
      real_key(s, "c12_angstrom", 0.0, -1.0e7, 1.0e7, "Å", "twofold astigmatism C12 (magnitude)"),
      real_key(s, "phi12_deg", 0.0, -360.0, 360.0, "deg", "azimuth of C12 from +x towards +y"),
      real_key(s, "c21_angstrom", 0.0, -1.0e9, 1.0e9, "Å", "axial coma C21 (magnitude)"),
      real_key(s, "phi21_deg", 0.0, -360.0, 360.0, "deg", "azimuth of C21"),
      real_key(s, "c23_angstrom", 0.0, -1.0e9, 1.0e9, "Å", "threefold astigmatism C23 (magnitude)"),
      real_key(s, "phi23_deg", 0.0, -360.0, 360.0, "deg", "azimuth of C23"),
      real_key(s, "aperture_mrad", 0.0, 0.0, 1000.0, "mrad", "objective aperture semi-angle (0 = none)"),
      real_key(s, "focal_spread_angstrom", 30.0, 0.0, 1.0e5, "Å", "standard deviation of the defocus spread (chromatic; temporal coherence)"),
      choice_key(s, "temporal_coherence", "defocus_sum", {"defocus_sum", "envelope"},
                 "defocus_sum: exact for the focal spread, images summed over defocus (Gauss–Hermite); envelope: the fast "
                 "approximation exp(−½(πλΔk²)²) on the wave (error in docs/imaging.md)"),
      int_key(s, "focal_spread_points", 0, 0, 64, "",
              "Gauss–Hermite points of the defocus sum; 0: the fewest that resolve the defocus phase out to the band limit (at most 16)"),
      real_key(s, "source_semiangle_mrad", 0.1, 0.0, 100.0, "mrad",
               "illumination semi-angle α (angular distribution ∝ exp(−θ²/α²)); spatial envelope on the wave"),
      // Camera.
      choice_key(s, "mtf", "none", {"none", "parametric", "file"},
                 "detector MTF: none; parametric (1−c)/(1+(ν/ν0)^p)+c with ν = q/q_Nyquist; file: two columns ν MTF"),
      real_key(s, "mtf_nu0", 0.5, 1e-3, 100.0, "Nyquist", "parametric MTF: ν0"),
      real_key(s, "mtf_power", 2.0, 0.1, 100.0, "", "parametric MTF: p"),
      real_key(s, "mtf_floor", 0.0, 0.0, 1.0, "", "parametric MTF: c"),
      path_key(s, "mtf_file", "", "mtf = file: table of 'ν MTF' rows (ν in units of Nyquist, increasing from 0)"),
      real_key(s, "dose_e_per_angstrom2", 0.0, 0.0, 1.0e12, "e/Å²",
               "electron dose per frame (0 = dose_rate_e_per_nm2_s × frame_time_s)"),
      real_key(s, "dose_rate_e_per_nm2_s", 1.0e6, 0.0, 1.0e15, "e/(nm²·s)", "dose rate, used when dose_e_per_angstrom2 = 0"),
      real_key(s, "frame_time_s", 0.04, 1e-9, 1.0e6, "s", "the camera's exposure of one frame (SMART-EM: 0.04 s); sets the dose of a dose rate. The time between movie frames is the trajectory's clock ([md] experiment_seconds_per_frame), or this exposure for a structure"),
      real_key(s, "gain_counts_per_electron", 1.0, 1e-6, 1e6, "counts/e", "camera conversion gain"),
      real_key(s, "read_noise_counts", 0.0, 0.0, 1e6, "counts", "standard deviation of Gaussian read noise added to each pixel"),
      int_key(s, "seed", 1, 0, 9.0e18, "", "seed of the dose noise (one stream per frame: frame index, not rank or thread)"),
      // Which atoms, which frames, which view.
      choice_key(s, "projection_axis", "z", {"x", "y", "z"},
                 "beam direction (+axis); image axes (x, y) = (x, y) for z, (y, z) for x, (z, x) for y"),
      real_key(s, "fov_x0_angstrom", 0.0, -1.0e6, 1.0e6, "Å", "field of view: image x of pixel column 0 in the cell frame"),
      real_key(s, "fov_y0_angstrom", 0.0, -1.0e6, 1.0e6, "Å", "field of view: image y of pixel row 0"),
      real_key(s, "fov_width_angstrom", 0.0, 0.0, 1.0e6, "Å", "field of view along image x (0 = the cell's length along that axis)"),
      real_key(s, "fov_height_angstrom", 0.0, 0.0, 1.0e6, "Å", "field of view along image y (0 = the cell's length)"),
      choice_key(s, "outside_atoms", "error", {"error", "drop"},
                 "atoms outside a non-periodic field of view: error, or leave them out (periodic cells with the full view wrap)"),
      int_key(s, "first_frame", 0, 0, 9.0e18, "", "trajectory: first MD frame used"),
      int_key(s, "frame_stride", 1, 1, 1.0e9, "", "trajectory: every k-th MD frame starts a movie frame"),
      int_key(s, "snapshots_per_frame", 1, 1, 10000, "",
              "trajectory: a movie frame averages the image intensities of this many consecutive MD frames (its exposure)"),
      int_key(s, "max_frames", 0, 0, 1.0e9, "", "at most this many movie frames (0 = all)"),
      // Outputs and resources.
      bool_key(s, "exit_wave", false, "also write /data/exit_wave (complex, the first snapshot of each frame)"),
      choice_key(s, "export_quantity", "counts", {"counts", "expected_counts", "intensity"}, "what the TIFF, MRC and PNG outputs hold"),
      int_key(s, "threads", 0, 0, 1024, "", "threads per process (0 = all cores); frames are spread over them"),
      int_key(s, "max_memory_mib", 8192, 1, 1.0e8, "MiB", "refuse grids and movies that would need more memory than this"),
  };
}

}  // namespace nanomix::schema
