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

/// The neighbour data a swap batch needs, and nothing else: for each anion (Cl or I) the carbon
/// within the LJ cut-off and the other ions within the Born cut-off. No pair without an anion is
/// looked at (the 1920 carbon of the demo's tube never meet each other here).
/// - Carbon lists (most of the pairs: the tube is most of the atoms) are kept per anion with a
///   skin: anion a's list holds the carbon within lj_cut + skin of where a was when it was built,
///   and is rebuilt (a alone, against every carbon) once |Δx_a| + 2·D > skin, D the largest carbon
///   displacement seen since all lists were last built (all are rebuilt once 2·D > skin / 2). A
///   pair's distance then changed by at most the skin since its list was built, so every carbon
///   within the cut-off is listed. A frozen tube (D = 0) keeps an anion's list until the anion
///   itself has moved a skin: in a solid cluster, rarely.
/// - Ion lists (Na and other anions, a few hundred atoms) are made anew at every update, within
///   the Born cut-off exactly, with their distances.
/// Every batch still computes each listed carbon pair's distance from the current positions, so ΔE
/// does not depend on when the lists were built.
class AnionNeighbors {
 public:
  explicit AnionNeighbors(double skin_angstrom = 2.0) : skin_angstrom_(skin_angstrom) {}

  /// Makes the lists valid for `frame` and the cut-offs (see the class comment); everything is
  /// rebuilt on the first call and when the cut-offs, the atoms, the set of anions or the box changed.
  void update(const Frame& frame, double born_cutoff_angstrom, double lj_cutoff_angstrom);

  /// An ion near an anion: its index (atom index for a cation, slot for an anion) and distance.
  struct Near {
    int index;
    double r_angstrom;
  };

  /// Atom indices of the anions (slot order).
  const std::vector<int>& anions() const { return anions_; }
  /// Slot of atom i among the anions, or −1.
  int slot(std::size_t atom) const { return slot_[atom]; }
  /// Anion slot a's carbon (atom indices) within the LJ cut-off plus the skin.
  const std::vector<int>& carbon(std::size_t a) const { return carbon_[a]; }
  /// In a box without periodic axes: the current positions of carbon(a), as three blocks
  /// (x of every listed atom, then y, then z), for loops the compiler can vectorise; empty otherwise.
  const std::vector<double>& carbon_positions(std::size_t a) const { return carbon_xyz_[a]; }
  /// Anion slot a's ions that are not anions (atom indices), within the Born cut-off.
  const std::vector<Near>& cations(std::size_t a) const { return cations_[a]; }
  /// The anions within the Born cut-off of slot a with a larger slot (slots): each anion–anion
  /// pair once.
  const std::vector<Near>& anion_partners(std::size_t a) const { return partners_[a]; }
  /// Carbon lists built so far, one per anion per build (for tests and benchmarks).
  std::int64_t carbon_list_builds() const { return carbon_builds_; }

 private:
  bool same_system(const Frame& frame, double born_cut, double lj_cut) const;
  void build_all(const Frame& frame, double born_cut, double lj_cut);
  void build_carbon_list(const Frame& frame, std::size_t a);
  void build_ion_lists(const Frame& frame);
  void copy_carbon_positions(const Frame& frame, std::size_t a);

  double skin_angstrom_;
  double born_cut_ = -1, lj_cut_ = -1;
  bool built_ = false;
  Box box_;
  std::vector<char> kind_;                 // per atom at the last build: carbon, anion or other ion
  std::vector<int> anions_, slot_, carbons_, cation_atoms_;
  Positions carbon_reference_;             // carbon positions when all lists were built (one row per carbon)
  double carbon_drift_angstrom_ = 0;       // D: the largest carbon displacement seen since then
  Positions anion_built_at_;               // each anion's position when its carbon list was built
  std::vector<std::vector<int>> carbon_;
  std::vector<std::vector<double>> carbon_xyz_;
  Positions carbon_last_;                  // carbon positions at the last update
  std::vector<double> ion_x_, ion_y_, ion_z_, ion_r2_;  // scratch of build_ion_lists
  std::vector<std::vector<Near>> cations_, partners_;
  std::int64_t carbon_builds_ = 0;
};

/// Runs `attempts` swap attempts on `frame.atomic_numbers` (changed in place), with neighbour
/// data kept in `neighbors` (brought up to date first; reuse one across batches). The pair energies
/// are tabulated once per call; each anion's energy change on going Cl → I is kept and updated when
/// a swap is accepted, so an attempt costs O(1) and an accepted swap O(neighbours).
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
