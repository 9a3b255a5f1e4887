#include "sim/rocksalt.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <vector>

#include "core/error.hpp"
#include "core/neighbors.hpp"
#include "core/random.hpp"

namespace nanomix::sim {

double vegard_lattice_constant_angstrom(double x) {
  return (1 - x) * nacl_lattice_constant_angstrom + x * nai_lattice_constant_angstrom;
}

Frame rocksalt_crystal(int anion, double a, int na, int nb, int nc) {
  if (anion != chlorine && anion != iodine) throw InputError("rock-salt anion must be Cl or I");
  if (!(a > 0) || na < 1 || nb < 1 || nc < 1) throw InputError("rock-salt crystal needs a > 0 and >= 1 cell per axis");
  Frame f;
  f.box = Box::orthorhombic(na * a, nb * a, nc * a, {true, true, true});
  const std::int64_t n = 8LL * na * nb * nc;
  f.positions_angstrom.resize(n, 3);
  f.atomic_numbers.reserve(static_cast<std::size_t>(n));
  Eigen::Index row = 0;
  for (int i = 0; i < 2 * na; ++i)
    for (int j = 0; j < 2 * nb; ++j)
      for (int k = 0; k < 2 * nc; ++k) {
        f.positions_angstrom.row(row++) << i * a / 2, j * a / 2, k * a / 2;
        f.atomic_numbers.push_back((i + j + k) % 2 == 0 ? sodium : anion);
      }
  return f;
}

Arrangement parse_arrangement(const std::string& name) {
  if (name == "random_mixed") return Arrangement::random_mixed;
  if (name == "rocksalt_nacl") return Arrangement::rocksalt_nacl;
  if (name == "rocksalt_nai") return Arrangement::rocksalt_nai;
  if (name == "heterostructure") return Arrangement::heterostructure;
  throw InputError("unknown arrangement '" + name + "'");
}

namespace {

struct Site {
  Eigen::Vector3d r;
  bool cation;
};

/// Rock-salt sites (cation at the origin) with |xy| <= radius and z in [z_lo, z_hi].
std::vector<Site> sites_in_cylinder(double a, double radius, double z_lo, double z_hi) {
  std::vector<Site> sites;
  const double h = a / 2;
  const int nr = static_cast<int>(std::floor(radius / h));
  const int k_lo = static_cast<int>(std::ceil(z_lo / h - 1e-9)), k_hi = static_cast<int>(std::floor(z_hi / h + 1e-9));
  for (int i = -nr; i <= nr; ++i)
    for (int j = -nr; j <= nr; ++j) {
      if (std::hypot(i * h, j * h) > radius + 1e-9) continue;
      for (int k = k_lo; k <= k_hi; ++k) sites.push_back({Eigen::Vector3d(i * h, j * h, k * h), ((i + j + k) % 2 + 2) % 2 == 0});
    }
  return sites;
}

/// The `count` cations and `count` anions closest to the plane z = z0 (ties: closest to the axis,
/// then lowest z), walking away from z0 in `direction` only (0: both ways).
std::vector<Site> pick(std::vector<Site> sites, std::int64_t count, double z0, int direction, const std::string& what,
                       std::int64_t room_hint) {
  auto key = [&](const Site& s) {
    const double dz = direction == 0 ? std::abs(s.r.z() - z0) : direction * (s.r.z() - z0);
    return std::make_tuple(std::round(dz * 1e6), std::round(std::hypot(s.r.x(), s.r.y()) * 1e6), s.r.z(), s.r.x(), s.r.y());
  };
  std::stable_sort(sites.begin(), sites.end(), [&](const Site& p, const Site& q) { return key(p) < key(q); });
  std::vector<Site> out;
  std::int64_t cations = 0, anions = 0;
  for (const Site& s : sites) {
    if (direction != 0 && direction * (s.r.z() - z0) < -1e-9) continue;
    if (s.cation && cations < count) {
      out.push_back(s);
      ++cations;
    } else if (!s.cation && anions < count) {
      out.push_back(s);
      ++anions;
    }
  }
  if (cations < count || anions < count) {
    throw InputError(what + ": " + std::to_string(count) + " ion pairs do not fit in the open space of the tube (room for about " +
                     std::to_string(room_hint) + "); use a wider or longer tube, or fewer ions");
  }
  return out;
}

/// Displaces every site uniformly within a ball of radius `jitter`; displacements that bring two
/// ions closer than `min_distance` are drawn again (a few rounds suffice at the default settings;
/// what still fails is left to the caller's min-distance check).
void jitter_positions(std::vector<Site>& sites, double jitter, double min_distance, Rng& rng) {
  auto draw = [&]() {
    double x = 0, y = 0, z = 0;
    do {
      x = rng.uniform(-1, 1);
      y = rng.uniform(-1, 1);
      z = rng.uniform(-1, 1);
    } while (x * x + y * y + z * z > 1);
    return Eigen::Vector3d(jitter * x, jitter * y, jitter * z);
  };
  std::vector<Eigen::Vector3d> origin;
  for (auto& s : sites) {
    origin.push_back(s.r);
    s.r += draw();
  }
  Frame view;
  view.positions_angstrom.resize(static_cast<Eigen::Index>(sites.size()), 3);
  view.atomic_numbers.assign(sites.size(), sodium);
  for (int round = 0; round < 100; ++round) {
    for (std::size_t i = 0; i < sites.size(); ++i) view.positions_angstrom.row(static_cast<Eigen::Index>(i)) = sites[i].r;
    std::vector<int> redraw;
    for_each_pair_within(view, min_distance, [&](int, int j, double) { redraw.push_back(j); });
    if (redraw.empty()) return;
    for (int j : redraw) sites[static_cast<std::size_t>(j)].r = origin[static_cast<std::size_t>(j)] + draw();
  }
}

/// Ion pairs the lattice sites in a cylinder of `radius` and `length` can hold.
std::int64_t room(double a, double radius, double length) {
  return static_cast<std::int64_t>(sites_in_cylinder(a, radius, -length / 2, length / 2).size() / 2);
}

/// The chosen sites and, in their order, the species of their anions.
struct ClusterSites {
  std::vector<Site> sites;
  std::vector<int> anion_species;
};

/// Heterostructure: NaI below the interface plane z = 0, NaCl above it; then the pair is centred
/// on the tube (at z = zc).
ClusterSites heterostructure_sites(const ClusterParams& p, std::int64_t n_iodide, double zc) {
  const double a_i = p.lattice_constant_angstrom > 0 ? p.lattice_constant_angstrom : nai_lattice_constant_angstrom;
  const double a_cl = p.lattice_constant_angstrom > 0 ? p.lattice_constant_angstrom : nacl_lattice_constant_angstrom;
  const std::int64_t n_cl = p.ion_pairs - n_iodide;
  const double length = p.z_max_angstrom - p.z_min_angstrom;
  std::vector<Site> nai, nacl;
  if (n_iodide > 0) {
    nai = pick(sites_in_cylinder(a_i, p.open_radius_angstrom, -length, 0), n_iodide, 0, -1, "heterostructure NaI part",
               room(a_i, p.open_radius_angstrom, length));
  }
  if (n_cl > 0) {
    // The NaCl part starts one mean interlayer spacing above the last NaI layer; its lattice is
    // shifted so that a NaCl layer lies on that plane.
    const double gap = 0.25 * (a_i + a_cl);
    auto sites = sites_in_cylinder(a_cl, p.open_radius_angstrom, 0, length);
    for (auto& s : sites) s.r.z() += gap;
    nacl = pick(sites, n_cl, gap, +1, "heterostructure NaCl part", room(a_cl, p.open_radius_angstrom, length));
  }
  ClusterSites out;
  for (const auto& s : nai) {
    out.sites.push_back(s);
    if (!s.cation) out.anion_species.push_back(iodine);
  }
  for (const auto& s : nacl) {
    out.sites.push_back(s);
    if (!s.cation) out.anion_species.push_back(chlorine);
  }
  double lo = 1e300, hi = -1e300;
  for (const auto& s : out.sites) {
    lo = std::min(lo, s.r.z());
    hi = std::max(hi, s.r.z());
  }
  for (auto& s : out.sites) s.r.z() += zc - 0.5 * (lo + hi);
  return out;
}

/// One rock-salt lattice (NaCl, NaI or the Vegard mixed constant) centred at z = zc; the anion
/// species drawn at random (random_mixed: positions jittered).
ClusterSites lattice_sites(const ClusterParams& p, std::int64_t n_iodide, double zc, double half, Rng& rng) {
  double a = p.lattice_constant_angstrom;
  if (a <= 0) {
    a = p.arrangement == Arrangement::rocksalt_nacl  ? nacl_lattice_constant_angstrom
        : p.arrangement == Arrangement::rocksalt_nai ? nai_lattice_constant_angstrom
                                                     : vegard_lattice_constant_angstrom(p.iodide_fraction);
  }
  const double jitter = p.arrangement == Arrangement::random_mixed ? p.jitter_angstrom : 0.0;
  const double radius = p.open_radius_angstrom - jitter;
  if (!(radius > 0)) throw InputError("position_jitter_angstrom leaves no open space in the tube");
  auto sites = sites_in_cylinder(a, radius, -(half - jitter), half - jitter);
  ClusterSites out;
  out.sites = pick(sites, p.ion_pairs, 0, 0, "cluster", room(a, radius, 2 * (half - jitter)));
  for (auto& s : out.sites) s.r.z() += zc;
  std::vector<int> species(static_cast<std::size_t>(p.ion_pairs), chlorine);
  std::fill(species.begin(), species.begin() + n_iodide, iodine);
  shuffle(species, rng);
  out.anion_species = species;
  if (jitter > 0) jitter_positions(out.sites, jitter, p.min_distance_angstrom, rng);
  return out;
}

/// Checks that must hold whatever the arrangement: every ion in the open space, none too close.
void check_cluster_fits(const Frame& f, const ClusterParams& p) {
  for (Eigen::Index i = 0; i < f.positions_angstrom.rows(); ++i) {
    const auto r = f.positions_angstrom.row(i);
    if (std::hypot(r[0], r[1]) > p.open_radius_angstrom + 1e-9 || r[2] < p.z_min_angstrom - 1e-9 ||
        r[2] > p.z_max_angstrom + 1e-9) {
      throw InputError("the cluster does not fit in the open space of the tube (ion " + std::to_string(i) +
                       " outside); use fewer ions or a larger tube");
    }
  }
  const double dmin = f.min_distance_angstrom();
  if (dmin < p.min_distance_angstrom) {
    throw InputError("two ions are " + std::to_string(dmin) + " Å apart, closer than min_distance_angstrom = " +
                     std::to_string(p.min_distance_angstrom) + " (lower position_jitter_angstrom)");
  }
}

}  // namespace

Frame build_ion_cluster(const ClusterParams& p) {
  if (p.ion_pairs < 0) throw InputError("ion_pairs must be >= 0");
  if (!(p.iodide_fraction >= 0 && p.iodide_fraction <= 1)) throw InputError("iodide_fraction must be in [0, 1]");
  if (!(p.open_radius_angstrom > 0) || !(p.z_max_angstrom > p.z_min_angstrom)) {
    throw InputError("the tube leaves no open space for ions (check tube size and wall_clearance_angstrom)");
  }
  Frame f;
  if (p.ion_pairs == 0) return f;
  const std::int64_t n_iodide = std::llround(p.iodide_fraction * static_cast<double>(p.ion_pairs));
  const double zc = 0.5 * (p.z_min_angstrom + p.z_max_angstrom);
  const double half = 0.5 * (p.z_max_angstrom - p.z_min_angstrom);
  Rng rng(p.seed, RandomPurpose::cluster_build);
  const ClusterSites chosen = p.arrangement == Arrangement::heterostructure ? heterostructure_sites(p, n_iodide, zc)
                                                                            : lattice_sites(p, n_iodide, zc, half, rng);
  f.positions_angstrom.resize(static_cast<Eigen::Index>(chosen.sites.size()), 3);
  std::size_t next_anion = 0;
  for (std::size_t i = 0; i < chosen.sites.size(); ++i) {
    f.positions_angstrom.row(static_cast<Eigen::Index>(i)) = chosen.sites[i].r.transpose();
    f.atomic_numbers.push_back(chosen.sites[i].cation ? sodium : chosen.anion_species[next_anion++]);
  }
  check_cluster_fits(f, p);
  return f;
}

}  // namespace nanomix::sim
