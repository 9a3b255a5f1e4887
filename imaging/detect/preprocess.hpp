#pragma once
// Optional preprocessing of a movie before column detection, in this order:
//   0. resampling to another pixel size (`resample_to_angstrom`, off by default; `nanomix run`
//      sets it so that an experimental and a simulated movie are detected on one pixel size) by
//      Fourier (cosine-series) interpolation, never by interpolating between pixels: see
//      resample_movie below.
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
#include <cstdint>
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
  double resample_to_angstrom = 0;   ///< step 0: the pixel size to resample to (0 = off)
  std::uint64_t max_bytes = std::uint64_t{8} << 30;  ///< refuse a resampled movie needing more (float32 pixels)

  void validate() const;  ///< InputError on impossible values
};

struct PreprocessResult {
  std::vector<std::array<double, 2>> drift_angstrom;  ///< per frame: the shift removed (x, y), Å
  std::vector<std::string> notes;
  std::string resampling;  ///< step 0: what was resampled from and to ("" = not resampled)
};

/// Preprocesses `movie` in place (its nx, ny and pixel sizes change when it is resampled).
PreprocessResult preprocess(Movie& movie, const PreprocessParams& params);

// Step 0, Fourier resampling. The image along each axis is taken as its mirror-symmetric
// (whole-sample symmetric: x_0 … x_{n−1} … x_1) periodic extension, i.e. the cosine series of its
// DCT-I, which has no jump at the borders (a plain FFT would wrap the left edge onto the right
// one and ring). The first and the last pixel centre stay where they are, so pixel (i, j) is still
// centred at (i·dx', j·dy') Å in the same coordinates as before: an axis of n pixels of size d
// becomes m = round((n − 1)·d / target) + 1 pixels of size d' = (n − 1)·d / (m − 1) (d' is the
// target to within half a pixel over the field of view). Downsampling (m < n) is an ideal low-pass
// filter to the new grid's Nyquist frequency followed by sampling (no aliasing; white noise stays
// white); upsampling (m > n) evaluates the cosine series between the pixels (zero-padding of the
// spectrum), which correlates the noise of neighbouring pixels — the detector's pixel-difference
// noise estimate then reads low, so `nanomix run` only ever resamples the finer movie down to the
// coarser pixel. Downsampling after upsampling returns the original image (to rounding).

/// One axis: n pixels of `pixel_size_angstrom` resampled to about `target_angstrom`.
struct ResampledAxis {
  int pixels = 0;
  double pixel_size_angstrom = 0;
};
/// InputError (naming [detect] resample_to_angstrom) when fewer than 2 or more than 2^20 pixels result.
ResampledAxis resampled_axis(int n, double pixel_size_angstrom, double target_angstrom, const char* axis);
/// An nx × ny image (row-major, x fastest) resampled to mx × my pixels by the cosine series above
/// (float in, double arithmetic); an axis with m = n is left as it is.
std::vector<float> fourier_resample(const std::vector<float>& image, int nx, int ny, int mx, int my);
/// Every frame of `movie` resampled to about `target_angstrom` per pixel in x and y; nx, ny and the
/// pixel sizes updated. Returns a note saying what was done ("" when both axes already had that
/// pixel count). InputError when the result would need more than `max_bytes`.
std::string resample_movie(Movie& movie, double target_angstrom, std::uint64_t max_bytes);

// Building blocks (tested on their own).
/// Separable Gaussian blur of an nx × ny image, σ in pixels (reflecting edges); σ <= 0: a copy.
std::vector<float> gaussian_blur(const std::vector<float>& image, int nx, int ny, double sigma_x_px, double sigma_y_px);
/// Shift (dx, dy) in pixels such that `moved`(x) ≈ `reference`(x − d), by phase correlation.
std::array<double, 2> phase_correlation_shift(const std::vector<float>& reference, const std::vector<float>& moved,
                                              int nx, int ny);
/// `image` sampled at (x + dx, y + dy) (bilinear, edges clamped): undoes a shift of (dx, dy).
std::vector<float> shift_image(const std::vector<float>& image, int nx, int ny, double dx_px, double dy_px);

}  // namespace nanomix::imaging
