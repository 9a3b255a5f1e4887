#pragma once
// The image grid: nx × ny pixels of dx × dy Å, periodic. Pixel (i, j) is centred at (i·dx, j·dy) Å and
// stored at [j·nx + i]. Spatial frequencies k (Å⁻¹, no 2π) in FFTW's order.
#include <complex>
#include <cstddef>

namespace nanomix::imaging {

using cfloat = std::complex<float>;

struct Grid {
  int nx = 0;
  int ny = 0;
  double dx_angstrom = 0;
  double dy_angstrom = 0;

  std::size_t size() const { return static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny); }
  double kx(int i) const { return (i < (nx + 1) / 2 ? i : i - nx) / (nx * dx_angstrom); }
  double ky(int j) const { return (j < (ny + 1) / 2 ? j : j - ny) / (ny * dy_angstrom); }
  double k2(int i, int j) const { return kx(i) * kx(i) + ky(j) * ky(j); }
  /// Nyquist frequency along the coarser axis, 1/(2·max(dx, dy)).
  double nyquist() const { return 0.5 / (dx_angstrom > dy_angstrom ? dx_angstrom : dy_angstrom); }
  /// Band limit of the multislice: 2/3 of the Nyquist frequency (a disc, so that products of two
  /// band-limited functions do not alias; Kirkland 2010, sect. 6.8).
  double band_limit() const { return 2.0 / 3.0 * nyquist(); }
};

}  // namespace nanomix::imaging
