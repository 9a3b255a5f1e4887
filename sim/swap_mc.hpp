#pragma once
// Metropolis Cl⁻ ↔ I⁻ identity swaps (the accelerated segregation route): pick a random Cl and a
// random I, exchange their species, accept with min(1, exp(−ΔE/kT)). The two anions carry the
// same charge, so the Coulomb energy does not change and ΔE is the change of the short-range
// terms only (Born–Mayer–Huggins to other ions within the Born cut-off, Lennard-Jones to carbon
// within the LJ cut-off) — exactly what LAMMPS computes with the same cut-offs. Positions are
// fixed during a batch; MD between batches relaxes the lattice (hybrid MC/MD).
#include <cstdint>

#include "core/frame.hpp"
#include "core/random.hpp"
#include "sim/forcefield.hpp"

namespace nanomix::sim {

struct SwapStats {
  std::int64_t attempts = 0, accepted = 0;
  double energy_change_ev = 0;  ///< sum of ΔE of the accepted swaps
};

/// Runs `attempts` swap attempts on `frame.atomic_numbers` (changed in place).
SwapStats swap_anions(Frame& frame, const ForceField& ff, double born_cutoff_angstrom, double lj_cutoff_angstrom,
                      double temperature_kelvin, std::int64_t attempts, Rng& rng);

/// Short-range energy (Born–Mayer–Huggins + carbon–ion LJ, no Coulomb) of atom i with every other
/// atom, with atom i taken to be species `as_species` (for tests and ΔE).
double short_range_energy_ev(const Frame& frame, const ForceField& ff, double born_cutoff_angstrom,
                             double lj_cutoff_angstrom, std::size_t i, int as_species);

}  // namespace nanomix::sim
