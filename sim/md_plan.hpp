#pragma once
// The production run's plan: which frames, and the MD segments between two frames (pure: tested
// without LAMMPS). Frame f (0 = the state after the melt–quench) is at production time
// f × frame_interval_ps; the MD from frame f − 1 to frame f runs in `segments_per_frame` equal
// segments (a drive acts before each: swap batches, beam kicks), the thermostat's target ramping
// linearly from the schedule's temperature at frame f − 1 to the one at frame f (one thermostat
// for the whole frame, its ramp split over the segments: sim/md_system.hpp).
#include <cstdint>

#include "sim/md_params.hpp"

namespace nanomix::sim {

struct Segment {
  std::int64_t frame = 0;                 ///< the frame this segment's MD leads to (it starts after frame − 1)
  std::int64_t index = 0, count = 1;      ///< k of `count` segments of the frame
  double time_ps = 0;                     ///< production time at the segment's start
  double kelvin_from = 0, kelvin_to = 0;  ///< thermostat target at its start and end
  double frame_kelvin_from = 0, frame_kelvin_to = 0;  ///< the target at the frame's start and end (one ramp)
  std::int64_t steps = 0;                 ///< MD steps
  std::uint64_t thermostat_seed = 0;      ///< stream seed of a stochastic thermostat (derived from seed, frame, k)
};

class MdPlan {
 public:
  /// Frames `first_frame` … params.frames − 1 (a fresh run's frame 0 is recorded before the plan
  /// starts, at first_frame 1).
  MdPlan(const MdParams& params, std::int64_t first_frame, std::int64_t segments_per_frame);
  std::int64_t first_frame() const { return first_frame_; }
  std::int64_t frames() const { return params_.frames; }
  std::int64_t segments_per_frame() const { return segments_; }
  /// Segment k (0 … segments_per_frame − 1) of the MD leading to frame f (f ≥ 1).
  Segment segment(std::int64_t frame, std::int64_t k) const;
  /// Is a checkpoint written after frame f? After frame 0, every checkpoint_every_frames frames
  /// and after the last frame.
  bool checkpoint_after(std::int64_t frame) const;

 private:
  const MdParams& params_;
  std::int64_t first_frame_, segments_;
};

}  // namespace nanomix::sim
