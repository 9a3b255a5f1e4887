// Unit tests of the topology library: hand-checkable complexes, known distances, statistics,
// degenerate input, the diagrams file.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <filesystem>
#include <random>

#include "core/error.hpp"
#include "core/frame.hpp"
#include "topology/compare.hpp"
#include "topology/distances.hpp"
#include "topology/hypothesis_tests.hpp"
#include "topology/lattice.hpp"
#include "topology/local_structures.hpp"
#include "topology/persistence.hpp"
#include "topology/statistics.hpp"
#include "topology/diagrams_file.hpp"

using namespace nanomix;
using namespace nanomix::topology;
using doctest::Approx;

namespace {
Positions rows(std::initializer_list<std::array<double, 3>> pts) {
  Positions p(static_cast<Eigen::Index>(pts.size()), 3);
  Eigen::Index i = 0;
  for (const auto& x : pts) p.row(i++) << x[0], x[1], x[2];
  return p;
}
Diagram bars(std::initializer_list<std::pair<double, double>> pts) {
  Diagram d;
  for (const auto& [b, e] : pts) {
    PersistencePair p;
    p.birth = b;
    p.death = e;
    d.push_back(p);
  }
  return d;
}
}  // namespace

TEST_CASE("2D alpha: square and equilateral triangle by hand") {
  // square of side 2: edges enter at 1 (= (2/2)²), the diagonal and triangles at 2 (= (2√2/2)²)
  const auto sq = alpha_diagrams_2d({0, 0, 2, 0, 2, 2, 0, 2}, {}, {10, 11, 12, 13});
  REQUIRE(sq.dims[0].size() == 4);
  int infinite = 0;
  for (const auto& p : sq.dims[0]) {
    infinite += !p.finite();
    if (p.finite()) CHECK(p.death == Approx(1.0));
  }
  CHECK(infinite == 1);
  REQUIRE(sq.dims[1].size() == 1);
  CHECK(sq.dims[1][0].birth == Approx(1.0));
  CHECK(sq.dims[1][0].death == Approx(2.0));
  // atoms of the ring's birth edge and death triangle are square corners (10..13)
  for (int a : sq.dims[1][0].birth_atoms) CHECK((a == -1 || (a >= 10 && a <= 13)));
  CHECK(sq.dims[1][0].death_atoms[2] >= 10);
  // equilateral triangle of side 1: cycle born at 1/4, filled at the circumradius² 1/3
  const auto tri = alpha_diagrams_2d({0, 0, 1, 0, 0.5, std::sqrt(3.0) / 2});
  REQUIRE(tri.dims[1].size() == 1);
  CHECK(tri.dims[1][0].birth == Approx(0.25));
  CHECK(tri.dims[1][0].death == Approx(1.0 / 3.0));
}

TEST_CASE("3D alpha: regular tetrahedron, degenerate input") {
  // regular tetrahedron of edge √2 (cube corners): edges at 1/2, faces at 2/3, the void dies at 3/4
  const auto t = alpha_diagrams_3d(rows({{0, 0, 0}, {1, 1, 0}, {1, 0, 1}, {0, 1, 1}}), {});
  REQUIRE(t.dims[2].size() == 1);
  CHECK(t.dims[2][0].birth == Approx(2.0 / 3.0));
  CHECK(t.dims[2][0].death == Approx(0.75));
  // the six edges (length √2) enter at 1/2 and make 3 independent cycles; the faces (circumradius²
  // 2/3) fill them
  REQUIRE(t.dims[1].size() == 3);
  for (const auto& p : t.dims[1]) {
    CHECK(p.birth == Approx(0.5));
    CHECK(p.death == Approx(2.0 / 3.0));
  }
}

TEST_CASE("degenerate point sets give documented results") {
  SUBCASE("no points") { CHECK(alpha_diagrams_3d(Positions(0, 3), {}).dims[0].empty()); }
  SUBCASE("one point: one infinite H0 class") {
    const auto d = alpha_diagrams_3d(rows({{1, 2, 3}}), {});
    REQUIRE(d.dims[0].size() == 1);
    CHECK(!d.dims[0][0].finite());
  }
  SUBCASE("two points 3 Å apart: H0 dies at (3/2)²") {
    const auto d = alpha_diagrams_3d(rows({{0, 0, 0}, {3, 0, 0}}), {});
    REQUIRE(d.dims[0].size() == 2);
    CHECK(d.dims[0][0].death == Approx(2.25));
    CHECK(!d.note.empty());
  }
  SUBCASE("coplanar square in 3D = the 2D square") {
    const auto d = alpha_diagrams_3d(rows({{0, 0, 5}, {2, 0, 5}, {2, 2, 5}, {0, 2, 5}}), {});
    REQUIRE(d.dims[1].size() == 1);
    CHECK(d.dims[1][0].birth == Approx(1.0));
    CHECK(d.dims[1][0].death == Approx(2.0));
    CHECK(d.note.find("coplanar") != std::string::npos);
  }
  SUBCASE("collinear points: H0 of the chain") {
    const auto d = alpha_diagrams_3d(rows({{0, 0, 0}, {1, 1, 1}, {3, 3, 3}, {4, 4, 4}, {2, 2, 2}}), {});
    REQUIRE(d.dims[0].size() == 5);
    for (const auto& p : d.dims[0])
      if (p.finite()) CHECK(p.death == Approx(0.75));  // gaps √3: (√3/2)²
  }
  SUBCASE("a duplicate counts once") {
    const auto a = alpha_diagrams_3d(rows({{0, 0, 0}, {1, 1, 0}, {1, 0, 1}, {0, 1, 1}}), {});
    const auto b = alpha_diagrams_3d(rows({{0, 0, 0}, {1, 1, 0}, {1, 0, 1}, {0, 1, 1}, {1, 1, 0}}), {});
    for (int d = 0; d < 3; ++d) CHECK(a.dims[d].size() == b.dims[d].size());
  }
  SUBCASE("a duplicate reports the first atom; duplicates and hidden weighted points do not crash") {
    // the duplicate of atom 1 is atom 4: only 1 is reported (GUDHI's dD complex would keep the one
    // it inserted last); hidden points leave gaps in its vertex numbers (they once crashed it)
    const auto d = alpha_diagrams_3d(rows({{0, 0, 0}, {1, 1, 0}, {1, 0, 1}, {0, 1, 1}, {1, 1, 0}}), {});
    for (const auto& dim : d.dims)
      for (const auto& p : dim)
        for (int a : p.birth_atoms) CHECK(a != 4);
    // Weighted regular tetrahedron of edge √2, unit weights: vertices enter at −1, edges at
    // (√2/2)² − 1 = −1/2, faces at 2/3 − 1, the void dies at 3/4 − 1. Atom 0 (weight 0, at the
    // centre) and atom 5 (weight 1/4 at atom 1's place) are hidden by the unit balls: the
    // centre's power cell is empty since Σ (p_i − c) = 0 and |p_i − c|² − 1 < 0.
    const auto h = alpha_diagrams_3d(rows({{0.5, 0.5, 0.5}, {0, 0, 0}, {1, 1, 0}, {1, 0, 1}, {0, 1, 1}, {0, 0, 0}}),
                                     {0, 1, 1, 1, 1, 0.25});
    REQUIRE(h.dims[0].size() == 4);
    REQUIRE(h.dims[1].size() == 3);
    REQUIRE(h.dims[2].size() == 1);
    for (const auto& p : h.dims[0]) {
      CHECK(p.birth == Approx(-1.0));
      if (p.finite()) CHECK(p.death == Approx(-0.5));
    }
    for (const auto& p : h.dims[1]) {
      CHECK(p.birth == Approx(-0.5));
      CHECK(p.death == Approx(2.0 / 3.0 - 1.0));
    }
    CHECK(h.dims[2][0].death == Approx(-0.25));
    for (const auto& dim : h.dims)
      for (const auto& p : dim)
        for (int k = 0; k < 4; ++k) {
          CHECK(p.birth_atoms[static_cast<std::size_t>(k)] != 0);
          CHECK(p.death_atoms[static_cast<std::size_t>(k)] != 0);
          CHECK(p.birth_atoms[static_cast<std::size_t>(k)] != 5);
          CHECK(p.death_atoms[static_cast<std::size_t>(k)] != 5);
        }
  }
  SUBCASE("NaN is a one-line InputError") {
    CHECK_THROWS_AS(alpha_diagrams_3d(rows({{0, 0, 0}, {NAN, 1, 0}, {1, 0, 1}, {0, 1, 1}}), {}), InputError);
    CHECK_THROWS_AS(alpha_diagrams_2d({0, 0, INFINITY, 1}), InputError);
  }
  SUBCASE("empty subset: empty diagrams and a note") {
    Frame f;
    f.positions_angstrom = rows({{0, 0, 0}, {2.8, 0, 0}});
    f.atomic_numbers = {11, 17};
    TopologyParams p;
    const auto d = frame_diagrams(f, "I", p);
    CHECK(d.dims[0].empty());
    CHECK(d.note.find("empty") != std::string::npos);
  }
}

TEST_CASE("cubical complex of a ring image") {
  // sublevel: the ring of 1s is born at 1, the centre (5) fills it at 5
  const std::vector<float> img = {1, 1, 1, 1, 5, 1, 1, 1, 1};
  const auto d = cubical_diagrams_2d(img, 3, 3, false);
  REQUIRE(d.dims[1].size() == 1);
  CHECK(d.dims[1][0].birth == Approx(1.0));
  CHECK(d.dims[1][0].death == Approx(5.0));
  CHECK(d.dims[1][0].death_atoms[0] == 1);  // centre pixel (1, 1)
  CHECK(d.dims[1][0].death_atoms[1] == 1);
  REQUIRE(d.dims[0].size() == 1);
  // superlevel: the bright centre is born first (at −5); the ring joins at −1: nothing else
  const auto s = cubical_diagrams_2d(img, 3, 3, true);
  REQUIRE(s.dims[0].size() == 1);
  CHECK(s.dims[0][0].birth == Approx(-5.0));
  CHECK(s.dims[1].empty());
  // two bright pixels separated by a dark one: one finite H0 pair (−3, −0) under superlevel
  const auto two = cubical_diagrams_2d({5, 0, 3}, 3, 1, true);
  REQUIRE(two.dims[0].size() == 2);
  CHECK(two.dims[0][1].birth == Approx(-3.0));
  CHECK(two.dims[0][1].death == Approx(0.0));
}

TEST_CASE("distances on small diagrams with known answers") {
  // A = {(0,4), (0,6)}, B = {(0,5)}: best matching (0,6)↔(0,5) (cost 1), (0,4) to the diagonal (2)
  const auto a = bars({{0, 4}, {0, 6}}), b = bars({{0, 5}});
  CHECK(bottleneck_distance(a, b) == Approx(2.0));
  CHECK(wasserstein_distance(a, b, 1.0, 1e-6) == Approx(3.0).epsilon(1e-5));
  CHECK(wasserstein_distance(a, b, 2.0, 1e-6) == Approx(std::sqrt(5.0)).epsilon(1e-5));
  // against the empty diagram: every point to the diagonal
  CHECK(wasserstein_distance(a, Diagram{}, 1.0) == Approx(5.0));
  CHECK(bottleneck_distance(a, Diagram{}) == Approx(3.0));
  CHECK(wasserstein_distance(a, a, 2.0) == Approx(0.0));
  // infinite points are ignored
  auto c = b;
  c.push_back(PersistencePair{});
  CHECK(bottleneck_distance(a, c) == Approx(2.0));
  CHECK_THROWS_AS(wasserstein_distance(a, b, 0.5), InputError);
}

namespace {
// Brute force: every partial matching of a into b (the rest to the diagonal), L∞ ground metric.
double brute_cost(const std::vector<std::pair<double, double>>& a, const std::vector<std::pair<double, double>>& b, double p,
                  std::size_t i, std::vector<char>& used) {
  auto diag = [&](const std::pair<double, double>& x) { return std::pow((x.second - x.first) / 2, p); };
  if (i == a.size()) {
    double s = 0;
    for (std::size_t j = 0; j < b.size(); ++j)
      if (!used[j]) s += diag(b[j]);
    return s;
  }
  double best = diag(a[i]) + brute_cost(a, b, p, i + 1, used);
  for (std::size_t j = 0; j < b.size(); ++j) {
    if (used[j]) continue;
    used[j] = 1;
    const double d = std::max(std::abs(a[i].first - b[j].first), std::abs(a[i].second - b[j].second));
    best = std::min(best, std::pow(d, p) + brute_cost(a, b, p, i + 1, used));
    used[j] = 0;
  }
  return best;
}
std::vector<std::pair<double, double>> random_points(std::mt19937_64& g, std::size_t n, bool one_birth) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<std::pair<double, double>> x;
  const double b0 = u(g);
  for (std::size_t k = 0; k < n; ++k) {
    const double b = one_birth ? b0 : u(g);
    x.emplace_back(b, b + u(g) * u(g));  // many short-lived points, a few long ones
  }
  return x;
}
}  // namespace

TEST_CASE("exact Wasserstein solvers agree with brute force and with Hera") {
  std::mt19937_64 g(7);
  // Brute force on tiny diagrams, both exact paths (one birth per diagram: DP; general: Hungarian).
  for (int trial = 0; trial < 200; ++trial) {
    const bool line = trial % 2 == 0;
    const auto a = random_points(g, static_cast<std::size_t>(trial % 5), line);
    const auto b = random_points(g, static_cast<std::size_t>((trial / 5) % 5), line);
    for (double p : {1.0, 2.0, 2.5}) {
      std::vector<char> used(b.size(), 0);
      const double ref = brute_cost(a, b, p, 0, used);
      CHECK(wasserstein_cost(a, b, p) == Approx(ref).epsilon(1e-12));
    }
  }
  // Larger diagrams against Hera's auction at relative error 1e-7 (its guarantee: within 1 + δ).
  for (int trial = 0; trial < 12; ++trial) {
    const bool line = trial % 2 == 0;
    const auto a = random_points(g, 60 + 20 * static_cast<std::size_t>(trial), line);
    const auto b = random_points(g, 70 + 15 * static_cast<std::size_t>(trial), line);
    for (double p : {1.0, 2.0}) {
      const double hera = wasserstein_distance(a, b, p, 1e-7, WassersteinMethod::hera);
      const double exact = wasserstein_distance(a, b, p);
      CHECK(exact <= hera * (1 + 1e-9));
      CHECK(exact == Approx(hera).epsilon(1e-6));
    }
  }
}

TEST_CASE("statistics by hand") {
  const auto d = bars({{0, 2}, {1, 3}});
  const auto betti = betti_curve(d, 0, 4, 5);  // t = 0, 1, 2, 3, 4
  CHECK(betti == std::vector<double>{1, 2, 1, 0, 0});
  const auto s = summarize(d);
  CHECK(s.count == 2);
  CHECK(s.total_persistence == Approx(4));
  CHECK(s.entropy == Approx(std::log(2.0)));
  CHECK(s.mean_birth == Approx(0.5));
  const auto h = histogram_2d(d, 0, 4, 2, 0, 4, 2);  // (0,2): birth bin 0, death bin 1; (1,3) same
  CHECK(h == std::vector<double>{0, 0, 2, 0});
  PersistenceImageParams ip;
  ip.birth_min = -10;
  ip.birth_max = 10;
  ip.persistence_max = 20;
  ip.sigma = 0.5;
  ip.weight_persistence = 4;  // weights 2/4 and 2/4
  const auto im = persistence_image(d, ip);
  double total = 0;
  for (double v : im) total += v;
  // Σ w × (Gaussian mass inside the grid): the persistence axis starts at 0, 4σ below p = 2, so
  // Φ(−4) = 3.2e-5 of each Gaussian falls outside
  CHECK(total == Approx(1.0 - 3.17e-5).epsilon(1e-6));
}

TEST_CASE("permutation and kernel tests separate two distant groups, not two equal ones") {
  // 4 + 4 diagrams: two tight clusters far apart
  std::vector<double> cost(64, 0.0);
  for (int i = 0; i < 8; ++i)
    for (int j = 0; j < 8; ++j) cost[i * 8 + j] = i == j ? 0 : ((i < 4) == (j < 4) ? 1.0 : 100.0);
  const auto r = permutation_test(cost, 4, 4, 999, 7);
  // only the observed labelling and its mirror reach the minimum: p ≈ 2/70
  CHECK(r.p_value < 0.06);
  // F = Σ_groups Σ_{i≠j} c_ij / (2 n (n − 1)) = 2 × (12 × 1) / (2 × 12) = 1
  CHECK(r.statistic == Approx(1.0));
  std::vector<std::vector<double>> v;
  for (int i = 0; i < 8; ++i) v.push_back({i < 4 ? 0.0 + 0.01 * i : 10.0 + 0.01 * i});
  CHECK(mmd_test(v, 4, 999, 7).p_value < 0.06);
  std::vector<double> flat(64, 1.0);
  CHECK(permutation_test(flat, 4, 4, 99, 7).p_value == Approx(1.0));
}

TEST_CASE("local structures: the atoms of a ring") {
  const auto sq = alpha_diagrams_2d({0, 0, 2, 0, 2, 2, 0, 2, 20, 20}, {}, {5, 6, 7, 8, 9});
  Region r;
  r.dimension = 1;
  r.min_persistence = 0.5;
  // the birth edge and the death triangle of the square's ring: 3 or 4 of its corners, never 9
  const auto atoms = atoms_in_region(sq, r);
  CHECK(atoms.size() >= 3);
  for (int a : atoms) CHECK((a >= 5 && a <= 8));
  r.min_persistence = 5;
  CHECK(atoms_in_region(sq, r).empty());
}

TEST_CASE("lattice constant of perfect rock-salt blocks") {
  for (double a : {5.64, 6.47}) {
    Frame f;
    const int L = 6;
    f.positions_angstrom.resize(L * L * L, 3);
    int n = 0;
    for (int i = 0; i < L; ++i)
      for (int j = 0; j < L; ++j)
        for (int k = 0; k < L; ++k, ++n) {
          f.positions_angstrom.row(n) << i * a / 2, j * a / 2, k * a / 2;
          f.atomic_numbers.push_back((i + j + k) % 2 ? (a < 6 ? 17 : 53) : 11);
        }
    f.box = Box::orthorhombic(40, 40, 40, {false, false, false});
    const auto est = lattice_from_atoms(f);
    const auto& e = a < 6 ? est[0] : est[1];
    CHECK(e.a_angstrom == Approx(a));
    CHECK(e.closest == (a < 6 ? "NaCl" : "NaI"));
    CHECK(e.crystalline_cations > 0);
  }
  const auto c = lattice_from_columns({0, 0, 2.82, 0, 0, 2.82, 2.82, 2.82});
  CHECK(c.a_angstrom == Approx(5.64));
  CHECK(c.a_standard_error_angstrom == Approx(0.0));  // four equal distances
  CHECK(c.distances == 4);
}

TEST_CASE("lattice uncertainty: one Na with six Cl at known distances") {
  // Na at the origin, Cl on ±x, ±y, ±z at 2.70 … 2.95 Å (within the 1.25 × (1.02 + 1.81) Å cut-off,
  // and the Cl more than that apart). By hand: median 2.825, mean 2.825, squared deviations
  // 2 × (0.025² + 0.075² + 0.125²) = 0.04375, s = √(0.04375 / 5); a = 2 × 2.825 = 5.65 and its
  // standard error 2 × √(π/2) × s / √6.
  Frame f;
  const double d[6] = {2.70, 2.75, 2.80, 2.85, 2.90, 2.95};
  f.positions_angstrom.resize(7, 3);
  f.positions_angstrom.row(0) << 0, 0, 0;
  f.atomic_numbers.push_back(11);
  for (int k = 0; k < 6; ++k) {
    Eigen::Vector3d r = Eigen::Vector3d::Zero();
    r[k / 2] = k % 2 ? -d[k] : d[k];
    f.positions_angstrom.row(k + 1) = r.transpose();
    f.atomic_numbers.push_back(17);
  }
  f.box = Box::orthorhombic(40, 40, 40, {false, false, false});
  const auto cl = lattice_from_atoms(f)[0];
  CHECK(cl.a_angstrom == Approx(5.65));
  CHECK(cl.crystalline_cations == 1);
  CHECK(cl.distances == 6);
  CHECK(cl.a_standard_error_angstrom == Approx(2 * std::sqrt(3.14159265358979 / 2) * std::sqrt(0.04375 / 5) / std::sqrt(6.0)));
  const auto i = lattice_from_atoms(f)[1];
  CHECK(std::isnan(i.a_standard_error_angstrom));  // no iodide: no estimate, no uncertainty
  CHECK(i.distances == 0);
}

TEST_CASE("diagrams file: written and read back") {
  TopologyResult res;
  res.source = Source::columns;
  res.unit = "angstrom2";
  res.filtration = "alpha 2D";
  res.frame_index = {0, 1};
  res.frame_time = {0, 0.04};
  res.lattice = {{5.6, 4}, {5.7, 4}};
  Group g;
  g.name = "columns";
  g.frames.push_back(alpha_diagrams_2d({0, 0, 2, 0, 2, 2, 0, 2}));
  g.frames.push_back(alpha_diagrams_2d({0, 0, 3, 0, 3, 3, 0, 3}));
  res.groups.push_back(g);
  TopologyParams p;
  const auto path = (std::filesystem::temp_directory_path() / "nanomix_test_diagrams.h5").string();
  write_diagrams_file(path, res, p, "[topology]\n");
  const auto back = read_diagrams_file(path, "");
  CHECK(back.group == "columns");
  REQUIRE(back.frames.size() == 2);
  REQUIRE(back.frames[1].dims[1].size() == 1);
  CHECK(back.frames[1].dims[1][0].death == Approx(4.5));
  CHECK(back.frames[0].dims[1][0].birth_atoms == g.frames[0].dims[1][0].birth_atoms);
  CHECK_THROWS_AS(read_diagrams_file(path, "nope"), InputError);
  std::filesystem::remove(path);
}

TEST_CASE("compute_topology takes data: columns and images in memory, no file") {
  // Columns: squares of side 2 and 3 Å (analytic H1 of a square in the alpha filtration: birth
  // side²/4 when the edges enter, death side²/2 when the diagonal triangles fill it), the left
  // column pair classed heavy.
  TopologyInput in;
  in.source = Source::columns;
  in.path = "memory";
  for (double side : {2.0, 3.0}) {
    ColumnFrame f;
    const double xy[4][2] = {{0, 0}, {side, 0}, {side, side}, {0, side}};
    for (int r = 0; r < 4; ++r) {
      for (ColumnCloud* c : {&f.all, xy[r][0] == 0 ? &f.heavy : &f.light}) {
        c->xy_angstrom.insert(c->xy_angstrom.end(), {xy[r][0], xy[r][1]});
        c->rows.push_back(r);
      }
    }
    in.columns.push_back(f);
  }
  TopologyParams p;
  p.threads = 2;
  in.frames = select_frames(in.columns.size(), p);
  in.frame_time = {0.0, 0.04};
  const auto res = compute_topology(in, p);
  REQUIRE(res.groups.size() == 3);  // columns, heavy, light
  CHECK(res.groups[0].name == "columns");
  CHECK(res.frame_index == std::vector<double>{0, 1});
  for (std::size_t k = 0; k < 2; ++k) {
    const double side = k == 0 ? 2.0 : 3.0;
    REQUIRE(res.groups[0].frames[k].dims[1].size() == 1);
    CHECK(res.groups[0].frames[k].dims[1][0].birth == Approx(side * side / 4));
    CHECK(res.groups[0].frames[k].dims[1][0].death == Approx(side * side / 2));
    CHECK(res.groups[1].frames[k].dims[1].empty());  // two heavy columns: no ring
  }

  // Images: a ring of 1s around a 5 in a field of 9s, sublevel: one H1 class born at 1, dying at 5.
  TopologyInput im;
  im.source = Source::movie;
  im.path = "memory";
  im.images.nx = im.images.ny = 5;
  std::vector<float> img(25, 9.0f);
  for (int y = 1; y <= 3; ++y)
    for (int x = 1; x <= 3; ++x) img[static_cast<std::size_t>(y * 5 + x)] = (x == 2 && y == 2) ? 5.0f : 1.0f;
  im.images.frames = {img, img, img};
  TopologyParams q;
  q.superlevel = false;
  q.image_region = "whole";
  q.frame_stride = 2;
  im.frames = select_frames(im.images.frames.size(), q);
  CHECK(im.frames == std::vector<std::size_t>{0, 2});
  im.frame_time = {0.0, 2.0};
  const auto r2 = compute_topology(im, q);
  REQUIRE(r2.groups.size() == 1);
  CHECK(r2.groups[0].name == "image");
  for (const auto& f : r2.groups[0].frames) {
    REQUIRE(f.dims[1].size() == 1);
    CHECK(f.dims[1][0].birth == 1.0);
    CHECK(f.dims[1][0].death == 5.0);
  }
}

TEST_CASE("persistent features followed across frames by their simplex atoms") {
  // H1 points (birth, death, birth edge, death triangle) built by hand over three frames:
  //   frame 0: A (1, 6) {1 2 | 1 2 3}, C (1, 2) {7 8 | 7 8 9}
  //   frame 1: A' (1, 5) {1 2 | 2 3 4}  — shares 1 2 3 with A: A continues
  //   frame 2: B (1, 5.5) {20 21 | 20 21 22}, A'' (1, 3) {5 6 | 5 6 4} — shares only 4 with A': A ends
  // The two most persistent: A (frames 0–1, peak in frame 0), then B (frame 2 only). Then A''
  // (persistence 2, alone: A' is taken by A's track), then C (persistence 1).
  auto pt = [](double b, double d, std::array<int, 4> ba, std::array<int, 4> da) {
    PersistencePair p;
    p.birth = b, p.death = d, p.birth_atoms = ba, p.death_atoms = da;
    return p;
  };
  std::vector<FrameDiagrams> frames(3);
  frames[0].dims[1] = {pt(1, 2, {7, 8, -1, -1}, {7, 8, 9, -1}), pt(1, 6, {1, 2, -1, -1}, {1, 2, 3, -1})};
  frames[1].dims[1] = {pt(1, 5, {1, 2, -1, -1}, {2, 3, 4, -1})};
  frames[2].dims[1] = {pt(1, 3, {5, 6, -1, -1}, {4, 5, 6, -1}), pt(1, 5.5, {20, 21, -1, -1}, {20, 21, 22, -1})};
  CHECK(simplex_atoms(frames[1].dims[1][0]) == std::vector<int>{1, 2, 3, 4});
  const auto two = persistent_features(frames, 1, 2);
  REQUIRE(two.size() == 2);
  CHECK(two[0].first_frame == 0);
  CHECK(two[0].points == std::vector<std::size_t>{1, 0});
  CHECK(two[0].peak == 0);
  CHECK(two[0].frames() == 2);
  CHECK(two[1].first_frame == 2);
  CHECK(two[1].points == std::vector<std::size_t>{1});
  // A' (persistence 4) is below a floor of 4.5: A no longer continues into it.
  const auto floored = persistent_features(frames, 1, 1, 3, 4.5);
  REQUIRE(floored.size() == 1);
  CHECK(floored[0].frames() == 1);
  const auto four = persistent_features(frames, 1, 10);
  REQUIRE(four.size() == 4);
  CHECK(four[2].first_frame == 2);
  CHECK(four[2].points == std::vector<std::size_t>{0});
  CHECK(four[3].first_frame == 0);
  CHECK(four[3].points == std::vector<std::size_t>{0});
  // With A shortened to persistence 3, B (4.5) comes first and then A' (4): its track reaches back
  // to A, and its peak is its second frame.
  frames[0].dims[1][1].death = 4;
  const auto back = persistent_features(frames, 1, 2);
  REQUIRE(back.size() == 2);
  CHECK(back[0].first_frame == 2);
  CHECK(back[1].first_frame == 0);
  CHECK(back[1].peak == 1);
  CHECK(back[1].points == std::vector<std::size_t>{1, 0});
}

namespace {
/// Finite H1 points of `d`, sorted.
std::vector<std::pair<double, double>> finite_h1(const FrameDiagrams& d) {
  auto pts = finite_points(d.dims[1]);
  std::sort(pts.begin(), pts.end());
  return pts;
}
/// Every atom of the edge set has even degree (a Z/2 cycle).
bool even_degrees(const Cycle& c) {
  std::map<int, int> degree;
  for (const auto& e : c.edges) degree[e[0]]++, degree[e[1]]++;
  return std::all_of(degree.begin(), degree.end(), [](const auto& kv) { return kv.second % 2 == 0; });
}
}  // namespace

TEST_CASE("representative cycles: nanomix's reduction pairs as GUDHI does; the cycles are cycles") {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(0.0, 12.0), r(0.8, 2.2);
  auto random_points = [&](int n) {
    Positions p(n, 3);
    for (int i = 0; i < n; ++i) p.row(i) << u(rng), u(rng), u(rng);
    return p;
  };
  // a rock-salt block (many equal filtration values: the tie order matters), slightly shaken
  Positions salt(64, 3);
  std::normal_distribution<double> shake(0.0, 0.02);
  for (int i = 0; i < 64; ++i) salt.row(i) << 2.82 * (i % 4) + shake(rng), 2.82 * (i / 4 % 4) + shake(rng), 2.82 * (i / 16) + shake(rng);
  Positions perfect(64, 3);
  for (int i = 0; i < 64; ++i) perfect.row(i) << 2.82 * (i % 4), 2.82 * (i / 4 % 4), 2.82 * (i / 16);
  for (const Positions& pts : {random_points(120), random_points(300), salt, perfect}) {
    std::vector<double> w(static_cast<std::size_t>(pts.rows()));
    for (auto& x : w) x = r(rng) * r(rng);
    for (const auto& weights : {std::vector<double>{}, w}) {
      const auto d = alpha_diagrams_3d(pts, weights, {}, 1000000);
      const auto gudhi = finite_h1(d);
      CHECK(alpha_h1_pairs_by_reduction(pts, weights) == gudhi);  // same (birth, death) multiset, exactly
      CHECK(d.cycles.size() == gudhi.size());                     // one cycle per finite point
      CHECK(d.cycles_note.empty());
      for (const auto& c : d.cycles) {
        REQUIRE(c.point < d.dims[1].size());
        const auto& p = d.dims[1][c.point];
        CHECK(even_degrees(c));
        std::array<int, 2> birth{std::min(p.birth_atoms[0], p.birth_atoms[1]), std::max(p.birth_atoms[0], p.birth_atoms[1])};
        CHECK(std::find(c.edges.begin(), c.edges.end(), birth) != c.edges.end());
      }
    }
  }
  // the default few: the cycles of the 5 most persistent points only
  const auto pts = random_points(200);
  const auto d = alpha_diagrams_3d(pts, {}, {}, 5);
  REQUIRE(d.cycles.size() == 5);
  std::vector<double> pers;
  for (const auto& p : d.dims[1])
    if (p.finite()) pers.push_back(p.persistence());
  std::sort(pers.rbegin(), pers.rend());
  for (const auto& c : d.cycles) CHECK(d.dims[1][c.point].persistence() >= pers[4]);
}

TEST_CASE("run-level test: the observed energy distance ranked among the null pairs'") {
  using nanomix::topology::run_level_p_value;
  const std::vector<double> null{0.5, 1.0, 2.0, 3.0};
  CHECK(run_level_p_value(null, 10.0) == doctest::Approx(1.0 / 5));  // beyond every null pair: 1/(n + 1)
  CHECK(run_level_p_value(null, 2.0) == doctest::Approx(3.0 / 5));   // ties count as extreme: 2.0 and 3.0
  CHECK(run_level_p_value(null, 0.0) == doctest::Approx(1.0));
  CHECK(std::isnan(run_level_p_value({}, 1.0)));
  CHECK(std::isnan(run_level_p_value(null, std::nan(""))));
}
