#include "topology/compare.hpp"

#include <algorithm>
#include <functional>
#include <cmath>

#include "core/error.hpp"
#include "core/frame_executor.hpp"
#include "core/random.hpp"
#include "topology/distances.hpp"
#include "topology/statistics.hpp"

namespace nanomix::topology {

const char* const null_hypothesis_text =
    "H0: the simulated and the experimental frames are exchangeable, i.e. their diagrams are draws from one distribution "
    "(the frames' order and any time correlation are ignored); each test compares the observed statistic with its values "
    "over random relabellings of the pooled frames";
const char* const interpretation_text =
    "p < alpha rejects H0 (the mechanism's frames differ from the experiment's); p cannot be below p_min = 1/(permutations+1). "
    "A large p is no evidence that the two are the same: it only says this many frames at this dose did not show a "
    "difference (see the power tables of validation/topology/RESULTS.md). effect_z = (null mean - observed) / null sd for the "
    "permutation loss (tighter-than-random groups) and (observed - null mean) / null sd for MMD2: ~0 under H0.";

const char* const run_level_test_text =
    "run-level (Monte Carlo) test: the energy distance between each simulated mechanism's frames and the reference's "
    "(2 mean d(sim, ref) - mean d(sim, sim') - mean d(ref, ref'), d = W_p of the diagrams), ranked among the energy "
    "distances of the null pairs (pairs of movies of one process that differ only in their seeds, compared the same way): "
    "p = (1 + #{null E >= observed E}) / (pairs + 1), at least 1/(pairs + 1). Its H0 is that the two movies are two runs of "
    "one process, which the frame-level tests cannot test (frames of one run share its cluster and are correlated in "
    "time); valid when the null pairs are runs of the process under H0 with the same frames, dose and statistic";

double run_level_p_value(const std::vector<double>& null_energy, double observed_energy) {
  if (null_energy.empty() || !std::isfinite(observed_energy)) return std::numeric_limits<double>::quiet_NaN();
  std::size_t as_extreme = 0;
  for (double e : null_energy) as_extreme += e >= observed_energy ? 1 : 0;
  return (1.0 + static_cast<double>(as_extreme)) / (1.0 + static_cast<double>(null_energy.size()));
}

std::vector<std::size_t> evenly_spaced(std::size_t n, std::size_t max) {
  std::vector<std::size_t> out;
  if (n <= max) {
    for (std::size_t i = 0; i < n; ++i) out.push_back(i);
    return out;
  }
  for (std::size_t k = 0; k < max; ++k) out.push_back(k * (n - 1) / (max - 1));
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

double diagram_cost(const FrameDiagrams& a, const FrameDiagrams& b, const CompareParams& params) {
  double c = 0;
  for (int d : params.dimensions) {
    c += wasserstein_cost(a.dims[static_cast<std::size_t>(d)], b.dims[static_cast<std::size_t>(d)], params.p, params.relative_error,
                          params.method);
  }
  return c;
}

namespace {

/// Symmetric cost matrix of a list of diagrams: the pairs over threads (core's parallel_for).
std::vector<double> cost_matrix(const std::vector<const FrameDiagrams*>& d, const CompareParams& params,
                                const std::function<void()>& pair_done) {
  const std::size_t n = d.size();
  std::vector<double> m(n * n, 0.0);
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) pairs.emplace_back(i, j);
  parallel_for(
      pairs.size(), params.threads,
      [&](std::size_t k) {
        const auto [i, j] = pairs[k];
        m[i * n + j] = m[j * n + i] = diagram_cost(*d[i], *d[j], params);
      },
      [&](std::size_t, std::size_t) {
        if (pair_done) pair_done();
      });
  return m;
}

std::vector<double> image_vector(const FrameDiagrams& f, const std::vector<int>& dims, const std::vector<PersistenceImageParams>& ip) {
  std::vector<double> v;
  for (std::size_t k = 0; k < dims.size(); ++k) {
    const auto im = persistence_image(f.dims[static_cast<std::size_t>(dims[k])], ip[k]);
    v.insert(v.end(), im.begin(), im.end());
  }
  return v;
}

}  // namespace

namespace {

/// The persistence-image grid shared by every file: per dimension, the range of all diagrams used.
std::vector<PersistenceImageParams> shared_image_grid(const std::vector<DiagramsRead>& simulated, const DiagramsRead& experimental,
                                                      const std::vector<std::size_t>& experimental_frames, const CompareParams& params) {
  std::vector<PersistenceImageParams> ip(params.dimensions.size());
  for (std::size_t k = 0; k < params.dimensions.size(); ++k) {
    std::vector<const Diagram*> all;
    const auto d = static_cast<std::size_t>(params.dimensions[k]);
    for (auto i : experimental_frames) all.push_back(&experimental.frames[i].dims[d]);
    for (const auto& s : simulated)
      for (const auto& f : s.frames) all.push_back(&f.dims[d]);
    const auto [lo, hi] = value_range(all);
    double maxp = 0;
    for (const auto* dg : all)
      for (const auto& p : *dg)
        if (p.finite()) maxp = std::max(maxp, p.persistence());
    ip[k].birth_min = lo;
    ip[k].birth_max = hi;
    ip[k].persistence_max = maxp > 0 ? maxp : hi - lo;
    ip[k].birth_pixels = ip[k].persistence_pixels = params.image_pixels;
    ip[k].sigma = 2.0 * (hi - lo) / params.image_pixels;
    ip[k].weight_persistence = ip[k].persistence_max;
  }
  return ip;
}

/// Per experimental frame: the closest simulated frame, its distance and the mean distance (W_p,
/// from the pooled cost matrix whose first `ne` rows are the experimental frames).
void align_frames(MechanismResult& mr, const std::vector<double>& cost, std::size_t ne, const CompareParams& params) {
  const std::size_t ns = mr.frames.size(), n = ne + ns;
  double total = 0;
  for (std::size_t i = 0; i < ne; ++i) {
    std::size_t best = 0;
    double bd = INFINITY, mean = 0;
    for (std::size_t j = 0; j < ns; ++j) {
      const double d = std::pow(cost[i * n + ne + j], 1.0 / params.p);
      mean += d / static_cast<double>(ns);
      if (d < bd) {
        bd = d;
        best = mr.frames[j];
      }
    }
    mr.best_frame.push_back(best);
    mr.best_distance.push_back(bd);
    mr.mean_distance_per_experimental_frame.push_back(mean);
    total += mean;
  }
  mr.mean_distance = total / static_cast<double>(ne);
}

/// Energy distance of the pooled cost matrix's first `ne` frames against the other `ns` (d = cost^(1/p)).
double energy_distance(const std::vector<double>& cost, std::size_t ne, std::size_t ns, const CompareParams& params) {
  const std::size_t n = ne + ns;
  double between = 0, within_e = 0, within_s = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) {
      const double d = std::pow(cost[i * n + j], 1.0 / params.p);
      if (j < ne) within_e += d;
      else if (i >= ne) within_s += d;
      else between += d;
    }
  const auto pairs = [](std::size_t k) { return 0.5 * static_cast<double>(k) * static_cast<double>(k - 1); };
  return 2.0 * between / (static_cast<double>(ne) * static_cast<double>(ns)) - within_e / pairs(ne) - within_s / pairs(ns);
}

/// The closest mechanism and its significance against the runner-up (a sign-flip test).
void rank_mechanisms(CompareResult& res, const CompareParams& params) {
  const std::size_t ne = res.experimental_frames.size();
  std::vector<std::size_t> order(res.mechanisms.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return res.mechanisms[a].mean_distance < res.mechanisms[b].mean_distance; });
  res.closest = static_cast<int>(order[0]);
  if (order.size() < 2) return;
  const auto& a = res.mechanisms[order[0]].mean_distance_per_experimental_frame;
  const auto& b = res.mechanisms[order[1]].mean_distance_per_experimental_frame;
  std::vector<double> delta(ne);
  double obs = 0;
  for (std::size_t i = 0; i < ne; ++i) obs += (delta[i] = a[i] - b[i]) / static_cast<double>(ne);
  Rng rng(params.seed, RandomPurpose::permutation_test, 1000);
  int as_extreme = 0;
  for (int k = 0; k < params.permutations; ++k) {
    double s = 0;
    for (std::size_t i = 0; i < ne; ++i) s += (rng.bits() & 1 ? delta[i] : -delta[i]) / static_cast<double>(ne);
    if (s <= obs + 1e-12 * std::abs(obs)) ++as_extreme;
  }
  res.closest_p_value = (1.0 + as_extreme) / (1.0 + params.permutations);
}

}  // namespace

CompareResult compare(const std::vector<DiagramsRead>& simulated, const std::vector<std::string>& paths,
                      const DiagramsRead& experimental, const CompareParams& params,
                      const std::function<void(std::size_t, std::size_t)>& progress) {
  if (simulated.empty()) throw InputError("compare: give at least one --simulated file");
  CompareResult res;
  res.statistic = experimental.group;
  res.unit = experimental.unit;
  res.group = experimental.group;
  for (std::size_t m = 0; m < simulated.size(); ++m) {
    if (simulated[m].unit != experimental.unit || (simulated[m].source == "movie") != (experimental.source == "movie"))
      throw InputError("compare: " + paths[m] + " (" + simulated[m].filtration + ", unit " + simulated[m].unit +
                       ") and the experimental file (" + experimental.filtration + ", unit " + experimental.unit +
                       ") hold different kinds of diagrams");
  }
  res.experimental_frames = evenly_spaced(experimental.frames.size(), static_cast<std::size_t>(params.max_diagrams));
  const std::size_t ne = res.experimental_frames.size();
  if (ne < 2) throw InputError("compare: the experimental file needs at least 2 frames");
  const auto ip = shared_image_grid(simulated, experimental, res.experimental_frames, params);

  // Progress: the pairwise distances are the long part (Hera's auction per pair of diagrams).
  std::size_t pairs_total = 0, pairs_done = 0;
  for (const auto& s : simulated) {
    const std::size_t n = ne + evenly_spaced(s.frames.size(), static_cast<std::size_t>(params.max_diagrams)).size();
    pairs_total += n * (n - 1) / 2;
  }
  const std::function<void()> pair_done = [&] {
    if (progress) progress(++pairs_done, pairs_total);
  };
  for (std::size_t m = 0; m < simulated.size(); ++m) {
    MechanismResult mr;
    mr.path = paths[m];
    mr.frames = evenly_spaced(simulated[m].frames.size(), static_cast<std::size_t>(params.max_diagrams));
    const std::size_t ns = mr.frames.size();
    if (ns < 2) throw InputError("compare: " + paths[m] + " needs at least 2 frames");
    std::vector<const FrameDiagrams*> pooled;
    for (auto i : res.experimental_frames) pooled.push_back(&experimental.frames[i]);
    for (auto i : mr.frames) pooled.push_back(&simulated[m].frames[i]);
    const auto cost = cost_matrix(pooled, params, pair_done);
    mr.permutation = permutation_test(cost, ne, ns, params.permutations, params.seed, 2 * m);
    std::vector<std::vector<double>> vec;
    for (const auto* f : pooled) vec.push_back(image_vector(*f, params.dimensions, ip));
    mr.kernel = mmd_test(vec, ne, params.permutations, params.seed, 0.0, 2 * m + 1);
    align_frames(mr, cost, ne, params);
    mr.energy_distance = energy_distance(cost, ne, ns, params);
    res.mechanisms.push_back(std::move(mr));
  }
  rank_mechanisms(res, params);
  return res;
}

}  // namespace nanomix::topology
