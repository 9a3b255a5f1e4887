#include "sim/md_drive.hpp"

namespace nanomix::sim {

namespace {

/// Plain MD: the thermostat and the schedule alone.
class ThermalDrive final : public Drive {
 public:
  std::string name() const override { return "thermal"; }
  void before_segment(MdSystem&, const Segment&) override {}
};

}  // namespace

std::unique_ptr<Drive> make_thermal_drive() { return std::make_unique<ThermalDrive>(); }

std::unique_ptr<Drive> make_drive(const MdParams& p, const ForceField& ff) {
  switch (p.mechanism) {
    case Mechanism::thermal:
      return make_thermal_drive();
    case Mechanism::swap_accelerated:
      return make_swap_drive(p, ff);
    case Mechanism::beam:
      return make_beam_drive(p);
  }
  return make_thermal_drive();
}

}  // namespace nanomix::sim
