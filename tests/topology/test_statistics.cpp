// Persistence images and Betti curves against direct, independently written evaluations of their
// definitions (statistics.hpp): the image pixel by pixel with long-double erf/erfc at edges
// computed in long double, the Betti curve by counting the pairs alive at each sample.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "topology/statistics.hpp"

using namespace nanomix::topology;

namespace {

/// ∫_{lo}^{hi} N(x; c, σ) dx in long double, with erfc on the side of the tail so that pixels far
/// from the centre keep their digits.
long double gaussian_mass(long double lo, long double hi, long double c, long double sigma) {
  const long double s = 1.0L / (sigma * std::sqrt(2.0L));
  const long double a = (lo - c) * s, b = (hi - c) * s;
  if (a >= 0) return 0.5L * (std::erfc(a) - std::erfc(b));
  if (b <= 0) return 0.5L * (std::erfc(-b) - std::erfc(-a));
  return 0.5L * (std::erf(b) - std::erf(a));
}

/// Adams et al. 2017 as statistics.hpp documents it: pixel (row j, column i) = Σ over finite
/// points w(p) ∫∫ over the pixel of the isotropic Gaussian at (b, p), w(p) = min(p / p_w, 1), p = d − b.
std::vector<long double> image_by_definition(const Diagram& d, const PersistenceImageParams& q) {
  const int nb = q.birth_pixels, np = q.persistence_pixels;
  std::vector<long double> img(static_cast<std::size_t>(nb * np), 0.0L);
  const long double db = (static_cast<long double>(q.birth_max) - q.birth_min) / nb;
  const long double dp = static_cast<long double>(q.persistence_max) / np;
  for (const auto& pt : d) {
    if (!(pt.death < std::numeric_limits<double>::infinity())) continue;
    const long double b = pt.birth, p = static_cast<long double>(pt.death) - pt.birth;
    const long double w = std::min<long double>(p / q.weight_persistence, 1.0L);
    if (w <= 0) continue;
    for (int j = 0; j < np; ++j)
      for (int i = 0; i < nb; ++i) {
        const long double x0 = q.birth_min + i * db, y0 = j * dp;
        img[static_cast<std::size_t>(j * nb + i)] +=
            w * gaussian_mass(x0, x0 + db, b, q.sigma) * gaussian_mass(y0, y0 + dp, p, q.sigma);
      }
  }
  return img;
}

Diagram random_diagram(std::mt19937_64& rng, int n, double lo, double hi) {
  std::uniform_real_distribution<double> u(lo, hi), life(0.0, 0.6 * (hi - lo));
  Diagram d;
  for (int k = 0; k < n; ++k) {
    PersistencePair p;
    p.birth = u(rng);
    p.death = p.birth + life(rng);
    d.push_back(p);
  }
  // what the diagrams carry besides: repeated births (H0 of weighted complexes), a pair on the
  // diagonal (weight 0), an infinite pair, points outside the grid
  for (int k = 0; k < 5; ++k) d.push_back({lo + 0.1 * (hi - lo), lo + (0.2 + 0.1 * k) * (hi - lo)});
  d.push_back({0.5 * (lo + hi), 0.5 * (lo + hi)});
  d.push_back({lo, std::numeric_limits<double>::infinity()});
  d.push_back({hi + 2 * (hi - lo), hi + 2.5 * (hi - lo)});
  d.push_back({lo - 3 * (hi - lo), lo - 2.8 * (hi - lo)});
  // sorted by birth, as the diagrams come, then a few unsorted repeats
  std::sort(d.begin(), d.end(), [](const auto& a, const auto& b) { return a.birth < b.birth; });
  d.push_back(d[3]);
  d.push_back(d[1]);
  return d;
}

}  // namespace

TEST_CASE("persistence image equals its definition to 1e-12") {
  std::mt19937_64 rng(14);
  struct Case {
    double birth_min, birth_max, persistence_max, sigma, weight;
    int nb, np;
  };
  // σ of 2 pixels (the stage's default), much narrower than a pixel (most edges saturate at ±1),
  // much wider than the grid; grids not square
  const Case cases[] = {{-4.84, 5.38, 4.79, 1.022, 4.79, 20, 20}, {0.0, 10.0, 5.0, 0.01, 2.0, 17, 23},
                        {-1.0, 1.0, 2.0, 30.0, 0.5, 20, 7},      {2.0, 3.0, 1.0, 0.05, 10.0, 40, 40},
                        {-50.0, 50.0, 100.0, 3.0, 100.0, 1, 1}};
  for (const auto& c : cases) {
    PersistenceImageParams q;
    q.birth_min = c.birth_min;
    q.birth_max = c.birth_max;
    q.persistence_max = c.persistence_max;
    q.sigma = c.sigma;
    q.weight_persistence = c.weight;
    q.birth_pixels = c.nb;
    q.persistence_pixels = c.np;
    const Diagram d = random_diagram(rng, 300, c.birth_min, c.birth_max);
    const auto got = persistence_image(d, q);
    const auto ref = image_by_definition(d, q);
    REQUIRE(got.size() == ref.size());
    long double peak = 0;
    for (long double v : ref) peak = std::max(peak, std::abs(v));
    REQUIRE(peak > 0);
    double worst = 0;
    for (std::size_t k = 0; k < ref.size(); ++k) {
      // 1e-12 of each pixel; pixels below 1e-3 of the peak are differences of erf values near ±1
      // in double (their rounding, ~1e-16 per point, is what they can resolve): 1e-14 of the peak
      const long double tol = std::max(1e-12L * std::abs(ref[k]), 1e-14L * peak);
      worst = std::max(worst, static_cast<double>(std::abs(got[k] - ref[k]) / tol));
    }
    INFO("sigma " << c.sigma << ", " << c.nb << " x " << c.np << " pixels");
    CHECK(worst <= 1.0);
  }
}

TEST_CASE("persistence image of one point: the mass of a Gaussian in a box") {
  // a point at (b, p) = (0, 5) with weight 1 on a grid that holds ±5σ in both directions: the
  // total is (erf(5/√2))² = 0.99999885… of 1; the centre pixel (−σ…σ)² holds erf(1/√2)² = 0.4660649…
  PersistenceImageParams q;
  q.birth_min = -5;
  q.birth_max = 5;
  q.persistence_max = 10;
  q.sigma = 1;
  q.weight_persistence = 5;
  q.birth_pixels = q.persistence_pixels = 5;  // pixels of 2σ: the middle one is [−1, 1] × [4, 6]
  const auto img = persistence_image({{0.0, 5.0}}, q);
  double total = 0;
  for (double v : img) total += v;
  const double one_sided = std::erf(5 / std::sqrt(2.0)), centre = std::erf(1 / std::sqrt(2.0));
  CHECK(total == doctest::Approx(one_sided * one_sided).epsilon(1e-14));
  CHECK(img[2 * 5 + 2] == doctest::Approx(centre * centre).epsilon(1e-14));
}

TEST_CASE("Betti curve counts the pairs alive at each sample") {
  std::mt19937_64 rng(7);
  const Diagram d = random_diagram(rng, 500, -2.0, 3.0);
  for (int n : {1, 2, 100, 257}) {
    const double t_min = -2.5, t_max = 3.5;
    const auto got = betti_curve(d, t_min, t_max, n);
    REQUIRE(got.size() == static_cast<std::size_t>(n));
    for (int k = 0; k < n; ++k) {
      const double t = n > 1 ? t_min + k * (t_max - t_min) / (n - 1) : t_min;
      double alive = 0;
      bool on_edge = false;  // an end within rounding of the sample: the code's 1e-12-step tolerance decides
      for (const auto& p : d) {
        alive += p.birth <= t && t < p.death ? 1 : 0;
        on_edge = on_edge || std::abs(p.birth - t) < 1e-9 || std::abs(p.death - t) < 1e-9;
      }
      INFO("n = " << n << ", t = " << t);
      if (!on_edge) CHECK(got[static_cast<std::size_t>(k)] == alive);
    }
  }
}
