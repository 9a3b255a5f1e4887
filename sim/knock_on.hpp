#pragma once
// Electron-beam knock-on: the largest energy an electron of kinetic energy E can give a nucleus of
// mass M, the McKinley–Feshbach cross-section for transfers between E_min and T_max, and recoil
// energies and directions drawn from its differential form.
//   T_max = 2E(E + 2mc²) / (Mc²(1 + m/M)² + 2E)
//   dσ/dT = πZ²r_e²(1−β²)/β⁴ · T_max/T² · [1 − β² T/T_max + πZαβ(√(T/T_max) − T/T_max)]
//   σ(E_min) = πZ²r_e²(1−β²)/β⁴ [q − 1 − β² ln q + πZαβ(2√q − ln q − 2)],  q = T_max/E_min
// W. A. McKinley and H. Feshbach, Phys. Rev. 74, 1759 (1948); F. Seitz and J. S. Koehler, Solid
// State Phys. 2, 305 (1956); the recoil leaves at angle θ to the beam with T = T_max cos²θ.
// Rate per atom = σ × dose rate (1 barn × 1 e⁻/nm²/s = 10⁻¹⁰ s⁻¹). Poor for heavy nuclei
// (Zα ≈ 0.39 for I), where Mott's exact tables are better: stated in docs/md.md.
#include <Eigen/Core>

#include "core/random.hpp"

namespace nanomix::sim {

/// 1 eV/amu in Å²/ps² (speed² of a mass with that kinetic-energy-per-mass).
inline constexpr double angstrom2_per_ps2_per_ev_per_amu = 9648.5332;

/// Largest energy transfer (eV) from an electron of kinetic energy `beam_ev` to a nucleus of `mass_amu`.
double max_transfer_ev(double beam_ev, double mass_amu);
/// v/c of an electron of kinetic energy `beam_ev`.
double electron_beta(double beam_ev);
/// McKinley–Feshbach cross-section (barn) for transfers in [min_ev, T_max]; 0 if min_ev >= T_max.
double mckinley_feshbach_barn(int atomic_number, double mass_amu, double beam_ev, double min_ev);

struct Recoil {
  double energy_ev = 0;
  Eigen::Vector3d direction = Eigen::Vector3d::UnitZ();  ///< unit vector
};
/// Draws a recoil (energy from dσ/dT on [min_ev, T_max] by rejection from 1/T²; direction at
/// cos²θ = T/T_max to `beam_direction`, azimuth uniform).
Recoil sample_recoil(int atomic_number, double mass_amu, double beam_ev, double min_ev,
                     const Eigen::Vector3d& beam_direction, Rng& rng);

}  // namespace nanomix::sim
