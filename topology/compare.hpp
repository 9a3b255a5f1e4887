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
#include <limits>
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
  /// Energy distance of the two frame sets (Székely–Rizzo, with d = W_p of the diagrams):
  /// 2·mean d(sim, ref) − mean d(sim, sim') − mean d(ref, ref'), over distinct frames; ≥ 0 in
  /// expectation, 0 when both are draws from one distribution, growing with the separation (unlike
  /// the permutation effect z, which saturates once the frame sets are fully separated).
  double energy_distance = 0.0;
  /// The run-level test (with null pairs, else NaN): (1 + #{null pair E >= this E}) / (pairs + 1).
  double run_level_p_value = std::numeric_limits<double>::quiet_NaN();
};

struct CompareResult {
  std::string statistic;  ///< the diagram group compared
  std::vector<std::size_t> experimental_frames;
  std::vector<MechanismResult> mechanisms;
  int closest = 0;
  double closest_p_value = 1.0;  ///< sign-flip test closest vs runner-up (1 with one mechanism)
  std::string unit, group;
  /// Same-process pairs (`nanomix compare --null-pair A,B`): their energy distance, the null
  /// distribution of the run-level test. Empty without null pairs.
  std::vector<std::string> null_pairs;  ///< "A,B" as given
  std::vector<double> null_pair_energy_distance;
};

/// The run-level (Monte Carlo) test, valid whatever the time correlation inside a movie: the
/// observed energy distance ranked among those of pairs of movies of one process (different
/// seeds): p = (1 + #{E_null >= E_observed}) / (n + 1), smallest 1/(n + 1). NaN without pairs.
double run_level_p_value(const std::vector<double>& null_energy, double observed_energy);

extern const char* const run_level_test_text;

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
