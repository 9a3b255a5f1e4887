#include "imaging/detect/detect_columns.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>

#include "core/error.hpp"
#include "core/frame_executor.hpp"
#include "imaging/detect/lattice_classes.hpp"
#include "imaging/detect/preprocess.hpp"

namespace nanomix::imaging {

namespace {

// Largest filter width (σ) and disc radius, in pixels, the detector accepts: σ = 200 px already
// means a LoG kernel of 2400 px and columns sampled 300 times finer than any microscope resolves.
constexpr double kMaxSigmaPixels = 200.0;
constexpr double kMaxDiscPixels = 500.0;

struct Grid {
  int nx, ny;
  double px, py;  // Å per pixel
  std::size_t at(int i, int j) const { return static_cast<std::size_t>(j) * static_cast<std::size_t>(nx) + static_cast<std::size_t>(i); }
};

/// −σ_c² ∇² (G_σ ∗ image), σ² = σ_c² + σ_d² (Å), Laplacian by central differences in Å⁻².
std::vector<float> log_response(const std::vector<float>& image, const Grid& g, double sigma_c, double sigma_d) {
  const double s = std::sqrt(sigma_c * sigma_c + sigma_d * sigma_d);
  const auto b = gaussian_blur(image, g.nx, g.ny, s / g.px, s / g.py);
  std::vector<float> r(image.size(), 0.0f);
  const double cx = 1.0 / (g.px * g.px), cy = 1.0 / (g.py * g.py), scale = -sigma_c * sigma_c;
  for (int j = 0; j < g.ny; ++j) {
    const int jm = std::max(j - 1, 0), jp = std::min(j + 1, g.ny - 1);
    for (int i = 0; i < g.nx; ++i) {
      const int im = std::max(i - 1, 0), ip = std::min(i + 1, g.nx - 1);
      const double c = b[g.at(i, j)];
      const double lap = cx * (b[g.at(im, j)] - 2 * c + b[g.at(ip, j)]) + cy * (b[g.at(i, jm)] - 2 * c + b[g.at(i, jp)]);
      r[g.at(i, j)] = static_cast<float>(scale * lap);
    }
  }
  return r;
}

double median_of(std::vector<double> v) {
  if (v.empty()) return 0.0;
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

/// σ of the pixel noise from adjacent-pixel differences (robust to smooth signal): the RMS of the
/// horizontal differences over √2, after dropping differences beyond 5 robust standard deviations
/// (edges of strong features). The RMS, not the median, so that low-count Poisson frames (small
/// integers) are not quantised.
double pixel_noise(const std::vector<float>& f, const Grid& g) {
  std::vector<double> d;
  d.reserve(f.size());
  for (int j = 0; j < g.ny; ++j) {
    for (int i = 0; i + 1 < g.nx; ++i) d.push_back(std::abs(static_cast<double>(f[g.at(i + 1, j)]) - f[g.at(i, j)]));
  }
  if (d.empty()) return 0.0;
  double mean_abs = 0;
  for (double v : d) mean_abs += v;
  mean_abs /= static_cast<double>(d.size());
  double robust = 1.4826 * median_of(d);
  if (!(robust > 0)) robust = 1.2533 * mean_abs;  // mean |N(0, s)| = s·sqrt(2/π)
  const double clip = 5.0 * robust;
  double s2 = 0;
  std::size_t n = 0;
  for (double v : d) {
    if (v <= clip) {
      s2 += v * v;
      ++n;
    }
  }
  return n ? std::sqrt(s2 / static_cast<double>(n) / 2.0) : 0.0;
}

/// L2 norm of the LoG filter's impulse response (pixel noise σ → response noise σ).
double filter_norm(const Grid& g, double sigma_c, double sigma_d) {
  const double s = std::sqrt(sigma_c * sigma_c + sigma_d * sigma_d);
  const int hx = static_cast<int>(std::ceil(6 * s / g.px)) + 2, hy = static_cast<int>(std::ceil(6 * s / g.py)) + 2;
  Grid d{2 * hx + 1, 2 * hy + 1, g.px, g.py};
  std::vector<float> delta(static_cast<std::size_t>(d.nx) * static_cast<std::size_t>(d.ny), 0.0f);
  delta[d.at(hx, hy)] = 1.0f;
  const auto r = log_response(delta, d, sigma_c, sigma_d);
  double s2 = 0;
  for (float v : r) s2 += static_cast<double>(v) * v;
  return std::sqrt(s2);
}

struct Peak {
  int i, j;
  double value;
};

/// Local maxima of r within an elliptical disc of radius `radius` Å, above `floor`, away from the border.
std::vector<Peak> local_maxima(const std::vector<float>& r, const Grid& g, double radius, double floor, double margin) {
  const int rx = std::max(1, static_cast<int>(std::floor(radius / g.px))), ry = std::max(1, static_cast<int>(std::floor(radius / g.py)));
  // The margin may exceed the frame (then nothing is found): clamp before the cast.
  const int mx = std::max(1, static_cast<int>(std::min(std::ceil(margin / g.px), static_cast<double>(g.nx))));
  const int my = std::max(1, static_cast<int>(std::min(std::ceil(margin / g.py), static_cast<double>(g.ny))));
  std::vector<Peak> peaks;
  for (int j = my; j < g.ny - my; ++j) {
    for (int i = mx; i < g.nx - mx; ++i) {
      const float v = r[g.at(i, j)];
      if (!(v > floor)) continue;
      bool best = true;
      for (int dj = -ry; dj <= ry && best; ++dj) {
        const int jj = j + dj;
        if (jj < 0 || jj >= g.ny) continue;
        for (int di = -rx; di <= rx; ++di) {
          const int ii = i + di;
          if (ii < 0 || ii >= g.nx || (di == 0 && dj == 0)) continue;
          const double ex = di * g.px, ey = dj * g.py;
          if (ex * ex + ey * ey > radius * radius) continue;
          const float w = r[g.at(ii, jj)];
          // Strict against earlier pixels, >= against later ones: one peak per plateau.
          if (w > v || (w == v && (dj < 0 || (dj == 0 && di < 0)))) {
            best = false;
            break;
          }
        }
      }
      if (best) peaks.push_back({i, j, v});
    }
  }
  return peaks;
}

double parabolic(double m, double c, double p) {
  const double d = m - 2 * c + p;
  return std::abs(d) > 1e-30 ? std::clamp(0.5 * (m - p) / d, -0.5, 0.5) : 0.0;
}

struct FitResult {
  bool ok = false;
  double a = 0, x = 0, y = 0, s = 0, b = 0, rms = 0;
  double a_fixed = 0;            ///< amplitude with the width fixed at sigma0 (linear fit with background)
  double a_sigma_per_noise = 0;  ///< standard error of a_fixed for unit pixel noise
};

/// The pixels of a disc: positions (Å) and values.
struct Disc {
  std::vector<double> xs, ys, ds;
};

/// The pixels of `img` within `radius` Å of (x0, y0).
Disc disc_pixels(const std::vector<float>& img, const Grid& g, double x0, double y0, double radius) {
  Disc d;
  const int i0 = std::max(0, static_cast<int>(std::floor((x0 - radius) / g.px))), i1 = std::min(g.nx - 1, static_cast<int>(std::ceil((x0 + radius) / g.px)));
  const int j0 = std::max(0, static_cast<int>(std::floor((y0 - radius) / g.py))), j1 = std::min(g.ny - 1, static_cast<int>(std::ceil((y0 + radius) / g.py)));
  for (int j = j0; j <= j1; ++j) {
    for (int i = i0; i <= i1; ++i) {
      const double x = i * g.px, y = j * g.py;
      if ((x - x0) * (x - x0) + (y - y0) * (y - y0) > radius * radius) continue;
      d.xs.push_back(x);
      d.ys.push_back(y);
      d.ds.push_back(img[g.at(i, j)]);
    }
  }
  return d;
}

using Params5 = Eigen::Matrix<double, 5, 1>;
using Jacobian5 = Eigen::Matrix<double, Eigen::Dynamic, 5>;

/// Residuals q₀·exp(−|r − (q₁, q₂)|²/2q₃²) + q₄ − data over the disc, and their Jacobian when J is given.
void gaussian_residuals(const Disc& d, const Params5& q, Eigen::VectorXd& r, Jacobian5* J) {
  const std::size_t n = d.ds.size();
  r.resize(static_cast<Eigen::Index>(n));
  if (J) J->resize(static_cast<Eigen::Index>(n), 5);
  const double inv2s2 = 1.0 / (2 * q[3] * q[3]);
  for (std::size_t k = 0; k < n; ++k) {
    const double dx = d.xs[k] - q[1], dy = d.ys[k] - q[2];
    const double e = std::exp(-(dx * dx + dy * dy) * inv2s2);
    const auto kk = static_cast<Eigen::Index>(k);
    r[kk] = q[0] * e + q[4] - d.ds[k];
    if (J) {
      (*J)(kk, 0) = e;
      (*J)(kk, 1) = q[0] * e * dx / (q[3] * q[3]);
      (*J)(kk, 2) = q[0] * e * dy / (q[3] * q[3]);
      (*J)(kk, 3) = q[0] * e * (dx * dx + dy * dy) / (q[3] * q[3] * q[3]);
      (*J)(kk, 4) = 1.0;
    }
  }
}

/// Levenberg–Marquardt from p (at most 60 steps, the width kept >= 0.05 sigma0); p becomes the
/// best parameters found, and χ² there is returned. LM only ever accepts steps that lower χ², so
/// the last parameters are the best found even when the iteration limit ends the loop (the
/// caller's checks decide: a convergence flag would make the outcome hinge on the last decimal of
/// the input).
double levenberg_marquardt(const Disc& d, Params5& p, double sigma0) {
  Eigen::VectorXd r;
  Jacobian5 J;
  gaussian_residuals(d, p, r, &J);
  double chi2 = r.squaredNorm();
  double lambda = 1e-3;
  for (int it = 0; it < 60; ++it) {
    const Eigen::Matrix<double, 5, 5> JtJ = J.transpose() * J;
    const Params5 g5 = J.transpose() * r;
    Eigen::Matrix<double, 5, 5> A = JtJ;
    for (int k = 0; k < 5; ++k) A(k, k) += lambda * std::max(JtJ(k, k), 1e-12);
    const Params5 step = A.ldlt().solve(-g5);
    if (!step.allFinite()) break;
    Params5 q = p + step;
    if (q[3] <= 0.05 * sigma0) q[3] = 0.05 * sigma0;
    Eigen::VectorXd rq;
    gaussian_residuals(d, q, rq, nullptr);
    const double chi2q = rq.squaredNorm();
    if (chi2q < chi2) {
      const double gain = chi2 - chi2q;
      p = q;
      gaussian_residuals(d, p, r, &J);
      chi2 = chi2q;
      lambda = std::max(lambda * 0.3, 1e-9);
      if (gain < 1e-10 * (chi2 + 1e-30) || step.cwiseAbs().maxCoeff() < 1e-6) break;  // converged
    } else {
      lambda *= 10;
      if (lambda > 1e8) break;  // no further decrease possible: at a minimum
    }
  }
  return chi2;
}

/// Fixed-shape amplitude: A and B by linear least squares with the Gaussian of width sigma0 at the
/// fitted centre (robust to the width/amplitude correlation of the free fit); its standard error
/// for unit pixel noise is sqrt((MᵀM)⁻¹₀₀), M = [g 1]. Into f.a_fixed and f.a_sigma_per_noise.
void fixed_shape_amplitude(const Disc& d, double x, double y, double sigma0, FitResult& f) {
  const std::size_t n = d.ds.size();
  double sg = 0, sg2 = 0, sd = 0, sgd = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const double dx = d.xs[k] - x, dy = d.ys[k] - y;
    const double gk = std::exp(-(dx * dx + dy * dy) / (2 * sigma0 * sigma0));
    sg += gk;
    sg2 += gk * gk;
    sd += d.ds[k];
    sgd += gk * d.ds[k];
  }
  const double nn = static_cast<double>(n), det = sg2 * nn - sg * sg;
  if (det > 1e-12) {
    f.a_fixed = (nn * sgd - sg * sd) / det;
    f.a_sigma_per_noise = std::sqrt(nn / det);
  }
}

/// Levenberg–Marquardt fit of A·exp(−((x−x0)²+(y−y0)²)/2s²) + B to the pixels of `img` within
/// `radius` Å of (x0, y0).
FitResult fit_gaussian(const std::vector<float>& img, const Grid& g, double x0, double y0, double sigma0, double radius) {
  const Disc d = disc_pixels(img, g, x0, y0, radius);
  FitResult f;
  const std::size_t n = d.ds.size();
  if (n < 8) return f;
  // Start: background = lowest 20 % of the disc, amplitude = peak pixel − background.
  std::vector<double> sorted = d.ds;
  std::sort(sorted.begin(), sorted.end());
  double bg = 0;
  const std::size_t nlow = std::max<std::size_t>(1, n / 5);
  for (std::size_t k = 0; k < nlow; ++k) bg += sorted[k];
  bg /= static_cast<double>(nlow);
  Params5 p;
  p << std::max(sorted.back() - bg, 1e-6), x0, y0, sigma0, bg;
  const double chi2 = levenberg_marquardt(d, p, sigma0);
  f.a = p[0];
  f.x = p[1];
  f.y = p[2];
  f.s = p[3];
  f.b = p[4];
  f.rms = std::sqrt(chi2 / static_cast<double>(n));
  fixed_shape_amplitude(d, p[1], p[2], sigma0, f);
  const double moved = std::hypot(f.x - x0, f.y - y0);
  f.ok = std::isfinite(chi2) && f.a > 0 && moved <= 0.5 * radius && f.s >= 0.25 * sigma0 && f.s <= 3 * sigma0;
  return f;
}

/// Σ (image − level) · pixel area over the pixels within `radius` Å of (x, y): the column's
/// integrated intensity (Å² × image units). A fixed level, not a locally fitted background: the
/// halo that a heavy column spreads over its surroundings is part of its signal.
double integrated_intensity(const std::vector<float>& img, const Grid& g, double x, double y, double radius, double level) {
  const int i0 = std::max(0, static_cast<int>(std::floor((x - radius) / g.px))), i1 = std::min(g.nx - 1, static_cast<int>(std::ceil((x + radius) / g.px)));
  const int j0 = std::max(0, static_cast<int>(std::floor((y - radius) / g.py))), j1 = std::min(g.ny - 1, static_cast<int>(std::ceil((y + radius) / g.py)));
  double sum = 0;
  for (int j = j0; j <= j1; ++j) {
    for (int i = i0; i <= i1; ++i) {
      const double ex = i * g.px - x, ey = j * g.py - y;
      if (ex * ex + ey * ey <= radius * radius) sum += img[g.at(i, j)] - level;
    }
  }
  return sum * g.px * g.py;
}

/// Every length the detector turns into pixels, checked in floating point before any cast or
/// allocation: a tiny pixel size (a damaged header, a wrong override) would otherwise overflow the
/// int casts or ask for kernels of billions of taps.
void check_filter_sizes(const Grid& g, const DetectParams& p) {
  const double px = std::min(g.px, g.py);
  const double s = std::sqrt(p.column_sigma_angstrom * p.column_sigma_angstrom + p.gaussian_sigma_angstrom * p.gaussian_sigma_angstrom);
  const struct {
    const char* what;
    double angstrom, limit_px;
  } lengths[] = {
      {"column_sigma_angstrom (with gaussian_sigma_angstrom)", s, kMaxSigmaPixels},
      {"min_separation_angstrom", p.min_separation_angstrom, kMaxDiscPixels},
      {"fit_radius_angstrom", p.fit_radius_angstrom, kMaxDiscPixels},
      {"tube_fit_radius_angstrom", p.tube_fit_radius_angstrom, kMaxDiscPixels},
      {"class_radius_angstrom", p.class_radius_angstrom, kMaxDiscPixels},
  };
  for (const auto& l : lengths) {
    const double pixels = l.angstrom / px;
    if (!(pixels <= l.limit_px)) {
      char line[320];
      std::snprintf(line, sizeof line,
                    "pixel size %.4g Å is too small for [detect] %s = %g Å: %.3g pixels, more than the %g the detector allows "
                    "(check the pixel size, or bin the movie)",
                    px, l.what, l.angstrom, pixels, l.limit_px);
      throw InputError(line);
    }
  }
}

}  // namespace

void DetectParams::validate() const {
  if (!(column_sigma_angstrom > 0)) throw InputError("[detect] column_sigma_angstrom must be > 0");
  if (!(gaussian_sigma_angstrom >= 0)) throw InputError("[detect] gaussian_sigma_angstrom must be >= 0");
  if (!(min_separation_angstrom > 0)) throw InputError("[detect] min_separation_angstrom must be > 0");
  if (!(min_relative_intensity >= 0) || !(min_relative_intensity < 1)) throw InputError("[detect] min_relative_intensity must be in [0, 1)");
  if (!(class_radius_angstrom > 0)) throw InputError("[detect] class_radius_angstrom must be > 0");
  if (!(fit_radius_angstrom > 0)) throw InputError("[detect] fit_radius_angstrom must be > 0");
  if (!(tube_fit_radius_angstrom >= 0)) throw InputError("[detect] tube_fit_radius_angstrom must be >= 0");
  if (!(tube_threshold_sigma >= 0)) throw InputError("[detect] tube_threshold_sigma must be >= 0");
  if (tube_window_frames < 1) throw InputError("[detect] tube_window_frames must be >= 1");
  if (!(tube_wall_margin_angstrom >= 0)) throw InputError("[detect] tube_wall_margin_angstrom must be >= 0");
  if (!(tube_params.min_radius_angstrom > 0) || !(tube_params.max_radius_angstrom > tube_params.min_radius_angstrom)) {
    throw InputError("[detect] tube_min_radius_angstrom must be > 0 and below tube_max_radius_angstrom");
  }
  if (!(threshold_sigma >= 0) || !(candidate_sigma >= 0) || !(min_relative_response >= 0) || !(edge_margin_angstrom >= 0) || !(class_separation >= 0)) {
    throw InputError("[detect] thresholds must be >= 0");
  }
}

void check_detect_sizes(const Movie& movie, const DetectParams& p) {
  if (!(movie.pixel_size_x_angstrom > 0) || !(movie.pixel_size_y_angstrom > 0)) {
    throw InputError("the movie has no pixel size: set [detect] pixel_size_angstrom");
  }
  check_filter_sizes(Grid{movie.nx, movie.ny, movie.pixel_size_x_angstrom, movie.pixel_size_y_angstrom}, p);
}

double otsu_threshold(std::vector<double> v, double* separation) {
  if (separation) *separation = 0;
  if (v.size() < 2) return std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  std::vector<double> cs(n + 1, 0.0), cs2(n + 1, 0.0);
  for (std::size_t k = 0; k < n; ++k) {
    cs[k + 1] = cs[k] + v[k];
    cs2[k + 1] = cs2[k] + v[k] * v[k];
  }
  double best = -1;
  std::size_t split = 1;
  for (std::size_t k = 1; k < n; ++k) {  // class 0 = v[0..k), class 1 = v[k..n)
    const double w0 = static_cast<double>(k), w1 = static_cast<double>(n - k);
    const double m0 = cs[k] / w0, m1 = (cs[n] - cs[k]) / w1;
    const double between = w0 * w1 * (m1 - m0) * (m1 - m0);
    if (between > best) {
      best = between;
      split = k;
    }
  }
  const double w0 = static_cast<double>(split), w1 = static_cast<double>(n - split);
  const double m0 = cs[split] / w0, m1 = (cs[n] - cs[split]) / w1;
  const double v0 = std::max(0.0, cs2[split] / w0 - m0 * m0), v1 = std::max(0.0, (cs2[n] - cs2[split]) / w1 - m1 * m1);
  if (separation) {
    const double pooled = std::sqrt(0.5 * (v0 + v1));
    *separation = pooled > 0 ? (m1 - m0) / pooled : std::numeric_limits<double>::infinity();
  }
  return 0.5 * (v[split - 1] + v[split]);
}

namespace {

/// Mean LoG strength of the strongest kPolarityTopFraction of the local maxima of `s` × avg (at
/// least the strongest kPolarityTopMin, or all when fewer; 0 without maxima): the score of one
/// polarity. Only the top: the columns are the strongest features of their polarity, but in a side
/// view of a small cluster in a nanotube they are a few dozen of several hundred maxima; the rest
/// (the walls' carbon, whose hexagon centres are wider and so stronger LoG peaks of the opposite
/// sign than its atoms, and noise) decided the mean of the stronger half, and took bright for dark
/// (validation/detect/RESULTS.md, issue 6).
constexpr double kPolarityTopFraction = 0.05;
constexpr std::size_t kPolarityTopMin = 10;
double polarity_score(const std::vector<float>& avg, const Grid& g, const DetectParams& p, double s) {
  std::vector<float> img(avg.size());
  for (std::size_t k = 0; k < avg.size(); ++k) img[k] = static_cast<float>(s * avg[k]);
  const auto r = log_response(img, g, p.column_sigma_angstrom, p.gaussian_sigma_angstrom);
  auto peaks = local_maxima(r, g, 0.5 * p.min_separation_angstrom, 0.0, p.edge_margin_angstrom);
  if (peaks.empty()) return 0.0;
  std::sort(peaks.begin(), peaks.end(), [](const Peak& a, const Peak& b) { return a.value > b.value; });
  const auto fraction = static_cast<std::size_t>(std::ceil(kPolarityTopFraction * static_cast<double>(peaks.size())));
  const std::size_t top = std::min(peaks.size(), std::max(kPolarityTopMin, fraction));
  double sum = 0;
  for (std::size_t k = 0; k < top; ++k) sum += peaks[k].value;
  return sum / static_cast<double>(top);
}

/// Step 1: the sign that makes columns bright (+1) or dark (−1); with polarity = auto, the one whose
/// strongest LoG peaks (polarity_score) on the average of the first 10 frames are stronger (a note
/// says which).
double choose_polarity(const Movie& movie, const Grid& g, const DetectParams& p, DetectResult& result) {
  if (p.polarity == Polarity::dark) return -1.0;
  if (p.polarity != Polarity::automatic) return 1.0;
  const std::size_t nav = std::min<std::size_t>(10, movie.frame_count());
  std::vector<float> avg(movie.pixel_count(), 0.0f);
  for (std::size_t t = 0; t < nav; ++t) {
    for (std::size_t k = 0; k < avg.size(); ++k) avg[k] += movie.frames[t][k] / static_cast<float>(nav);
  }
  const double bright = polarity_score(avg, g, p, 1.0), dark = polarity_score(avg, g, p, -1.0);
  const double sign = dark > bright ? -1.0 : 1.0;
  char line[200];
  std::snprintf(line, sizeof line, "polarity auto: %s columns (mean LoG strength of the strongest %.0f%% (at least %zu) of peaks: bright %f, dark %f)",
                sign > 0 ? "bright" : "dark", 100 * kPolarityTopFraction, kPolarityTopMin, bright, dark);
  result.notes.push_back(line);
  return sign;
}

/// The tube of frame t (tube = auto), found on the average of a centred window of frames: a wall is
/// a weak line (single atoms of carbon) that one frame at a low dose barely shows.
Tube frame_tube(const Movie& movie, std::size_t t, double sign, const Grid& g, const DetectParams& p) {
  const std::size_t half = static_cast<std::size_t>(p.tube_window_frames / 2);
  const std::size_t a = t >= half ? t - half : 0, b = std::min(movie.frame_count(), t + half + 1);
  std::vector<float> avg(movie.frames[t].size(), 0.0f);
  for (std::size_t u = a; u < b; ++u) {
    for (std::size_t k = 0; k < avg.size(); ++k) avg[k] += static_cast<float>(sign * movie.frames[u][k] / static_cast<double>(b - a));
  }
  return find_tube(avg, g.nx, g.ny, g.px, g.py, p.tube_params);
}

/// Inside the tube (or anywhere when there is none): the walls, the front and back carbon near
/// them and the vacuum outside hold no ions.
bool usable(const Tube& tube, const DetectParams& p, double x, double y) {
  return !tube.found || tube.contains(x, y, p.tube_wall_margin_angstrom);
}

/// Peak-to-peak suppression, strongest first: a peak with a stronger peak within min_separation is
/// dropped (the pixel disc of local_maxima only looks min_separation/2 around, so that the slope of
/// a neighbour just beyond min_separation cannot hide a column).
std::vector<Peak> suppress_close_peaks(std::vector<Peak> peaks, const Grid& g, double min_separation) {
  std::sort(peaks.begin(), peaks.end(), [](const Peak& a, const Peak& b) { return a.value > b.value; });
  std::vector<Peak> kept;
  const double d2 = min_separation * min_separation;
  for (const auto& q : peaks) {
    bool near = false;
    for (const auto& k : kept) {
      const double ex = (q.i - k.i) * g.px, ey = (q.j - k.j) * g.py;
      if (ex * ex + ey * ey < d2) {
        near = true;
        break;
      }
    }
    if (!near) kept.push_back(q);
  }
  return kept;
}

/// Step 2: candidate columns of one frame: local maxima of the LoG response r above candidate_sigma
/// × its noise, inside the tube, at least min_relative_response × the median candidate, then apart.
std::vector<Peak> candidate_peaks(const std::vector<float>& r, const Grid& g, const DetectParams& p, double noise, double norm,
                                  const Tube& tube) {
  auto peaks = local_maxima(r, g, 0.5 * p.min_separation_angstrom, p.candidate_sigma * noise * norm, p.edge_margin_angstrom);
  peaks.erase(std::remove_if(peaks.begin(), peaks.end(), [&](const Peak& q) { return !usable(tube, p, q.i * g.px, q.j * g.py); }), peaks.end());
  if (!peaks.empty() && p.min_relative_response > 0) {
    std::vector<double> vals;
    for (const auto& q : peaks) vals.push_back(q.value);
    std::sort(vals.begin(), vals.end());
    const double median = vals[vals.size() / 2];
    const double floor = p.min_relative_response * median;
    peaks.erase(std::remove_if(peaks.begin(), peaks.end(), [&](const Peak& q) { return q.value < floor; }), peaks.end());
  }
  return suppress_close_peaks(std::move(peaks), g, p.min_separation_angstrom);
}

/// One frame's images and noise levels, as the column measurement needs them.
struct FrameImages {
  const std::vector<float>& img;     ///< the frame, columns bright
  const std::vector<float>& r;       ///< its LoG response
  const std::vector<float>& smooth;  ///< blurred by gaussian_sigma (the frame itself when 0)
  double noise, smooth_noise;        ///< pixel noise σ of img and of smooth
  double norm;                       ///< the LoG filter's L2 norm
  double level;                      ///< the frame's median, above which columns are integrated
};

/// Step 3: a candidate peak measured as a column of frame t: sub-pixel position from the LoG
/// response, refined by a Gaussian fit when `fit` is on; false when it fails threshold_sigma or
/// lies outside the tube. Its intensity is the integrated intensity over class_radius.
bool measure_column(const Peak& q, std::size_t t, const FrameImages& f, const Grid& g, const DetectParams& p, const Tube& tube, Column& c) {
  const int im = std::max(q.i - 1, 0), ip = std::min(q.i + 1, g.nx - 1), jm = std::max(q.j - 1, 0), jp = std::min(q.j + 1, g.ny - 1);
  const double x0 = (q.i + parabolic(f.r[g.at(im, q.j)], q.value, f.r[g.at(ip, q.j)])) * g.px;
  const double y0 = (q.j + parabolic(f.r[g.at(q.i, jm)], q.value, f.r[g.at(q.i, jp)])) * g.py;
  c.frame = static_cast<int>(t);
  c.x_angstrom = x0;
  c.y_angstrom = y0;
  c.intensity = q.value;
  c.fit_residual = -1;
  bool fitted = false;
  if (p.fit) {
    const double sd = p.gaussian_sigma_angstrom;
    const double s0 = std::sqrt(p.column_sigma_angstrom * p.column_sigma_angstrom + sd * sd);
    const auto fr = fit_gaussian(f.smooth, g, x0, y0, s0, p.fit_radius_angstrom);
    if (fr.ok) {
      // Accept a fitted column when its amplitude is significant: A / σ_A >= threshold_sigma.
      if (fr.a_fixed < p.threshold_sigma * fr.a_sigma_per_noise * f.smooth_noise) return false;
      c.x_angstrom = fr.x;
      c.y_angstrom = fr.y;
      c.intensity = fr.a_fixed;
      c.sigma_angstrom = fr.s;
      c.fit_residual = fr.rms / fr.a;
      fitted = true;
    }
  }
  // Without a fit, the LoG response itself must pass threshold_sigma.
  if (!fitted && q.value < p.threshold_sigma * f.noise * f.norm) return false;
  if (!usable(tube, p, c.x_angstrom, c.y_angstrom)) return false;
  c.intensity = integrated_intensity(f.img, g, c.x_angstrom, c.y_angstrom, p.class_radius_angstrom, f.level);
  return true;
}

/// Columns that converged onto each other (closer than min_separation/2) merged, the stronger
/// kept; the rest in reading order (y, then x).
std::vector<Column> merge_columns(std::vector<Column> cols, double min_separation) {
  std::sort(cols.begin(), cols.end(), [](const Column& a, const Column& b) { return a.intensity > b.intensity; });
  std::vector<Column> kept;
  const double merge = 0.5 * min_separation;
  for (const auto& c : cols) {
    bool near = false;
    for (const auto& k : kept) {
      if (std::hypot(c.x_angstrom - k.x_angstrom, c.y_angstrom - k.y_angstrom) < merge) {
        near = true;
        break;
      }
    }
    if (!near) kept.push_back(c);
  }
  std::sort(kept.begin(), kept.end(), [](const Column& a, const Column& b) {
    return a.y_angstrom != b.y_angstrom ? a.y_angstrom < b.y_angstrom : a.x_angstrom < b.x_angstrom;
  });
  return kept;
}

/// The columns of frame t (steps 2–3), appended to result with the frame's noise σ and tube.
void detect_frame(const Movie& movie, std::size_t t, double sign, const Grid& g, const DetectParams& params, double norm, DetectResult& result) {
  const double sd = params.gaussian_sigma_angstrom;
  std::vector<float> img(movie.frames[t].size());
  for (std::size_t k = 0; k < img.size(); ++k) img[k] = static_cast<float>(sign * movie.frames[t][k]);
  const double noise = pixel_noise(img, g);
  result.noise_sigma.push_back(noise);
  Tube tube;
  if (params.tube == TubeMode::automatic) {
    tube = frame_tube(movie, t, sign, g, params);
    result.tubes.push_back(tube);
  }
  // Inside a found tube: the tube's own acceptance threshold and fit disc.
  DetectParams p = params;
  if (tube.found) {
    if (p.tube_threshold_sigma > 0) p.threshold_sigma = p.tube_threshold_sigma;
    if (p.tube_fit_radius_angstrom > 0) p.fit_radius_angstrom = p.tube_fit_radius_angstrom;
  }
  const auto r = log_response(img, g, p.column_sigma_angstrom, sd);
  const auto peaks = candidate_peaks(r, g, p, noise, norm, tube);
  const std::vector<float> smooth = sd > 0 ? gaussian_blur(img, g.nx, g.ny, sd / g.px, sd / g.py) : img;
  const double smooth_noise = sd > 0 ? pixel_noise(smooth, g) : noise;
  // The level columns are integrated above: the frame's median (vacuum, tube carbon).
  const double level = median_of(std::vector<double>(img.begin(), img.end()));
  const FrameImages f{img, r, smooth, noise, smooth_noise, norm, level};
  std::vector<Column> cols;
  for (const auto& q : peaks) {
    Column c;
    if (measure_column(q, t, f, g, p, tube, c)) cols.push_back(c);
  }
  const auto kept = merge_columns(std::move(cols), p.min_separation_angstrom);
  result.columns.insert(result.columns.end(), kept.begin(), kept.end());
}

/// Notes on the tubes found (tube = auto), and a warning naming the frames without one.
void note_tubes(const DetectParams& p, DetectResult& result) {
  std::vector<std::size_t> no_tube;  // frames where tube = auto found none
  for (std::size_t t = 0; t < result.tubes.size(); ++t) {
    if (!result.tubes[t].found) no_tube.push_back(t);
  }
  if (no_tube.size() < result.tubes.size()) {
    double radius = 0, angle = 0;
    std::size_t n = 0;
    for (const auto& tb : result.tubes) {
      if (!tb.found) continue;
      radius += tb.radius_angstrom;
      angle += tb.axis_angle_deg;
      ++n;
    }
    char line[200];
    std::snprintf(line, sizeof line, "nanotube found in %zu of %zu frames (mean radius %.2f Å, axis %.1f°); columns only inside it, %.1f Å from the walls and ends",
                  n, result.tubes.size(), radius / n, angle / n, p.tube_wall_margin_angstrom);
    result.notes.push_back(line);
    for (std::size_t t = 0; t < result.tubes.size(); ++t) {
      if (result.tubes[t].found) {
        result.notes.push_back("frame " + std::to_string(t) + ": " + describe(result.tubes[t]));
        break;  // the first frame's tube as an example
      }
    }
  }
  if (!no_tube.empty()) {
    std::string frames;
    for (std::size_t k = 0; k < no_tube.size() && k < 8; ++k) frames += (k ? ", " : "") + std::to_string(no_tube[k]);
    if (no_tube.size() > 8) frames += ", …";
    const std::string w = "warning: no nanotube found in " + std::to_string(no_tube.size()) + " of " + std::to_string(result.tubes.size()) +
                          " frames (" + frames + "; frame " + std::to_string(no_tube[0]) + ": " + result.tubes[no_tube[0]].reason +
                          "): columns detected in the whole frame there ([detect] tube = off silences this)";
    result.warnings.push_back(w);
    result.notes.push_back(w);
  }
}

/// Step 4: columns far weaker than the movie's strong ones dropped: single light atoms (the carbon
/// of a tube's front and back walls), which the noise-relative thresholds let through once the dose
/// is high.
void drop_weak_columns(const DetectParams& p, DetectResult& result) {
  if (!(p.min_relative_intensity > 0 && result.columns.size() >= 10)) return;
  std::vector<double> v;
  for (const auto& c : result.columns) v.push_back(c.intensity);
  const auto at = v.begin() + static_cast<std::ptrdiff_t>(0.9 * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), at, v.end());
  const double floor = p.min_relative_intensity * *at;
  const std::size_t before = result.columns.size();
  result.columns.erase(std::remove_if(result.columns.begin(), result.columns.end(), [&](const Column& c) { return c.intensity < floor; }),
                       result.columns.end());
  char line[200];
  std::snprintf(line, sizeof line, "%zu of %zu columns below %.2f x the movie's 90th-percentile integrated intensity dropped",
                before - result.columns.size(), before, p.min_relative_intensity);
  result.notes.push_back(line);
}

/// Step 5, intensity rule: Otsu's split of the integrated intensities over the whole movie (fitted
/// columns only decide the threshold), kept when separated by class_separation (or `always`); a
/// note says whether and where they split.
void classify_by_intensity(const DetectParams& p, bool always, DetectResult& result) {
  std::vector<double> amps;
  for (const auto& c : result.columns) {
    if (c.fit_residual >= 0 || !p.fit) amps.push_back(c.intensity);
  }
  double separation = 0;
  const double threshold = amps.size() >= 4 ? otsu_threshold(amps, &separation) : std::numeric_limits<double>::quiet_NaN();
  result.class_separation = separation;
  result.classes_split = std::isfinite(threshold) && (always || separation >= p.class_separation);
  result.class_threshold = result.classes_split ? threshold : std::numeric_limits<double>::quiet_NaN();
  for (auto& c : result.columns) c.klass = result.classes_split && c.intensity > threshold ? 1 : 0;
  char line[400];
  if (!result.classes_split) {
    result.class_rule = "none: intensities not separated";
    std::snprintf(line, sizeof line,
                  "classes cannot be split: %zu fitted column intensities, two groups %.2f pooled standard deviations apart (the intensity "
                  "rule needs %.2f; one normal population measures 2.4-2.9); every column is class 0 — heavy and light are not told apart in this movie",
                  amps.size(), separation, p.class_separation);
  } else {
    result.class_rule = "intensity";
    std::snprintf(line, sizeof line, "classes by intensity: heavy above an integrated intensity of %.4g (Otsu), groups %.2f pooled standard deviations apart",
                  threshold, separation);
  }
  result.notes.push_back(line);
}

/// Step 5, lattice rule (lattice_classes.hpp); false (and a note) when it decides nothing.
bool classify_by_lattice_rule(DetectResult& result) {
  const LatticeClasses lc = classify_by_lattice(result.columns, result.tubes);
  result.column_spacing_angstrom = lc.spacing_angstrom;
  result.notes.push_back(lc.note);
  if (lc.outcome != LatticeClasses::Outcome::two_domains && lc.outcome != LatticeClasses::Outcome::solid_solution) return false;
  for (std::size_t i = 0; i < result.columns.size(); ++i) result.columns[i].klass = lc.klass[i];
  result.classes_split = true;
  const bool two = lc.outcome == LatticeClasses::Outcome::two_domains;
  result.class_rule = two ? "lattice: two domains" : "lattice: solid solution";
  result.class_threshold = two ? lc.boundary_angstrom : std::numeric_limits<double>::quiet_NaN();
  result.class_separation = two ? lc.separation : 0.0;
  result.lattice_iodide_fraction = lc.iodide_fraction;
  result.lattice_constant_angstrom = two ? std::numeric_limits<double>::quiet_NaN() : lc.lattice_constant_angstrom;
  return true;
}

/// Step 5: classes by the chosen rule (auto: the lattice, else the intensity rule).
void classify_columns(const DetectParams& p, DetectResult& result) {
  result.column_spacing_angstrom.assign(result.columns.size(), std::numeric_limits<double>::quiet_NaN());
  for (auto& c : result.columns) c.klass = 0;
  if (p.classes == ClassMode::none) {
    result.class_rule = "none: classes = none";
    return;
  }
  if (p.classes == ClassMode::automatic || p.classes == ClassMode::lattice) {
    if (classify_by_lattice_rule(result)) return;
    if (p.classes == ClassMode::lattice) {
      result.class_rule = "none: no lattice";
      result.notes.push_back("classes cannot be split: classes = lattice and no rock-salt lattice was found; every column is class 0");
      return;
    }
    result.notes.push_back("classes: no lattice, so the intensity rule decides (classes = auto)");
  }
  classify_by_intensity(p, p.classes == ClassMode::two, result);
}

}  // namespace

DetectResult detect_columns(const Movie& movie, const DetectParams& p, const std::function<void(std::size_t)>& on_frame) {
  p.validate();
  if (!(movie.pixel_size_x_angstrom > 0) || !(movie.pixel_size_y_angstrom > 0)) {
    throw InputError("the movie has no pixel size: set [detect] pixel_size_angstrom");
  }
  const Grid g{movie.nx, movie.ny, movie.pixel_size_x_angstrom, movie.pixel_size_y_angstrom};
  if (g.nx < 3 || g.ny < 3) throw InputError("the movie's frames are smaller than 3 x 3 pixels");
  check_filter_sizes(g, p);
  DetectResult result;
  const double sign = choose_polarity(movie, g, p, result);
  result.polarity_used = sign > 0 ? Polarity::bright : Polarity::dark;
  const double norm = filter_norm(g, p.column_sigma_angstrom, p.gaussian_sigma_angstrom);
  // Frames over `threads` threads (the executor's in-process loop): each frame's detection reads
  // only the movie and writes only its own partial result; the partials are joined in frame order,
  // so the result is bitwise the same for any number of threads (tests/detect/test_detect.cpp).
  const std::size_t frames = movie.frame_count();
  std::vector<DetectResult> per_frame(frames);
  parallel_for(
      frames, p.threads, [&](std::size_t t) { detect_frame(movie, t, sign, g, p, norm, per_frame[t]); },
      [&](std::size_t done, std::size_t) {
        if (on_frame) on_frame(done);
      });
  for (auto& f : per_frame) {
    result.noise_sigma.insert(result.noise_sigma.end(), f.noise_sigma.begin(), f.noise_sigma.end());
    result.tubes.insert(result.tubes.end(), f.tubes.begin(), f.tubes.end());
    result.columns.insert(result.columns.end(), std::make_move_iterator(f.columns.begin()), std::make_move_iterator(f.columns.end()));
  }
  if (p.tube == TubeMode::automatic) note_tubes(p, result);
  drop_weak_columns(p, result);
  classify_columns(p, result);
  return result;
}

}  // namespace nanomix::imaging
