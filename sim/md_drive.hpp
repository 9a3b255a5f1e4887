#pragma once
// The md stage's mechanisms as drives: small objects with one interface that act on the running
// system before each MD segment of a frame (sim/md_plan.hpp), keep their running counters (saved
// in checkpoints) and name their own observables and trajectory parameters.
//   thermal           plain MD under the thermostat and schedule (acts on nothing)
//   swap_accelerated  Metropolis Cl⁻↔I⁻ swap batches before each of swap_batches_per_frame
//                     segments, at the MD temperature; swap_biased_drive: at their own temperature
//   beam              electron knock-on kicks before each frame's MD (sim/knock_on.hpp)
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "sim/forcefield.hpp"
#include "sim/md_checkpoint.hpp"
#include "sim/md_params.hpp"
#include "sim/md_plan.hpp"

namespace nanomix::sim {

class MdSystem;

/// One value of a drive's observable in a recorded frame.
struct DriveObservable {
  std::string name;
  double value = 0;
  std::string unit;
};
/// A /parameters attribute of the trajectory.
using TrajectoryParameter = std::pair<std::string, std::variant<double, std::string>>;

class Drive {
 public:
  virtual ~Drive() = default;
  /// The trajectory's /parameters md_mechanism.
  virtual std::string name() const = 0;
  /// MD segments per frame (the drive acts before each).
  virtual std::int64_t segments_per_frame() const { return 1; }
  /// True if the drive changes species (the trajectory then stores them per frame).
  virtual bool changes_species() const { return false; }
  /// True if before_segment only gathers the state and changes species through
  /// MdSystem::change_species: it can then act inside a LAMMPS run (MdSystem::run_frame).
  virtual bool acts_in_run() const { return false; }
  /// Further /parameters of a fresh trajectory, after md_mechanism.
  virtual std::vector<TrajectoryParameter> parameters() const { return {}; }
  /// Acts on the system before the segment's MD. system.state() holds the state gathered last
  /// (that of frame segment.frame − 1 before its first segment), with the species as the drive left them.
  virtual void before_segment(MdSystem& system, const Segment& segment) = 0;
  /// The drive's observables for a recorded frame (after the standard ones).
  virtual std::vector<DriveObservable> observables() const { return {}; }

  const DriveCounters& counters() const { return counters_; }
  /// Continues the running totals of a checkpoint (resume).
  void restore(const DriveCounters& counters) { counters_ = counters; }

 protected:
  DriveCounters counters_;
};

std::unique_ptr<Drive> make_thermal_drive();
std::unique_ptr<Drive> make_swap_drive(const MdParams& params, const ForceField& ff);
std::unique_ptr<Drive> make_beam_drive(const MdParams& params);
/// The drive of params.mechanism.
std::unique_ptr<Drive> make_drive(const MdParams& params, const ForceField& ff);

}  // namespace nanomix::sim
