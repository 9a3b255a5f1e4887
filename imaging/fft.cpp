#include "imaging/fft.hpp"

#include <fftw3.h>

#include <mutex>
#include <new>
#include <utility>

#include "core/error.hpp"

namespace nanomix::imaging {

namespace {
std::mutex& planner_mutex() {
  static std::mutex m;  // FFTW's planner is not thread-safe
  return m;
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
  fftwf_plan forward = nullptr;
  fftwf_plan backward = nullptr;
};

Fft2d::Fft2d(int nx, int ny, int threads) : impl_(std::make_unique<Impl>()) {
  std::lock_guard<std::mutex> lock(planner_mutex());
  static bool threads_ready = fftwf_init_threads() != 0;
  if (threads_ready) fftwf_plan_with_nthreads(threads > 1 ? threads : 1);
  FftBuffer scratch(static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny));
  auto* p = reinterpret_cast<fftwf_complex*>(scratch.data());
  // Row-major (ny rows of nx): the slow dimension is y.
  impl_->forward = fftwf_plan_dft_2d(ny, nx, p, p, FFTW_FORWARD, FFTW_ESTIMATE);
  impl_->backward = fftwf_plan_dft_2d(ny, nx, p, p, FFTW_BACKWARD, FFTW_ESTIMATE);
  if (!impl_->forward || !impl_->backward) throw RuntimeError("FFTW could not plan a " + std::to_string(nx) + " x " + std::to_string(ny) + " transform");
}

Fft2d::~Fft2d() {
  std::lock_guard<std::mutex> lock(planner_mutex());
  if (impl_->forward) fftwf_destroy_plan(impl_->forward);
  if (impl_->backward) fftwf_destroy_plan(impl_->backward);
}

void Fft2d::forward(cfloat* data) const {
  auto* p = reinterpret_cast<fftwf_complex*>(data);
  fftwf_execute_dft(impl_->forward, p, p);
}

void Fft2d::backward(cfloat* data) const {
  auto* p = reinterpret_cast<fftwf_complex*>(data);
  fftwf_execute_dft(impl_->backward, p, p);
}

}  // namespace nanomix::imaging
