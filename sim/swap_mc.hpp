#pragma once
// Metropolis Cl⁻ ↔ I⁻ identity swaps (the accelerated segregation route): pick a random Cl and a
// random I, exchange their species, accept with min(1, exp(−ΔE/kT)). The two anions carry the
// same charge, so the Coulomb energy does not change and ΔE is the change of the short-range
// terms only (Born–Mayer–Huggins to other ions within the Born cut-off, Lennard-Jones to carbon
// within the LJ cut-off) — exactly what LAMMPS computes with the same cut-offs. Positions are
// fixed during a batch; MD between batches relaxes the lattice (hybrid MC/MD).
#include <cstdint>
#include <vector>

#include "core/frame.hpp"
#include "core/random.hpp"
#include "sim/forcefield.hpp"

namespace nanomix::sim {

struct SwapStats {
  std::int64_t attempts = 0, accepted = 0;
  double energy_change_ev = 0;  ///< sum of ΔE of the accepted swaps
};

/// The neighbour data a swap batch needs, and nothing else: for each anion (Cl or I) the other
/// ions within the Born cut-off and the carbon within the LJ cut-off, both widened by a skin.
/// No pair without an anion is looked at (the 1920 carbon of the demo's tube never meet each
/// other here). The lists stay valid while no atom has moved more than half the skin since they
/// were built (then every pair within the cut-offs is still listed), so a run of swap batches
/// between short MD pieces rebuilds them only now and then; every batch still recomputes each
/// listed pair's distance from the current positions, so ΔE does not depend on when they were built.
class AnionNeighbors {
 public:
  explicit AnionNeighbors(double skin_angstrom = 2.0) : skin_angstrom_(skin_angstrom) {}

  /// Makes the lists valid for `frame` and the cut-offs: rebuilds them (every anion against every
  /// atom, minimum image along periodic axes) if this is the first call, if the cut-offs, the
  /// atoms, the set of anions or the box changed, or if an atom moved more than half the skin.
  void update(const Frame& frame, double born_cutoff_angstrom, double lj_cutoff_angstrom);

  /// Atom indices of the anions (slot order).
  const std::vector<int>& anions() const { return anions_; }
  /// Slot of atom i among the anions, or −1.
  int slot(std::size_t atom) const { return slot_[atom]; }
  /// Anion slot a's neighbours that are not anions (atom indices) and the anions among its
  /// neighbours with a larger slot (slots): each anion–anion pair is listed once.
  const std::vector<int>& others(std::size_t a) const { return others_[a]; }
  const std::vector<int>& anion_partners(std::size_t a) const { return partners_[a]; }
  /// Number of builds so far (for tests and benchmarks).
  std::int64_t builds() const { return builds_; }

 private:
  bool still_valid(const Frame& frame, double born_cut, double lj_cut) const;
  void build(const Frame& frame, double born_cut, double lj_cut);

  double skin_angstrom_;
  double born_cut_ = -1, lj_cut_ = -1;
  Box box_;
  Positions built_at_;
  std::vector<int> anions_, slot_;
  std::vector<std::vector<int>> others_, partners_;
  std::int64_t builds_ = 0;
};

/// Runs `attempts` swap attempts on `frame.atomic_numbers` (changed in place), with neighbour
/// data kept in `neighbors` (brought up to date first; reuse one across batches).
SwapStats swap_anions(Frame& frame, const ForceField& ff, double born_cutoff_angstrom, double lj_cutoff_angstrom,
                      double temperature_kelvin, std::int64_t attempts, Rng& rng, AnionNeighbors& neighbors);

/// The same with neighbour data built for this call alone.
SwapStats swap_anions(Frame& frame, const ForceField& ff, double born_cutoff_angstrom, double lj_cutoff_angstrom,
                      double temperature_kelvin, std::int64_t attempts, Rng& rng);

/// Short-range energy (Born–Mayer–Huggins + carbon–ion LJ, no Coulomb) of atom i with every other
/// atom, with atom i taken to be species `as_species` (for tests and ΔE).
double short_range_energy_ev(const Frame& frame, const ForceField& ff, double born_cutoff_angstrom,
                             double lj_cutoff_angstrom, std::size_t i, int as_species);

}  // namespace nanomix::sim
