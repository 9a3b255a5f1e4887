#pragma once
// The keys only `nanomix run` reads: the [run] section and the two [compare] keys that choose and
// check the experimental movie. Declared once here, next to their structs.
#include <string>
#include <vector>

#include "core/params.hpp"

namespace nanomix::cli {

/// [run]: which stages `nanomix run` runs and how.
struct RunParams {
  std::vector<std::string> stages{"build", "md", "image", "detect", "topology", "compare", "report"};  ///< in order
  std::string second_mechanism;  ///< a value of [md] mechanism, or "" (compare two halves)
  bool md_all_ranks = false;
  bool tiff = true;
  int filmstrip_frames = 6;
  /// With two simulated mechanisms: this many pairs of runs of the second mechanism (the control)
  /// that differ only in their seeds, made and measured like the compared runs, as the null of the
  /// run-level test of every comparison (`nanomix compare --null-pair`); 0 = none.
  int null_pairs = 0;
  /// Stages running at once (the run's own process + child `nanomix` processes for stages whose
  /// inputs are made); 0 = one per core. Not under an MPI launcher.
  int processes = 0;

  static const ParamTable<RunParams>& table();
  /// ParamError: second_mechanism is not a value of [md] mechanism.
  void validate() const;
  bool has(const std::string& stage) const;
};

/// [compare] keys of `nanomix run` (they come first in [compare]; the rest is CompareParams').
/// The ground-truth keys are a science choice of the run, stated here rather than hidden in the plan.
struct RunCompareInputs {
  std::string experimental;      ///< the experimental movie ("" = two simulated mechanisms)
  double max_scale_ratio = 4.0;  ///< experimental and simulated pixel sizes differ at most by this factor
  /// With two simulated mechanisms, the ground-truth comparison (comparison_atoms.h5): the diagram
  /// group of the ions' 3D diagrams compared ("" = [compare] subset) and its homology dimensions.
  std::string ground_truth_subset = "I";
  std::vector<int> ground_truth_dimensions{0};

  static const ParamTable<RunCompareInputs>& table();
  void validate() const {}
};

}  // namespace nanomix::cli
