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
  const Distances dist(f);
  for (const int j : carbons_) {
    if (dist.squared(i, j) < list2) out.push_back(j);
  }
  anion_built_at_.row(static_cast<Eigen::Index>(a)) = f.positions_angstrom.row(i);
  copy_carbon_positions(f, a);
  ++carbon_builds_;
}

void AnionNeighbors::copy_carbon_positions(const Frame& f, std::size_t a) {
  std::vector<double>& xyz = carbon_xyz_[a];
  xyz.clear();
  if (f.box.periodic[0] || f.box.periodic[1] || f.box.periodic[2]) return;  // minimum images: Distances
  const std::vector<int>& list = carbon_[a];
  const std::size_t n = list.size();
  xyz.resize(3 * n);
  const double* x = f.positions_angstrom.data();
  for (std::size_t k = 0; k < n; ++k) {
    for (int c = 0; c < 3; ++c) xyz[c * n + k] = x[3 * list[k] + c];
  }
}

void AnionNeighbors::build_ion_lists(const Frame& f) {
  const double cut2 = born_cut_ * born_cut_;
  for (std::size_t a = 0; a < anions_.size(); ++a) {
    cations_[a].clear();
    partners_[a].clear();
  }
  // All ions' positions as blocks (cations, then anions in slot order): the squared distances of
  // one anion to every ion in one loop the compiler vectorises, then the pairs within the cut-off.
  const std::size_t nc = cation_atoms_.size(), n = nc + anions_.size();
  ion_x_.resize(n);
  ion_y_.resize(n);
  ion_z_.resize(n);
  ion_r2_.resize(n);
  auto index = [&](std::size_t k) { return k < nc ? cation_atoms_[k] : anions_[k - nc]; };
  for (std::size_t k = 0; k < n; ++k) {
    const auto row = static_cast<Eigen::Index>(index(k));
    ion_x_[k] = f.positions_angstrom(row, 0);
    ion_y_[k] = f.positions_angstrom(row, 1);
    ion_z_[k] = f.positions_angstrom(row, 2);
  }
  const bool periodic = f.box.periodic[0] || f.box.periodic[1] || f.box.periodic[2];
  const Distances dist(f);
  const double *px = ion_x_.data(), *py = ion_y_.data(), *pz = ion_z_.data();
  double* r2 = ion_r2_.data();
  for (std::size_t a = 0; a < anions_.size(); ++a) {
    const int i = anions_[a];
    const std::size_t self = nc + a;
    // cations and the anions of larger slots
    if (periodic) {
      for (std::size_t k = 0; k < n; ++k) r2[k] = dist.squared(i, index(k));
    } else {
      const double xi = px[self], yi = py[self], zi = pz[self];
      for (std::size_t k = 0; k < n; ++k) {
        const double dx = px[k] - xi, dy = py[k] - yi, dz = pz[k] - zi;
        r2[k] = dx * dx + dy * dy + dz * dz;
      }
    }
    for (std::size_t k = 0; k < nc; ++k) {
      if (r2[k] < cut2) cations_[a].push_back({cation_atoms_[k], std::sqrt(r2[k])});
    }
    for (std::size_t k = self + 1; k < n; ++k) {
      if (r2[k] < cut2) partners_[a].push_back({static_cast<int>(k - nc), std::sqrt(r2[k])});
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
  carbon_xyz_.assign(anions_.size(), {});
  carbon_last_ = carbon_reference_;
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
    // which costs a rebuild, never a missed pair. `moved`: carbon that moved since the last update
    // (a vibrating or flexible tube; a frozen one never does).
    double d2 = 0;
    bool moved = false;
    for (std::size_t c = 0; c < carbons_.size(); ++c) {
      const auto row = f.positions_angstrom.row(carbons_[c]);
      d2 = std::max(d2, (row - carbon_reference_.row(static_cast<Eigen::Index>(c))).squaredNorm());
      moved = moved || row != carbon_last_.row(static_cast<Eigen::Index>(c));
    }
    carbon_drift_angstrom_ = std::max(carbon_drift_angstrom_, std::sqrt(d2));
    if (2 * carbon_drift_angstrom_ > 0.5 * skin_angstrom_) {
      build_all(f, born_cut, lj_cut);
    } else {
      if (moved) {  // the lists' copies of the carbon positions are refreshed
        for (std::size_t c = 0; c < carbons_.size(); ++c)
          carbon_last_.row(static_cast<Eigen::Index>(c)) = f.positions_angstrom.row(carbons_[c]);
        for (std::size_t a = 0; a < anions_.size(); ++a) copy_carbon_positions(f, a);
      }
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
/// energy with b as Cl or as I: every pair potential evaluated once per batch.
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
      // LjPair::energy_ev for both species from r² (1/r² once, 4ε after the sums); pairs listed
      // within the skin but beyond the cut-off now count 0.
      double lj_cl = 0, lj_i = 0;
      auto lj_terms = [&](double r2, double& cl, double& io) {
        const double inside = r2 < lj_cut2 ? 1.0 : 0.0;
        const double inv_r2 = 1 / r2;
        const double s2_cl = lj_sigma2[0] * inv_r2, s6_cl = s2_cl * s2_cl * s2_cl;
        const double s2_i = lj_sigma2[1] * inv_r2, s6_i = s2_i * s2_i * s2_i;
        cl += inside * (s6_cl * s6_cl - s6_cl);
        io += inside * (s6_i * s6_i - s6_i);
      };
      const std::vector<double>& xyz = nb.carbon_positions(a);
      if (!xyz.empty()) {
        const std::size_t n = xyz.size() / 3;
        const double *cx = xyz.data(), *cy = cx + n, *cz = cy + n;
        const double xi = f.positions_angstrom(i, 0), yi = f.positions_angstrom(i, 1), zi = f.positions_angstrom(i, 2);
#pragma omp simd reduction(+ : lj_cl, lj_i)
        for (std::size_t k = 0; k < n; ++k) {
          const double dx = cx[k] - xi, dy = cy[k] - yi, dz = cz[k] - zi;
          lj_terms(dx * dx + dy * dy + dz * dz, lj_cl, lj_i);
        }
      } else {  // periodic: minimum images
        for (const int j : nb.carbon(a)) lj_terms(dist.squared(i, j), lj_cl, lj_i);
      }
      e_cl += lj_4eps[0] * lj_cl;
      e_i += lj_4eps[1] * lj_i;
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

  /// Change of anion a's short-range energy when it goes from Cl to I, all its neighbours as they
  /// are (`species`: the current species index of every slot).
  double cl_to_i(std::size_t a, const std::vector<int>& species) const {
    const auto& fx = fixed[a];
    double e = fx[1] - fx[0];
    for (const auto& n : partners[a]) {
      const int t = species[static_cast<std::size_t>(n.b)];
      e += n.e[1][t] - n.e[0][t];
    }
    return e;
  }
  /// The entry of slot b among slot a's partners, or nullptr.
  const Partner* find(std::size_t a, int b) const {
    for (const auto& n : partners[a]) {
      if (n.b == b) return &n;
    }
    return nullptr;
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
  // h[a]: anion a's energy change on going Cl → I with every neighbour as it is now, kept up to
  // date as swaps are accepted (rare: the attempt itself then costs O(1) instead of a pass over
  // both anions' neighbours).
  std::vector<double> h(anions.size());
  for (std::size_t k = 0; k < anions.size(); ++k) h[k] = tables.cl_to_i(k, sp);
  // A neighbour of the swapped anion s changing from species t_old to t_new changes h of each of its
  // partners by (e[1][t_new] − e[0][t_new]) − (e[1][t_old] − e[0][t_old]).
  auto neighbour_changed = [&](std::size_t s, int t_old, int t_new) {
    for (const auto& n : tables.partners[s])
      h[static_cast<std::size_t>(n.b)] += (n.e[1][t_new] - n.e[0][t_new]) - (n.e[1][t_old] - n.e[0][t_old]);
  };
  const Distances dist(f);
  const double near2 = born_cut * born_cut * (1 + 1e-9);  // a partner lies within the cut-off
  for (std::int64_t t = 0; t < attempts; ++t) {
    ++stats.attempts;
    const std::size_t ci = rng.below(cl.size()), ii = rng.below(io.size());
    const int a = cl[ci], b = io[ii];
    const auto sa = static_cast<std::size_t>(a), sb = static_cast<std::size_t>(b);
    const int atom_a = anions[sa], atom_b = anions[sb];
    // a Cl → I plus b I → Cl. The a–b pair is Cl–I before and after: its terms (b as I in h[a],
    // a as Cl in h[b]) are taken out of both sides.
    double de = h[sa] - h[sb];
    if (dist.squared(atom_a, atom_b) < near2) {
      if (const AnionTables::Partner* n = tables.find(sa, b)) de -= (n->e[1][1] - n->e[0][1]) - (n->e[1][0] - n->e[0][0]);
    }
    if (de <= 0 || rng.uniform() < std::exp(-beta * de)) {
      f.atomic_numbers[static_cast<std::size_t>(atom_a)] = iodine;
      f.atomic_numbers[static_cast<std::size_t>(atom_b)] = chlorine;
      sp[sa] = 1;
      sp[sb] = 0;
      neighbour_changed(sa, 0, 1);
      neighbour_changed(sb, 1, 0);
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
