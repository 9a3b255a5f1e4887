#include "imaging/detect/lattice_classes.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

#include "core/materials.hpp"

namespace nanomix::imaging {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Projected rock-salt column spacings a/2 (Å) and the window a measured spacing must lie in.
constexpr double kSpacingNaCl = 0.5 * nacl_lattice_constant_angstrom;
constexpr double kSpacingNaI = 0.5 * nai_lattice_constant_angstrom;
constexpr double kWindowLow = 0.8 * kSpacingNaCl, kWindowHigh = 1.2 * kSpacingNaI;

/// The median (the mean of the two middle values for an even count; detect_columns.cpp's median_of takes
/// the upper one, which is what its noise estimates want).
double exact_median(std::vector<double> v) {
  if (v.empty()) return kNaN;
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  if (v.size() % 2) return *mid;
  return 0.5 * (*mid + *std::max_element(v.begin(), mid));
}

/// Indices of the columns of each frame.
std::map<int, std::vector<std::size_t>> by_frame(const std::vector<Column>& cols) {
  std::map<int, std::vector<std::size_t>> frames;
  for (std::size_t i = 0; i < cols.size(); ++i) frames[cols[i].frame].push_back(i);
  return frames;
}

double distance(const Column& a, const Column& b) { return std::hypot(a.x_angstrom - b.x_angstrom, a.y_angstrom - b.y_angstrom); }

/// The first shell of column i among the columns `idx` of its frame: its nearest column and those
/// within ratio × that distance, at most 4 (the square lattice's first shell), nearest first.
std::vector<std::size_t> first_shell(const std::vector<Column>& cols, const std::vector<std::size_t>& idx, std::size_t i, double ratio) {
  std::vector<std::pair<double, std::size_t>> d;
  for (std::size_t j : idx) {
    if (j != i) d.emplace_back(distance(cols[i], cols[j]), j);
  }
  std::sort(d.begin(), d.end());
  std::vector<std::size_t> shell;
  for (std::size_t k = 0; k < d.size() && k < 4 && d[k].first <= ratio * d[0].first; ++k) shell.push_back(d[k].second);
  return shell;
}

std::vector<std::vector<std::size_t>> first_shells(const std::vector<Column>& cols, double ratio) {
  std::vector<std::vector<std::size_t>> out(cols.size());
  for (const auto& [frame, idx] : by_frame(cols)) {
    for (std::size_t i : idx) out[i] = first_shell(cols, idx, i, ratio);
  }
  return out;
}

/// Step 1: the median distance of each column to its first shell (NaN when fewer than 2 or outside
/// the rock-salt window).
std::vector<double> column_spacings(const std::vector<Column>& cols, const std::vector<std::vector<std::size_t>>& shells) {
  std::vector<double> out(cols.size(), kNaN);
  for (std::size_t i = 0; i < cols.size(); ++i) {
    if (shells[i].size() < 2) continue;
    std::vector<double> d;
    for (std::size_t j : shells[i]) d.push_back(distance(cols[i], cols[j]));
    const double s = exact_median(d);
    if (s >= kWindowLow && s <= kWindowHigh) out[i] = s;
  }
  return out;
}

/// The pairs (i, j), i < j, of first-shell neighbours (either way) that both have a spacing.
std::vector<std::pair<std::size_t, std::size_t>> measured_pairs(const std::vector<std::vector<std::size_t>>& shells, const std::vector<double>& spacing) {
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  for (std::size_t i = 0; i < shells.size(); ++i) {
    if (!std::isfinite(spacing[i])) continue;
    for (std::size_t j : shells[i]) {
      if (std::isfinite(spacing[j])) pairs.emplace_back(std::min(i, j), std::max(i, j));
    }
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  return pairs;
}

/// Bayes class of a spacing under the mixture: 1 when the wider component is the more probable.
int mixture_class(const Mixture2& mix, double s) {
  return mix.w[1] * mix.density(1, s) > mix.w[0] * mix.density(0, s) ? 1 : 0;
}

/// Columns without a spacing (klass < 0) take the class of the nearest column of their frame that
/// has one (light when the frame has none).
void fill_unmeasured(const std::vector<Column>& cols, std::vector<int>& klass) {
  const std::vector<int> measured = klass;
  for (const auto& [frame, idx] : by_frame(cols)) {
    for (std::size_t i : idx) {
      if (measured[i] >= 0) continue;
      double best = std::numeric_limits<double>::infinity();
      klass[i] = 0;
      for (std::size_t j : idx) {
        if (measured[j] >= 0 && distance(cols[i], cols[j]) < best) {
          best = distance(cols[i], cols[j]);
          klass[i] = measured[j];
        }
      }
    }
  }
}

/// Each measured column's class under the mixture (-1 without a spacing).
std::vector<int> mixture_classes(const Mixture2& mix, const std::vector<double>& spacing) {
  std::vector<int> own(spacing.size(), -1);
  for (std::size_t i = 0; i < spacing.size(); ++i) {
    if (std::isfinite(spacing[i])) own[i] = mixture_class(mix, spacing[i]);
  }
  return own;
}

/// Step 3: classes from the mixture (`own`: heavy = the wider-spacing component more probable),
/// then the majority of each measured column and its measured first shell (a tie keeps its own class).
void two_domains(const Mixture2& mix, const std::vector<Column>& cols, const std::vector<std::vector<std::size_t>>& shells,
                 const std::vector<int>& own, LatticeClasses& out) {
  out.outcome = LatticeClasses::Outcome::two_domains;
  out.spacing_light_angstrom = mix.m[0];
  out.spacing_heavy_angstrom = mix.m[1];
  double lo = mix.m[0], hi = mix.m[1];  // equal-probability point between the means, by bisection
  for (int it = 0; it < 60; ++it) {
    const double mid = 0.5 * (lo + hi);
    (mix.w[1] * mix.density(1, mid) > mix.w[0] * mix.density(0, mid) ? hi : lo) = mid;
  }
  out.boundary_angstrom = 0.5 * (lo + hi);
  out.klass = own;
  std::size_t flipped = 0;
  for (std::size_t i = 0; i < cols.size(); ++i) {
    if (own[i] < 0) continue;
    int heavy = own[i], votes = 1;
    for (std::size_t j : shells[i]) {
      if (own[j] < 0) continue;
      heavy += own[j];
      ++votes;
    }
    if (2 * heavy != votes) out.klass[i] = 2 * heavy > votes ? 1 : 0;
    flipped += out.klass[i] != own[i];
  }
  fill_unmeasured(cols, out.klass);
  char line[600];
  std::snprintf(line, sizeof line,
                "classes by lattice: two rock-salt domains, projected column spacings %.3f and %.3f Å (NaCl 2.82, NaI 3.235), "
                "%.2f pooled standard deviations apart, neighbouring columns' classes agree with kappa %.2f; columns whose spacing is "
                "more probably the wider one (above %.3f Å) are heavy (every column of a NaI domain holds iodide), then the majority of "
                "each column and its first shell decides (%zu changed)",
                mix.m[0], mix.m[1], out.separation, out.domain_contrast, out.boundary_angstrom, flipped);
  out.note = line;
}

/// Anions expected in the column: its chord through a cylinder about the tube axis reaching a/4
/// beyond the frame's farthest column (`reach`), over a; at least 1 (a detected column holds an
/// ion; 1 without a tube).
double anions_in_column(const Column& c, const Tube* tube, double reach, double a) {
  if (!tube || !tube->found) return 1.0;
  const double s = tube->across(c.x_angstrom, c.y_angstrom);
  const double chord = 2 * std::sqrt(std::max(0.0, reach * reach - s * s));
  return std::max(1.0, chord / a);
}

/// P(no iodide) in a column of k anions (k fractional: a chord of k·a holds ⌊k⌋ anions or ⌊k⌋ + 1,
/// the latter with probability k − ⌊k⌋, by where the lattice falls along it).
double no_iodide_probability(double x, double k) {
  const double lo = std::floor(k), f = k - lo;
  return (1 - f) * std::pow(1 - x, lo) + f * std::pow(1 - x, lo + 1);
}

/// k of every column (anions_in_column, per frame).
std::vector<double> anion_counts(const std::vector<Column>& cols, const std::vector<Tube>& tubes, double a) {
  std::vector<double> k(cols.size(), 1.0);
  for (const auto& [frame, idx] : by_frame(cols)) {
    const Tube* tube = frame >= 0 && static_cast<std::size_t>(frame) < tubes.size() ? &tubes[static_cast<std::size_t>(frame)] : nullptr;
    double reach = 0;
    for (std::size_t i : idx) reach = std::max(reach, tube && tube->found ? tube->across(cols[i].x_angstrom, cols[i].y_angstrom) : 0.0);
    for (std::size_t i : idx) k[i] = anions_in_column(cols[i], tube, reach + 0.25 * a, a);
  }
  return k;
}

/// Step 4: a solid solution of Vegard fraction x. The expected number of columns without iodide,
/// Σ (1 − x)^k, are classed light: the dimmest ones by integrated intensity (a column without
/// iodide lacks the strongest scatterer, and is mostly a short one).
void solid_solution(const std::vector<Column>& cols, const std::vector<Tube>& tubes, double median, LatticeClasses& out) {
  out.outcome = LatticeClasses::Outcome::solid_solution;
  const double a = 2 * median;
  out.lattice_constant_angstrom = a;
  const double x = std::clamp((a - nacl_lattice_constant_angstrom) / (nai_lattice_constant_angstrom - nacl_lattice_constant_angstrom), 0.0, 1.0);
  out.iodide_fraction = x;
  const auto k = anion_counts(cols, tubes, a);
  double light = 0;
  for (double ki : k) light += no_iodide_probability(x, ki);
  out.light_fraction = cols.empty() ? 0.0 : light / static_cast<double>(cols.size());
  std::vector<std::size_t> order(cols.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return cols[i].intensity / k[i] < cols[j].intensity / k[j]; });
  const auto n_light = static_cast<std::size_t>(std::lround(light));
  out.klass.assign(cols.size(), 1);
  for (std::size_t r = 0; r < n_light && r < order.size(); ++r) out.klass[order[r]] = 0;
  char line[600];
  std::snprintf(line, sizeof line,
                "classes by lattice: one rock-salt lattice (a solid solution), a = %.3f Å (2 x the median projected spacing, robust "
                "sigma %.3f Å), iodide fraction x = %.2f by Vegard's law (a = 5.64 + x (6.47 - 5.64) Å); a column of k anions holds "
                "no iodide with probability (1 - x)^k (k from its chord through the cluster), so %.0f%% of the columns are expected "
                "to hold none: the %zu dimmest columns are light, the rest heavy",
                a, out.spread_angstrom, x, 100 * out.light_fraction, n_light);
  out.note = line;
}

double robust_sigma(const std::vector<double>& v, double median) {
  std::vector<double> dev;
  for (double s : v) dev.push_back(std::abs(s - median));
  return 1.4826 * exact_median(dev);
}

}  // namespace

double Mixture2::density(int k, double x) const {
  const double z = (x - m[k]) / s[k];
  return std::exp(-0.5 * z * z) / (s[k] * std::sqrt(2 * M_PI));
}

bool fit_mixture2(const std::vector<double>& values, Mixture2& mix, double trim_fraction, double min_sigma) {
  if (values.size() < 4) return false;
  std::vector<double> v = values;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  const auto trimmed = static_cast<std::size_t>(std::floor(std::clamp(trim_fraction, 0.0, 0.5) * static_cast<double>(n)));
  const std::size_t kept = n - trimmed;
  const double floor_sigma = std::max(min_sigma, 1e-3 * std::max(1e-12, v.back() - v.front()));
  mix.m[0] = v[n / 4];
  mix.m[1] = v[3 * n / 4];
  mix.s[0] = mix.s[1] = std::max(floor_sigma, 0.5 * (v.back() - v.front()) / 2);
  mix.w[0] = mix.w[1] = 0.5;
  std::vector<double> r(n), p(n);
  std::vector<std::size_t> order(n);
  std::vector<char> use(n, 1);
  for (int it = 0; it < 200; ++it) {
    for (std::size_t i = 0; i < n; ++i) {
      const double p0 = mix.w[0] * mix.density(0, v[i]), p1 = mix.w[1] * mix.density(1, v[i]);
      p[i] = p0 + p1;
      r[i] = p0 + p1 > 0 ? p1 / (p0 + p1) : (v[i] > 0.5 * (mix.m[0] + mix.m[1]) ? 1.0 : 0.0);
    }
    if (trimmed > 0) {  // leave out the `trimmed` values of lowest mixture density (ties: the later value)
      for (std::size_t i = 0; i < n; ++i) order[i] = i;
      const auto more_probable = [&](std::size_t a, std::size_t b) { return p[a] != p[b] ? p[a] > p[b] : a < b; };
      std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(kept), order.end(), more_probable);
      for (std::size_t k = 0; k < n; ++k) use[order[k]] = k < kept ? 1 : 0;
    }
    for (int k = 0; k < 2; ++k) {
      double nk = 0, sum = 0, sum2 = 0;
      for (std::size_t i = 0; i < n; ++i) {
        if (!use[i]) continue;
        const double q = k ? r[i] : 1 - r[i];
        nk += q;
        sum += q * v[i];
      }
      if (nk < 1e-9) return false;
      mix.m[k] = sum / nk;
      for (std::size_t i = 0; i < n; ++i) {
        if (use[i]) sum2 += (k ? r[i] : 1 - r[i]) * (v[i] - mix.m[k]) * (v[i] - mix.m[k]);
      }
      mix.s[k] = std::max(floor_sigma, std::sqrt(sum2 / nk));
      mix.w[k] = nk / static_cast<double>(kept);
    }
  }
  if (mix.m[0] > mix.m[1]) {
    std::swap(mix.m[0], mix.m[1]);
    std::swap(mix.s[0], mix.s[1]);
    std::swap(mix.w[0], mix.w[1]);
  }
  return true;
}

double class_contrast(const std::vector<int>& klass, const std::vector<std::pair<std::size_t, std::size_t>>& pairs) {
  std::size_t same = 0, n = 0;
  std::vector<char> member(klass.size(), 0);
  for (const auto& [i, j] : pairs) {
    if (klass[i] < 0 || klass[j] < 0) continue;
    ++n;
    same += klass[i] == klass[j];
    member[i] = member[j] = 1;
  }
  std::size_t cols = 0, heavy = 0;
  for (std::size_t i = 0; i < klass.size(); ++i) {
    if (!member[i]) continue;
    ++cols;
    heavy += klass[i] == 1;
  }
  if (n == 0) return kNaN;
  const double f = static_cast<double>(heavy) / static_cast<double>(cols);
  const double chance = f * f + (1 - f) * (1 - f);
  if (chance >= 1) return kNaN;
  return (static_cast<double>(same) / static_cast<double>(n) - chance) / (1 - chance);
}

LatticeClasses classify_by_lattice(const std::vector<Column>& cols, const std::vector<Tube>& tubes, const LatticeClassParams& p) {
  LatticeClasses out;
  out.iodide_fraction = kNaN;
  const auto shells = first_shells(cols, p.neighbour_ratio);
  out.spacing_angstrom = column_spacings(cols, shells);
  std::vector<double> measured;
  for (double s : out.spacing_angstrom) {
    if (std::isfinite(s)) measured.push_back(s);
  }
  out.lattice_fraction = cols.empty() ? 0.0 : static_cast<double>(measured.size()) / static_cast<double>(cols.size());
  char line[500];
  if (measured.size() < 4 || out.lattice_fraction < p.min_lattice_fraction) {
    std::snprintf(line, sizeof line, "no rock-salt lattice: %.0f%% of the columns have a first-shell spacing in %.2f-%.2f Å (needs %.0f%%)",
                  100 * out.lattice_fraction, kWindowLow, kWindowHigh, 100 * p.min_lattice_fraction);
    out.note = line;
    return out;
  }
  const double median = exact_median(measured);
  out.spread_angstrom = robust_sigma(measured, median);
  Mixture2 mix;
  out.domain_contrast = kNaN;
  if (fit_mixture2(measured, mix, p.trim_fraction, p.min_sigma_angstrom)) {
    out.separation = (mix.m[1] - mix.m[0]) / std::sqrt(0.5 * (mix.s[0] * mix.s[0] + mix.s[1] * mix.s[1]));
    const std::vector<int> own = mixture_classes(mix, out.spacing_angstrom);
    out.domain_contrast = class_contrast(own, measured_pairs(shells, out.spacing_angstrom));
    const bool ordered = std::max(mix.s[0], mix.s[1]) <= p.max_spread_angstrom;
    const bool rock_salt = mix.m[0] >= (1 - p.domain_tolerance) * kSpacingNaCl && mix.m[1] <= (1 + p.domain_tolerance) * kSpacingNaI;
    const bool contrast = mix.m[1] - mix.m[0] >= p.min_composition_contrast * (kSpacingNaI - kSpacingNaCl);
    const bool domains = out.domain_contrast >= p.min_domain_contrast;  // false for NaN
    if (ordered && rock_salt && contrast && domains && out.separation >= p.separation && std::min(mix.w[0], mix.w[1]) >= p.min_weight) {
      two_domains(mix, cols, shells, own, out);
      return out;
    }
  }
  if (out.spread_angstrom > p.max_spread_angstrom) {
    out.outcome = LatticeClasses::Outcome::disordered;
    std::snprintf(line, sizeof line,
                  "no ordered lattice: the projected column spacings (median %.3f Å) spread %.3f Å (robust sigma; a lattice needs <= %.3f) "
                  "and do not form two ordered domains (mixture %.3f / %.3f Å, sigma %.3f / %.3f Å, %.2f pooled sigma apart, kappa %.2f)",
                  median, out.spread_angstrom, p.max_spread_angstrom, mix.m[0], mix.m[1], mix.s[0], mix.s[1], out.separation,
                  out.domain_contrast);
    out.note = line;
    return out;
  }
  solid_solution(cols, tubes, median, out);
  std::snprintf(line, sizeof line, " (not two domains: mixture %.3f / %.3f Å, sigma %.3f / %.3f Å, %.2f pooled sigma apart, kappa %.2f)", mix.m[0],
                mix.m[1], mix.s[0], mix.s[1], out.separation, out.domain_contrast);
  out.note += line;
  return out;
}

}  // namespace nanomix::imaging
