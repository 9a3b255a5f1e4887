#pragma once
// nanomix compare: simulated against experimental diagrams.
//   * per simulated mechanism: the Robinson–Turner permutation test (Wasserstein loss) and the MMD
//     kernel test on persistence images between its frames and the experimental frames;
//   * time alignment: for each experimental frame, the simulated frame at the smallest distance
//     d = (Σ_dims W_p^p)^(1/p);
//   * with several mechanisms, the closest one is that of the smallest mean distance to the
//     experimental frames; how significantly: a paired sign-flip permutation test on the
//     per-experimental-frame differences of mean distance to the closest and to the runner-up.
// Frames enter the tests at most `max_diagrams` per file, evenly spaced.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/params.hpp"
#include "topology/distances.hpp"
#include "topology/hypothesis_tests.hpp"
#include "topology/diagrams_file.hpp"

namespace nanomix::topology {

struct CompareParams {
  std::string subset;
  /// Diagram groups compared, each with its own tests ([compare] statistic; empty = {subset}):
  /// e.g. heavy light (columns by class), interior (cubical tube interior of a movie), I (atoms).
  std::vector<std::string> statistics;
  std::vector<int> dimensions{0, 1};
  double p = 2.0;
  double relative_error = 1e-3;  ///< Hera's, when it is used
  WassersteinMethod method = WassersteinMethod::exact;
  int permutations = 999;
  std::uint64_t seed = 1;
  int max_diagrams = 40;
  int image_pixels = 20;
  int threads = 0;
  /// The [compare] keys compare reads (topology/topology_params.cpp).
  static const ParamTable<CompareParams>& table();
  void validate() const;  ///< ParamError naming the key
};

struct MechanismResult {
  std::string path;
  std::vector<std::size_t> frames;  ///< simulated frames used (rows of the file's /frames)
  TestResult permutation, kernel;
  double mean_distance = 0.0;
  std::vector<std::size_t> best_frame;  ///< per experimental frame used: the closest simulated frame
  std::vector<double> best_distance;
  std::vector<double> mean_distance_per_experimental_frame;
};

struct CompareResult {
  std::string statistic;  ///< the diagram group compared
  std::vector<std::size_t> experimental_frames;
  std::vector<MechanismResult> mechanisms;
  int closest = 0;
  double closest_p_value = 1.0;  ///< sign-flip test closest vs runner-up (1 with one mechanism)
  std::string unit, group;
};

/// Σ over `dims` of W_p(a_d, b_d)^p.
double diagram_cost(const FrameDiagrams& a, const FrameDiagrams& b, const CompareParams& params);

/// `progress(done, total)` (optional) counts the pairwise diagram distances, the long part; it is
/// called from the worker threads one at a time.
CompareResult compare(const std::vector<DiagramsRead>& simulated, const std::vector<std::string>& simulated_paths,
                      const DiagramsRead& experimental, const CompareParams& params,
                      const std::function<void(std::size_t, std::size_t)>& progress = {});

/// Text of the null hypothesis and of how to read the p-values (also shown by the report).
extern const char* const null_hypothesis_text;
extern const char* const interpretation_text;

/// Evenly spaced subset of at most `max` of `n` indices.
std::vector<std::size_t> evenly_spaced(std::size_t n, std::size_t max);

}  // namespace nanomix::topology
