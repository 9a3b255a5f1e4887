// Validation of the two-sample tests (label `validation`).
//   1. Null: both groups from the same generator (2D alpha H1 diagrams of 40 uniform random points
//      in a 10 Å square, 8 + 8 diagrams per trial, 199 permutations): over 200 trials the p-values
//      are uniform — false-positive rate at 0.05 within the 99.9 % binomial band around 5 %
//      ([1, 22] of 200) and a Kolmogorov–Smirnov distance to U(0, 1) below its 1 % critical value
//      (1.63/√200 = 0.115; p-values are discrete in steps of 1/200, tolerance included).
//   2. Power: thermal NaCl-like (a = 5.64 Å) against NaI-like (a = 6.47 Å) rock-salt blocks (4×4×4,
//      Gaussian displacements σ = 0.15 Å, Shannon weights, ions subset, dimensions 1 and 2), 8 frames
//      each: both tests give p < 0.01 (999 permutations).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/random.hpp"
#include "topology/compare.hpp"
#include "topology/distances.hpp"
#include "topology/hypothesis_tests.hpp"
#include "topology/persistence.hpp"
#include "topology/statistics.hpp"

using namespace nanomix;
using namespace nanomix::topology;

namespace {

FrameDiagrams random_cloud(Rng& rng) {
  std::vector<double> xy;
  for (int i = 0; i < 40; ++i) {
    xy.push_back(rng.uniform(0, 10));
    xy.push_back(rng.uniform(0, 10));
  }
  return alpha_diagrams_2d(xy);
}

FrameDiagrams thermal_crystal(double a, double r_anion, Rng& rng) {
  const int L = 4;
  Positions p(L * L * L, 3);
  std::vector<double> w;
  int n = 0;
  for (int i = 0; i < L; ++i)
    for (int j = 0; j < L; ++j)
      for (int k = 0; k < L; ++k, ++n) {
        p.row(n) << i * a / 2 + 0.15 * rng.normal(), j * a / 2 + 0.15 * rng.normal(), k * a / 2 + 0.15 * rng.normal();
        const double r = (i + j + k) % 2 ? r_anion : 1.02;
        w.push_back(r * r);
      }
  return alpha_diagrams_3d(p, w);
}

}  // namespace

TEST_CASE("permutation and kernel tests: uniform p-values under the null") {
  CompareParams cp;
  cp.dimensions = {1};
  cp.p = 2;
  cp.relative_error = 1e-3;
  cp.threads = 2;
  const int trials = 200, n = 8;
  std::vector<double> pw, pk;
  for (int t = 0; t < trials; ++t) {
    Rng rng(1234, RandomPurpose::permutation_test, 100 + static_cast<std::uint64_t>(t));
    std::vector<FrameDiagrams> d;
    for (int i = 0; i < 2 * n; ++i) d.push_back(random_cloud(rng));
    std::vector<double> cost(4 * n * n);
    for (int i = 0; i < 2 * n; ++i)
      for (int j = i + 1; j < 2 * n; ++j) cost[i * 2 * n + j] = cost[j * 2 * n + i] = diagram_cost(d[i], d[j], cp);
    pw.push_back(permutation_test(cost, n, n, 199, 99, static_cast<std::uint64_t>(t)).p_value);
    PersistenceImageParams ip;
    ip.birth_min = 0;
    ip.birth_max = 10;
    ip.persistence_max = 5;
    ip.sigma = 0.5;
    ip.weight_persistence = 2;
    std::vector<std::vector<double>> v;
    for (const auto& x : d) v.push_back(persistence_image(x.dims[1], ip));
    pk.push_back(mmd_test(v, n, 199, 99, 0.0, 10000 + static_cast<std::uint64_t>(t)).p_value);
  }
  for (auto* ps : {&pw, &pk}) {
    const bool perm = ps == &pw;
    std::sort(ps->begin(), ps->end());
    const auto rejections = std::count_if(ps->begin(), ps->end(), [](double p) { return p <= 0.05; });
    double ks = 0;
    for (int i = 0; i < trials; ++i) {
      const double x = (*ps)[static_cast<std::size_t>(i)];
      ks = std::max({ks, std::abs(x - static_cast<double>(i) / trials), std::abs(x - static_cast<double>(i + 1) / trials)});
    }
    std::printf("| %s test under the null | %d trials | false-positive rate at 0.05: %.3f | KS distance to U(0,1): %.3f |\n",
                perm ? "permutation (Wasserstein W2, H1)" : "kernel (MMD, persistence images)", trials,
                static_cast<double>(rejections) / trials, ks);
    CHECK(rejections >= 1);
    CHECK(rejections <= 22);
    CHECK(ks < 0.115 + 1.0 / trials);
  }
}

TEST_CASE("permutation and kernel tests: thermal NaCl-like vs NaI-like crystals, p < 0.01") {
  Rng rng(42, RandomPurpose::permutation_test, 7);
  DiagramsRead nacl, nai;
  nacl.unit = nai.unit = "angstrom2";
  nacl.source = nai.source = "structure";
  for (int i = 0; i < 8; ++i) {
    nacl.frames.push_back(thermal_crystal(5.64, 1.81, rng));
    nai.frames.push_back(thermal_crystal(6.47, 2.20, rng));
  }
  CompareParams cp;
  cp.dimensions = {1, 2};
  cp.permutations = 999;
  cp.threads = 2;
  const auto r = compare({nai}, {"NaI-like"}, nacl, cp);
  const auto& m = r.mechanisms[0];
  std::printf("| thermal NaCl-like vs NaI-like (8 + 8 frames, 4x4x4, sigma 0.15 A) | permutation p = %.4f | kernel p = %.4f |\n",
              m.permutation.p_value, m.kernel.p_value);
  CHECK(m.permutation.p_value < 0.01);
  CHECK(m.kernel.p_value < 0.01);
  // and NaCl-like against NaCl-like (a second sample) is not rejected at 0.01 by both
  DiagramsRead nacl2 = nacl;
  nacl2.frames.clear();
  for (int i = 0; i < 8; ++i) nacl2.frames.push_back(thermal_crystal(5.64, 1.81, rng));
  const auto same = compare({nacl2, nai}, {"NaCl-like", "NaI-like"}, nacl, cp);
  std::printf("| thermal NaCl-like vs NaCl-like | permutation p = %.4f | kernel p = %.4f | closest: %s (p = %.4f) |\n",
              same.mechanisms[0].permutation.p_value, same.mechanisms[0].kernel.p_value,
              same.mechanisms[static_cast<std::size_t>(same.closest)].path.c_str(), same.closest_p_value);
  CHECK(same.mechanisms[static_cast<std::size_t>(same.closest)].path == "NaCl-like");
  CHECK(same.closest_p_value < 0.01);
  CHECK(same.mechanisms[0].permutation.p_value > 0.01);
}
