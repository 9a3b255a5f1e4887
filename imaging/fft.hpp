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

/// Forward (e^{−2πi k·r}) and backward (e^{+2πi k·r}, unnormalised) 2D transforms.
class Fft2d {
 public:
  /// `threads` FFTW threads per transform (1 = none).
  Fft2d(int nx, int ny, int threads = 1);
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
  int nx() const { return nx_; }
  int ny() const { return ny_; }

 private:
  /// ny rows of nx → nx rows of ny, and back (out of place; by the faster of FFTW's plan and ours).
  void transpose_yx_to_xy(cfloat* in, cfloat* out) const;
  void transpose_xy_to_yx(cfloat* in, cfloat* out) const;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int nx_ = 0, ny_ = 0;
};

/// Index of frequency (i, j) in the transposed spectral layout of an nx × ny grid.
inline std::size_t transposed_index(const Grid& g, int i, int j) {
  return static_cast<std::size_t>(i) * static_cast<std::size_t>(g.ny) + static_cast<std::size_t>(j);
}

}  // namespace nanomix::imaging
