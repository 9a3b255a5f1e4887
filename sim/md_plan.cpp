#include "sim/md_plan.hpp"

#include "core/random.hpp"

namespace nanomix::sim {

MdPlan::MdPlan(const MdParams& params, std::int64_t first_frame, std::int64_t segments_per_frame)
    : params_(params), first_frame_(first_frame), segments_(segments_per_frame) {}

Segment MdPlan::segment(std::int64_t f, std::int64_t k) const {
  const MdParams& p = params_;
  const double t0 = static_cast<double>(f - 1) * p.frame_interval_ps, t1 = static_cast<double>(f) * p.frame_interval_ps;
  const double k0 = p.production_kelvin_at(t0), k1 = p.production_kelvin_at(t1);
  const auto n = static_cast<double>(segments_);
  Segment s;
  s.frame = f;
  s.index = k;
  s.count = segments_;
  s.time_ps = t0 + (t1 - t0) * static_cast<double>(k) / n;
  s.kelvin_from = k0 + (k1 - k0) * static_cast<double>(k) / n;
  s.kelvin_to = k0 + (k1 - k0) * static_cast<double>(k + 1) / n;
  s.frame_kelvin_from = k0;
  s.frame_kelvin_to = k1;
  s.steps = p.steps_per_frame() / segments_;
  s.thermostat_seed = derive_seed(p.seed, RandomPurpose::velocities, 10 + static_cast<std::uint64_t>(f),
                                  1 + static_cast<std::uint64_t>(k));
  return s;
}

bool MdPlan::checkpoint_after(std::int64_t f) const {
  return f == 0 || (f + 1) % params_.checkpoint_every_frames == 0 || f + 1 == params_.frames;
}

}  // namespace nanomix::sim
