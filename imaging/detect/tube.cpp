#include "imaging/detect/tube.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace nanomix::imaging {

namespace {

constexpr double kDeg = M_PI / 180.0;
constexpr double kBin = 0.25;          // Å, profile bins
constexpr double kSmooth = 2.5;        // Å, profile smoothing removed by the high-pass
constexpr double kWallHalfWidth = 0.5; // Å, band across a wall line
constexpr double kExtentSmooth = 3.0;  // Å, smoothing along a wall (extent)
constexpr double kPeakSmooth = 0.3;    // Å, profile smoothing before the peak search
constexpr double kOutsideGap = 2.5;    // Å: beyond the walls, from here ...
constexpr double kOutsideReach = 8.0;  // Å: ... to here, no line as strong as half a wall

/// An image sampled on a regular grid: value k = (i, j) at (ox + i·dx, oy + j·dy).
struct Sampled {
  std::vector<float> v;
  int nx = 0, ny = 0;
  double dx = 0, dy = 0, ox = 0, oy = 0;
};

Sampled binned(const std::vector<float>& img, int nx, int ny, double px, double py, int b) {
  Sampled s;
  s.nx = nx / b;
  s.ny = ny / b;
  s.dx = b * px;
  s.dy = b * py;
  s.ox = 0.5 * (b - 1) * px;
  s.oy = 0.5 * (b - 1) * py;
  s.v.assign(static_cast<std::size_t>(s.nx) * static_cast<std::size_t>(s.ny), 0.0f);
  for (int j = 0; j < s.ny * b; ++j) {
    for (int i = 0; i < s.nx * b; ++i) {
      s.v[static_cast<std::size_t>(j / b) * static_cast<std::size_t>(s.nx) + static_cast<std::size_t>(i / b)] +=
          img[static_cast<std::size_t>(j) * static_cast<std::size_t>(nx) + static_cast<std::size_t>(i)] / static_cast<float>(b * b);
    }
  }
  return s;
}

/// Gaussian smoothing of a series with missing values (NaN), by normalised convolution.
std::vector<double> smooth(const std::vector<double>& v, double sigma_bins) {
  const int r = std::max(1, static_cast<int>(std::ceil(3 * sigma_bins)));
  std::vector<double> w(static_cast<std::size_t>(2 * r + 1));
  for (int k = -r; k <= r; ++k) w[static_cast<std::size_t>(k + r)] = std::exp(-0.5 * k * k / (sigma_bins * sigma_bins));
  const int n = static_cast<int>(v.size());
  std::vector<double> out(v.size(), std::numeric_limits<double>::quiet_NaN());
  for (int i = 0; i < n; ++i) {
    if (std::isnan(v[static_cast<std::size_t>(i)])) continue;
    double s = 0, sw = 0;
    for (int k = -r; k <= r; ++k) {
      const int q = i + k;
      if (q < 0 || q >= n || std::isnan(v[static_cast<std::size_t>(q)])) continue;
      s += w[static_cast<std::size_t>(k + r)] * v[static_cast<std::size_t>(q)];
      sw += w[static_cast<std::size_t>(k + r)];
    }
    out[static_cast<std::size_t>(i)] = s / sw;
  }
  return out;
}

double median(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

/// Mean of the image in bins of `coordinate` (s across the axis, or t along it) over the pixels whose
/// other coordinate passes `keep`; NaN where a bin has fewer than 3 pixels.
struct Profile {
  double start = 0;  // coordinate of bin 0's lower edge
  std::vector<double> mean;
};

template <class Coord, class Keep>
Profile bin_mean(const Sampled& im, double half_range, Coord coord, Keep keep) {
  Profile p;
  p.start = -half_range;
  const std::size_t nb = static_cast<std::size_t>(std::ceil(2 * half_range / kBin)) + 1;
  std::vector<double> sum(nb, 0.0);
  std::vector<int> count(nb, 0);
  for (int j = 0; j < im.ny; ++j) {
    const double y = im.oy + j * im.dy;
    for (int i = 0; i < im.nx; ++i) {
      const double x = im.ox + i * im.dx;
      if (!keep(x, y)) continue;
      const double c = coord(x, y);
      const long k = static_cast<long>(std::floor((c - p.start) / kBin));
      if (k < 0 || k >= static_cast<long>(nb)) continue;
      sum[static_cast<std::size_t>(k)] += im.v[static_cast<std::size_t>(j) * static_cast<std::size_t>(im.nx) + static_cast<std::size_t>(i)];
      ++count[static_cast<std::size_t>(k)];
    }
  }
  p.mean.assign(nb, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t k = 0; k < nb; ++k) {
    if (count[k] >= 3) p.mean[k] = sum[k] / count[k];
  }
  return p;
}

struct Pair {
  double strength = -1;  // the weaker peak of the high-passed profile
  double s_low = 0, s_high = 0;
  double noise = 0;      // robust σ of the high-passed profile
  double background_low = 0, background_high = 0;  // the smoothed profile at the walls
  double outside = 0;    // strongest line just outside the walls, relative to the weaker wall
};

/// The across-axis profile at angle θ and its best (and outermost strong) wall pair.
Pair walls_at(const Sampled& im, double cx, double cy, double half_range, double theta_deg, const TubeParams& p) {
  const double c = std::cos(theta_deg * kDeg), s = std::sin(theta_deg * kDeg);
  const auto prof = bin_mean(
      im, half_range, [&](double x, double y) { return -(x - cx) * s + (y - cy) * c; }, [](double, double) { return true; });
  const auto low = smooth(prof.mean, kSmooth / kBin);
  const auto fine = smooth(prof.mean, kPeakSmooth / kBin);  // a wall line is ~1 Å wide: average the noise
  const std::size_t n = prof.mean.size();
  std::vector<double> hp(n, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t k = 0; k < n; ++k) hp[k] = fine[k] - low[k];
  std::vector<double> diffs;
  for (std::size_t k = 1; k < n; ++k) {
    if (!std::isnan(hp[k]) && !std::isnan(hp[k - 1])) diffs.push_back(std::abs(hp[k] - hp[k - 1]));
  }
  Pair best;
  best.noise = 1.4826 * median(diffs) / std::sqrt(2.0);
  std::vector<std::size_t> peaks;
  for (std::size_t k = 1; k + 1 < n; ++k) {
    if (std::isnan(hp[k]) || std::isnan(hp[k - 1]) || std::isnan(hp[k + 1])) continue;
    if (hp[k] > 0 && hp[k] > hp[k - 1] && hp[k] >= hp[k + 1]) peaks.push_back(k);
  }
  const double dmin = 2 * p.min_radius_angstrom / kBin, dmax = 2 * p.max_radius_angstrom / kBin;
  for (std::size_t a = 0; a < peaks.size(); ++a) {
    for (std::size_t b = a + 1; b < peaks.size(); ++b) {
      const double d = static_cast<double>(peaks[b] - peaks[a]);
      if (d < dmin || d > dmax) continue;
      best.strength = std::max(best.strength, std::min(hp[peaks[a]], hp[peaks[b]]));
    }
  }
  return best;
}

/// Candidate wall pairs at angle θ: pairs of high-passed profile peaks 2·min_radius … 2·max_radius
/// apart whose weaker peak reaches a fifth of the best pair's and min_wall_sigma noise σ, widest
/// first (ion rows lie inside the walls, never outside).
std::vector<Pair> wall_pairs(const Sampled& im, double cx, double cy, double half_range, double theta_deg, const TubeParams& p) {
  const double c = std::cos(theta_deg * kDeg), s = std::sin(theta_deg * kDeg);
  const auto prof = bin_mean(
      im, half_range, [&](double x, double y) { return -(x - cx) * s + (y - cy) * c; }, [](double, double) { return true; });
  const auto low = smooth(prof.mean, kSmooth / kBin);
  const auto fine = smooth(prof.mean, kPeakSmooth / kBin);
  const std::size_t n = prof.mean.size();
  std::vector<double> hp(n, std::numeric_limits<double>::quiet_NaN()), diffs;
  for (std::size_t k = 0; k < n; ++k) hp[k] = fine[k] - low[k];
  for (std::size_t k = 1; k < n; ++k) {
    if (!std::isnan(prof.mean[k]) && !std::isnan(prof.mean[k - 1])) diffs.push_back(std::abs(prof.mean[k] - prof.mean[k - 1]));
  }
  // Noise of the fine profile: σ of one bin (from neighbour differences) over √(bins in the smoothing).
  const double noise = 1.4826 * median(diffs) / std::sqrt(2.0) / std::sqrt(2 * std::sqrt(M_PI) * kPeakSmooth / kBin);
  std::vector<std::size_t> peaks;
  for (std::size_t k = 1; k + 1 < n; ++k) {
    if (std::isnan(hp[k]) || std::isnan(hp[k - 1]) || std::isnan(hp[k + 1])) continue;
    if (hp[k] > 0 && hp[k] > hp[k - 1] && hp[k] >= hp[k + 1]) peaks.push_back(k);
  }
  const double dmin = 2 * p.min_radius_angstrom / kBin, dmax = 2 * p.max_radius_angstrom / kBin;
  double best = 0;
  for (std::size_t a = 0; a < peaks.size(); ++a) {
    for (std::size_t b = a + 1; b < peaks.size(); ++b) {
      const double d = static_cast<double>(peaks[b] - peaks[a]);
      if (d >= dmin && d <= dmax) best = std::max(best, std::min(hp[peaks[a]], hp[peaks[b]]));
    }
  }
  auto refined = [&](std::size_t k) {
    const double m = hp[k - 1], z = hp[k], q = hp[k + 1], den = m - 2 * z + q;
    const double off = std::abs(den) > 1e-30 ? std::clamp(0.5 * (m - q) / den, -0.5, 0.5) : 0.0;
    return prof.start + (static_cast<double>(k) + 0.5 + off) * kBin;
  };
  std::vector<Pair> pairs;
  for (std::size_t a = 0; a < peaks.size(); ++a) {
    for (std::size_t b = a + 1; b < peaks.size(); ++b) {
      const std::size_t ka = peaks[a], kb = peaks[b];
      const double d = static_cast<double>(kb - ka), strength = std::min(hp[ka], hp[kb]);
      if (d < dmin || d > dmax || strength < 0.2 * best || strength < p.min_wall_sigma * noise) continue;
      Pair q;
      q.strength = strength;
      q.noise = noise;
      q.s_low = refined(ka);
      q.s_high = refined(kb);
      q.background_low = low[ka];
      q.background_high = low[kb];
      // Outside the walls there is vacuum (or at least no line as strong as half a wall); a lattice
      // that fills the frame has rows there.
      for (std::size_t r : peaks) {
        const double gap = r < ka ? static_cast<double>(ka - r) * kBin : r > kb ? static_cast<double>(r - kb) * kBin : -1;
        if (gap >= kOutsideGap && gap <= kOutsideReach) q.outside = std::max(q.outside, hp[r] / strength);
      }
      pairs.push_back(q);
    }
  }
  std::sort(pairs.begin(), pairs.end(), [](const Pair& x, const Pair& y) { return x.s_high - x.s_low > y.s_high - y.s_low; });
  if (pairs.size() > 6) pairs.resize(6);
  return pairs;
}

/// How strongly a wall line is modulated at atom-column spacings, over bins [run_a, run_b) of its
/// profile (infinity when too short or not positive). A wall is a continuous line; a row of atom
/// columns is modulated at the column spacing. The amplitude of the strongest along-line Fourier
/// component with a period of 2.6–6 Å (rock-salt and perovskite column spacings; graphene's own
/// 2.46 Å and 1.23 Å periods lie outside), noise power (periods below 1.1 Å, where the blurred
/// signal has none) subtracted, over the line's mean.
double wall_modulation(const Profile& w, std::size_t run_a, std::size_t run_b) {
  std::vector<double> v;
  for (std::size_t k = run_a; k < run_b; ++k) {
    if (!std::isnan(w.mean[k])) v.push_back(w.mean[k]);
  }
  const std::size_t n = v.size();
  if (n < 16) return std::numeric_limits<double>::infinity();
  double mean = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(n);
  const double length = static_cast<double>(n) * kBin;
  double noise = 0, band = 0;
  int noise_count = 0;
  for (std::size_t f = 1; f <= n / 2; ++f) {
    const double period = length / static_cast<double>(f);
    const bool in_band = period >= 2.6 && period <= 6.0, in_noise = period < 1.1;
    if (!in_band && !in_noise) continue;
    double re = 0, im = 0;
    for (std::size_t k = 0; k < n; ++k) {
      const double a = 2 * M_PI * static_cast<double>(f * k) / static_cast<double>(n);
      re += (v[k] - mean) * std::cos(a);
      im += (v[k] - mean) * std::sin(a);
    }
    const double power = (re * re + im * im) / static_cast<double>(n);
    if (in_band) band = std::max(band, power);
    if (in_noise) {
      noise += power;
      ++noise_count;
    }
  }
  noise = noise_count ? noise / noise_count : 0.0;
  // A sinusoid of amplitude A gives power A²·n/4; the largest of ~M noise bins is ~(1 + ln M)·noise.
  const double amplitude = 2 * std::sqrt(std::max(0.0, band - 4 * noise) / static_cast<double>(n));
  return mean > 0 ? amplitude / mean : std::numeric_limits<double>::infinity();
}

/// Why a measured tube is rejected (empty when it is accepted): walls modulated like rows of
/// columns, strong lines outside them, or walls too weak against the noise.
std::string rejection_reason(const Tube& tube, double theta, const TubeParams& p) {
  char why[200];
  if (tube.wall_modulation > p.max_wall_modulation) {
    std::snprintf(why, sizeof why, "the strongest parallel lines (%.1f Å apart at %.1f°) are rows of atom columns, not walls (modulation %.2f > %.2f)",
                  2 * tube.radius_angstrom, theta, tube.wall_modulation, p.max_wall_modulation);
    return why;
  }
  if (tube.outside_lines > 0.5) {
    std::snprintf(why, sizeof why, "the strongest parallel lines (%.1f Å apart at %.1f°) have lines as strong outside them (a lattice, not a tube)",
                  2 * tube.radius_angstrom, theta);
    return why;
  }
  if (tube.wall_sigma < p.min_wall_sigma) {
    std::snprintf(why, sizeof why, "the best wall pair stands only %.1f σ above the noise (< %.1f)", tube.wall_sigma, p.min_wall_sigma);
    return why;
  }
  return {};
}

/// The tests of a candidate wall pair at angle θ (see tube.hpp, steps 3–4).
Tube check_pair(const Sampled& full, double cx, double cy, double half_range, double theta, const Pair& walls, const TubeParams& p) {
  Tube tube;
  tube.axis_angle_deg = theta;
  tube.wall_sigma = walls.noise > 0 ? walls.strength / walls.noise : std::numeric_limits<double>::infinity();
  // 3–4. Signal along each wall line: extent and modulation.
  const double c = std::cos(theta * kDeg), s = std::sin(theta * kDeg);
  auto along_wall = [&](double s_wall, double background) {
    auto prof = bin_mean(
        full, half_range, [&](double x, double y) { return (x - cx) * c + (y - cy) * s; },
        [&](double x, double y) { return std::abs(-(x - cx) * s + (y - cy) * c - s_wall) <= kWallHalfWidth; });
    for (double& v : prof.mean) v -= background;
    return prof;
  };
  const auto wl = along_wall(walls.s_low, walls.background_low), wh = along_wall(walls.s_high, walls.background_high);
  const auto el = smooth(wl.mean, kExtentSmooth / kBin), eh = smooth(wh.mean, kExtentSmooth / kBin);
  const double ml = median(el), mh = median(eh);
  // From the first to the last bin where both walls are present (noise may break a wall up).
  std::size_t run_a = el.size(), run_b = 0;
  for (std::size_t k = 0; k < el.size(); ++k) {
    if (!std::isnan(el[k]) && !std::isnan(eh[k]) && el[k] > ml / 3 && eh[k] > mh / 3) {
      run_a = std::min(run_a, k);
      run_b = k + 1;
    }
  }
  const std::size_t best_len = run_b > run_a ? run_b - run_a : 0;
  if (!(ml > 0 && mh > 0) || best_len * kBin < 2 * p.min_radius_angstrom) {
    tube.reason = "the candidate walls are not lines of positive contrast";
    return tube;
  }
  tube.wall_modulation = std::max(wall_modulation(wl, run_a, run_b), wall_modulation(wh, run_a, run_b));
  tube.outside_lines = walls.outside;
  const double t0 = wl.start + run_a * kBin, t1 = wl.start + run_b * kBin;
  const double s_mid = 0.5 * (walls.s_low + walls.s_high), t_mid = 0.5 * (t0 + t1);
  tube.centre_x_angstrom = cx - s * s_mid + c * t_mid;
  tube.centre_y_angstrom = cy + c * s_mid + s * t_mid;
  tube.radius_angstrom = 0.5 * (walls.s_high - walls.s_low);
  tube.half_length_angstrom = 0.5 * (t1 - t0);
  tube.reason = rejection_reason(tube, theta, p);
  tube.found = tube.reason.empty();
  return tube;
}

}  // namespace

double Tube::across(double x, double y) const {
  const double c = std::cos(axis_angle_deg * kDeg), s = std::sin(axis_angle_deg * kDeg);
  return std::abs(-(x - centre_x_angstrom) * s + (y - centre_y_angstrom) * c);
}

double Tube::along(double x, double y) const {
  const double c = std::cos(axis_angle_deg * kDeg), s = std::sin(axis_angle_deg * kDeg);
  return std::abs((x - centre_x_angstrom) * c + (y - centre_y_angstrom) * s);
}

bool Tube::contains(double x, double y, double margin) const {
  return found && across(x, y) <= radius_angstrom - margin && along(x, y) <= half_length_angstrom - margin;
}

std::string describe(const Tube& t) {
  char line[320];
  if (!t.found) {
    std::snprintf(line, sizeof line, "no nanotube: %s", t.reason.c_str());
  } else {
    std::snprintf(line, sizeof line,
                  "nanotube: axis %.1f° through (%.1f, %.1f) Å, radius %.2f Å (wall to wall), visible length %.1f Å, "
                  "wall modulation %.2f, wall contrast %.0f σ",
                  t.axis_angle_deg, t.centre_x_angstrom, t.centre_y_angstrom, t.radius_angstrom, 2 * t.half_length_angstrom,
                  t.wall_modulation, t.wall_sigma);
  }
  return line;
}

Tube find_tube(const std::vector<float>& image, int nx, int ny, double px, double py, const TubeParams& p) {
  Tube tube;
  const double cx = 0.5 * (nx - 1) * px, cy = 0.5 * (ny - 1) * py;
  const double half_range = std::hypot(cx, cy) + 1.0;
  if (2 * p.min_radius_angstrom > 2 * half_range) {
    tube.reason = "the frame is smaller than the smallest tube looked for";
    return tube;
  }
  Sampled full;
  full.v = image;
  full.nx = nx;
  full.ny = ny;
  full.dx = px;
  full.dy = py;
  // 1. Orientation: coarse on a binned frame, refined on the full one.
  const int b = std::max(1, static_cast<int>(std::floor(0.4 / std::min(px, py))));
  const Sampled coarse = b > 1 && nx / b >= 8 && ny / b >= 8 ? binned(image, nx, ny, px, py, b) : full;
  std::vector<double> score(180, 0.0);
  for (int deg = 0; deg < 180; ++deg) score[static_cast<std::size_t>(deg)] = walls_at(coarse, cx, cy, half_range, deg, p).strength;
  // Candidate orientations: local maxima of the score over θ (circular), strongest first; each is
  // refined, and its wall pairs (widest first) are tested until one passes.
  std::vector<std::pair<double, int>> order;
  for (int deg = 0; deg < 180; ++deg) {
    const double v = score[static_cast<std::size_t>(deg)];
    if (v > 0 && v >= score[static_cast<std::size_t>((deg + 179) % 180)] && v >= score[static_cast<std::size_t>((deg + 1) % 180)]) {
      order.emplace_back(v, deg);
    }
  }
  std::sort(order.rbegin(), order.rend());
  if (order.size() > 4) order.resize(4);
  Tube first_failure;
  for (const auto& [strength, deg] : order) {
    double theta = deg, refined_strength = -1;
    for (int k = -10; k <= 10; ++k) {
      const double th = deg + 0.1 * k;
      const auto w = walls_at(full, cx, cy, half_range, th, p);
      if (w.strength > refined_strength) {
        refined_strength = w.strength;
        theta = th;
      }
    }
    for (const auto& pair : wall_pairs(full, cx, cy, half_range, theta, p)) {
      Tube t = check_pair(full, cx, cy, half_range, std::fmod(theta + 180.0, 180.0), pair, p);
      if (t.found) return t;
      if (first_failure.reason.empty()) first_failure = t;
    }
  }
  if (first_failure.reason.empty()) first_failure.reason = "no pair of parallel lines stands out of the noise";
  return first_failure;
}

}  // namespace nanomix::imaging
