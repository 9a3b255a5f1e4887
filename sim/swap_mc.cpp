#include "sim/swap_mc.hpp"

#include <algorithm>
#include <array>
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
  // Per anion (slot a) and its own species s (0 = Cl, 1 = I): the fixed part of its short-range
  // energy (Na and C neighbours, which never change species) and, per anion neighbour b, the pair
  // energy with b as Cl or as I. An attempt then costs a few table look-ups per anion neighbour
  // instead of a pair-potential evaluation per neighbour atom.
  auto sidx = [](int z) { return z == chlorine ? 0 : 1; };
  struct AnionNeighbor {
    int b;       // slot of the neighbouring anion
    double e[2][2];  // e[own species][neighbour species]
  };
  std::vector<std::array<double, 2>> fixed(anions.size(), {0.0, 0.0});
  std::vector<std::vector<AnionNeighbor>> nb(anions.size());
  const int anion_z[2] = {chlorine, iodine};
  auto add = [&](int i, int j, double r) {
    const int a = slot[static_cast<std::size_t>(i)];
    if (a < 0) return;
    const int b = slot[static_cast<std::size_t>(j)];
    if (b < 0) {
      const int zj = f.atomic_numbers[static_cast<std::size_t>(j)];
      for (int s = 0; s < 2; ++s) fixed[static_cast<std::size_t>(a)][static_cast<std::size_t>(s)] += pair_energy(ff, anion_z[s], zj, r, born_cut, lj_cut);
      return;
    }
    AnionNeighbor n{b, {{0, 0}, {0, 0}}};
    for (int s = 0; s < 2; ++s)
      for (int t = 0; t < 2; ++t) n.e[s][t] = pair_energy(ff, anion_z[s], anion_z[t], r, born_cut, lj_cut);
    nb[static_cast<std::size_t>(a)].push_back(n);
  };
  for_each_pair_within(f, cut, [&](int i, int j, double r) {
    add(i, j, r);
    add(j, i, r);
  });
  std::vector<int> sp(anions.size());  // current species index of each anion slot
  for (std::size_t k = 0; k < anions.size(); ++k) sp[k] = sidx(f.atomic_numbers[static_cast<std::size_t>(anions[k])]);
  // Change of anion a's short-range energy when it goes from Cl to I, leaving out slot `skip`.
  auto cl_to_i = [&](int a, int skip) {
    const auto& fx = fixed[static_cast<std::size_t>(a)];
    double e = fx[1] - fx[0];
    for (const auto& n : nb[static_cast<std::size_t>(a)]) {
      if (n.b == skip) continue;
      const int t = sp[static_cast<std::size_t>(n.b)];
      e += n.e[1][t] - n.e[0][t];
    }
    return e;
  };
  std::vector<int> cl, io;  // slots by species
  for (std::size_t k = 0; k < anions.size(); ++k) (sp[k] == 0 ? cl : io).push_back(static_cast<int>(k));
  if (cl.empty() || io.empty()) return stats;
  const double beta = 1 / (units::boltzmann_ev_per_k * kelvin);
  for (std::int64_t t = 0; t < attempts; ++t) {
    ++stats.attempts;
    const std::size_t ci = rng.below(cl.size()), ii = rng.below(io.size());
    const int a = cl[ci], b = io[ii];
    const int atom_a = anions[static_cast<std::size_t>(a)], atom_b = anions[static_cast<std::size_t>(b)];
    // The a–b pair is Cl–I before and after: leave it out of both sides.
    const double de = cl_to_i(a, b) - cl_to_i(b, a);
    if (de <= 0 || rng.uniform() < std::exp(-beta * de)) {
      f.atomic_numbers[static_cast<std::size_t>(atom_a)] = iodine;
      f.atomic_numbers[static_cast<std::size_t>(atom_b)] = chlorine;
      sp[static_cast<std::size_t>(a)] = 1;
      sp[static_cast<std::size_t>(b)] = 0;
      cl[ci] = b;
      io[ii] = a;
      ++stats.accepted;
      stats.energy_change_ev += de;
    }
  }
  return stats;
}

}  // namespace nanomix::sim
