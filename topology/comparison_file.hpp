#pragma once
// The comparison file (nanomix compare --out comparison.h5): written, read and version-checked
// here and nowhere else (DESIGN.md, one module per file kind). Layout, format version 1:
//   /                    attrs nanomix_format = "comparison", nanomix_format_version, experimental,
//                        wasserstein_p, wasserstein_method, dimensions, permutations, p_min,
//                        null_hypothesis, interpretation, statistics (names); the first statistic's
//                        result is also written at the root (as the first files had it)
//   /statistics/<name>/  one result: attrs statistic, group, unit, simulated (paths), closest,
//                        closest_index, closest_p_value, closest_test; experimental_frames (n_e)
//     mechanisms/<k>/    attrs simulated, frames_simulated, frames_experimental, permutation_loss,
//                        permutation_{p_value,null_mean,null_sd,effect_z}, mmd2,
//                        mmd_{p_value,null_mean,null_sd,effect_z}, p_min, mean_distance;
//                        alignment (n_e, 4): experimental_frame, best_simulated_frame, distance,
//                        mean_distance (attr unit)
//   /parameters/config   the resolved INI text
#include <string>
#include <vector>

#include "topology/compare.hpp"

namespace nanomix::topology {

inline constexpr int comparison_format_version = 1;

/// The first result is also written at the root; each one under /statistics/<statistic>/.
void write_comparison_file(const std::string& path, const std::vector<CompareResult>& results, const std::string& experimental_path,
                           const CompareParams& params, const std::string& config_ini);

struct ComparisonFile {
  int format_version = 0;
  std::string experimental;  ///< the reference's path as given to compare
  double wasserstein_p = 0;
  std::string wasserstein_method;
  std::vector<int> dimensions;
  int permutations = 0;
  double p_min = 0;  ///< 1 / (permutations + 1)
  std::string null_hypothesis, interpretation, config_ini;
  /// One per statistic in file order. Read back: statistic, group, unit, experimental_frames,
  /// closest, closest_p_value and per mechanism path, frames (count only: indices 0 … n − 1 are
  /// not stored), permutation and kernel tests, mean_distance, and the alignment columns.
  std::vector<CompareResult> results;
};

/// Reads a comparison file; InputError naming the file if it is not one, or if its format
/// version is newer than this nanomix knows.
ComparisonFile read_comparison_file(const std::string& path);

}  // namespace nanomix::topology
