#pragma once
// A movie as nanomix holds it in memory: a stack of 2D frames of one quantity, with its pixel
// size and frame time. Writers (EMD, TIFF, MRC, PNG) and readers (experimental movies) both use it.
//
// Pixel (i, j) — i along x (columns), j along y (rows) — is centred at (i·dx, j·dy) Å and is stored
// at frames[t][j·nx + i] (row-major, x fastest, as an image is shown: row j is a line of constant y).
#include <cstddef>
#include <string>
#include <vector>

namespace nanomix::imaging {

struct Movie {
  int nx = 0;  ///< pixels along x
  int ny = 0;  ///< pixels along y
  double pixel_size_x_angstrom = 0;
  double pixel_size_y_angstrom = 0;
  double frame_time_s = 0;      ///< time between frames (0 if unknown)
  std::string quantity;         ///< "intensity", "expected_counts", "counts", …
  std::string unit;             ///< unit of the pixel values ("" = dimensionless, "counts")
  std::vector<std::vector<float>> frames;  ///< frames[t][j * nx + i]

  std::size_t frame_count() const { return frames.size(); }
  std::size_t pixel_count() const { return static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny); }
  float& at(std::size_t t, int i, int j) { return frames[t][static_cast<std::size_t>(j) * static_cast<std::size_t>(nx) + static_cast<std::size_t>(i)]; }
  float at(std::size_t t, int i, int j) const { return frames[t][static_cast<std::size_t>(j) * static_cast<std::size_t>(nx) + static_cast<std::size_t>(i)]; }
};

}  // namespace nanomix::imaging
