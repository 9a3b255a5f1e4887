#include "sim/swap_mc.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "core/error.hpp"
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

bool is_anion(int z) { return z == chlorine || z == iodine; }

/// Minimum-image distance between atoms i and j (as core/neighbors computes it).
struct Distances {
  const Positions& p;
  Eigen::Vector3d lengths;
  std::array<bool, 3> periodic;

  Distances(const Frame& f) : p(f.positions_angstrom), lengths(f.box.lengths_angstrom()), periodic(f.box.periodic) {}
  double squared(int i, int j) const {
    double d[3];
    for (int k = 0; k < 3; ++k) {
      d[k] = p(j, k) - p(i, k);
      if (periodic[k] && lengths[k] > 0) d[k] -= lengths[k] * std::round(d[k] / lengths[k]);
    }
    return d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
  }
};

/// Cut-off checks of the old all-pairs search, kept: periodic boxes must be orthorhombic and at
/// least twice the cut-off long.
void check_box(const Box& box, double cut) {
  const bool any_periodic = box.periodic[0] || box.periodic[1] || box.periodic[2];
  if (any_periodic && !box.is_orthorhombic()) throw InputError("swap neighbours: periodic triclinic boxes are not supported");
  const Eigen::Vector3d lengths = box.lengths_angstrom();
  for (int k = 0; k < 3; ++k) {
    if (box.periodic[k] && cut * 2 > lengths[k]) {
      throw InputError("neighbour cut-off " + std::to_string(cut) + " Å exceeds half the periodic box length " +
                       std::to_string(lengths[k]) + " Å");
    }
  }
}

}  // namespace

bool AnionNeighbors::still_valid(const Frame& f, double born_cut, double lj_cut) const {
  if (builds_ == 0 || born_cut != born_cut_ || lj_cut != lj_cut_) return false;
  if (f.size() != slot_.size() || f.box.periodic != box_.periodic || f.box.edges_angstrom != box_.edges_angstrom) return false;
  std::size_t anions = 0;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (is_anion(f.atomic_numbers[i]) != (slot_[i] >= 0)) return false;
    anions += slot_[i] >= 0;
  }
  if (anions != anions_.size()) return false;
  const double half_skin2 = 0.25 * skin_angstrom_ * skin_angstrom_;
  return (f.positions_angstrom - built_at_).rowwise().squaredNorm().maxCoeff() <= half_skin2;
}

void AnionNeighbors::build(const Frame& f, double born_cut, double lj_cut) {
  check_box(f.box, std::max(born_cut, lj_cut));
  born_cut_ = born_cut;
  lj_cut_ = lj_cut;
  box_ = f.box;
  built_at_ = f.positions_angstrom;
  anions_.clear();
  slot_.assign(f.size(), -1);
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (!is_anion(f.atomic_numbers[i])) continue;
    slot_[i] = static_cast<int>(anions_.size());
    anions_.push_back(static_cast<int>(i));
  }
  others_.assign(anions_.size(), {});
  partners_.assign(anions_.size(), {});
  const double ion_list2 = (born_cut + skin_angstrom_) * (born_cut + skin_angstrom_);
  const double carbon_list2 = (lj_cut + skin_angstrom_) * (lj_cut + skin_angstrom_);
  const Distances dist(f);
  const bool periodic = f.box.periodic[0] || f.box.periodic[1] || f.box.periodic[2];
  const int n = static_cast<int>(f.size());
  std::vector<double> list2(f.size());  // squared list radius of each atom as an anion's partner
  for (std::size_t j = 0; j < f.size(); ++j) list2[j] = f.atomic_numbers[j] == carbon ? carbon_list2 : ion_list2;
  const double* x = f.positions_angstrom.data();  // row-major: x0 y0 z0 x1 …
  // Every anion against every atom: O(anions × atoms) squared distances in a flat loop, done
  // only when the skin runs out (~2.5 ms for the demo's 200 anions and 2320 atoms, about every
  // second batch; a cell list would not check fewer atoms there, the lists' 14 Å reach spanning
  // most of the cluster).
  for (std::size_t a = 0; a < anions_.size(); ++a) {
    const int i = anions_[a];
    const double xi = x[3 * i], yi = x[3 * i + 1], zi = x[3 * i + 2];
    for (int j = 0; j < n; ++j) {
      double d2;
      if (periodic) {
        d2 = dist.squared(i, j);
      } else {
        const double dx = x[3 * j] - xi, dy = x[3 * j + 1] - yi, dz = x[3 * j + 2] - zi;
        d2 = dx * dx + dy * dy + dz * dz;
      }
      if (d2 >= list2[static_cast<std::size_t>(j)] || j == i) continue;
      const int b = slot_[static_cast<std::size_t>(j)];
      if (b < 0) {
        others_[a].push_back(j);
      } else if (b > static_cast<int>(a)) {
        partners_[a].push_back(b);
      }
    }
  }
  ++builds_;
}

void AnionNeighbors::update(const Frame& f, double born_cut, double lj_cut) {
  if (!still_valid(f, born_cut, lj_cut)) build(f, born_cut, lj_cut);
}

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

namespace {

/// Pair energies of an anion, as Cl and as I, with a partner that is not an anion (Na, C): the
/// same values as pair_energy, with the parameters looked up once per partner species.
class FixedPartners {
 public:
  FixedPartners(const ForceField& ff, double born_cut, double lj_cut) : ff_(ff), born_cut_(born_cut), lj_cut_(lj_cut) {}
  std::array<double, 2> operator()(int z, double r) {
    const Entry& e = entry(z);
    if (r >= e.cut) return {0.0, 0.0};
    if (e.lj[0]) return {e.lj[0]->energy_ev(r), e.lj[1]->energy_ev(r)};
    return {e.born[0]->energy_ev(r), e.born[1]->energy_ev(r)};
  }

 private:
  struct Entry {
    int z;
    double cut;
    const BornPair* born[2];
    const LjPair* lj[2];
  };
  const Entry& entry(int z) {
    for (const Entry& e : entries_) {
      if (e.z == z) return e;
    }
    Entry e{z, z == carbon ? lj_cut_ : born_cut_, {nullptr, nullptr}, {nullptr, nullptr}};
    const int anion_z[2] = {chlorine, iodine};
    for (int s = 0; s < 2; ++s) {
      if (z == carbon) e.lj[s] = &ff_.carbon_ion.at(species_pair(anion_z[s], z));
      else e.born[s] = &ff_.born.at(species_pair(anion_z[s], z));
    }
    entries_.push_back(e);
    return entries_.back();
  }
  const ForceField& ff_;
  double born_cut_, lj_cut_;
  std::vector<Entry> entries_;
};

/// Per anion slot a and its own species s (0 = Cl, 1 = I): the fixed part of its short-range
/// energy (Na and C neighbours, which never change species) and, per anion neighbour b, the pair
/// energy with b as Cl or as I. An attempt then costs a few table look-ups per anion neighbour
/// instead of a pair-potential evaluation per neighbour atom.
struct AnionTables {
  struct Partner {
    int b;           // slot of the neighbouring anion
    double e[2][2];  // e[own species][neighbour species]
  };
  std::vector<std::array<double, 2>> fixed;
  std::vector<std::vector<Partner>> partners;

  AnionTables(const Frame& f, const ForceField& ff, double born_cut, double lj_cut, const AnionNeighbors& nb) {
    const std::vector<int>& anions = nb.anions();
    fixed.assign(anions.size(), {0.0, 0.0});
    partners.assign(anions.size(), {});
    const Distances dist(f);
    FixedPartners fixed_energy(ff, born_cut, lj_cut);
    const BornPair& cl_cl = ff.born.at(species_pair(chlorine, chlorine));
    const BornPair& cl_i = ff.born.at(species_pair(chlorine, iodine));
    const BornPair& i_i = ff.born.at(species_pair(iodine, iodine));
    for (std::size_t a = 0; a < anions.size(); ++a) {
      const int i = anions[a];
      for (const int j : nb.others(a)) {
        const double r = std::sqrt(dist.squared(i, j));
        const auto e = fixed_energy(f.atomic_numbers[static_cast<std::size_t>(j)], r);
        fixed[a][0] += e[0];
        fixed[a][1] += e[1];
      }
      for (const int b : nb.anion_partners(a)) {
        const double r = std::sqrt(dist.squared(i, anions[static_cast<std::size_t>(b)]));
        if (r >= born_cut) continue;  // listed within the skin, but beyond the cut-off now
        // The species pair is unordered: e[s][t] is symmetric, and the same for both anions.
        Partner p{b, {{0, 0}, {0, 0}}};
        p.e[0][0] = cl_cl.energy_ev(r);
        p.e[0][1] = p.e[1][0] = cl_i.energy_ev(r);
        p.e[1][1] = i_i.energy_ev(r);
        partners[a].push_back(p);
        p.b = static_cast<int>(a);
        partners[static_cast<std::size_t>(b)].push_back(p);
      }
    }
  }

  /// Change of anion a's short-range energy when it goes from Cl to I, leaving out slot `skip`
  /// (`species`: the current species index of every slot).
  double cl_to_i(int a, int skip, const std::vector<int>& species) const {
    const auto& fx = fixed[static_cast<std::size_t>(a)];
    double e = fx[1] - fx[0];
    for (const auto& n : partners[static_cast<std::size_t>(a)]) {
      if (n.b == skip) continue;
      const int t = species[static_cast<std::size_t>(n.b)];
      e += n.e[1][t] - n.e[0][t];
    }
    return e;
  }
};

}  // namespace

SwapStats swap_anions(Frame& f, const ForceField& ff, double born_cut, double lj_cut, double kelvin,
                      std::int64_t attempts, Rng& rng, AnionNeighbors& neighbors) {
  SwapStats stats;
  neighbors.update(f, born_cut, lj_cut);
  const std::vector<int>& anions = neighbors.anions();
  if (anions.size() < 2) return stats;
  const AnionTables tables(f, ff, born_cut, lj_cut, neighbors);
  std::vector<int> sp(anions.size());  // current species index of each anion slot (0 = Cl, 1 = I)
  for (std::size_t k = 0; k < anions.size(); ++k) sp[k] = f.atomic_numbers[static_cast<std::size_t>(anions[k])] == chlorine ? 0 : 1;
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
    const double de = tables.cl_to_i(a, b, sp) - tables.cl_to_i(b, a, sp);
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

SwapStats swap_anions(Frame& f, const ForceField& ff, double born_cut, double lj_cut, double kelvin,
                      std::int64_t attempts, Rng& rng) {
  AnionNeighbors neighbors;
  return swap_anions(f, ff, born_cut, lj_cut, kelvin, attempts, rng, neighbors);
}

}  // namespace nanomix::sim
