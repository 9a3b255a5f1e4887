// The beam drive: electron knock-on before each frame's MD. Per ion species, Poisson(N × σ ×
// dose rate × exposure × dose_multiplier) events (σ McKinley–Feshbach, sim/knock_on.hpp), each
// setting a random ion's velocity to a drawn recoil's; seeded per (seed, frame).
#include <cmath>
#include <vector>

#include "core/elements.hpp"
#include "core/random.hpp"
#include "sim/knock_on.hpp"
#include "sim/lammps_input.hpp"
#include "sim/md_drive.hpp"
#include "sim/md_system.hpp"

namespace nanomix::sim {

namespace {

class BeamDrive final : public Drive {
 public:
  explicit BeamDrive(const MdParams& p) : p_(p), beam_(Eigen::Vector3d::Unit(p.beam_axis)) {}

  std::string name() const override { return "beam"; }

  void before_segment(MdSystem& system, const Segment& seg) override {
    if (seg.index != 0) return;  // once per frame
    Rng rng(p_.seed, RandomPurpose::beam_kicks, static_cast<std::uint64_t>(seg.frame));
    const Frame& frame = system.state();
    std::string cmds;
    for (int z : {sodium, chlorine, iodine}) {
      std::vector<int> atoms;
      for (std::size_t i = 0; i < frame.size(); ++i) {
        if (frame.atomic_numbers[i] == z) atoms.push_back(static_cast<int>(i));
      }
      if (!atoms.empty()) cmds += kicks_of(z, atoms, rng);
    }
    if (!cmds.empty()) system.lammps().command(cmds);
  }

  /// Knock-on events so far.
  std::vector<DriveObservable> observables() const override {
    return {{"kicks", static_cast<double>(counters_.kicks), ""}};
  }

 private:
  /// The `set atom … vx vy vz` commands of one frame's kicks of the ions `atoms` (rows) of species z.
  std::string kicks_of(int z, const std::vector<int>& atoms, Rng& rng) {
    const double e = p_.beam_voltage_kv * 1e3;
    const double exposure_per_nm2 = p_.dose_rate_e_per_nm2_s * p_.experiment_seconds_per_frame * p_.dose_multiplier;
    const double m = element(z).mass_amu;
    const double sigma_barn = mckinley_feshbach_barn(z, m, e, p_.kick_min_energy_ev);
    const double mean = sigma_barn * 1e-28 * exposure_per_nm2 * 1e18 * static_cast<double>(atoms.size());
    const std::uint64_t events = rng.poisson(mean);
    std::string cmds;
    for (std::uint64_t k = 0; k < events; ++k) {
      const int atom = atoms[rng.below(atoms.size())];
      const Recoil r = sample_recoil(z, m, e, p_.kick_min_energy_ev, beam_, rng);
      const Eigen::Vector3d v = std::sqrt(2 * r.energy_ev / m * angstrom2_per_ps2_per_ev_per_amu) * r.direction;
      cmds += "set atom " + std::to_string(atom + 1) + " vx " + lammps_number(v[0]) + " vy " + lammps_number(v[1]) +
              " vz " + lammps_number(v[2]) + "\n";
      ++counters_.kicks;
    }
    return cmds;
  }

  const MdParams& p_;
  const Eigen::Vector3d beam_;
};

}  // namespace

std::unique_ptr<Drive> make_beam_drive(const MdParams& p) { return std::make_unique<BeamDrive>(p); }

}  // namespace nanomix::sim
