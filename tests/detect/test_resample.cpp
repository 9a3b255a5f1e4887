// Fourier (DCT-I) resampling of movies to another pixel size (issue 13 item 4), checked against
// analytic functions: a cosine series that both grids can carry is reproduced exactly at the new
// pixel centres; a Gaussian column keeps its position in Å and its integrated intensity; white noise
// stays white when downsampled; downsampling after upsampling returns the original.
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "core/error.hpp"
#include "imaging/detect/preprocess.hpp"

using namespace nanomix;
using namespace nanomix::imaging;

namespace {

/// f(x, y) = Σ a_kl cos(π k x / Lx) cos(π l y / Ly) on the pixel centres (i·dx, j·dy), with
/// Lx = (nx − 1)·dx: the first and the last pixel centre of the field of view.
std::vector<float> cosine_image(int nx, int ny, int kmax, int lmax) {
  std::vector<float> f(static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny));
  for (int j = 0; j < ny; ++j) {
    for (int i = 0; i < nx; ++i) {
      double v = 0;
      for (int k = 0; k <= kmax; ++k) {
        for (int l = 0; l <= lmax; ++l) {
          const double a = std::sin(1.0 + k + 2.3 * l);  // fixed, varied amplitudes
          v += a * std::cos(M_PI * k * i / (nx - 1)) * std::cos(M_PI * l * j / (ny - 1));
        }
      }
      f[static_cast<std::size_t>(j) * static_cast<std::size_t>(nx) + static_cast<std::size_t>(i)] = static_cast<float>(v);
    }
  }
  return f;
}

double max_abs_difference(const std::vector<float>& a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  double d = 0;
  for (std::size_t k = 0; k < a.size(); ++k) d = std::max(d, std::abs(double(a[k]) - double(b[k])));
  return d;
}

/// Σ f·dx·dy and the intensity-weighted centre (Å) of an image on pixel centres (i·dx, j·dy).
std::array<double, 3> moments(const std::vector<float>& f, int nx, int ny, double dx, double dy) {
  double s = 0, sx = 0, sy = 0;
  for (int j = 0; j < ny; ++j) {
    for (int i = 0; i < nx; ++i) {
      const double v = f[static_cast<std::size_t>(j) * static_cast<std::size_t>(nx) + static_cast<std::size_t>(i)];
      s += v;
      sx += v * i * dx;
      sy += v * j * dy;
    }
  }
  return {s * dx * dy, sx / s, sy / s};
}

std::vector<float> gaussian_column(int nx, int ny, double dx, double dy, double x0, double y0, double sigma) {
  std::vector<float> f(static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny));
  for (int j = 0; j < ny; ++j) {
    for (int i = 0; i < nx; ++i) {
      const double r2 = (i * dx - x0) * (i * dx - x0) + (j * dy - y0) * (j * dy - y0);
      f[static_cast<std::size_t>(j) * static_cast<std::size_t>(nx) + static_cast<std::size_t>(i)] =
          static_cast<float>(std::exp(-0.5 * r2 / (sigma * sigma)));
    }
  }
  return f;
}

double neighbour_correlation(const std::vector<float>& f, int nx, int ny) {
  double m = 0;
  for (float v : f) m += v;
  m /= static_cast<double>(f.size());
  double c0 = 0, c1 = 0;
  for (int j = 0; j < ny; ++j) {
    for (int i = 0; i + 1 < nx; ++i) {
      const double a = f[static_cast<std::size_t>(j * nx + i)] - m, b = f[static_cast<std::size_t>(j * nx + i + 1)] - m;
      c0 += a * a;
      c1 += a * b;
    }
  }
  return c1 / c0;
}

}  // namespace

TEST_CASE("resampled axis: the first and last pixel centres stay, the pixel is the target to half a pixel") {
  auto a = resampled_axis(101, 0.1, 0.25, "x");  // 10 Å span → 40 intervals of exactly 0.25 Å
  CHECK(a.pixels == 41);
  CHECK(a.pixel_size_angstrom == doctest::Approx(0.25).epsilon(1e-14));
  a = resampled_axis(100, 0.1, 0.25, "x");  // 9.9 Å / 0.25 = 39.6 → 40 intervals of 0.2475 Å
  CHECK(a.pixels == 41);
  CHECK(a.pixel_size_angstrom == doctest::Approx(9.9 / 40).epsilon(1e-14));
  a = resampled_axis(64, 0.2, 0.05, "y");  // upsampling: 12.6 Å / 0.05 = 252 intervals
  CHECK(a.pixels == 253);
  a = resampled_axis(64, 0.2, 0.2001, "y");  // within half a pixel over the field: nothing to do
  CHECK(a.pixels == 64);
  CHECK(a.pixel_size_angstrom == 0.2);
  CHECK_THROWS_AS(resampled_axis(64, 0.2, 100.0, "x"), InputError);  // would leave 1 pixel
  CHECK_THROWS_AS(resampled_axis(64, 0.2, 1e-9, "x"), InputError);   // billions of pixels
}

TEST_CASE("a cosine series both grids carry is reproduced exactly at the new pixel centres") {
  const int nx = 50, ny = 40;
  const auto f = cosine_image(nx, ny, 12, 9);
  for (auto [mx, my] : {std::pair{80, 71}, std::pair{31, 23}, std::pair{50, 17}, std::pair{97, 40}}) {
    CAPTURE(mx);
    CAPTURE(my);
    const auto g = fourier_resample(f, nx, ny, mx, my);
    const auto want = cosine_image(mx, my, 12, 9);  // the same function on the new centres
    CHECK(max_abs_difference(g, want) < 2e-5);
  }
}

TEST_CASE("the cosines at either grid's Nyquist frequency are carried whole") {
  // Along x only: cos(π k x / L) with k = n − 1 (the old grid's Nyquist, upsampled) and with
  // k = m − 1 (the new grid's Nyquist, downsampled: sampled, it is (−1)^j).
  auto one_cosine = [](int nx, int ny, int k) {
    std::vector<float> f(static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny));
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i) f[static_cast<std::size_t>(j * nx + i)] = static_cast<float>(0.3 + std::cos(M_PI * k * i / (nx - 1)));
    return f;
  };
  CHECK(max_abs_difference(fourier_resample(one_cosine(21, 4, 20), 21, 4, 61, 4), one_cosine(61, 4, 20)) < 1e-5);
  CHECK(max_abs_difference(fourier_resample(one_cosine(61, 4, 20), 61, 4, 21, 4), one_cosine(21, 4, 20)) < 1e-5);
}

TEST_CASE("frequencies above the new grid's Nyquist are removed, not aliased") {
  const int n = 65, m = 17;  // 64 intervals → 16: cosines k ≤ 16 survive, k = 20 must vanish
  std::vector<float> f(static_cast<std::size_t>(n) * n), want(static_cast<std::size_t>(m) * m);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i)
      f[static_cast<std::size_t>(j * n + i)] = static_cast<float>(1.0 + 0.5 * std::cos(M_PI * 3 * i / (n - 1)) + 0.7 * std::cos(M_PI * 20 * i / (n - 1)) * std::cos(M_PI * 2 * j / (n - 1)));
  for (int j = 0; j < m; ++j)
    for (int i = 0; i < m; ++i) want[static_cast<std::size_t>(j * m + i)] = static_cast<float>(1.0 + 0.5 * std::cos(M_PI * 3 * i / (m - 1)));
  const auto g = fourier_resample(f, n, n, m, m);
  CHECK(max_abs_difference(g, want) < 1e-5);
  // Plain decimation (every 4th pixel) would alias k = 20 onto k = 4 with amplitude 0.7.
}

TEST_CASE("downsampling after upsampling returns the original image") {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> g(0.0, 1.0);
  const int nx = 37, ny = 29;
  std::vector<float> f(static_cast<std::size_t>(nx) * ny);
  for (float& v : f) v = static_cast<float>(g(rng));
  const auto up = fourier_resample(f, nx, ny, 73, 57);
  const auto back = fourier_resample(up, 73, 57, nx, ny);
  CHECK(max_abs_difference(back, f) < 1e-5);
  CHECK(max_abs_difference(fourier_resample(f, nx, ny, nx, ny), f) == 0.0);  // same size: untouched
}

TEST_CASE("a Gaussian column keeps its position in Å and its integrated intensity") {
  // 0.05 Å pixels → 0.2 Å (the demo's), the column off the pixel grid.
  const int n = 257;
  const double d = 0.05, x0 = 6.1234, y0 = 5.4321, sigma = 0.6;
  Movie movie;
  movie.nx = movie.ny = n;
  movie.pixel_size_x_angstrom = movie.pixel_size_y_angstrom = d;
  movie.frames = {gaussian_column(n, n, d, d, x0, y0, sigma)};
  const auto before = moments(movie.frames[0], n, n, d, d);
  const std::string note = resample_movie(movie, 0.2, std::uint64_t{1} << 30);
  CHECK(note.find("257 x 257") != std::string::npos);
  REQUIRE(movie.nx == 65);
  REQUIRE(movie.ny == 65);
  CHECK(movie.pixel_size_x_angstrom == doctest::Approx(0.2).epsilon(1e-14));
  const auto after = moments(movie.frames[0], movie.nx, movie.ny, movie.pixel_size_x_angstrom, movie.pixel_size_y_angstrom);
  CHECK(after[0] == doctest::Approx(before[0]).epsilon(1e-4));  // 2π σ² = 2.262 Å²
  CHECK(before[0] == doctest::Approx(2 * M_PI * sigma * sigma).epsilon(1e-4));
  CHECK(std::abs(after[1] - x0) < 0.001);  // Å: the column stays where it was
  CHECK(std::abs(after[2] - y0) < 0.001);
  // And the peak value is the Gaussian's at the nearest new pixel centre (band-limited enough).
  const int i = static_cast<int>(std::lround(x0 / 0.2)), j = static_cast<int>(std::lround(y0 / 0.2));
  const double r2 = (i * 0.2 - x0) * (i * 0.2 - x0) + (j * 0.2 - y0) * (j * 0.2 - y0);
  CHECK(movie.frames[0][static_cast<std::size_t>(j * 65 + i)] == doctest::Approx(std::exp(-0.5 * r2 / (sigma * sigma))).epsilon(1e-4));
}

TEST_CASE("white noise stays white when downsampled and is correlated when upsampled") {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> g(0.0, 1.0);
  const int n = 257;
  std::vector<float> f(static_cast<std::size_t>(n) * n);
  for (float& v : f) v = static_cast<float>(g(rng));
  CHECK(std::abs(neighbour_correlation(f, n, n)) < 0.02);
  const auto down = fourier_resample(f, n, n, 129, 129);
  CHECK(std::abs(neighbour_correlation(down, 129, 129)) < 0.03);
  const auto up = fourier_resample(f, n, n, 513, 513);
  CHECK(neighbour_correlation(up, 513, 513) > 0.5);  // why nanomix run never resamples up
}

TEST_CASE("a resampled movie beyond the memory limit is refused before it is made") {
  Movie movie;
  movie.nx = movie.ny = 64;
  movie.pixel_size_x_angstrom = movie.pixel_size_y_angstrom = 0.2;
  movie.frames.assign(3, std::vector<float>(64 * 64, 1.0f));
  CHECK_THROWS_AS(resample_movie(movie, 0.01, std::uint64_t{1} << 20), InputError);  // 1261² × 3 × 4 B > 1 MiB
  CHECK(movie.nx == 64);
  CHECK(resample_movie(movie, 0.2, std::uint64_t{1} << 20).empty());
}
