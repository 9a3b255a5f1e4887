#include "imaging/detect/preprocess.hpp"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <mutex>
#include <numeric>

#include "core/error.hpp"

namespace nanomix::imaging {

namespace {

std::mutex& fftw_planner_mutex() {
  static std::mutex m;  // FFTW's planner is not thread-safe; fftw_execute is
  return m;
}

int reflect(int i, int n) {
  if (n == 1) return 0;
  const int period = 2 * n - 2;
  i %= period;
  if (i < 0) i += period;
  return i < n ? i : period - i;
}

std::vector<double> gaussian_kernel(double sigma) {
  const int r = std::max(1, static_cast<int>(std::ceil(4.0 * sigma)));
  std::vector<double> k(static_cast<std::size_t>(2 * r + 1));
  double sum = 0;
  for (int i = -r; i <= r; ++i) sum += k[static_cast<std::size_t>(i + r)] = std::exp(-0.5 * i * i / (sigma * sigma));
  for (double& v : k) v /= sum;
  return k;
}

double frame_mean(const std::vector<float>& f) {
  double s = 0;
  for (float v : f) s += v;
  return f.empty() ? 0.0 : s / static_cast<double>(f.size());
}

struct Fft2 {
  int nx, ny;
  double* real = nullptr;
  fftw_complex* spec = nullptr;
  fftw_plan forward = nullptr, backward = nullptr;
  Fft2(int nx_, int ny_) : nx(nx_), ny(ny_) {
    const std::size_t nc = static_cast<std::size_t>(ny) * static_cast<std::size_t>(nx / 2 + 1);
    real = fftw_alloc_real(static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny));
    spec = fftw_alloc_complex(nc);
    std::lock_guard<std::mutex> lock(fftw_planner_mutex());
    forward = fftw_plan_dft_r2c_2d(ny, nx, real, spec, FFTW_ESTIMATE);
    backward = fftw_plan_dft_c2r_2d(ny, nx, spec, real, FFTW_ESTIMATE);
  }
  ~Fft2() {
    std::lock_guard<std::mutex> lock(fftw_planner_mutex());
    fftw_destroy_plan(forward);
    fftw_destroy_plan(backward);
    fftw_free(real);
    fftw_free(spec);
  }
  Fft2(const Fft2&) = delete;
  Fft2& operator=(const Fft2&) = delete;
  std::vector<std::complex<double>> transform(const std::vector<float>& image) {
    // Remove the mean and taper the edges (Hann window) so the borders do not dominate.
    const double m = frame_mean(image);
    for (int j = 0; j < ny; ++j) {
      const double wy = 0.5 - 0.5 * std::cos(2 * M_PI * (j + 0.5) / ny);
      for (int i = 0; i < nx; ++i) {
        const double wx = 0.5 - 0.5 * std::cos(2 * M_PI * (i + 0.5) / nx);
        const std::size_t k = static_cast<std::size_t>(j) * static_cast<std::size_t>(nx) + static_cast<std::size_t>(i);
        real[k] = (image[k] - m) * wx * wy;
      }
    }
    fftw_execute(forward);
    const std::size_t nc = static_cast<std::size_t>(ny) * static_cast<std::size_t>(nx / 2 + 1);
    std::vector<std::complex<double>> out(nc);
    for (std::size_t k = 0; k < nc; ++k) out[k] = {spec[k][0], spec[k][1]};
    return out;
  }
};

}  // namespace

void PreprocessParams::validate() const {
  if (!(background_sigma_angstrom > 0)) throw InputError("[detect] background_sigma_angstrom must be > 0");
  if (temporal_window_frames < 1) throw InputError("[detect] temporal_window_frames must be >= 1");
  if (!(drift_max_angstrom > 0)) throw InputError("[detect] drift_max_angstrom must be > 0");
  if (normalisation == Normalisation::vacuum &&
      !(vacuum_region_angstrom[2] > vacuum_region_angstrom[0] && vacuum_region_angstrom[3] > vacuum_region_angstrom[1])) {
    throw InputError("[detect] vacuum_region_angstrom must be x0,y0,x1,y1 with x1 > x0 and y1 > y0");
  }
}

std::vector<float> gaussian_blur(const std::vector<float>& image, int nx, int ny, double sx, double sy) {
  std::vector<float> out = image;
  if (sx > 0) {
    const auto k = gaussian_kernel(sx);
    const int r = static_cast<int>(k.size() / 2);
    std::vector<float> row(static_cast<std::size_t>(nx));
    for (int j = 0; j < ny; ++j) {
      const float* src = out.data() + static_cast<std::size_t>(j) * static_cast<std::size_t>(nx);
      for (int i = 0; i < nx; ++i) {
        double s = 0;
        for (int q = -r; q <= r; ++q) s += k[static_cast<std::size_t>(q + r)] * src[reflect(i + q, nx)];
        row[static_cast<std::size_t>(i)] = static_cast<float>(s);
      }
      std::copy(row.begin(), row.end(), out.begin() + static_cast<std::ptrdiff_t>(j) * nx);
    }
  }
  if (sy > 0) {
    const auto k = gaussian_kernel(sy);
    const int r = static_cast<int>(k.size() / 2);
    std::vector<float> col(static_cast<std::size_t>(ny));
    for (int i = 0; i < nx; ++i) {
      for (int j = 0; j < ny; ++j) {
        double s = 0;
        for (int q = -r; q <= r; ++q) {
          s += k[static_cast<std::size_t>(q + r)] * out[static_cast<std::size_t>(reflect(j + q, ny)) * static_cast<std::size_t>(nx) + static_cast<std::size_t>(i)];
        }
        col[static_cast<std::size_t>(j)] = static_cast<float>(s);
      }
      for (int j = 0; j < ny; ++j) out[static_cast<std::size_t>(j) * static_cast<std::size_t>(nx) + static_cast<std::size_t>(i)] = col[static_cast<std::size_t>(j)];
    }
  }
  return out;
}

std::array<double, 2> phase_correlation_shift(const std::vector<float>& reference, const std::vector<float>& moved,
                                              int nx, int ny) {
  Fft2 fft(nx, ny);
  const auto a = fft.transform(reference);
  const auto b = fft.transform(moved);
  const std::size_t nc = a.size();
  for (std::size_t k = 0; k < nc; ++k) {
    std::complex<double> c = b[k] * std::conj(a[k]);
    const double m = std::abs(c);
    c = m > 1e-30 ? c / m : std::complex<double>(0, 0);
    fft.spec[k][0] = c.real();
    fft.spec[k][1] = c.imag();
  }
  fftw_execute(fft.backward);
  std::size_t best = 0;
  for (std::size_t k = 1; k < static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny); ++k) {
    if (fft.real[k] > fft.real[best]) best = k;
  }
  const int bi = static_cast<int>(best % static_cast<std::size_t>(nx)), bj = static_cast<int>(best / static_cast<std::size_t>(nx));
  auto value = [&](int i, int j) {
    i = (i % nx + nx) % nx;
    j = (j % ny + ny) % ny;
    return fft.real[static_cast<std::size_t>(j) * static_cast<std::size_t>(nx) + static_cast<std::size_t>(i)];
  };
  auto parabola = [](double m, double c, double p) {
    const double d = m - 2 * c + p;
    return std::abs(d) > 1e-30 ? std::clamp(0.5 * (m - p) / d, -0.5, 0.5) : 0.0;
  };
  double dx = bi + parabola(value(bi - 1, bj), value(bi, bj), value(bi + 1, bj));
  double dy = bj + parabola(value(bi, bj - 1), value(bi, bj), value(bi, bj + 1));
  if (dx > nx / 2.0) dx -= nx;
  if (dy > ny / 2.0) dy -= ny;
  return {dx, dy};
}

std::vector<float> shift_image(const std::vector<float>& image, int nx, int ny, double dx, double dy) {
  std::vector<float> out(image.size());
  for (int j = 0; j < ny; ++j) {
    const double y = std::clamp(j + dy, 0.0, static_cast<double>(ny - 1));
    const int j0 = std::min(static_cast<int>(y), ny - 1), j1 = std::min(j0 + 1, ny - 1);
    const double fy = y - j0;
    for (int i = 0; i < nx; ++i) {
      const double x = std::clamp(i + dx, 0.0, static_cast<double>(nx - 1));
      const int i0 = std::min(static_cast<int>(x), nx - 1), i1 = std::min(i0 + 1, nx - 1);
      const double fx = x - i0;
      auto at = [&](int a, int b) { return image[static_cast<std::size_t>(b) * static_cast<std::size_t>(nx) + static_cast<std::size_t>(a)]; };
      out[static_cast<std::size_t>(j) * static_cast<std::size_t>(nx) + static_cast<std::size_t>(i)] =
          static_cast<float>((1 - fy) * ((1 - fx) * at(i0, j0) + fx * at(i1, j0)) + fy * ((1 - fx) * at(i0, j1) + fx * at(i1, j1)));
    }
  }
  return out;
}

namespace {

/// Checked in floating point before the kernel is allocated: a blur wider than the frame is
/// pointless, and a tiny pixel size would otherwise ask for a kernel of billions of taps.
void check_background_sigma(const PreprocessParams& p, int nx, int ny, double px, double py) {
  const double sigma_px = p.background_sigma_angstrom / std::min(px, py);
  if (!(sigma_px <= std::max(nx, ny))) {
    throw InputError("[detect] background_sigma_angstrom = " + std::to_string(p.background_sigma_angstrom) + " Å is " +
                     std::to_string(sigma_px) + " pixels at pixel size " + std::to_string(std::min(px, py)) +
                     " Å, wider than the frame (" + std::to_string(std::max(nx, ny)) + " px): check the pixel size");
  }
}

/// Mean of frame f over vacuum_region_angstrom (x0, y0, x1, y1; pixels whose centres lie inside).
double vacuum_mean(const std::vector<float>& f, const PreprocessParams& p, int nx, int ny, double px, double py) {
  const auto& r = p.vacuum_region_angstrom;
  // Clamped in floating point before the casts (a tiny pixel size must not overflow them).
  auto index = [](double v, int n) { return static_cast<int>(std::clamp(v, -1.0, static_cast<double>(n))); };
  const int i0 = std::max(0, index(std::ceil(r[0] / px), nx)), i1 = std::min(nx - 1, index(std::floor(r[2] / px), nx));
  const int j0 = std::max(0, index(std::ceil(r[1] / py), ny)), j1 = std::min(ny - 1, index(std::floor(r[3] / py), ny));
  if (i1 < i0 || j1 < j0) throw InputError("[detect] vacuum_region_angstrom holds no pixel of the image");
  double s = 0;
  for (int j = j0; j <= j1; ++j) {
    for (int i = i0; i <= i1; ++i) s += f[static_cast<std::size_t>(j) * static_cast<std::size_t>(nx) + static_cast<std::size_t>(i)];
  }
  return s / ((i1 - i0 + 1.0) * (j1 - j0 + 1.0));
}

/// Step 1: frame t as contrast, f / reference − 1, the reference by `normalise` (the frame's mean,
/// its blurred background, or the mean of a vacuum region); none leaves it as it is.
void normalise_frame(std::vector<float>& f, std::size_t t, const PreprocessParams& p, int nx, int ny, double px, double py) {
  if (p.normalisation == Normalisation::mean) {
    const double m = frame_mean(f);
    if (!(std::abs(m) > 1e-12)) throw InputError("frame " + std::to_string(t) + " has mean 0: [detect] normalise = mean needs positive intensities (use none)");
    for (float& v : f) v = static_cast<float>(v / m - 1.0);
  } else if (p.normalisation == Normalisation::background) {
    const auto bg = gaussian_blur(f, nx, ny, p.background_sigma_angstrom / px, p.background_sigma_angstrom / py);
    for (std::size_t k = 0; k < f.size(); ++k) {
      if (!(std::abs(bg[k]) > 1e-12)) throw InputError("frame " + std::to_string(t) + ": background 0, cannot normalise ([detect] normalise = background)");
      f[k] = static_cast<float>(f[k] / bg[k] - 1.0);
    }
  } else if (p.normalisation == Normalisation::vacuum) {
    const double m = vacuum_mean(f, p, nx, ny, px, py);
    if (!(std::abs(m) > 1e-12)) throw InputError("frame " + std::to_string(t) + ": vacuum region mean is 0");
    for (float& v : f) v = static_cast<float>(v / m - 1.0);
  }
}

/// Step 2: every frame's shift (pixels) against the first or the previous frame by phase
/// correlation, then every frame shifted back; the shifts in Å into result.drift_angstrom.
void correct_drift(Movie& movie, const PreprocessParams& p, double px, double py, PreprocessResult& result) {
  const int nx = movie.nx, ny = movie.ny;
  std::vector<std::array<double, 2>> shift_px(movie.frame_count(), {0.0, 0.0});
  const std::vector<float> first = movie.frames[0];
  for (std::size_t t = 1; t < movie.frame_count(); ++t) {
    const auto& ref = p.drift_reference == DriftReference::first ? first : movie.frames[t - 1];
    // Against the previous frame the raw (unshifted) previous frame is compared, then accumulated.
    auto d = phase_correlation_shift(ref, movie.frames[t], nx, ny);
    if (p.drift_reference == DriftReference::previous) {
      d[0] += shift_px[t - 1][0];
      d[1] += shift_px[t - 1][1];
    }
    shift_px[t] = d;
    const double mag = std::hypot(d[0] * px, d[1] * py);
    if (mag > p.drift_max_angstrom) {
      throw RuntimeError("drift correction: frame " + std::to_string(t) + " seems shifted by " + std::to_string(mag) +
                         " Å, more than [detect] drift_max_angstrom = " + std::to_string(p.drift_max_angstrom));
    }
  }
  // Shift after estimating everything (the "previous" reference compares raw neighbours).
  for (std::size_t t = 1; t < movie.frame_count(); ++t) {
    movie.frames[t] = shift_image(movie.frames[t], nx, ny, shift_px[t][0], shift_px[t][1]);
    result.drift_angstrom[t] = {shift_px[t][0] * px, shift_px[t][1] * py};
  }
}

/// Step 3: temporal running average over temporal_window_frames (centred, truncated at the ends;
/// even windows lean backwards).
void running_average(Movie& movie, const PreprocessParams& p, PreprocessResult& result) {
  const int half = p.temporal_window_frames / 2;
  const int even_extra = p.temporal_window_frames % 2 == 0 ? 1 : 0;  // even windows lean backwards
  const auto source = movie.frames;
  const int nt = static_cast<int>(movie.frame_count());
  for (int t = 0; t < nt; ++t) {
    const int a = std::max(0, t - half), b = std::min(nt - 1, t + half - even_extra);
    auto& f = movie.frames[static_cast<std::size_t>(t)];
    std::vector<double> acc(f.size(), 0.0);
    for (int s = a; s <= b; ++s) {
      const auto& g = source[static_cast<std::size_t>(s)];
      for (std::size_t k = 0; k < acc.size(); ++k) acc[k] += g[k];
    }
    for (std::size_t k = 0; k < acc.size(); ++k) f[k] = static_cast<float>(acc[k] / (b - a + 1));
  }
  result.notes.push_back("temporal running average over " + std::to_string(p.temporal_window_frames) + " frames");
}

}  // namespace

ResampledAxis resampled_axis(int n, double pixel_size_angstrom, double target_angstrom, const char* axis) {
  if (n < 2 || target_angstrom == pixel_size_angstrom) return {n, pixel_size_angstrom};
  if (!(target_angstrom > 0) || !(pixel_size_angstrom > 0)) throw InputError("[detect] resample_to_angstrom: pixel sizes must be > 0");
  const double span_angstrom = (n - 1) * pixel_size_angstrom;  // first to last pixel centre
  const double m = std::round(span_angstrom / target_angstrom) + 1;  // checked before the cast
  char line[300];
  if (!(m >= 2) || !(m <= double(1 << 20))) {
    std::snprintf(line, sizeof line, "[detect] resample_to_angstrom = %.4g Å: %d pixels of %.4g Å along %s would become %.3g pixels (2 to 2^20 allowed)",
                  target_angstrom, n, pixel_size_angstrom, axis, m);
    throw InputError(line);
  }
  const int pixels = static_cast<int>(m);
  return {pixels, pixels == n ? pixel_size_angstrom : span_angstrom / (pixels - 1)};
}

namespace {

/// Weight of cosine k in the DCT-I series of n samples, x_j = [Σ_k w(k)·Y_k·cos(πjk/(n−1))] / (2(n−1))
/// with Y = FFTW's REDFT00 of x: 1 for k = 0 and k = n − 1, else 2.
double dct1_weight(int k, int n) { return k == 0 || k == n - 1 ? 1.0 : 2.0; }

/// Resamples, in place in a buffer of `count` sequences (element stride `stride`, first elements
/// `dist` apart), each sequence from n to m samples. The cosine series of the n samples, cut
/// to its first min(n, m) terms, is evaluated at the m new points t_j = j·(n − 1)/(m − 1):
/// cos(πk·t_j/(n−1)) = cos(πjk/(m−1)), so the new coefficients are Z_k = r·Y_k·w_n(k)/w_m(k),
/// r = (m − 1)/(n − 1), and the new samples the inverse DCT-I of Z (factor 1/(2(m−1))). The term
/// at the new grid's Nyquist frequency (k = m − 1 < n − 1) is kept whole: sampled, it is (−1)^j.
class AxisResampler {
 public:
  AxisResampler(int n, int m, int count, int stride_n, int dist_n, int stride_m, int dist_m)
      : n_(n), m_(m), count_(count), stride_n_(stride_n), dist_n_(dist_n), stride_m_(stride_m), dist_m_(dist_m),
        in_(fftw_alloc_real(static_cast<std::size_t>(n) * static_cast<std::size_t>(count))),
        out_(fftw_alloc_real(static_cast<std::size_t>(m) * static_cast<std::size_t>(count))) {
    if (!in_ || !out_) throw RuntimeError("resampling: out of memory");
    const fftw_r2r_kind kind = FFTW_REDFT00;
    std::lock_guard<std::mutex> lock(fftw_planner_mutex());
    forward_ = fftw_plan_many_r2r(1, &n_, count_, in_, nullptr, stride_n_, dist_n_, in_, nullptr, stride_n_, dist_n_, &kind, FFTW_ESTIMATE);
    backward_ = fftw_plan_many_r2r(1, &m_, count_, out_, nullptr, stride_m_, dist_m_, out_, nullptr, stride_m_, dist_m_, &kind, FFTW_ESTIMATE);
    if (!forward_ || !backward_) throw RuntimeError("resampling: FFTW could not plan a DCT-I of " + std::to_string(n) + " → " + std::to_string(m));
  }
  ~AxisResampler() {
    std::lock_guard<std::mutex> lock(fftw_planner_mutex());
    if (forward_) fftw_destroy_plan(forward_);
    if (backward_) fftw_destroy_plan(backward_);
    fftw_free(in_);
    fftw_free(out_);
  }
  AxisResampler(const AxisResampler&) = delete;
  AxisResampler& operator=(const AxisResampler&) = delete;

  double* input() { return in_; }
  const double* output() const { return out_; }

  void run() {
    fftw_execute(forward_);
    const int kept = std::min(n_, m_);
    const double scale = 1.0 / (2.0 * (n_ - 1));  // r / (2(m − 1))
    for (int c = 0; c < count_; ++c) {
      const double* y = in_ + static_cast<std::ptrdiff_t>(c) * dist_n_;
      double* z = out_ + static_cast<std::ptrdiff_t>(c) * dist_m_;
      for (int k = 0; k < m_; ++k) {
        z[static_cast<std::ptrdiff_t>(k) * stride_m_] =
            k < kept ? y[static_cast<std::ptrdiff_t>(k) * stride_n_] * scale * dct1_weight(k, n_) / dct1_weight(k, m_) : 0.0;
      }
    }
    fftw_execute(backward_);
  }

 private:
  int n_, m_, count_, stride_n_, dist_n_, stride_m_, dist_m_;
  double* in_;
  double* out_;
  fftw_plan forward_ = nullptr, backward_ = nullptr;
};

/// Resamples images of nx × ny to mx × my: x first (rows are contiguous), then y.
class ImageResampler {
 public:
  ImageResampler(int nx, int ny, int mx, int my) : ny_(ny), mx_(mx), my_(my) {
    if (mx != nx) along_x_ = std::make_unique<AxisResampler>(nx, mx, ny, 1, nx, 1, mx);
    if (my != ny) along_y_ = std::make_unique<AxisResampler>(ny, my, mx, mx, 1, mx, 1);
  }
  std::vector<float> operator()(const std::vector<float>& image) {
    // float → the x pass's input; its output (mx × ny) → the y pass's input; the last output → float
    const double* last = nullptr;
    if (along_x_) {
      std::copy(image.begin(), image.end(), along_x_->input());
      along_x_->run();
      last = along_x_->output();
    }
    if (along_y_) {
      if (last) std::copy(last, last + static_cast<std::ptrdiff_t>(mx_) * ny_, along_y_->input());
      else std::copy(image.begin(), image.end(), along_y_->input());
      along_y_->run();
      last = along_y_->output();
    }
    if (!last) return image;
    return std::vector<float>(last, last + static_cast<std::ptrdiff_t>(mx_) * my_);
  }

 private:
  int ny_, mx_, my_;
  std::unique_ptr<AxisResampler> along_x_, along_y_;
};

}  // namespace

std::vector<float> fourier_resample(const std::vector<float>& image, int nx, int ny, int mx, int my) {
  if (image.size() != static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny) || mx < 1 || my < 1 || (mx != nx && nx < 2) ||
      (my != ny && ny < 2) || (mx < 2 && mx != nx) || (my < 2 && my != ny)) {
    throw std::invalid_argument("fourier_resample: bad sizes");
  }
  return ImageResampler(nx, ny, mx, my)(image);
}

std::string resample_movie(Movie& movie, double target_angstrom, std::uint64_t max_bytes) {
  const auto ax = resampled_axis(movie.nx, movie.pixel_size_x_angstrom, target_angstrom, "x");
  const auto ay = resampled_axis(movie.ny, movie.pixel_size_y_angstrom, target_angstrom, "y");
  if (ax.pixels == movie.nx && ay.pixels == movie.ny) return "";
  const long double bytes = static_cast<long double>(ax.pixels) * ay.pixels * static_cast<long double>(movie.frame_count()) * sizeof(float);
  char line[400];
  if (bytes > static_cast<long double>(max_bytes)) {
    std::snprintf(line, sizeof line, "[detect] resample_to_angstrom = %.4g Å: %d x %d pixels x %zu frames would need %.3g GiB, more than [detect] max_memory_mib",
                  target_angstrom, ax.pixels, ay.pixels, movie.frame_count(), static_cast<double>(bytes / (1024.0L * 1024 * 1024)));
    throw InputError(line);
  }
  std::snprintf(line, sizeof line, "resampled (Fourier, DCT-I) from %d x %d pixels of %.5g x %.5g Å to %d x %d pixels of %.5g x %.5g Å (asked: %.5g Å)",
                movie.nx, movie.ny, movie.pixel_size_x_angstrom, movie.pixel_size_y_angstrom, ax.pixels, ay.pixels, ax.pixel_size_angstrom,
                ay.pixel_size_angstrom, target_angstrom);
  ImageResampler resample(movie.nx, movie.ny, ax.pixels, ay.pixels);
  for (auto& f : movie.frames) f = resample(f);
  movie.nx = ax.pixels;
  movie.ny = ay.pixels;
  movie.pixel_size_x_angstrom = ax.pixel_size_angstrom;
  movie.pixel_size_y_angstrom = ay.pixel_size_angstrom;
  return line;
}

PreprocessResult preprocess(Movie& movie, const PreprocessParams& p) {
  p.validate();
  PreprocessResult result;
  if (p.resample_to_angstrom > 0) {
    result.resampling = resample_movie(movie, p.resample_to_angstrom, p.max_bytes);
    if (!result.resampling.empty()) result.notes.push_back(result.resampling);
  }
  const int nx = movie.nx, ny = movie.ny;
  const double px = movie.pixel_size_x_angstrom > 0 ? movie.pixel_size_x_angstrom : 1.0;
  const double py = movie.pixel_size_y_angstrom > 0 ? movie.pixel_size_y_angstrom : 1.0;
  result.drift_angstrom.assign(movie.frame_count(), {0.0, 0.0});
  if (p.normalisation == Normalisation::background) check_background_sigma(p, nx, ny, px, py);
  for (std::size_t t = 0; t < movie.frame_count(); ++t) normalise_frame(movie.frames[t], t, p, nx, ny, px, py);
  if (p.drift_correction && movie.frame_count() > 1) correct_drift(movie, p, px, py, result);
  if (p.temporal_window_frames > 1 && movie.frame_count() > 1) running_average(movie, p, result);
  return result;
}

}  // namespace nanomix::imaging
