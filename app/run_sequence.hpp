#pragma once
// The seed's stages (sim/sequence) found in a run's trajectory, as the report draws them.
#include <string>

#include "app/report/pipeline_report.hpp"

namespace nanomix::cli {

/// Reads `trajectory` (H5MD, the species of every frame), analyses each frame with
/// sim::analyse_frame and fills `files.stage_marks` (on the experiment's clock, the trajectory's
/// md_experiment_seconds_per_ps) and `files.outcome` (the word chosen from what was detected).
void add_sequence_analysis(const std::string& trajectory, const std::string& label, report::RunFiles& files);

}  // namespace nanomix::cli
