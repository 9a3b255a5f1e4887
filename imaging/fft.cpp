#include "imaging/fft.hpp"

#include <fftw3.h>

#include <algorithm>
#include <mutex>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace nanomix::imaging {

namespace {
std::mutex& planner_mutex() {
  static std::mutex m;  // FFTW's planner is not thread-safe
  return m;
}

/// dst (cols rows of `rows`) = transpose of src (rows rows of `cols`), in tiles that stay in cache.
void transpose(const cfloat* src, cfloat* dst, int rows, int cols) {
  constexpr int tile = 16;
  const std::size_t r = static_cast<std::size_t>(rows), c = static_cast<std::size_t>(cols);
  for (int i0 = 0; i0 < rows; i0 += tile) {
    const int i1 = std::min(rows, i0 + tile);
    for (int j0 = 0; j0 < cols; j0 += tile) {
      const int j1 = std::min(cols, j0 + tile);
      for (int i = i0; i < i1; ++i) {
        const cfloat* s = src + static_cast<std::size_t>(i) * c;
        for (int j = j0; j < j1; ++j) dst[static_cast<std::size_t>(j) * r + static_cast<std::size_t>(i)] = s[j];
      }
    }
  }
}

/// A per-thread scratch array of at least n elements (aligned like FftBuffer).
cfloat* thread_scratch(std::size_t n) {
  thread_local FftBuffer buf;
  if (buf.size() < n) buf = FftBuffer(n);
  return buf.data();
}
}  // namespace

FftBuffer::FftBuffer(std::size_t n) : n_(n) {
  data_ = reinterpret_cast<cfloat*>(fftwf_alloc_complex(n));
  if (!data_ && n) throw std::bad_alloc();
  for (std::size_t i = 0; i < n; ++i) data_[i] = 0;
}
FftBuffer::~FftBuffer() { fftwf_free(data_); }
FftBuffer::FftBuffer(FftBuffer&& o) noexcept : data_(o.data_), n_(o.n_) {
  o.data_ = nullptr;
  o.n_ = 0;
}
FftBuffer& FftBuffer::operator=(FftBuffer&& o) noexcept {
  std::swap(data_, o.data_);
  std::swap(n_, o.n_);
  return *this;
}

struct Fft2d::Impl {
  // Out-of-place batches of contiguous 1D transforms (they may overwrite their input): along x (ny
  // rows of nx) and along y (nx rows of ny). Out of place, FFTW_ESTIMATE needs no buffered copies.
  fftwf_plan x_forward = nullptr, x_backward = nullptr, y_forward = nullptr, y_backward = nullptr;
};

Fft2d::Fft2d(int nx, int ny, int threads) : impl_(std::make_unique<Impl>()), nx_(nx), ny_(ny) {
  std::lock_guard<std::mutex> lock(planner_mutex());
  static bool threads_ready = fftwf_init_threads() != 0;
  if (threads_ready) fftwf_plan_with_nthreads(threads > 1 ? threads : 1);
  const std::size_t n = static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny);
  FftBuffer in(n), out(n);
  auto* i = reinterpret_cast<fftwf_complex*>(in.data());
  auto* o = reinterpret_cast<fftwf_complex*>(out.data());
  auto batch = [&](int len, int count, int sign) {
    return fftwf_plan_many_dft(1, &len, count, i, nullptr, 1, len, o, nullptr, 1, len, sign, FFTW_ESTIMATE | FFTW_DESTROY_INPUT);
  };
  impl_->x_forward = batch(nx, ny, FFTW_FORWARD);
  impl_->x_backward = batch(nx, ny, FFTW_BACKWARD);
  impl_->y_forward = batch(ny, nx, FFTW_FORWARD);
  impl_->y_backward = batch(ny, nx, FFTW_BACKWARD);
  if (!impl_->x_forward || !impl_->x_backward || !impl_->y_forward || !impl_->y_backward) {
    throw RuntimeError("FFTW could not plan a " + std::to_string(nx) + " x " + std::to_string(ny) + " transform");
  }
}

Fft2d::~Fft2d() {
  std::lock_guard<std::mutex> lock(planner_mutex());
  for (fftwf_plan q : {impl_->x_forward, impl_->x_backward, impl_->y_forward, impl_->y_backward}) {
    if (q) fftwf_destroy_plan(q);
  }
}

namespace {
void run(fftwf_plan plan, cfloat* in, cfloat* out) {
  fftwf_execute_dft(plan, reinterpret_cast<fftwf_complex*>(in), reinterpret_cast<fftwf_complex*>(out));
}
}  // namespace

// Each half: 1D batch (in → out), transpose (out → in), 1D batch (in → out).
void Fft2d::forward_transposed(cfloat* in, cfloat* out) const {
  run(impl_->x_forward, in, out);
  transpose(out, in, ny_, nx_);
  run(impl_->y_forward, in, out);
}

void Fft2d::backward_transposed(cfloat* in, cfloat* out) const {
  run(impl_->y_backward, in, out);
  transpose(out, in, nx_, ny_);
  run(impl_->x_backward, in, out);
}

void Fft2d::forward(cfloat* data) const {
  cfloat* t = thread_scratch(static_cast<std::size_t>(nx_) * static_cast<std::size_t>(ny_));
  forward_transposed(data, t);
  transpose(t, data, nx_, ny_);
}

void Fft2d::backward(cfloat* data) const {
  cfloat* t = thread_scratch(static_cast<std::size_t>(nx_) * static_cast<std::size_t>(ny_));
  transpose(data, t, ny_, nx_);
  backward_transposed(t, data);
}

}  // namespace nanomix::imaging
