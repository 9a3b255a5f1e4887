#pragma once
// 2D complex FFTs in single precision (FFTW3f), as a fixed plan: a 2D transform is a batch of
// contiguous 1D transforms along x (one per row), a cache-blocked transpose (FFTW's timed plan or
// SIMD register blocks, whichever the constructor times faster: a copy, the same bits), and a batch
// of contiguous 1D transforms along y, each batch out of place. The 1D batches are planned with FFTW_ESTIMATE, whose choice
// depends only on the sizes (never on timings): every thread, rank and run executes the same
// arithmetic, so results are bitwise identical across them. Timed planning (FFTW_MEASURE) of the 2D
// transform could choose different algorithms in different processes; this decomposition runs
// about as fast (bench/imaging measures it against FFTW_MEASURE 2D plans), while FFTW_ESTIMATE's own
// 2D plan runs the column transforms unbuffered at stride nx (several times slower).
//
// Layouts. Real space and the standard spectrum: ny rows of nx, element (i, j) at j·nx + i. The
// transposed spectrum (what `forward_transposed` gives and `backward_transposed` takes, as
// FFTW_MPI_TRANSPOSED_OUT does): element (i, j) at i·ny + j. The multislice stays in the transposed
// spectrum between the two halves of a slice and so saves a transpose per transform.
// Plans are made once per grid, under a process-wide lock (only fftwf_execute* is thread-safe), and
// executed on any buffer from FftBuffer (same alignment).
//
// Band-limited transforms. The multislice and the lens never carry a frequency beyond the band
// limit (grid.hpp: 2/3 Nyquist), so whole rows of the transposed spectrum — the kx with
// kx² > k_band² — are zero in every spectrum they transform back, and are multiplied by zero in
// every spectrum they make. `forward_transposed_band` and `backward_transposed_band` skip the 1D
// transforms (and transposed copies) of those rows: about a third of the rows of the y batches, a
// sixth of a 2D transform's arithmetic. The kept rows run the same FFTW_ESTIMATE codelets as in the
// full batch (tests/imaging/test_imaging.cpp compares them bit by bit); the skipped ones are zeros.
#include <cstddef>
#include <memory>

#include "imaging/grid.hpp"

namespace nanomix::imaging {

/// An aligned array of complex floats (fftwf_malloc).
class FftBuffer {
 public:
  FftBuffer() = default;
  explicit FftBuffer(std::size_t n);
  ~FftBuffer();
  FftBuffer(FftBuffer&& o) noexcept;
  FftBuffer& operator=(FftBuffer&& o) noexcept;
  FftBuffer(const FftBuffer&) = delete;
  FftBuffer& operator=(const FftBuffer&) = delete;
  cfloat* data() { return data_; }
  const cfloat* data() const { return data_; }
  std::size_t size() const { return n_; }
  cfloat& operator[](std::size_t i) { return data_[i]; }
  const cfloat& operator[](std::size_t i) const { return data_[i]; }

 private:
  cfloat* data_ = nullptr;
  std::size_t n_ = 0;
};

/// The rows of the transposed spectrum that band-limited transforms keep: kx indices [0, low_end)
/// and [high_begin, nx), i.e. the kx with kx·kx ≤ k_band·k_band in double precision, the test of
/// the propagator and the lens (every frequency they transfer lies in these rows).
struct KxBand {
  int low_end = 0;
  int high_begin = 0;
};
KxBand band_rows(const Grid& g);

/// Forward (e^{−2πi k·r}) and backward (e^{+2πi k·r}, unnormalised) 2D transforms.
class Fft2d {
 public:
  /// `threads` FFTW threads per transform (1 = none). The band-limited transforms keep the rows of
  /// `band` (default: all rows, so that they equal the full ones).
  Fft2d(int nx, int ny, int threads = 1);
  Fft2d(int nx, int ny, int threads, KxBand band);
  ~Fft2d();
  Fft2d(const Fft2d&) = delete;
  Fft2d& operator=(const Fft2d&) = delete;
  /// In place, standard layout in and out (two transposes; a per-thread scratch buffer).
  void forward(cfloat* data) const;
  void backward(cfloat* data) const;
  /// Real space `in` (standard layout; overwritten) → spectrum in the transposed layout in `out`
/// (`in` ≠ `out`).
  void forward_transposed(cfloat* in, cfloat* out) const;
  /// Transposed spectrum `in` (overwritten) → real space in the standard layout in `out`.
  void backward_transposed(cfloat* in, cfloat* out) const;
  /// As forward_transposed, but only the band's rows of the spectrum are computed; the others are
  /// set to zero (the spectrum multiplied by the band's indicator).
  void forward_transposed_band(cfloat* in, cfloat* out) const;
  /// As backward_transposed for a spectrum that is zero outside the band's rows (they are not read).
  void backward_transposed_band(cfloat* in, cfloat* out) const;
  const KxBand& band() const { return band_; }
  int nx() const { return nx_; }
  int ny() const { return ny_; }

 private:
  /// ny rows of nx → nx rows of ny, and back (out of place; by the faster of FFTW's plan and ours).
  void transpose_yx_to_xy(cfloat* in, cfloat* out) const;
  void transpose_xy_to_yx(cfloat* in, cfloat* out) const;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int nx_ = 0, ny_ = 0;
  KxBand band_;
};

/// Index of frequency (i, j) in the transposed spectral layout of an nx × ny grid.
inline std::size_t transposed_index(const Grid& g, int i, int j) {
  return static_cast<std::size_t>(i) * static_cast<std::size_t>(g.ny) + static_cast<std::size_t>(j);
}

}  // namespace nanomix::imaging
