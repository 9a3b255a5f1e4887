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

  bool any_periodic;
  const double* x;  // row-major: x0 y0 z0 x1 …

  Distances(const Frame& f)
      : p(f.positions_angstrom),
        lengths(f.box.lengths_angstrom()),
        periodic(f.box.periodic),
        any_periodic(periodic[0] || periodic[1] || periodic[2]),
        x(f.positions_angstrom.data()) {}
  double squared(int i, int j) const {
    if (!any_periodic) {
      const double dx = x[3 * j] - x[3 * i], dy = x[3 * j + 1] - x[3 * i + 1], dz = x[3 * j + 2] - x[3 * i + 2];
      return dx * dx + dy * dy + dz * dz;
    }
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

namespace {
enum : char { kind_carbon, kind_anion, kind_other };
char kind_of(int z) { return z == carbon ? kind_carbon : is_anion(z) ? kind_anion : kind_other; }
}  // namespace

bool AnionNeighbors::same_system(const Frame& f, double born_cut, double lj_cut) const {
  if (!built_ || born_cut != born_cut_ || lj_cut != lj_cut_) return false;
  if (f.size() != kind_.size() || f.box.periodic != box_.periodic || f.box.edges_angstrom != box_.edges_angstrom) return false;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (kind_of(f.atomic_numbers[i]) != kind_[i]) return false;
  }
  return true;
}

void AnionNeighbors::build_carbon_list(const Frame& f, std::size_t a) {
  const int i = anions_[a];
  const double list2 = (lj_cut_ + skin_angstrom_) * (lj_cut_ + skin_angstrom_);
  std::vector<int>& out = carbon_[a];
  out.clear();
  const double* x = f.positions_angstrom.data();  // row-major: x0 y0 z0 x1 …
  const bool periodic = f.box.periodic[0] || f.box.periodic[1] || f.box.periodic[2];
  if (periodic) {
    const Distances dist(f);
    for (const int j : carbons_) {
      if (dist.squared(i, j) < list2) out.push_back(j);
    }
  } else {
    const double xi = x[3 * i], yi = x[3 * i + 1], zi = x[3 * i + 2];
    for (const int j : carbons_) {
      const double dx = x[3 * j] - xi, dy = x[3 * j + 1] - yi, dz = x[3 * j + 2] - zi;
      if (dx * dx + dy * dy + dz * dz < list2) out.push_back(j);
    }
  }
  anion_built_at_.row(static_cast<Eigen::Index>(a)) = f.positions_angstrom.row(i);
  ++carbon_builds_;
}

void AnionNeighbors::build_ion_lists(const Frame& f) {
  const double cut2 = born_cut_ * born_cut_;
  const Distances dist(f);
  for (std::size_t a = 0; a < anions_.size(); ++a) {
    cations_[a].clear();
    partners_[a].clear();
  }
  for (std::size_t a = 0; a < anions_.size(); ++a) {
    const int i = anions_[a];
    for (const int j : cation_atoms_) {
      const double d2 = dist.squared(i, j);
      if (d2 < cut2) cations_[a].push_back({j, std::sqrt(d2)});
    }
    for (std::size_t b = a + 1; b < anions_.size(); ++b) {
      const double d2 = dist.squared(i, anions_[b]);
      if (d2 < cut2) partners_[a].push_back({static_cast<int>(b), std::sqrt(d2)});
    }
  }
}

void AnionNeighbors::build_all(const Frame& f, double born_cut, double lj_cut) {
  check_box(f.box, std::max(born_cut, lj_cut));
  born_cut_ = born_cut;
  lj_cut_ = lj_cut;
  box_ = f.box;
  kind_.resize(f.size());
  anions_.clear();
  carbons_.clear();
  cation_atoms_.clear();
  slot_.assign(f.size(), -1);
  for (std::size_t i = 0; i < f.size(); ++i) {
    kind_[i] = kind_of(f.atomic_numbers[i]);
    if (kind_[i] == kind_anion) {
      slot_[i] = static_cast<int>(anions_.size());
      anions_.push_back(static_cast<int>(i));
    } else {
      (kind_[i] == kind_carbon ? carbons_ : cation_atoms_).push_back(static_cast<int>(i));
    }
  }
  carbon_reference_.resize(static_cast<Eigen::Index>(carbons_.size()), 3);
  for (std::size_t c = 0; c < carbons_.size(); ++c)
    carbon_reference_.row(static_cast<Eigen::Index>(c)) = f.positions_angstrom.row(carbons_[c]);
  carbon_drift_angstrom_ = 0;
  anion_built_at_.resize(static_cast<Eigen::Index>(anions_.size()), 3);
  carbon_.assign(anions_.size(), {});
  cations_.assign(anions_.size(), {});
  partners_.assign(anions_.size(), {});
  built_ = true;
  for (std::size_t a = 0; a < anions_.size(); ++a) build_carbon_list(f, a);
}

void AnionNeighbors::update(const Frame& f, double born_cut, double lj_cut) {
  if (!same_system(f, born_cut, lj_cut)) {
    build_all(f, born_cut, lj_cut);
  } else {
    // Plain differences: an atom wrapped across a periodic face counts as moved a box length,
    // which costs a rebuild, never a missed pair.
    double d2 = 0;
    for (std::size_t c = 0; c < carbons_.size(); ++c)
      d2 = std::max(d2, (f.positions_angstrom.row(carbons_[c]) - carbon_reference_.row(static_cast<Eigen::Index>(c)))
                            .squaredNorm());
    carbon_drift_angstrom_ = std::max(carbon_drift_angstrom_, std::sqrt(d2));
    if (2 * carbon_drift_angstrom_ > 0.5 * skin_angstrom_) {
      build_all(f, born_cut, lj_cut);
    } else {
      for (std::size_t a = 0; a < anions_.size(); ++a) {
        const double moved =
            (f.positions_angstrom.row(anions_[a]) - anion_built_at_.row(static_cast<Eigen::Index>(a))).norm();
        if (moved + 2 * carbon_drift_angstrom_ > skin_angstrom_) build_carbon_list(f, a);
      }
    }
  }
  build_ion_lists(f);
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

  AnionTables(const Frame& f, const ForceField& ff, double lj_cut, const AnionNeighbors& nb) {
    const std::vector<int>& anions = nb.anions();
    fixed.assign(anions.size(), {0.0, 0.0});
    partners.assign(anions.size(), {});
    const Distances dist(f);
    const LjPair* lj[2] = {&ff.carbon_ion.at(species_pair(chlorine, carbon)),
                           &ff.carbon_ion.at(species_pair(iodine, carbon))};
    const double lj_cut2 = lj_cut * lj_cut;
    const double lj_sigma2[2] = {lj[0]->sigma_angstrom * lj[0]->sigma_angstrom, lj[1]->sigma_angstrom * lj[1]->sigma_angstrom};
    const double lj_4eps[2] = {4 * lj[0]->epsilon_ev, 4 * lj[1]->epsilon_ev};
    const BornPair& cl_cl = ff.born.at(species_pair(chlorine, chlorine));
    const BornPair& cl_i = ff.born.at(species_pair(chlorine, iodine));
    const BornPair& i_i = ff.born.at(species_pair(iodine, iodine));
    struct Cation {
      int z;
      const BornPair* born[2];
    };
    std::vector<Cation> cation_pairs;  // the Born parameters of each cation species met, looked up once
    auto born_with = [&](int z) -> const Cation& {
      for (const Cation& c : cation_pairs) {
        if (c.z == z) return c;
      }
      cation_pairs.push_back({z, {&ff.born.at(species_pair(chlorine, z)), &ff.born.at(species_pair(iodine, z))}});
      return cation_pairs.back();
    };
    for (std::size_t a = 0; a < anions.size(); ++a) {
      const int i = anions[a];
      double e_cl = 0, e_i = 0;
      for (const int j : nb.carbon(a)) {
        const double r2 = dist.squared(i, j);
        if (r2 >= lj_cut2) continue;  // listed within the skin, beyond the cut-off now
        // LjPair::energy_ev_r2 for both species, 1/r² once.
        const double inv_r2 = 1 / r2;
        const double s2_cl = lj_sigma2[0] * inv_r2, s6_cl = s2_cl * s2_cl * s2_cl;
        const double s2_i = lj_sigma2[1] * inv_r2, s6_i = s2_i * s2_i * s2_i;
        e_cl += lj_4eps[0] * (s6_cl * s6_cl - s6_cl);
        e_i += lj_4eps[1] * (s6_i * s6_i - s6_i);
      }
      for (const AnionNeighbors::Near& n : nb.cations(a)) {
        const Cation& c = born_with(f.atomic_numbers[static_cast<std::size_t>(n.index)]);
        e_cl += c.born[0]->energy_ev(n.r_angstrom);
        e_i += c.born[1]->energy_ev(n.r_angstrom);
      }
      fixed[a] = {e_cl, e_i};
      for (const AnionNeighbors::Near& n : nb.anion_partners(a)) {
        // The species pair is unordered: e[s][t] is symmetric, and the same for both anions.
        const double r = n.r_angstrom;
        Partner p{n.index, {{0, 0}, {0, 0}}};
        p.e[0][0] = cl_cl.energy_ev(r);
        p.e[0][1] = p.e[1][0] = cl_i.energy_ev(r);
        p.e[1][1] = i_i.energy_ev(r);
        partners[a].push_back(p);
        p.b = static_cast<int>(a);
        partners[static_cast<std::size_t>(n.index)].push_back(p);
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
  const AnionTables tables(f, ff, lj_cut, neighbors);
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
