#include "sim/swap_mc.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/neighbors.hpp"
#include "core/units.hpp"
#include "sim/rocksalt.hpp"

namespace nanomix::sim {

namespace {
double pair_energy(const ForceField& ff, int za, int zb, double r, double born_cut, double lj_cut) {
  if (za == carbon && zb == carbon) return 0;
  if (za == carbon || zb == carbon) {
    if (r >= lj_cut) return 0;
    return ff.carbon_ion.at(species_pair(za, zb)).energy_ev(r);
  }
  if (r >= born_cut) return 0;
  return ff.born.at(species_pair(za, zb)).energy_ev(r);
}
}  // namespace

double short_range_energy_ev(const Frame& f, const ForceField& ff, double born_cut, double lj_cut, std::size_t i,
                             int as_species) {
  double e = 0;
  const Eigen::RowVector3d p = f.positions_angstrom.row(static_cast<Eigen::Index>(i));
  for (std::size_t k = 0; k < f.size(); ++k) {
    if (k == i) continue;
    const double r = (f.positions_angstrom.row(static_cast<Eigen::Index>(k)) - p).norm();
    e += pair_energy(ff, as_species, f.atomic_numbers[k], r, born_cut, lj_cut);
  }
  return e;
}

SwapStats swap_anions(Frame& f, const ForceField& ff, double born_cut, double lj_cut, double kelvin,
                      std::int64_t attempts, Rng& rng) {
  SwapStats stats;
  // Neighbour lists of the anions (positions do not move during the batch).
  const double cut = std::max(born_cut, lj_cut);
  std::vector<int> anions;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f.atomic_numbers[i] == chlorine || f.atomic_numbers[i] == iodine) anions.push_back(static_cast<int>(i));
  }
  if (anions.size() < 2) return stats;
  std::vector<int> slot(f.size(), -1);
  for (std::size_t k = 0; k < anions.size(); ++k) slot[static_cast<std::size_t>(anions[k])] = static_cast<int>(k);
  struct Neighbor {
    int j;
    double r;
  };
  std::vector<std::vector<Neighbor>> nb(anions.size());
  for_each_pair_within(f, cut, [&](int i, int j, double r) {
    if (slot[static_cast<std::size_t>(i)] >= 0) nb[static_cast<std::size_t>(slot[static_cast<std::size_t>(i)])].push_back({j, r});
    if (slot[static_cast<std::size_t>(j)] >= 0) nb[static_cast<std::size_t>(slot[static_cast<std::size_t>(j)])].push_back({i, r});
  });
  auto energy = [&](int a, int as, int skip) {  // anion slot a as species `as`, leaving out atom `skip`
    double e = 0;
    for (const auto& n : nb[static_cast<std::size_t>(a)]) {
      if (n.j == skip) continue;
      e += pair_energy(ff, as, f.atomic_numbers[static_cast<std::size_t>(n.j)], n.r, born_cut, lj_cut);
    }
    return e;
  };
  std::vector<int> cl, io;  // slots by species
  for (std::size_t k = 0; k < anions.size(); ++k) {
    (f.atomic_numbers[static_cast<std::size_t>(anions[k])] == chlorine ? cl : io).push_back(static_cast<int>(k));
  }
  if (cl.empty() || io.empty()) return stats;
  const double beta = 1 / (units::boltzmann_ev_per_k * kelvin);
  for (std::int64_t t = 0; t < attempts; ++t) {
    ++stats.attempts;
    const std::size_t ci = rng.below(cl.size()), ii = rng.below(io.size());
    const int a = cl[ci], b = io[ii];
    const int atom_a = anions[static_cast<std::size_t>(a)], atom_b = anions[static_cast<std::size_t>(b)];
    // The a–b pair is Cl–I before and after: leave it out of both sides.
    const double de = energy(a, iodine, atom_b) - energy(a, chlorine, atom_b) + energy(b, chlorine, atom_a) -
                      energy(b, iodine, atom_a);
    if (de <= 0 || rng.uniform() < std::exp(-beta * de)) {
      f.atomic_numbers[static_cast<std::size_t>(atom_a)] = iodine;
      f.atomic_numbers[static_cast<std::size_t>(atom_b)] = chlorine;
      cl[ci] = b;
      io[ii] = a;
      ++stats.accepted;
      stats.energy_change_ev += de;
    }
  }
  return stats;
}

}  // namespace nanomix::sim
