#include "imaging/fft.hpp"

#include <fftw3.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/memory.hpp"
#include "imaging/kernels.hpp"

namespace nanomix::imaging {

namespace {
std::mutex& planner_mutex() {
  static std::mutex m;  // FFTW's planner is not thread-safe
  return m;
}

/// A per-thread scratch array of at least n elements (aligned like FftBuffer).
cfloat* thread_scratch(std::size_t n) {
  thread_local FftBuffer buf;
  if (buf.size() < n) buf = FftBuffer(n);
  return buf.data();
}

void run(fftwf_plan plan, cfloat* in, cfloat* out) {
  fftwf_execute_dft(plan, reinterpret_cast<fftwf_complex*>(in), reinterpret_cast<fftwf_complex*>(out));
}
}  // namespace

KxBand band_rows(const Grid& g) {
  const double kmax2 = g.band_limit() * g.band_limit();
  KxBand b;
  while (b.low_end < g.nx && g.kx(b.low_end) * g.kx(b.low_end) <= kmax2) ++b.low_end;
  b.high_begin = g.nx;
  while (b.high_begin > b.low_end && g.kx(b.high_begin - 1) * g.kx(b.high_begin - 1) <= kmax2) --b.high_begin;
  // kx·kx grows from row 0 to row (nx − 1)/2 and falls after it: the rows between are all outside.
  for (int i = b.low_end; i < b.high_begin; ++i) {
    if (g.kx(i) * g.kx(i) <= kmax2) throw RuntimeError("band_rows: the band's rows are not two runs");
  }
  return b;
}

FftBuffer::FftBuffer(std::size_t n) : n_(n) {
  data_ = reinterpret_cast<cfloat*>(fftwf_alloc_complex(n));
  if (!data_ && n) throw std::bad_alloc();
  prefault(data_, n * sizeof(cfloat));
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
  // Transposes (FFTW rank-0 transforms: copies, no arithmetic) of ny rows of nx into nx rows of ny
  // and back. A copy is exact whatever algorithm does it, so these are planned with FFTW_MEASURE
  // (about 3x faster than ESTIMATE's or a scalar tiled loop's at 1536 x 512) without costing the
  // bitwise identity across threads, ranks and runs that the transforms' fixed plans keep.
  fftwf_plan yx_to_xy = nullptr, xy_to_yx = nullptr;
  // Whether each transpose is done by kernels::best().transpose (SIMD register blocks through
  // buffered 32 x 32 tiles) instead: the faster of the two, timed at construction for one thread (a
  // copy: the same bits either way). On this project's machines ours is ~2x faster at demo size and
  // at 1536 x 512; the timing keeps FFTW's where a CPU or a grid says otherwise.
  bool own_yx_to_xy = false, own_xy_to_yx = false;
  // The y batches over the band's rows only, [0, low_end) and [high_begin, nx) (null where a run is
  // empty, or where the band is every row): the same transforms as y_forward's and y_backward's.
  fftwf_plan y_forward_low = nullptr, y_forward_high = nullptr, y_backward_low = nullptr, y_backward_high = nullptr;
};

Fft2d::Fft2d(int nx, int ny, int threads) : Fft2d(nx, ny, threads, KxBand{}) {}

Fft2d::Fft2d(int nx, int ny, int threads, KxBand band) : impl_(std::make_unique<Impl>()), nx_(nx), ny_(ny), band_(band) {
  if (band_.low_end < 0 || band_.high_begin > nx || band_.low_end >= band_.high_begin) band_ = KxBand{nx, nx};  // every row
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
  auto transpose = [&](int rows, int cols) {  // rows × cols (row-major) → cols × rows
    fftwf_iodim dims[2] = {{rows, cols, 1}, {cols, 1, rows}};
    return fftwf_plan_guru_dft(0, nullptr, 2, dims, i, o, FFTW_FORWARD, FFTW_MEASURE);
  };
  impl_->yx_to_xy = transpose(ny, nx);
  impl_->xy_to_yx = transpose(nx, ny);
  // What FFTW_MEASURE learnt (its wisdom) must not reach the ESTIMATE plans of the transforms,
  // here or in any later Fft2d: the planner uses wisdom of a higher rigour where it has some.
  fftwf_forget_wisdom();
  impl_->x_forward = batch(nx, ny, FFTW_FORWARD);
  impl_->x_backward = batch(nx, ny, FFTW_BACKWARD);
  impl_->y_forward = batch(ny, nx, FFTW_FORWARD);
  impl_->y_backward = batch(ny, nx, FFTW_BACKWARD);
  const int lo = band_.low_end, hi = band_.high_begin;
  if (lo < hi) {
    auto rows = [&](int first, int count, int sign) {
      const std::size_t at = static_cast<std::size_t>(first) * static_cast<std::size_t>(ny);
      return fftwf_plan_many_dft(1, &ny, count, i + at, nullptr, 1, ny, o + at, nullptr, 1, ny, sign,
                                 FFTW_ESTIMATE | FFTW_DESTROY_INPUT);
    };
    if (lo > 0) {
      impl_->y_forward_low = rows(0, lo, FFTW_FORWARD);
      impl_->y_backward_low = rows(0, lo, FFTW_BACKWARD);
      if (!impl_->y_forward_low || !impl_->y_backward_low) throw RuntimeError("FFTW could not plan the band's transforms");
    }
    if (hi < nx) {
      impl_->y_forward_high = rows(hi, nx - hi, FFTW_FORWARD);
      impl_->y_backward_high = rows(hi, nx - hi, FFTW_BACKWARD);
      if (!impl_->y_forward_high || !impl_->y_backward_high) throw RuntimeError("FFTW could not plan the band's transforms");
    }
  }
  if (!impl_->x_forward || !impl_->x_backward || !impl_->y_forward || !impl_->y_backward || !impl_->yx_to_xy ||
      !impl_->xy_to_yx) {
    throw RuntimeError("FFTW could not plan a " + std::to_string(nx) + " x " + std::to_string(ny) + " transform");
  }
  if (threads <= 1) {
    // The faster transpose: medians of 5 timings each, taken in turn.
    const auto transpose_kernel = kernels::best().transpose;
    auto own_is_faster = [&](fftwf_plan plan, int rows, int cols) {
      using clock = std::chrono::steady_clock;
      std::vector<double> fftw_s, own_s;
      for (int r = 0; r < 5; ++r) {
        auto t0 = clock::now();
        fftwf_execute_dft(plan, i, o);
        auto t1 = clock::now();
        transpose_kernel(in.data(), static_cast<std::size_t>(cols), rows, cols, out.data(), static_cast<std::size_t>(rows));
        auto t2 = clock::now();
        fftw_s.push_back(std::chrono::duration<double>(t1 - t0).count());
        own_s.push_back(std::chrono::duration<double>(t2 - t1).count());
      }
      std::nth_element(fftw_s.begin(), fftw_s.begin() + 2, fftw_s.end());
      std::nth_element(own_s.begin(), own_s.begin() + 2, own_s.end());
      return own_s[2] < fftw_s[2];
    };
    impl_->own_yx_to_xy = own_is_faster(impl_->yx_to_xy, ny, nx);
    impl_->own_xy_to_yx = own_is_faster(impl_->xy_to_yx, nx, ny);
  }
}

void Fft2d::transpose_yx_to_xy(cfloat* in, cfloat* out) const {
  if (impl_->own_yx_to_xy) kernels::best().transpose(in, static_cast<std::size_t>(nx_), ny_, nx_, out, static_cast<std::size_t>(ny_));
  else run(impl_->yx_to_xy, in, out);
}

void Fft2d::transpose_xy_to_yx(cfloat* in, cfloat* out) const {
  if (impl_->own_xy_to_yx) kernels::best().transpose(in, static_cast<std::size_t>(ny_), nx_, ny_, out, static_cast<std::size_t>(nx_));
  else run(impl_->xy_to_yx, in, out);
}

Fft2d::~Fft2d() {
  std::lock_guard<std::mutex> lock(planner_mutex());
  for (fftwf_plan q : {impl_->x_forward, impl_->x_backward, impl_->y_forward, impl_->y_backward, impl_->yx_to_xy,
                        impl_->xy_to_yx, impl_->y_forward_low, impl_->y_forward_high, impl_->y_backward_low,
                        impl_->y_backward_high}) {
    if (q) fftwf_destroy_plan(q);
  }
}

// Each half: 1D batch (in → out), transpose (out → in), 1D batch (in → out).
void Fft2d::forward_transposed(cfloat* in, cfloat* out) const {
  run(impl_->x_forward, in, out);
  transpose_yx_to_xy(out, in);
  run(impl_->y_forward, in, out);
}

void Fft2d::backward_transposed(cfloat* in, cfloat* out) const {
  run(impl_->y_backward, in, out);
  transpose_xy_to_yx(out, in);
  run(impl_->x_backward, in, out);
}

void Fft2d::forward_transposed_band(cfloat* in, cfloat* out) const {
  const int lo = band_.low_end, hi = band_.high_begin;
  if (lo >= hi) {
    forward_transposed(in, out);
    return;
  }
  const std::size_t ny = static_cast<std::size_t>(ny_), at = static_cast<std::size_t>(hi) * ny;
  run(impl_->x_forward, in, out);
  if (impl_->own_yx_to_xy) {  // only the band's columns
    const auto t = kernels::best().transpose;
    if (lo > 0) t(out, static_cast<std::size_t>(nx_), ny_, lo, in, ny);
    if (hi < nx_) t(out + hi, static_cast<std::size_t>(nx_), ny_, nx_ - hi, in + at, ny);
  } else {
    run(impl_->yx_to_xy, out, in);
  }
  if (impl_->y_forward_low) run(impl_->y_forward_low, in, out);
  if (impl_->y_forward_high) run(impl_->y_forward_high, in + at, out + at);
  std::fill(out + static_cast<std::size_t>(lo) * ny, out + at, cfloat(0.0f, 0.0f));
}

void Fft2d::backward_transposed_band(cfloat* in, cfloat* out) const {
  const int lo = band_.low_end, hi = band_.high_begin;
  if (lo >= hi) {
    backward_transposed(in, out);
    return;
  }
  const std::size_t nx = static_cast<std::size_t>(nx_), ny = static_cast<std::size_t>(ny_), at = static_cast<std::size_t>(hi) * ny;
  if (impl_->y_backward_low) run(impl_->y_backward_low, in, out);
  if (impl_->y_backward_high) run(impl_->y_backward_high, in + at, out + at);
  if (impl_->own_xy_to_yx) {  // the band's rows into their columns; zeros in the others
    const auto t = kernels::best().transpose;
    if (lo > 0) t(out, ny, lo, ny_, in, nx);
    if (hi < nx_) t(out + at, ny, nx_ - hi, ny_, in + hi, nx);
    for (std::size_t j = 0; j < ny; ++j) std::fill(in + j * nx + static_cast<std::size_t>(lo), in + j * nx + static_cast<std::size_t>(hi), cfloat(0.0f, 0.0f));
  } else {
    std::fill(out + static_cast<std::size_t>(lo) * ny, out + at, cfloat(0.0f, 0.0f));
    run(impl_->xy_to_yx, out, in);
  }
  run(impl_->x_backward, in, out);
}

void Fft2d::forward(cfloat* data) const {
  cfloat* t = thread_scratch(static_cast<std::size_t>(nx_) * static_cast<std::size_t>(ny_));
  forward_transposed(data, t);
  transpose_xy_to_yx(t, data);
}

void Fft2d::backward(cfloat* data) const {
  cfloat* t = thread_scratch(static_cast<std::size_t>(nx_) * static_cast<std::size_t>(ny_));
  transpose_yx_to_xy(data, t);
  backward_transposed(t, data);
}

}  // namespace nanomix::imaging
