#pragma once
// The report of `nanomix run`: one self-contained HTML page built from the run's files.
// Every section reads its file itself and says so plainly when the file is missing, so a
// partial run still gives a readable report.
#include <string>
#include <utility>
#include <vector>

#include "imaging/detect/movie_reader.hpp"

namespace nanomix::report {

struct StageRecord {
  std::string name;
  std::string command_line;
  double seconds = 0;
  bool skipped = false;  ///< --resume found its outputs for the same config
  double start_seconds = 0;  ///< when it started, from the start of the run
  bool background = false;   ///< ran as a child process beside the others ([run] processes)
};

struct RunFiles {
  std::string config_ini;          ///< the resolved config of the run
  std::string structure;           ///< structure.xyz
  std::string trajectory;          ///< trajectory.h5 (H5MD)
  std::string movie;               ///< movie.emd (EMD)
  std::string columns;             ///< columns.h5
  std::vector<std::string> diagrams;  ///< diagrams files (atoms, columns, …)
  std::string comparison;          ///< comparison.h5
  std::string comparison_note;     ///< what was compared with what
  std::string comparison_atoms;       ///< comparison_atoms.h5: the same test on the MD ground truth (optional)
  std::string comparison_atoms_note;  ///< what that compared
  std::string comparison_movie;       ///< comparison_movie.h5: the detection-free movie statistic (optional)
  std::string comparison_movie_note;  ///< what that compared
  std::string experimental_movie;                  ///< [compare] experimental ("" = none)
  imaging::ReadOptions experimental_read_options;  ///< how detect read it ([detect] keys)
  std::string columns_experimental;                ///< columns_experimental.h5
  double dose_e_per_angstrom2 = 0;  ///< the simulated movie's dose per frame (0 = unknown): placed on the power plot
  int filmstrip_frames = 6;  ///< most movie frames in the local-structures strip (one per feature peak)
  /// The simulated mechanisms (label, trajectory), drawn together in the story section.
  std::vector<std::pair<std::string, std::string>> mechanisms;
  /// Hook for the sequence analysis (sim/): the stages it detected, on the experiment's clock, and
  /// the word for what happened ("segregation", "core–shell", "heterostructure"); empty = not run.
  struct StageMark {
    double time_s = 0;
    std::string label;
  };
  std::vector<StageMark> stage_marks;
  std::string outcome;
};

/// Builds report.html's text.
std::string pipeline_report(const RunFiles& files, const std::vector<StageRecord>& stages);

}  // namespace nanomix::report
