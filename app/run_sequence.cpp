#include "app/run_sequence.hpp"

#include <cmath>
#include <cstdio>

#include "core/h5md.hpp"
#include "sim/sequence.hpp"

namespace nanomix::cli {

void add_sequence_analysis(const std::string& trajectory, const std::string& label, report::RunFiles& files) {
  H5mdReader r(trajectory);
  if (r.frame_count() == 0) return;
  const double seconds_per_ps = r.parameter("md_experiment_seconds_per_ps", 0);
  sim::SequenceParams params;
  params.shuffles = 100;  // z-scores to ±0.1 at the 3-sigma thresholds: enough to name a stage
  std::vector<sim::FrameSequence> frames;
  for (std::size_t i = 0; i < r.frame_count(); ++i) {
    const Frame f = r.frame(i);  // species of this frame
    frames.push_back(sim::analyse_frame(f, sim::tube_axis_of(f), params));
  }
  const auto stages = sim::detect_stages(frames);
  const char* names[] = {"amorphous mixed start", "I-rich periphery", "first NaI domain", "NaCl crystallised", "heterostructure"};
  bool periphery = false, nai = false, hetero = false;
  for (std::size_t k = 0; k < stages.size(); ++k) {
    const auto& s = stages[k];
    if (!s.found) continue;
    const double t = seconds_per_ps > 0 ? s.time_ps * seconds_per_ps : s.time_ps;
    files.stage_marks.push_back({t, label + ": " + (k < 5 ? names[k] : s.name)});
    periphery = periphery || s.name == "iodide_rich_periphery";
    nai = nai || s.name == "first_nai_domain";
    hetero = hetero || s.name == "heterostructure";
  }
  // The word for what happened, from the last frame and the stages found (not hard-coded).
  const sim::FrameSequence& last = frames.back();
  const bool axial = last.axial_split_z >= 3.0 && last.axial_split >= 0.3;
  const bool shell = last.periphery_z >= 3.0 && last.periphery_enrichment >= 0.2;
  std::string word;
  if (hetero) word = "heterostructure: a NaI and a NaCl rock-salt domain side by side along the tube";
  else if (shell && axial) word = "segregation, both core–shell (I-rich periphery) and along the tube";
  else if (shell) word = "core–shell segregation: an I-rich periphery around a Cl-rich core";
  else if (axial) word = "segregation along the tube: iodide gathered at one end";
  else word = "no segregation detected: the anions stay mixed";
  char detail[240];
  std::snprintf(detail, sizeof detail,
                " (last frame: outer-third I fraction %.2f vs inner %.2f, z = %.1f; axial split %.2f, z = %.1f; crystallinity %.2f%s%s)",
                last.outer_iodide_fraction, last.inner_iodide_fraction, last.periphery_z, last.axial_split, last.axial_split_z,
                last.crystallinity, nai ? "; a NaI domain formed" : "", periphery ? "; I-rich periphery seen" : "");
  if (!files.outcome.empty()) files.outcome += " — ";
  files.outcome += label + ": " + word + detail;
}

}  // namespace nanomix::cli
