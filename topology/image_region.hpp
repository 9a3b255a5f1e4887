#pragma once
// The detection-free image statistic: the tube interior of each movie frame, smoothed and binned,
// ready for a cubical complex (group "interior" of a movie's diagrams file).
//
// Tube finding (axis-aligned tubes, as nanomix renders them and as SMART-EM movies are usually
// cropped): on the time-mean image, the profile across each image axis (mean along the other),
// smoothed by a Gaussian of 0.5 Å. The tube runs along the axis whose across-profile has the larger
// range. Its walls are the outermost extrema of |profile − vacuum level| (vacuum level: the median
// of the outer 5 % of the profile on each side) that exceed 0.3 of the largest deviation; found only
// when that deviation exceeds 6 noise standard deviations of the profile (MAD of its differences).
// The interior is the band between the walls shrunk by `wall_margin_angstrom` on each side (the
// wall's own contrast; ions sit ≥ 3 Å from the wall atoms). Not found: the whole frame, with a note.
// Processing of each frame's band: Gaussian smoothing of standard deviation `smoothing_angstrom`
// (separable, truncated at 3σ, edges clamped), then the mean of `binning` × `binning` pixel blocks
// (a remainder row/column is dropped). Noise floor: pairs of persistence below
// `min_persistence_sigma` × σ are dropped, σ = 1.4826 · MAD of the differences of band pixels
// `lag` binned pixels apart (lag = ceil(3 · smoothing / (binning · pixel)) + 1, beyond the
// smoothing's correlation) / √2 — the band's noise plus, at high dose, part of its signal.
#include <string>
#include <vector>

namespace nanomix::topology {

struct ImageRegionParams {
  double smoothing_angstrom = 0.5;
  int binning = 2;
  double wall_margin_angstrom = 1.5;
  double min_persistence_sigma = 2.0;
};

struct TubeBand {
  bool found = false;
  int across_axis = 0;      ///< 0: walls are columns x = const (tube along y); 1: rows y = const
  double wall_lo_angstrom = 0, wall_hi_angstrom = 0;  ///< wall positions along the across axis
  int lo = 0, hi = 0;       ///< kept pixel range [lo, hi) along the across axis
  std::string note;
};

/// `mean_image`: nx × ny, pixel (x, y) at [y * nx + x]; dx, dy: pixel sizes (Å).
TubeBand find_tube_band(const std::vector<float>& mean_image, int nx, int ny, double dx, double dy, double wall_margin_angstrom);

/// The band of one frame, smoothed and binned: out_nx × out_ny pixels; `x0`, `y0`: the original
/// pixel of binned pixel (0, 0)'s corner (binned pixel (i, j) covers x0 + i·b … x0 + i·b + b − 1).
struct BandImage {
  std::vector<float> pixels;
  int nx = 0, ny = 0, x0 = 0, y0 = 0, binning = 1;
};
/// σ of the band (see above), in the image's unit.
double band_noise(const BandImage& band, double smoothing_angstrom, double pixel_angstrom);

BandImage band_image(const std::vector<float>& frame, int nx, int ny, double dx, double dy, const TubeBand& band,
                     const ImageRegionParams& params);

}  // namespace nanomix::topology
