#pragma once
// The movie plan: everything `render_movie` decides before it computes a pixel — which MD snapshots
// make each movie frame, the field of view, the grid, the slices, the experiment's clock, the
// thread split — and the checks of sampling and memory that refuse a movie before anything large is
// allocated. Pure functions of the parameters and of plain facts about the atoms (the number of
// snapshots, the first cell, the depth range, the snapshot times): no FFT, no file, no thread
// (tests/imaging/test_movie_plan.cpp). The conventions are those of render_movie.hpp.
#include <cstddef>
#include <string>
#include <vector>

#include "core/frame.hpp"
#include "imaging/grid.hpp"
#include "imaging/render_movie.hpp"

namespace nanomix::imaging {

/// The smallest n ≥ m whose prime factors are 2, 3, 5, 7.
int fft_friendly_size(int m);

/// Which MD snapshots make each movie frame: frame m holds first_frame + m·frame_stride + q,
/// q < snapshots_per_frame, for as long as they exist in `snapshot_count` and m < max_frames
/// (0 = no limit). InputError naming `source_name` when no frame fits.
std::vector<std::vector<std::size_t>> frame_snapshots(const ImagingParams& params, std::size_t snapshot_count,
                                                      const std::string& source_name);

/// Cell axes (0 x, 1 y, 2 z) of the beam and of the image's x and y, and the view's rectangle.
struct FieldOfView {
  int beam_axis = 2, x_axis = 0, y_axis = 1;
  double x0_angstrom = 0, y0_angstrom = 0, width_angstrom = 0, height_angstrom = 0;
  bool wrap_x = false, wrap_y = false;  ///< atoms wrap periodically into the view along x / y
  double beam_length_angstrom = 0;      ///< the cell's length along the beam
};

/// The view of `box` (the first snapshot's cell; it must be orthorhombic) from [imaging]'s axis and
/// fov_* keys: the cell's lengths unless set; wraps when the cell is periodic along an image axis
/// and the view covers it exactly.
FieldOfView plan_field_of_view(const ImagingParams& params, const Box& box, const std::string& source_name);

/// nx × ny pixels over the view: nx, ny when set, else the smallest FFT-friendly count whose
/// pixels are at most pixel_size_angstrom.
Grid plan_grid(const ImagingParams& params, const FieldOfView& view);

/// InputError unless the grid renders what the lens transmits: the objective aperture inside the
/// band limit (2/3 Nyquist) or, without an aperture, the envelopes below 1 % at the band limit.
/// `pixel_origin` names what set the pixels in the message ("[imaging] pixel_size_angstrom", or
/// nx / ny when the grid was given in pixels).
void check_sampling(const OpticsParams& optics, const Grid& grid, const std::string& pixel_origin = "[imaging] pixel_size_angstrom");

/// Memory the render needs (MiB): shared engines, one workspace per working thread, the movie.
double render_memory_mib(const ImagingParams& params, const Grid& grid, std::size_t frames);

/// Slices along the beam: slice n covers [first_z + n·Δz, first_z + (n+1)·Δz) in cell coordinates.
struct SliceGeometry {
  double first_z_angstrom = 0;
  double thickness_angstrom = 1;
  int count = 1;
  /// The end of the last slice: where the exit wave is and where defocus is measured from.
  double defocus_reference_z_angstrom() const { return first_z_angstrom + count * thickness_angstrom; }
  /// The slice holding depth `z` (clamped to the slices).
  std::size_t slice_of(double z_angstrom) const;
};

/// slice_range = cell: slices tile [0, beam length]; atoms: from the slice of `depth_min` to the
/// slice of `depth_max` (the range of the imaged atoms over every snapshot; one slice at 0 when
/// there are none, depth_min = +∞).
SliceGeometry plan_slices(const ImagingParams& params, const FieldOfView& view, double depth_min_angstrom,
                          double depth_max_angstrom);

/// The experiment's clock (render_movie.hpp, Frames).
struct MovieClock {
  std::vector<double> frame_times_s;  ///< per frame
  double frame_interval_s = 0;        ///< mean step between frames (frame_time_s for one frame)
  bool from_trajectory = false;       ///< times from the trajectory's mapping, else m·frame_time_s
};

/// Frame m at first_times_ps[m] × experiment_seconds_per_ps when the source is a trajectory with
/// a mapping (> 0), else at m·frame_time_s. `first_times_ps`: the MD time of each frame's first
/// snapshot.
MovieClock plan_clock(const ImagingParams& params, const std::vector<double>& first_times_ps, bool trajectory,
                      double experiment_seconds_per_ps);

/// What is decided before the atoms are projected.
struct MoviePlan {
  std::vector<std::vector<std::size_t>> snapshots;  ///< per movie frame, its MD frames
  FieldOfView view;
  Grid grid;
  double wavelength_angstrom = 0, sigma_rad_per_volt_angstrom = 0;
  int threads = 1;      ///< threads per rank
  int fft_threads = 1;  ///< threads inside each FFT (> 1 only with fewer frames than threads)
  std::size_t frames() const { return snapshots.size(); }
};

/// The plan for `snapshots` (from frame_snapshots) and the first snapshot's cell; checks sampling
/// and memory (InputError naming the key to change).
MoviePlan plan_movie(const ImagingParams& params, std::vector<std::vector<std::size_t>> snapshots, const Box& first_box,
                     const std::string& source_name);

/// "x", "y" or "z" for cell axis 0, 1, 2 (error messages of the plan and the specimen).
const char* axis_name(int axis);
/// A number in an error message: 6 significant digits.
std::string format_number(double v);

}  // namespace nanomix::imaging
