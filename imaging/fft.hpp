#pragma once
// 2D complex FFTs in single precision (FFTW3f). Plans are made once per grid, under a process-wide
// lock (only fftwf_execute* is thread-safe), and executed on any buffer from FftBuffer (same
// alignment). Plans use FFTW_ESTIMATE: the algorithm, and so every rounding, is then the same in
// every process and run, which keeps MPI and threaded results bitwise identical.
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

/// In-place forward (e^{−2πi k·r}) and backward (e^{+2πi k·r}, unnormalised) 2D transforms.
class Fft2d {
 public:
  /// `threads` FFTW threads per transform (1 = none).
  Fft2d(int nx, int ny, int threads = 1);
  ~Fft2d();
  Fft2d(const Fft2d&) = delete;
  Fft2d& operator=(const Fft2d&) = delete;
  void forward(cfloat* data) const;
  void backward(cfloat* data) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nanomix::imaging
