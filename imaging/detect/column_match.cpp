#include "imaging/detect/column_match.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <tuple>

namespace nanomix::imaging {

namespace {

double dist2(const std::array<double, 2>& a, const std::array<double, 2>& b) {
  const double dx = a[0] - b[0], dy = a[1] - b[1];
  return dx * dx + dy * dy;
}

std::size_t find_root(std::vector<std::size_t>& parent, std::size_t k) {
  while (parent[k] != k) k = parent[k] = parent[parent[k]];
  return k;
}

}  // namespace

std::vector<TruthColumn> group_projected_atoms(const std::vector<std::array<double, 2>>& xy, const std::vector<int>& z,
                                               double tol, int heavy_z) {
  const std::size_t n = xy.size();
  std::vector<std::size_t> parent(n);
  std::iota(parent.begin(), parent.end(), std::size_t{0});
  // Sort by x, compare within tol (sweep): O(n log n + pairs).
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return xy[a][0] < xy[b][0]; });
  for (std::size_t a = 0; a < n; ++a) {
    for (std::size_t b = a + 1; b < n && xy[order[b]][0] - xy[order[a]][0] <= tol; ++b) {
      if (dist2(xy[order[a]], xy[order[b]]) <= tol * tol) parent[find_root(parent, order[a])] = find_root(parent, order[b]);
    }
  }
  std::vector<long> index(n, -1);
  std::vector<TruthColumn> cols;
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t r = find_root(parent, k);
    if (index[r] < 0) {
      index[r] = static_cast<long>(cols.size());
      cols.emplace_back();
    }
    auto& c = cols[static_cast<std::size_t>(index[r])];
    c.x_angstrom += xy[k][0];
    c.y_angstrom += xy[k][1];
    c.atoms += 1;
    if (k < z.size() && z[k] >= heavy_z) c.heavy = true;
  }
  for (auto& c : cols) {
    c.x_angstrom /= c.atoms;
    c.y_angstrom /= c.atoms;
  }
  return cols;
}

double smallest_spacing(const std::vector<std::array<double, 2>>& xy) {
  double best = std::numeric_limits<double>::infinity();
  std::vector<std::array<double, 2>> s = xy;
  std::sort(s.begin(), s.end());
  for (std::size_t a = 0; a < s.size(); ++a) {
    for (std::size_t b = a + 1; b < s.size() && (s[b][0] - s[a][0]) * (s[b][0] - s[a][0]) < best; ++b) {
      best = std::min(best, dist2(s[a], s[b]));
    }
  }
  return s.size() < 2 ? 0.0 : std::sqrt(best);
}

double median_nearest_spacing(const std::vector<std::array<double, 2>>& xy) {
  if (xy.size() < 2) return 0.0;
  std::vector<double> nn;
  for (std::size_t a = 0; a < xy.size(); ++a) {
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t b = 0; b < xy.size(); ++b) {
      if (a != b) best = std::min(best, dist2(xy[a], xy[b]));
    }
    nn.push_back(std::sqrt(best));
  }
  std::nth_element(nn.begin(), nn.begin() + static_cast<std::ptrdiff_t>(nn.size() / 2), nn.end());
  return nn[nn.size() / 2];
}

double MatchResult::precision() const {
  const auto d = true_positives + false_positives;
  return d ? static_cast<double>(true_positives) / static_cast<double>(d) : 0.0;
}
double MatchResult::recall() const {
  const auto d = true_positives + false_negatives;
  return d ? static_cast<double>(true_positives) / static_cast<double>(d) : 0.0;
}
double MatchResult::f1() const {
  const double p = precision(), r = recall();
  return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}
double MatchResult::rms_error_angstrom() const {
  return true_positives ? std::sqrt(sum_squared_error_angstrom2 / static_cast<double>(true_positives)) : 0.0;
}
MatchResult& MatchResult::operator+=(const MatchResult& o) {
  true_positives += o.true_positives;
  false_positives += o.false_positives;
  false_negatives += o.false_negatives;
  sum_squared_error_angstrom2 += o.sum_squared_error_angstrom2;
  return *this;
}

MatchResult match_columns(const std::vector<std::array<double, 2>>& det, const std::vector<std::array<double, 2>>& truth,
                          double radius) {
  std::vector<std::tuple<double, std::size_t, std::size_t>> candidates;
  // Truth sorted by x for a sweep.
  std::vector<std::size_t> order(truth.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return truth[a][0] < truth[b][0]; });
  std::vector<double> tx(order.size());
  for (std::size_t k = 0; k < order.size(); ++k) tx[k] = truth[order[k]][0];
  for (std::size_t d = 0; d < det.size(); ++d) {
    auto lo = std::lower_bound(tx.begin(), tx.end(), det[d][0] - radius);
    for (auto it = lo; it != tx.end() && *it <= det[d][0] + radius; ++it) {
      const std::size_t t = order[static_cast<std::size_t>(it - tx.begin())];
      const double d2 = dist2(det[d], truth[t]);
      if (d2 <= radius * radius) candidates.emplace_back(d2, d, t);
    }
  }
  std::sort(candidates.begin(), candidates.end());
  std::vector<char> used_d(det.size(), 0), used_t(truth.size(), 0);
  MatchResult m;
  for (const auto& [d2, d, t] : candidates) {
    if (used_d[d] || used_t[t]) continue;
    used_d[d] = used_t[t] = 1;
    m.pairs.push_back({d, t});
    m.sum_squared_error_angstrom2 += d2;
  }
  m.true_positives = m.pairs.size();
  m.false_positives = det.size() - m.true_positives;
  m.false_negatives = truth.size() - m.true_positives;
  return m;
}

}  // namespace nanomix::imaging
