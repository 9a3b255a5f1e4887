// The swap drives (mechanism swap_accelerated, and swap_biased_drive): a batch of Metropolis
// Cl⁻↔I⁻ identity swaps (sim/swap_mc.hpp) before each MD segment, the accepted ones made in LAMMPS
// as type changes (MdSystem::change_species).
#include <cmath>
#include <vector>

#include "core/random.hpp"
#include "sim/lammps_input.hpp"
#include "sim/md_drive.hpp"
#include "sim/md_system.hpp"
#include "sim/swap_mc.hpp"

namespace nanomix::sim {

namespace {

class SwapDrive final : public Drive {
 public:
  SwapDrive(const MdParams& p, const ForceField& ff) : p_(p), ff_(ff) {}

  std::string name() const override { return p_.swap_biased_drive ? "swap_biased_drive" : "swap_accelerated"; }
  std::int64_t segments_per_frame() const override { return p_.swap_batches_per_frame; }
  bool changes_species() const override { return true; }
  bool acts_in_run() const override { return true; }

  // The time axis of a swap run: MD time plus swap sweeps (attempts per anion) between MD pieces.
  std::vector<TrajectoryParameter> parameters() const override {
    const double sweeps_per_ps = p_.swap_sweeps_per_frame / p_.frame_interval_ps;
    return {{"md_swap_sweeps_per_ps", sweeps_per_ps},
            {"md_time_axis", std::string("MD time (ps) with ") + lammps_number(sweeps_per_ps) +
                                 " Cl<->I swap sweeps per ps between MD pieces, " +
                                 (p_.swap_biased_drive ? "at the swap schedule's temperature (biased drive)"
                                                       : "at the MD temperature (detailed balance)")}};
  }

  // Every rank makes the same draws from the same gathered state.
  void before_segment(MdSystem& system, const Segment& seg) override {
    if (p_.swap_sweeps_per_frame <= 0) return;
    if (seg.index > 0) system.gather(seg.frame - 1);  // current positions (the time stamp is not used)
    Frame& frame = system.state();
    Frame state = frame;
    Rng rng(p_.seed, RandomPurpose::md_swaps, static_cast<std::uint64_t>(seg.frame),
            static_cast<std::uint64_t>(seg.index));
    const std::size_t anions = state.count(chlorine) + state.count(iodine);
    const double kelvin = !p_.swap_schedule.points.empty() ? p_.swap_schedule.kelvin_at(seg.time_ps)
                          : p_.swap_temperature_kelvin > 0 ? p_.swap_temperature_kelvin
                                                           : seg.kelvin_from;
    const double sweeps = p_.swap_sweeps_per_frame / static_cast<double>(seg.count);
    const SwapStats st = swap_anions(state, ff_, p_.born_cutoff_angstrom, p_.lj_cutoff_angstrom, kelvin,
                                     std::llround(sweeps * static_cast<double>(anions)), rng, neighbors_);
    counters_.swaps_attempted += st.attempts;
    counters_.swaps_accepted += st.accepted;
    std::vector<int> to_cl, to_i;
    for (std::size_t i = 0; i < state.size(); ++i) {
      if (state.atomic_numbers[i] == frame.atomic_numbers[i]) continue;
      (state.atomic_numbers[i] == chlorine ? to_cl : to_i).push_back(static_cast<int>(i) + 1);
    }
    frame.atomic_numbers = state.atomic_numbers;
    system.change_species(to_cl, to_i);
  }

  /// Accepted / attempted swaps so far.
  std::vector<DriveObservable> observables() const override {
    const DriveCounters& c = counters_;
    return {{"swap_acceptance", c.swaps_attempted ? double(c.swaps_accepted) / double(c.swaps_attempted) : 0.0, ""}};
  }

 private:
  const MdParams& p_;
  const ForceField& ff_;
  AnionNeighbors neighbors_;  // the anions' neighbour lists, reused across batches while valid
};

}  // namespace

std::unique_ptr<Drive> make_swap_drive(const MdParams& p, const ForceField& ff) {
  return std::make_unique<SwapDrive>(p, ff);
}

}  // namespace nanomix::sim
