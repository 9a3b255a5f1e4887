#include "topology/image_region.hpp"

#include <algorithm>
#include <cmath>

namespace nanomix::topology {

namespace {

/// Gaussian smoothing of a 1D signal (σ in samples, truncated at 3σ, clamped edges).
std::vector<double> smooth_1d(const std::vector<double>& v, double sigma) {
  if (!(sigma > 0.3) || v.size() < 2) return v;
  const int r = static_cast<int>(std::ceil(3 * sigma));
  std::vector<double> w(static_cast<std::size_t>(2 * r + 1));
  double sum = 0;
  for (int k = -r; k <= r; ++k) sum += w[static_cast<std::size_t>(k + r)] = std::exp(-0.5 * k * k / (sigma * sigma));
  for (auto& x : w) x /= sum;
  const int n = static_cast<int>(v.size());
  std::vector<double> out(v.size(), 0.0);
  for (int i = 0; i < n; ++i)
    for (int k = -r; k <= r; ++k) out[static_cast<std::size_t>(i)] += w[static_cast<std::size_t>(k + r)] * v[static_cast<std::size_t>(std::clamp(i + k, 0, n - 1))];
  return out;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

}  // namespace

TubeBand find_tube_band(const std::vector<float>& img, int nx, int ny, double dx, double dy, double margin) {
  TubeBand best;
  best.note = "no tube found (no wall contrast above the noise): the whole frame";
  double best_range = -1;
  std::vector<double> best_profile;
  for (int axis = 0; axis < 2; ++axis) {
    const int n = axis == 0 ? nx : ny, m = axis == 0 ? ny : nx;
    const double step = axis == 0 ? dx : dy;
    std::vector<double> p(static_cast<std::size_t>(n), 0.0);
    for (int y = 0; y < ny; ++y)
      for (int x = 0; x < nx; ++x) p[static_cast<std::size_t>(axis == 0 ? x : y)] += img[static_cast<std::size_t>(y) * static_cast<std::size_t>(nx) + static_cast<std::size_t>(x)] / m;
    p = smooth_1d(p, 0.5 / step);
    const auto [lo, hi] = std::minmax_element(p.begin(), p.end());
    if (*hi - *lo > best_range) {
      best_range = *hi - *lo;
      best.across_axis = axis;
      best_profile = p;
    }
  }
  const auto& p = best_profile;
  const int n = static_cast<int>(p.size());
  const double step = best.across_axis == 0 ? dx : dy;
  const int edge = std::max(2, n / 20);
  if (n < 4 * edge + 3) return best;
  std::vector<double> outer(p.begin(), p.begin() + edge);
  outer.insert(outer.end(), p.end() - edge, p.end());
  const double vacuum = median(outer);
  std::vector<double> dev(p.size()), diffs;
  for (std::size_t i = 0; i < p.size(); ++i) dev[i] = std::abs(p[i] - vacuum);
  for (std::size_t i = 1; i < p.size(); ++i) diffs.push_back(p[i] - p[i - 1]);
  const double md = median(diffs);
  for (auto& d : diffs) d = std::abs(d - md);
  const double noise = 1.4826 * median(diffs) / std::sqrt(2.0) + 1e-30;
  const double top = *std::max_element(dev.begin(), dev.end());
  if (top < 6 * noise) return best;
  int lo = 0, hi = n - 1;
  while (lo < n && dev[static_cast<std::size_t>(lo)] < 0.3 * top) ++lo;
  while (hi > 0 && dev[static_cast<std::size_t>(hi)] < 0.3 * top) --hi;
  // each wall: the extremum of the deviation within 2 Å inward of the first crossing
  const int reach = std::max(1, static_cast<int>(std::lround(2.0 / step)));
  auto peak = [&](int from, int dir) {
    int at = from;
    for (int k = 0; k <= reach; ++k) {
      const int i = from + dir * k;
      if (i < 0 || i >= n) break;
      if (dev[static_cast<std::size_t>(i)] > dev[static_cast<std::size_t>(at)]) at = i;
    }
    return at;
  };
  const int wlo = peak(lo, +1), whi = peak(hi, -1);
  const int shrink = static_cast<int>(std::ceil(margin / step));
  const int a = wlo + shrink + 1, b = whi - shrink;  // [a, b)
  if (b - a < 3) {
    best.note = "tube walls found too close together for an interior band: the whole frame";
    return best;
  }
  best.found = true;
  best.wall_lo_angstrom = wlo * step;
  best.wall_hi_angstrom = whi * step;
  best.lo = a;
  best.hi = b;
  best.note = "";
  return best;
}

double band_noise(const BandImage& b, double smoothing_angstrom, double pixel_angstrom) {
  const int lag = static_cast<int>(std::ceil(3.0 * smoothing_angstrom / (b.binning * pixel_angstrom))) + 1;
  std::vector<double> d;
  for (int y = 0; y < b.ny; ++y)
    for (int x = 0; x + lag < b.nx; ++x)
      d.push_back(static_cast<double>(b.pixels[static_cast<std::size_t>(y * b.nx + x + lag)]) - b.pixels[static_cast<std::size_t>(y * b.nx + x)]);
  for (int y = 0; y + lag < b.ny; ++y)
    for (int x = 0; x < b.nx; ++x)
      d.push_back(static_cast<double>(b.pixels[static_cast<std::size_t>((y + lag) * b.nx + x)]) - b.pixels[static_cast<std::size_t>(y * b.nx + x)]);
  for (auto& v : d) v = std::abs(v);
  return 1.4826 * median(d) / std::sqrt(2.0);
}

BandImage band_image(const std::vector<float>& frame, int nx, int ny, double dx, double dy, const TubeBand& band,
                     const ImageRegionParams& params) {
  int x0 = 0, x1 = nx, y0 = 0, y1 = ny;
  if (band.found) {
    if (band.across_axis == 0) x0 = band.lo, x1 = band.hi;
    else y0 = band.lo, y1 = band.hi;
  }
  const int w = x1 - x0, h = y1 - y0;
  std::vector<double> a(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      a[static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)] =
          frame[static_cast<std::size_t>(y + y0) * static_cast<std::size_t>(nx) + static_cast<std::size_t>(x + x0)];
  // separable Gaussian: rows, then columns
  std::vector<double> line;
  for (int y = 0; y < h; ++y) {
    line.assign(a.begin() + static_cast<std::ptrdiff_t>(y) * w, a.begin() + static_cast<std::ptrdiff_t>(y + 1) * w);
    line = smooth_1d(line, params.smoothing_angstrom / dx);
    std::copy(line.begin(), line.end(), a.begin() + static_cast<std::ptrdiff_t>(y) * w);
  }
  for (int x = 0; x < w; ++x) {
    line.resize(static_cast<std::size_t>(h));
    for (int y = 0; y < h; ++y) line[static_cast<std::size_t>(y)] = a[static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)];
    line = smooth_1d(line, params.smoothing_angstrom / dy);
    for (int y = 0; y < h; ++y) a[static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)] = line[static_cast<std::size_t>(y)];
  }
  BandImage out;
  const int b = std::max(1, params.binning);
  out.binning = b;
  out.x0 = x0;
  out.y0 = y0;
  out.nx = std::max(1, w / b);
  out.ny = std::max(1, h / b);
  const int bx = std::min(b, w), by = std::min(b, h);
  out.pixels.assign(static_cast<std::size_t>(out.nx) * static_cast<std::size_t>(out.ny), 0.0f);
  for (int j = 0; j < out.ny; ++j)
    for (int i = 0; i < out.nx; ++i) {
      double s = 0;
      for (int y = j * by; y < j * by + by; ++y)
        for (int x = i * bx; x < i * bx + bx; ++x) s += a[static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)];
      out.pixels[static_cast<std::size_t>(j) * static_cast<std::size_t>(out.nx) + static_cast<std::size_t>(i)] = static_cast<float>(s / (bx * by));
    }
  return out;
}

}  // namespace nanomix::topology
