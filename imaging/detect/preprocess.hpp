#pragma once
// Optional preprocessing of a movie before column detection, in this order:
//   1. normalisation: `mean` divides each frame by its mean and subtracts 1 (contrast relative to
//      the frame's average, so the dose per frame drops out); `background` divides by a wide
//      Gaussian blur of the frame (σ = background_sigma_angstrom) and subtracts 1 (flat-fields
//      uneven illumination and thickness); `vacuum` divides by the mean of a vacuum rectangle
//      given in Å and subtracts 1; `none` leaves the values as read.
//   2. drift correction: each frame's shift against a reference (the first frame, or the previous
//      frame with shifts accumulated) by phase correlation (FFTW) with a parabolic sub-pixel peak;
//      frames are shifted back by bilinear interpolation (edges clamped). Positions detected
//      afterwards are in the first frame's coordinates.
//   3. temporal running average over a centred window of `temporal_window_frames` frames
//      (truncated at the movie's ends).
//   4. spatial Gaussian denoising (σ = gaussian_sigma_angstrom; done inside detection so that the
//      noise estimate sees the undenoised frame, see detect_columns.hpp).
#include <array>
#include <string>
#include <vector>

#include "imaging/movie.hpp"

namespace nanomix::imaging {

enum class Normalisation { none, mean, background, vacuum };
enum class DriftReference { first, previous };

struct PreprocessParams {
  Normalisation normalisation = Normalisation::mean;
  double background_sigma_angstrom = 10.0;
  std::array<double, 4> vacuum_region_angstrom = {0, 0, 0, 0};  ///< x0, y0, x1, y1
  bool drift_correction = false;
  DriftReference drift_reference = DriftReference::first;
  double drift_max_angstrom = 20.0;  ///< a larger estimated shift is an error (wrong lattice match)
  int temporal_window_frames = 1;    ///< 1 = off

  void validate() const;  ///< InputError on impossible values
};

struct PreprocessResult {
  std::vector<std::array<double, 2>> drift_angstrom;  ///< per frame: the shift removed (x, y), Å
  std::vector<std::string> notes;
};

/// Preprocesses `movie` in place.
PreprocessResult preprocess(Movie& movie, const PreprocessParams& params);

// Building blocks (tested on their own).
/// Separable Gaussian blur of an nx × ny image, σ in pixels (reflecting edges); σ <= 0: a copy.
std::vector<float> gaussian_blur(const std::vector<float>& image, int nx, int ny, double sigma_x_px, double sigma_y_px);
/// Shift (dx, dy) in pixels such that `moved`(x) ≈ `reference`(x − d), by phase correlation.
std::array<double, 2> phase_correlation_shift(const std::vector<float>& reference, const std::vector<float>& moved,
                                              int nx, int ny);
/// `image` sampled at (x + dx, y + dy) (bilinear, edges clamped): undoes a shift of (dx, dy).
std::vector<float> shift_image(const std::vector<float>& image, int nx, int ny, double dx_px, double dy_px);

}  // namespace nanomix::imaging
