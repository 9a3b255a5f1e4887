#include "app/run_params.hpp"

#include <algorithm>

#include "sim/md_params.hpp"

namespace nanomix::cli {

const ParamTable<RunParams>& RunParams::table() {
  static const ParamTable<RunParams> t = [] {
    using P = RunParams;
    ParamTable<P> t("run");
    t.words("stages", &P::stages, "build md image detect topology compare report",
            ListRule{{"build", "md", "image", "detect", "topology", "compare", "report"}, "no stage to run",
                     [](const std::string& w) { return "unknown stage '" + w + "'"; }},
            "stages of `nanomix run`, in order (a subset of: build md image detect topology compare report)");
    t.text("second_mechanism", &P::second_mechanism, "",
           "without [compare] experimental: a second [md] mechanism (a value of [md] mechanism) to simulate "
           "and compare with the first; empty = compare the first and the second half of the one simulation");
    t.boolean("md_all_ranks", &P::md_all_ranks, false,
              "under mpirun: false = the md stage runs LAMMPS on rank 0 alone (outputs identical to one process; "
              "the other stages use every rank); true = LAMMPS on every rank (faster for large systems, but a "
              "different, equally valid trajectory)");
    t.boolean("tiff", &P::tiff, true, "also write an ImageJ TIFF stack beside every simulated movie (movie.tif, movie_<mechanism>.tif)");
    t.integer("null_pairs", &P::null_pairs, 0, 0, 1000, "",
              "with second_mechanism: simulate this many pairs of runs of the second mechanism that differ only in "
              "their [md] and [imaging] seeds, measured like the compared runs, and give every comparison the run-level "
              "test against them (p >= 1/(pairs + 1): 20 pairs for p < 0.05; each pair costs two MD runs)");
    t.integer("processes", &P::processes, 0, 0, 256, "",
              "stages at once: a stage runs as a child `nanomix` process beside the run as soon as the stages making its "
              "inputs are done (the two mechanisms' MD side by side, then their image, detect and topology chains), with "
              "outputs bitwise those of one process; 0 = one per core, 1 = one after the other in plan order (under mpirun "
              "the ranks share each stage instead)");
    t.integer("filmstrip_frames", &P::filmstrip_frames, 6, 1, 50, "", "most movie frames in the report's local-structures strip (one per persistent feature's peak)");
    return t;
  }();
  return t;
}

void RunParams::validate() const {
  if (null_pairs > 0 && second_mechanism.empty())
    throw ParamError("run", "null_pairs", "needs [run] second_mechanism: the null pairs are runs of the second mechanism");
  if (second_mechanism.empty()) return;
  // Checked before any work: the second mechanism is one md knows.
  std::vector<std::string> choices;
  for (const auto& b : sim::MdParams::table().bindings())
    if (b.spec.key == "mechanism") choices = b.spec.choices;
  if (std::find(choices.begin(), choices.end(), second_mechanism) == choices.end()) {
    std::string allowed;
    for (const auto& ch : choices) allowed += (allowed.empty() ? "" : ", ") + ch;
    throw ParamError("run", "second_mechanism", "unknown mechanism (allowed: " + allowed + ")");
  }
}

bool RunParams::has(const std::string& stage) const {
  return std::find(stages.begin(), stages.end(), stage) != stages.end();
}

const ParamTable<RunCompareInputs>& RunCompareInputs::table() {
  static const ParamTable<RunCompareInputs> t = [] {
    using P = RunCompareInputs;
    ParamTable<P> t("compare");
    t.path("experimental", &P::experimental, "", "nanomix run: the experimental movie (empty = compare two simulated mechanisms)");
    t.real("max_scale_ratio", &P::max_scale_ratio, 4.0, 1.0, 1000.0, "",
           "nanomix run: the experimental and simulated ([imaging]) pixel sizes may differ by at most this factor");
    t.text("ground_truth_subset", &P::ground_truth_subset, "I",
           "nanomix run with two simulated mechanisms: the [topology] subset whose 3D diagrams of the two trajectories "
           "are compared (comparison_atoms.h5; I = where the iodide is, what segregation moves); empty = [compare] subset");
    t.integers("ground_truth_dimensions", &P::ground_truth_dimensions, "0",
               ListRule{{"0", "1", "2"}, "name at least one homology dimension",
                        [](const std::string&) { return std::string("each dimension is 0, 1 or 2"); }},
               "homology dimensions of that comparison (0: the distances at which the subset's atoms join up, what "
               "segregation changes most directly; H1 of a 3D cluster has many near-diagonal features and costs ~30 s)");
    return t;
  }();
  return t;
}

}  // namespace nanomix::cli
