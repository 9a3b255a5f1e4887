#pragma once
// `nanomix image` as a library function: atoms (an extended-XYZ structure or an H5MD trajectory) in,
// a movie of the optical image, the expected camera counts and the noisy counts out, with the
// projected ground truth of every frame.
//
// Geometry. The beam runs along +projection_axis; the image axes (x, y) are the cell's (x, y) for a
// z beam, (y, z) for x, (z, x) for y. The field of view starts at (fov_x0, fov_y0) and spans
// width × height (default: the cell's lengths). Pixel (i, j) is centred at (i·dx, j·dy) Å measured
// from the field of view's origin. The multislice is periodic over the field of view: when the cell
// is periodic along an image axis and the view covers it exactly (origin 0, full length), atoms wrap
// into it; otherwise an atom outside [0, width] × [0, height] is an error (outside_atoms = error) or
// left out of the image (drop; the ground truth marks it).
// Slices are anchored at depth 0 of the cell along the beam; with slice_range = atoms they run from
// the first to the last slice holding atoms in any rendered snapshot, and the defocus reference
// plane is the end of that last slice (defocus_reference_z_angstrom, in cell coordinates).
//
// Frames. Movie frame m uses MD frames first_frame + m·frame_stride + q, q < snapshots_per_frame,
// and averages their image intensities. The clock: a trajectory's frames carry MD time (ps) and the
// trajectory's one mapping to the experiment's seconds (/parameters/md_experiment_seconds_per_ps);
// movie frame m is at experiment time t_ps(first snapshot of m) × that mapping, so the movie's time
// axis, the TIFF frame interval, the trajectory and the report read one clock. Without a mapping
// (a structure, or a trajectory without it) frame m is at m·frame_time_s, a camera filming
// continuously. frame_time_s is always the camera's exposure of one frame (it sets the dose of a
// dose rate). Frames are spread over MPI
// ranks (round robin) and over threads inside a rank; each frame's numbers depend only on its
// index, so the movie is bitwise the same for any number of ranks and threads.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/params.hpp"
#include "core/frame.hpp"
#include "imaging/ctf.hpp"
#include "imaging/detector.hpp"
#include "imaging/grid.hpp"
#include "imaging/movie.hpp"

namespace nanomix::imaging {

/// What the TIFF, MRC and PNG exports of `nanomix image` hold.
enum class ExportQuantity { counts, expected_counts, intensity };

struct ImagingParams {
  OpticsParams optics;
  double pixel_size_angstrom = 0.1;
  int nx = 0, ny = 0;  ///< 0 = from the pixel size
  double slice_thickness_angstrom = 1.0;
  bool slice_range_cell = false;
  double potential_cutoff_angstrom = 0;
  std::string scattering_table;  ///< "" = built-in Kirkland
  MtfParams mtf;
  std::string mtf_file;                 ///< mtf = file: the table (read into mtf by read())
  DoseParams dose;                      ///< dose per frame: dose_e_per_angstrom2, or the rate × frame_time_s
  double dose_rate_e_per_nm2_s = 1e6;   ///< used when dose_e_per_angstrom2 = 0
  double frame_time_s = 0.04;
  int projection_axis = 2;  ///< 0 x, 1 y, 2 z
  double fov_x0_angstrom = 0, fov_y0_angstrom = 0, fov_width_angstrom = 0, fov_height_angstrom = 0;
  bool drop_outside_atoms = false;
  std::size_t first_frame = 0, frame_stride = 1, snapshots_per_frame = 1, max_frames = 0;
  bool exit_wave = false;
  ExportQuantity export_quantity = ExportQuantity::counts;
  int threads = 0;
  double max_memory_mib = 8192;

  /// The [imaging] keys (imaging/imaging_params.cpp). table().read(config) fills the struct, reads
  /// the MTF table, resolves the dose per frame (both dose keys set: an error) and validates.
  static const ParamTable<ImagingParams>& table();
  /// InputError (ParamError where one key is at fault) on impossible or inconsistent values.
  void validate() const;
};

/// Where the atoms come from.
struct SnapshotSource {
  std::string name;         ///< file name, for messages
  bool trajectory = false;  ///< H5MD trajectory (else an XYZ structure)
  std::size_t count = 0;
  std::function<Frame(std::size_t)> read;
  double experiment_seconds_per_ps = 0;  ///< the trajectory's clock mapping (0 = none)

  static SnapshotSource structure(const std::string& xyz_path);
  static SnapshotSource trajectory_file(const std::string& h5md_path);
  static SnapshotSource frames(std::vector<Frame> frames, const std::string& name);  ///< in memory (tests)
};

/// Per frame, every atom: where it projects and whether it is in the image.
struct GroundTruth {
  std::vector<int> atomic_numbers;      ///< (nt, N): species of each atom in each frame (first snapshot's)
  std::vector<std::int64_t> atom_index; ///< (N): index in the source file
  std::vector<float> projected_positions_angstrom;  ///< (nt, N, 2), image frame, mean over the frame's snapshots
  std::vector<float> depth_angstrom;                ///< (nt, N), along the beam, cell frame
  std::vector<std::uint8_t> in_field_of_view;       ///< (nt, N)
  std::vector<std::int64_t> source_frames;          ///< (nt, snapshots_per_frame): MD frame indices
  std::vector<double> source_times_ps;              ///< (nt, snapshots_per_frame)
};

struct RenderResult {
  Grid grid;
  Movie intensity, expected_counts, counts;
  std::vector<std::vector<cfloat>> exit_wave;  ///< per frame, when asked (rank 0)
  GroundTruth truth;
  std::vector<double> frame_times_s;  ///< (nt) each frame's time on the experiment's clock (see Frames above)
  double frame_interval_s = 0;        ///< between frames on that clock (= the movies' frame_time_s)
  bool clock_from_trajectory = false; ///< the times come from the trajectory's mapping (else m·exposure)
  // What was done (written to /microscope).
  double wavelength_angstrom = 0, sigma_rad_per_volt_angstrom = 0;
  double dose_e_per_angstrom2 = 0;
  double fov_x0_angstrom = 0, fov_y0_angstrom = 0, fov_width_angstrom = 0, fov_height_angstrom = 0;
  double first_slice_z_angstrom = 0, defocus_reference_z_angstrom = 0;
  int slice_count = 0;
  bool wrap_x = false, wrap_y = false;
  std::vector<int> elements;                ///< atomic numbers present
  std::vector<double> cutoff_angstrom;      ///< potential cutoff per element
  std::string scattering_table;
  std::vector<double> focal_defocus_angstrom, focal_weights;
  double seconds = 0;
  int threads = 1, ranks = 1;
};

/// Renders the movie. Every rank returns; only rank 0's result holds the frames (others: empty).
/// `progress(done, total)` is called on rank 0 as its frames finish.
RenderResult render_movie(const ImagingParams& params, const SnapshotSource& source,
                          const std::function<void(std::size_t, std::size_t)>& progress = {});

}  // namespace nanomix::imaging
