#include "sim/sequence.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/random.hpp"
#include "sim/md_observables.hpp"
#include "sim/rocksalt.hpp"

namespace nanomix::sim {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

bool is_anion(int z) { return z == chlorine || z == iodine; }

double radial_of(const Eigen::Vector3d& r, const TubeAxis& axis) {
  Eigen::Vector3d d = r - axis.point_angstrom;
  d[axis.axis] = 0;
  return d.norm();
}

double fraction(double part, double whole) { return whole > 0 ? part / whole : nan; }

/// The two statistics that get a shuffle z-score, for anion species `iodide[k]` (1 = I) at the
/// fixed orders `by_radius` and `by_axial` (anion slots sorted by radial / axial coordinate).
struct Stats {
  double enrichment, split;
};
Stats statistics(const std::vector<char>& iodide, const std::vector<int>& by_radius, const std::vector<int>& by_axial) {
  const std::size_t n = iodide.size();
  const std::size_t third = n / 3;
  double inner = 0, outer = 0;
  for (std::size_t k = 0; k < third; ++k) {
    inner += iodide[static_cast<std::size_t>(by_radius[k])];
    outer += iodide[static_cast<std::size_t>(by_radius[n - 1 - k])];
  }
  const std::size_t half = n / 2;
  double lower = 0, upper = 0, total = 0;
  for (std::size_t k = 0; k < half; ++k) {
    lower += iodide[static_cast<std::size_t>(by_axial[k])];
    upper += iodide[static_cast<std::size_t>(by_axial[n - 1 - k])];
  }
  for (char c : iodide) total += c;
  const double x = total / static_cast<double>(n);
  const double most = 2 * std::min(x, 1 - x);
  Stats s{};
  s.enrichment = third > 0 ? (outer - inner) / static_cast<double>(third) : nan;
  s.split = half > 0 && most > 0 ? std::abs(upper - lower) / static_cast<double>(half) / most : nan;
  return s;
}

double z_score(double observed, const std::vector<double>& shuffled) {
  if (shuffled.size() < 2 || !std::isfinite(observed)) return nan;
  const double mean = std::accumulate(shuffled.begin(), shuffled.end(), 0.0) / static_cast<double>(shuffled.size());
  double var = 0;
  for (double v : shuffled) var += (v - mean) * (v - mean);
  const double sd = std::sqrt(var / static_cast<double>(shuffled.size() - 1));
  return sd > 0 ? (observed - mean) / sd : nan;
}

}  // namespace

TubeAxis tube_axis_of(const Frame& frame) {
  bool has_carbon = frame.count(carbon) > 0;
  Eigen::Vector3d lo = Eigen::Vector3d::Constant(std::numeric_limits<double>::infinity()), hi = -lo,
                  sum = Eigen::Vector3d::Zero();
  double n = 0;
  for (std::size_t i = 0; i < frame.size(); ++i) {
    const int z = frame.atomic_numbers[i];
    if (has_carbon ? z != carbon : z == carbon) continue;
    const Eigen::Vector3d r = frame.positions_angstrom.row(static_cast<Eigen::Index>(i)).transpose();
    lo = lo.cwiseMin(r);
    hi = hi.cwiseMax(r);
    sum += r;
    n += 1;
  }
  TubeAxis out;
  if (n == 0) return out;
  Eigen::Index longest = 0;
  (hi - lo).maxCoeff(&longest);
  out.axis = static_cast<int>(longest);
  out.point_angstrom = sum / n;
  return out;
}

const char* domain_kind_name(DomainKind kind) {
  return kind == DomainKind::nacl ? "NaCl" : kind == DomainKind::nai ? "NaI" : "mixed";
}

namespace {

/// The anions of a frame (rows), their species and their radial and axial coordinates.
struct Anions {
  std::vector<int> rows;
  std::vector<char> iodide;
  std::vector<double> radial, axial;
};

Anions anions_of(const Frame& frame, const TubeAxis& axis, FrameSequence& out) {
  Anions a;
  for (std::size_t i = 0; i < frame.size(); ++i) {
    const int z = frame.atomic_numbers[i];
    out.sodium += z == sodium;
    if (!is_anion(z)) continue;
    a.rows.push_back(static_cast<int>(i));
    a.iodide.push_back(z == iodine);
    const Eigen::Vector3d r = frame.positions_angstrom.row(static_cast<Eigen::Index>(i)).transpose();
    a.radial.push_back(radial_of(r, axis));
    a.axial.push_back(r[axis.axis]);
    (z == iodine ? out.iodide : out.chloride) += 1;
  }
  return a;
}

/// Radial thirds, axial halves with their shuffle z-scores, and the radial and axial profiles
/// (n >= 3 anions).
void profiles_and_z_scores(const Anions& anions, const SequenceParams& params, FrameSequence& out) {
  const std::vector<char>& iodide = anions.iodide;
  const std::vector<double>&radial = anions.radial, &axial = anions.axial;
  const std::size_t n = iodide.size();
  std::vector<int> by_radius(n), by_axial(n);
  std::iota(by_radius.begin(), by_radius.end(), 0);
  std::iota(by_axial.begin(), by_axial.end(), 0);
  std::stable_sort(by_radius.begin(), by_radius.end(), [&](int a, int b) {
    return radial[static_cast<std::size_t>(a)] < radial[static_cast<std::size_t>(b)];
  });
  std::stable_sort(by_axial.begin(), by_axial.end(), [&](int a, int b) {
    return axial[static_cast<std::size_t>(a)] < axial[static_cast<std::size_t>(b)];
  });
  const std::size_t third = n / 3;
  double inner = 0, outer = 0;
  for (std::size_t k = 0; k < third; ++k) {
    inner += iodide[static_cast<std::size_t>(by_radius[k])];
    outer += iodide[static_cast<std::size_t>(by_radius[n - 1 - k])];
  }
  out.inner_iodide_fraction = inner / static_cast<double>(third);
  out.outer_iodide_fraction = outer / static_cast<double>(third);
  const Stats observed = statistics(iodide, by_radius, by_axial);
  out.periphery_enrichment = observed.enrichment;
  out.axial_split = observed.split;
  Rng rng(params.seed, RandomPurpose::permutation_test, 12);
  std::vector<char> shuffled = iodide;
  std::vector<double> enrich, split;
  for (int s = 0; s < params.shuffles; ++s) {
    shuffle(shuffled, rng);
    const Stats st = statistics(shuffled, by_radius, by_axial);
    enrich.push_back(st.enrichment);
    split.push_back(st.split);
  }
  out.periphery_z = z_score(observed.enrichment, enrich);
  out.axial_split_z = z_score(observed.split, split);

  const double r_max = *std::max_element(radial.begin(), radial.end());
  const auto radial_bins = static_cast<std::size_t>(std::floor(r_max / params.radial_bin_angstrom)) + 1;
  std::vector<double> ri(radial_bins, 0), rn(radial_bins, 0);
  const double a_lo = *std::min_element(axial.begin(), axial.end()),
               a_hi = *std::max_element(axial.begin(), axial.end());
  const auto axial_bins = static_cast<std::size_t>(std::max(1, params.axial_bins));
  std::vector<double> ai(axial_bins, 0), an(axial_bins, 0);
  for (std::size_t k = 0; k < n; ++k) {
    const auto rb = static_cast<std::size_t>(std::floor(radial[k] / params.radial_bin_angstrom));
    ri[rb] += iodide[k];
    rn[rb] += 1;
    const double u = a_hi > a_lo ? (axial[k] - a_lo) / (a_hi - a_lo) : 0;
    const auto ab = std::min(axial_bins - 1, static_cast<std::size_t>(u * static_cast<double>(axial_bins)));
    ai[ab] += iodide[k];
    an[ab] += 1;
  }
  for (std::size_t b = 0; b < radial_bins; ++b) out.radial_iodide_fraction.push_back(fraction(ri[b], rn[b]));
  for (std::size_t b = 0; b < axial_bins; ++b) out.axial_iodide_fraction.push_back(fraction(ai[b], an[b]));
}

/// Fraction of each species' ions in a rock-salt environment.
void crystalline_fractions(const Frame& frame, const RocksaltEnvironment& env, FrameSequence& out) {
  double c_na = 0, c_cl = 0, c_i = 0;
  for (std::size_t i = 0; i < frame.size(); ++i) {
    if (!env.crystalline[i]) continue;
    const int z = frame.atomic_numbers[i];
    (z == sodium ? c_na : z == chlorine ? c_cl : c_i) += 1;
  }
  out.crystalline_sodium = fraction(c_na, out.sodium);
  out.crystalline_chloride = fraction(c_cl, out.chloride);
  out.crystalline_iodide = fraction(c_i, out.iodide);
  out.crystallinity = fraction(c_na + c_cl + c_i, out.sodium + out.chloride + out.iodide);
}

/// Connected sets of crystalline ions (union–find over same-phase counter-ion bonds), as lists of rows.
std::vector<std::vector<int>> crystalline_components(const Frame& frame, const RocksaltEnvironment& env) {
  std::vector<int> parent(frame.size());
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](int i) {
    while (parent[static_cast<std::size_t>(i)] != i) {
      parent[static_cast<std::size_t>(i)] = parent[static_cast<std::size_t>(parent[static_cast<std::size_t>(i)])];
      i = parent[static_cast<std::size_t>(i)];
    }
    return i;
  };
  for (std::size_t i = 0; i < frame.size(); ++i) {
    if (!env.crystalline[i]) continue;
    for (int j : env.counter_ions[i]) {
      const auto uj = static_cast<std::size_t>(j);
      if (env.crystalline[uj] && env.phase[uj] == env.phase[i])
        parent[static_cast<std::size_t>(find(static_cast<int>(i)))] = find(j);
    }
  }
  std::vector<std::vector<int>> members(frame.size());
  for (std::size_t i = 0; i < frame.size(); ++i) {
    if (env.crystalline[i]) members[static_cast<std::size_t>(find(static_cast<int>(i)))].push_back(static_cast<int>(i));
  }
  return members;
}

/// The domain made of the ions `m`; false if it is too small to count (params.min_domain_sodium).
bool domain_of(const std::vector<int>& m, const Frame& frame, const TubeAxis& axis, const RocksaltEnvironment& env,
               const SequenceParams& params, Domain& d) {
  double bond_i = 0, bonds = 0, ax = 0, rad = 0;
  std::vector<double> lengths;
  d.axial_min_angstrom = std::numeric_limits<double>::infinity();
  d.axial_max_angstrom = -d.axial_min_angstrom;
  for (int i : m) {
    const auto ui = static_cast<std::size_t>(i);
    const int z = frame.atomic_numbers[ui];
    (z == sodium ? d.sodium : z == chlorine ? d.chloride : d.iodide) += 1;
    const Eigen::Vector3d r = frame.positions_angstrom.row(i).transpose();
    ax += r[axis.axis];
    rad += radial_of(r, axis);
    d.axial_min_angstrom = std::min(d.axial_min_angstrom, r[axis.axis]);
    d.axial_max_angstrom = std::max(d.axial_max_angstrom, r[axis.axis]);
    if (z != sodium) continue;
    for (int j : env.counter_ions[ui]) {
      bonds += 1;
      bond_i += frame.atomic_numbers[static_cast<std::size_t>(j)] == iodine;
      lengths.push_back((frame.positions_angstrom.row(j) - frame.positions_angstrom.row(i)).norm());
    }
  }
  if (d.sodium < params.min_domain_sodium || bonds == 0) return false;
  d.composition = bond_i / bonds;
  // Median, not mean: thermal motion and the generous bond cut-off (1.3 × bulk) stretch the tail.
  std::nth_element(lengths.begin(), lengths.begin() + static_cast<std::ptrdiff_t>(lengths.size() / 2), lengths.end());
  d.lattice_constant_angstrom = 2 * lengths[lengths.size() / 2];
  d.kind = d.composition <= 0.2 ? DomainKind::nacl : d.composition >= 0.8 ? DomainKind::nai : DomainKind::mixed;
  d.axial_centre_angstrom = ax / static_cast<double>(m.size());
  d.mean_radial_angstrom = rad / static_cast<double>(m.size());
  return true;
}

}  // namespace

FrameSequence analyse_frame(const Frame& frame, const TubeAxis& axis, const SequenceParams& params) {
  FrameSequence out;
  out.time_ps = frame.time_ps;
  const Anions anions = anions_of(frame, axis, out);
  if (anions.rows.size() >= 3) profiles_and_z_scores(anions, params, out);
  const RocksaltEnvironment env = rocksalt_environment(frame);
  crystalline_fractions(frame, env, out);
  for (const auto& m : crystalline_components(frame, env)) {
    Domain d;
    if (domain_of(m, frame, axis, env, params, d)) out.domains.push_back(d);
  }
  std::stable_sort(out.domains.begin(), out.domains.end(), [](const Domain& a, const Domain& b) {
    return a.sodium + a.chloride + a.iodide > b.sodium + b.chloride + b.iodide;
  });
  return out;
}

bool bulk_like(const Domain& d, DomainKind kind, const StageCriteria& c) {
  if (d.kind != kind) return false;
  const double bulk = kind == DomainKind::nai ? nai_lattice_constant_angstrom : nacl_lattice_constant_angstrom;
  return std::abs(d.lattice_constant_angstrom / bulk - 1) <= c.lattice_tolerance;
}

bool is_heterostructure(const FrameSequence& f, const StageCriteria& c) {
  for (const Domain& a : f.domains) {
    if (!bulk_like(a, DomainKind::nai, c)) continue;
    for (const Domain& b : f.domains) {
      if (!bulk_like(b, DomainKind::nacl, c)) continue;
      const double half_sum = 0.5 * (a.axial_max_angstrom - a.axial_min_angstrom + b.axial_max_angstrom - b.axial_min_angstrom);
      if (std::abs(a.axial_centre_angstrom - b.axial_centre_angstrom) >= c.min_axial_separation * half_sum) return true;
    }
  }
  return false;
}

std::vector<Stage> detect_stages(const std::vector<FrameSequence>& frames, const StageCriteria& c) {
  std::vector<Stage> stages = {{"amorphous_mixed_start"}, {"iodide_rich_periphery"}, {"first_nai_domain"},
                               {"nacl_crystallised"}, {"heterostructure"}};
  auto mark = [&](Stage& s, std::size_t k) {
    if (s.found) return;
    s.found = true;
    s.frame = static_cast<int>(k);
    s.time_ps = frames[k].time_ps;
  };
  for (std::size_t k = 0; k < frames.size(); ++k) {
    const FrameSequence& f = frames[k];
    if (k == 0 && f.crystallinity < c.amorphous_max_crystallinity && std::abs(f.periphery_z) < c.mixed_max_abs_z &&
        std::abs(f.axial_split_z) < c.mixed_max_abs_z) {
      mark(stages[0], k);
    }
    if (f.periphery_enrichment >= c.periphery_min_enrichment && f.periphery_z >= c.periphery_min_z) mark(stages[1], k);
    double bulk_cl = 0;
    for (const Domain& d : f.domains) {
      if (bulk_like(d, DomainKind::nai, c)) mark(stages[2], k);
      if (bulk_like(d, DomainKind::nacl, c)) bulk_cl += d.chloride;
    }
    if (f.chloride > 0 && bulk_cl >= c.nacl_crystallised_fraction * f.chloride) mark(stages[3], k);
    if (is_heterostructure(f, c)) mark(stages[4], k);
  }
  return stages;
}

bool in_experiment_order(const std::vector<Stage>& stages) {
  for (std::size_t k = 0; k < stages.size(); ++k) {
    if (!stages[k].found) return false;
    if (k > 0 && stages[k].time_ps < stages[k - 1].time_ps) return false;
  }
  return true;
}

}  // namespace nanomix::sim
