// Diagram distances: the exact Wasserstein solvers of nanomix, and the Hera/GUDHI translation unit.
#include "topology/distances.hpp"

#include <gudhi/Bottleneck.h>
#include <hera/wasserstein/wasserstein.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "core/error.hpp"

namespace nanomix::topology {

namespace {

using Points = std::vector<std::pair<double, double>>;
constexpr double inf = std::numeric_limits<double>::infinity();

/// x^p for x >= 0: by multiplication for integer p <= 8 (Hera's std::pow was half its time).
double power(double x, double p) {
  if (p == 2.0) return x * x;
  if (p == 1.0) return x;
  if (p == std::floor(p) && p <= 8.0) {
    double r = x;
    for (int k = 1; k < static_cast<int>(p); ++k) r *= x;
    return r;
  }
  return std::pow(x, p);
}

double linf(const std::pair<double, double>& a, const std::pair<double, double>& b) {
  return std::max(std::abs(a.first - b.first), std::abs(a.second - b.second));
}
double to_diagonal(const std::pair<double, double>& a) { return std::abs(a.second - a.first) / 2.0; }

bool one_birth(const Points& a) {
  for (const auto& x : a)
    if (x.first != a.front().first) return false;
  return true;
}

/// Exact W_p^p when each diagram has a single birth value (see the header): DP over death order.
double line_cost(Points a, Points b, double p) {
  auto by_death = [](const auto& x, const auto& y) { return x.second < y.second; };
  std::sort(a.begin(), a.end(), by_death);
  std::sort(b.begin(), b.end(), by_death);
  const double shift = std::abs(a.front().first - b.front().first);
  const std::size_t n = a.size(), m = b.size();
  std::vector<double> da(n), db(m);
  for (std::size_t i = 0; i < n; ++i) da[i] = power(to_diagonal(a[i]), p);
  for (std::size_t j = 0; j < m; ++j) db[j] = power(to_diagonal(b[j]), p);
  // row[j] = cost of the first i points of a against the first j of b
  std::vector<double> row(m + 1), next(m + 1);
  row[0] = 0.0;
  for (std::size_t j = 1; j <= m; ++j) row[j] = row[j - 1] + db[j - 1];
  for (std::size_t i = 1; i <= n; ++i) {
    next[0] = row[0] + da[i - 1];
    for (std::size_t j = 1; j <= m; ++j) {
      const double match = row[j - 1] + power(std::max(shift, std::abs(a[i - 1].second - b[j - 1].second)), p);
      next[j] = std::min({row[j] + da[i - 1], next[j - 1] + db[j - 1], match});
    }
    std::swap(row, next);
  }
  return row[m];
}

/// Minimum-cost assignment of rows to columns of a k × k cost matrix (row-major): the Hungarian
/// algorithm with row/column potentials u, v; each row is added by a Dijkstra-like search for the
/// shortest augmenting path in reduced costs c − u − v ≥ 0. Returns the column of each row.
std::vector<int> hungarian(const std::vector<double>& c, int k) {
  std::vector<double> u(static_cast<std::size_t>(k) + 1, 0.0), v(static_cast<std::size_t>(k) + 1, 0.0), minv(static_cast<std::size_t>(k) + 1);
  std::vector<int> row_of(static_cast<std::size_t>(k) + 1, 0), way(static_cast<std::size_t>(k) + 1, 0);  // column 0: the row being added
  std::vector<char> used(static_cast<std::size_t>(k) + 1);
  for (int i = 1; i <= k; ++i) {
    row_of[0] = i;
    int j0 = 0;
    std::fill(minv.begin(), minv.end(), inf);
    std::fill(used.begin(), used.end(), 0);
    do {
      used[static_cast<std::size_t>(j0)] = 1;
      const int i0 = row_of[static_cast<std::size_t>(j0)];
      const double* ci = &c[static_cast<std::size_t>(i0 - 1) * static_cast<std::size_t>(k)];
      double delta = inf;
      int j1 = 0;
      for (int j = 1; j <= k; ++j) {
        const auto uj = static_cast<std::size_t>(j);
        if (used[uj]) continue;
        const double cur = ci[j - 1] - u[static_cast<std::size_t>(i0)] - v[uj];
        if (cur < minv[uj]) {
          minv[uj] = cur;
          way[uj] = j0;
        }
        if (minv[uj] < delta) {
          delta = minv[uj];
          j1 = j;
        }
      }
      for (int j = 0; j <= k; ++j) {
        const auto uj = static_cast<std::size_t>(j);
        if (used[uj]) {
          u[static_cast<std::size_t>(row_of[uj])] += delta;
          v[uj] -= delta;
        } else {
          minv[uj] -= delta;
        }
      }
      j0 = j1;
    } while (row_of[static_cast<std::size_t>(j0)] != 0);
    do {
      const int j1 = way[static_cast<std::size_t>(j0)];
      row_of[static_cast<std::size_t>(j0)] = row_of[static_cast<std::size_t>(j1)];
      j0 = j1;
    } while (j0 != 0);
  }
  std::vector<int> col_of(static_cast<std::size_t>(k));
  for (int j = 1; j <= k; ++j) col_of[static_cast<std::size_t>(row_of[static_cast<std::size_t>(j)] - 1)] = j - 1;
  return col_of;
}

double hera_cost(const Points& a, const Points& b, double p, double relative_error) {
  hera::AuctionParams<double> params;
  params.wasserstein_power = p;
  params.delta = relative_error;
  params.internal_p = hera::get_infinity<double>();
  try {
    return std::pow(hera::wasserstein_dist(a, b, params), p);
  } catch (const std::exception& e) {
    throw RuntimeError(std::string("Wasserstein distance (Hera): ") + e.what());
  }
}

/// Exact W_p^p in general: pruned pair graph, components, Hungarian on each (see the header).
double component_cost(const Points& a, const Points& b, double p, double relative_error) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<double> da(n), db(m);
  for (std::size_t i = 0; i < n; ++i) da[i] = power(to_diagonal(a[i]), p);
  for (std::size_t j = 0; j < m; ++j) db[j] = power(to_diagonal(b[j]), p);
  struct Edge {
    std::size_t i, j;
    double cost;
  };
  std::vector<Edge> edges;
  std::vector<std::size_t> parent(n + m);
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < m; ++j) {
      const double cost = power(linf(a[i], b[j]), p);
      if (cost < da[i] + db[j]) {
        edges.push_back({i, j, cost});
        parent[find(i)] = find(n + j);
      }
    }
  // Group the edges by component.
  std::vector<std::vector<std::size_t>> rows_in, cols_in;
  std::vector<std::size_t> index(n + m, 0), id(n + m, static_cast<std::size_t>(-1));
  for (std::size_t x = 0; x < n + m; ++x) {
    const std::size_t r = find(x);
    if (id[r] == static_cast<std::size_t>(-1)) {
      id[r] = rows_in.size();
      rows_in.emplace_back();
      cols_in.emplace_back();
    }
    auto& list = x < n ? rows_in[id[r]] : cols_in[id[r]];
    index[x] = list.size();
    list.push_back(x < n ? x : x - n);
  }
  std::vector<std::vector<const Edge*>> edges_in(rows_in.size());
  for (const auto& e : edges) edges_in[id[find(e.i)]].push_back(&e);
  double total = 0.0;
  std::vector<double> mat;
  for (std::size_t c = 0; c < rows_in.size(); ++c) {
    const auto& rows = rows_in[c];
    const auto& cols = cols_in[c];
    if (edges_in[c].empty()) {  // a lone point: to the diagonal
      for (auto i : rows) total += da[i];
      for (auto j : cols) total += db[j];
      continue;
    }
    const std::size_t k = std::max(rows.size(), cols.size());
    if (rows.size() + cols.size() > hungarian_limit) {
      Points sa, sb;
      for (auto i : rows) sa.push_back(a[i]);
      for (auto j : cols) sb.push_back(b[j]);
      total += hera_cost(sa, sb, p, relative_error);
      continue;
    }
    // Maximise the saving Σ (da + db − cost) over the edges: minimise its negative; a zero entry
    // (no edge, or a padding row/column) leaves the point on the diagonal.
    mat.assign(k * k, 0.0);
    for (const Edge* e : edges_in[c]) mat[index[e->i] * k + index[n + e->j]] = e->cost - da[e->i] - db[e->j];
    const auto col_of = hungarian(mat, static_cast<int>(k));
    std::vector<char> row_matched(rows.size(), 0), col_matched(cols.size(), 0);
    for (const Edge* e : edges_in[c]) {
      const std::size_t r = index[e->i], q = index[n + e->j];
      if (static_cast<std::size_t>(col_of[r]) == q && !row_matched[r]) {
        row_matched[r] = col_matched[q] = 1;
        total += e->cost;
      }
    }
    for (std::size_t r = 0; r < rows.size(); ++r)
      if (!row_matched[r]) total += da[rows[r]];
    for (std::size_t q = 0; q < cols.size(); ++q)
      if (!col_matched[q]) total += db[cols[q]];
  }
  return total;
}

void check_arguments(double p, double relative_error) {
  if (!(p >= 1.0) || !std::isfinite(p)) throw InputError("Wasserstein distance: p must be finite and >= 1");
  if (!(relative_error > 0.0)) throw InputError("Wasserstein distance: relative error must be > 0");
}

}  // namespace

double bottleneck_distance(const Points& a, const Points& b) {
  if (a.empty() && b.empty()) return 0.0;
  return Gudhi::persistence_diagram::bottleneck_distance(a, b, 0.0);
}

double wasserstein_cost(const Points& a, const Points& b, double p, double relative_error, WassersteinMethod method) {
  check_arguments(p, relative_error);
  if (a.empty() && b.empty()) return 0.0;
  // one side empty: every point goes to the diagonal, at L∞ distance (d − b)/2
  if (a.empty() || b.empty()) {
    double s = 0.0;
    for (const auto& x : a.empty() ? b : a) s += power(to_diagonal(x), p);
    return s;
  }
  if (method == WassersteinMethod::hera) return hera_cost(a, b, p, relative_error);
  if (one_birth(a) && one_birth(b)) return line_cost(a, b, p);
  return component_cost(a, b, p, relative_error);
}

double wasserstein_distance(const Points& a, const Points& b, double p, double relative_error, WassersteinMethod method) {
  const double c = wasserstein_cost(a, b, p, relative_error, method);
  return p == 1.0 ? c : p == 2.0 ? std::sqrt(c) : std::pow(c, 1.0 / p);
}

double bottleneck_distance(const Diagram& a, const Diagram& b) { return bottleneck_distance(finite_points(a), finite_points(b)); }

double wasserstein_distance(const Diagram& a, const Diagram& b, double p, double relative_error, WassersteinMethod method) {
  return wasserstein_distance(finite_points(a), finite_points(b), p, relative_error, method);
}

double wasserstein_cost(const Diagram& a, const Diagram& b, double p, double relative_error, WassersteinMethod method) {
  return wasserstein_cost(finite_points(a), finite_points(b), p, relative_error, method);
}

}  // namespace nanomix::topology
