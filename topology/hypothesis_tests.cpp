#include "topology/hypothesis_tests.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.hpp"
#include "core/random.hpp"

namespace nanomix::topology {

namespace {
// The relabelling loop both tests share: the statistic of the true labels (group 1 first), then
// `permutations` random relabellings from the (seed, stream) permutation stream; p counts the
// relabellings at least as extreme (`as_extreme(statistic_of_relabelling, observed)`), plus one.
// `larger_differs`: the side of the null on which the groups differ (for the effect size).
template <class Statistic, class AsExtreme>
TestResult relabelling_test(std::size_t n1, std::size_t n, int permutations, std::uint64_t seed, std::uint64_t stream,
                            Statistic statistic, AsExtreme as_extreme, bool larger_differs) {
  std::vector<int> label(n);
  for (std::size_t i = 0; i < n; ++i) label[i] = i < n1 ? 0 : 1;
  TestResult r;
  r.statistic = statistic(label);
  r.permutations = permutations;
  Rng rng(seed, RandomPurpose::permutation_test, stream);
  int extreme = 0;
  double sum = 0, sum2 = 0;
  for (int k = 0; k < permutations; ++k) {
    shuffle(label, rng);
    const double x = statistic(label);
    if (as_extreme(x, r.statistic)) ++extreme;
    sum += x;
    sum2 += x * x;
  }
  r.p_value = (1.0 + extreme) / (1.0 + permutations);
  r.null_mean = sum / permutations;
  r.null_sd = permutations > 1 ? std::sqrt(std::max(0.0, (sum2 - sum * sum / permutations) / (permutations - 1))) : 0.0;
  const double shift = larger_differs ? r.statistic - r.null_mean : r.null_mean - r.statistic;
  r.effect_z = r.null_sd > 0 ? shift / r.null_sd : 0.0;
  return r;
}
}  // namespace

double joint_loss(const std::vector<double>& cost, std::size_t n, const std::vector<int>& label) {
  double sum[2] = {0, 0};
  double count[2] = {0, 0};
  for (std::size_t i = 0; i < n; ++i) {
    count[label[i]] += 1;
    for (std::size_t j = i + 1; j < n; ++j)
      if (label[i] == label[j]) sum[label[i]] += cost[i * n + j];
  }
  double f = 0;
  // Σ_{i≠j} counts each unordered pair twice: 2 Σ_{i<j} / (2 n (n − 1)) = Σ_{i<j} / (n (n − 1))
  for (int g = 0; g < 2; ++g)
    if (count[g] > 1) f += sum[g] / (count[g] * (count[g] - 1));
  return f;
}

TestResult permutation_test(const std::vector<double>& cost, std::size_t n1, std::size_t n2, int permutations,
                            std::uint64_t seed, std::uint64_t stream) {
  const std::size_t n = n1 + n2;
  if (cost.size() != n * n) throw InputError("permutation test: cost matrix size does not match the groups");
  if (n1 < 2 || n2 < 2) throw InputError("permutation test: each group needs at least 2 diagrams");
  if (permutations < 1) throw InputError("permutation test: need at least one permutation");
  // Small joint loss = tight groups: a relabelling counts when its loss is as small.
  return relabelling_test(n1, n, permutations, seed, stream, [&](const std::vector<int>& l) { return joint_loss(cost, n, l); },
                          [](double x, double observed) { return x <= observed * (1 + 1e-12); }, false);
}

namespace {
double mmd2(const std::vector<double>& K, std::size_t n, const std::vector<int>& label) {
  double sxx = 0, syy = 0, sxy = 0, m = 0, l = 0;
  for (std::size_t i = 0; i < n; ++i) (label[i] == 0 ? m : l) += 1;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) {
      const double k = K[i * n + j];
      if (label[i] == 0 && label[j] == 0) sxx += 2 * k;
      else if (label[i] == 1 && label[j] == 1) syy += 2 * k;
      else sxy += k;
    }
  return sxx / (m * (m - 1)) + syy / (l * (l - 1)) - 2 * sxy / (m * l);
}
}  // namespace

TestResult mmd_test(const std::vector<std::vector<double>>& v, std::size_t n1, int permutations, std::uint64_t seed,
                    double bandwidth, std::uint64_t stream) {
  const std::size_t n = v.size();
  if (n1 < 2 || n - n1 < 2 || n1 > n) throw InputError("kernel test: each group needs at least 2 diagrams");
  if (permutations < 1) throw InputError("kernel test: need at least one permutation");
  for (const auto& x : v)
    if (x.size() != v[0].size()) throw InputError("kernel test: feature vectors differ in length");
  std::vector<double> d2(n * n, 0.0);
  std::vector<double> dist;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) {
      double s = 0;
      for (std::size_t k = 0; k < v[i].size(); ++k) s += (v[i][k] - v[j][k]) * (v[i][k] - v[j][k]);
      d2[i * n + j] = d2[j * n + i] = s;
      dist.push_back(std::sqrt(s));
    }
  double h = bandwidth;
  if (!(h > 0)) {
    std::nth_element(dist.begin(), dist.begin() + static_cast<std::ptrdiff_t>(dist.size() / 2), dist.end());
    h = dist[dist.size() / 2];
    if (!(h > 0)) h = 1.0;  // all vectors equal: any width gives MMD² = 0
  }
  std::vector<double> K(n * n);
  for (std::size_t i = 0; i < n * n; ++i) K[i] = std::exp(-d2[i] / (2 * h * h));
  // Large MMD² = distinct groups: a relabelling counts when its MMD² is as large.
  return relabelling_test(n1, n, permutations, seed, stream, [&](const std::vector<int>& l) { return mmd2(K, n, l); },
                          [](double x, double observed) { return x >= observed * (1 - 1e-12) - 1e-300; }, true);
}

}  // namespace nanomix::topology
