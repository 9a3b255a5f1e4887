// Closed-form persistence of perfect rock-salt blocks (label `validation`).
//
// An L×L×L block of rock salt is a simple cubic grid of spacing s = a/2 (a = lattice constant)
// whose sites alternate between cation (Na, weight w_c = r_c²) and anion (Cl or I, w_x = r_x²).
// Counting the cubical grid: V = L³ sites, E = 3L²(L−1) edges, F = 3L(L−1)² squares,
// C = (L−1)³ cubes, and V − E + F − C = 1.
//
// Unweighted (all ions, GUDHI alpha values = squared radii):
//   edges of length s enter at (s/2)² = s²/4, the face squares fill at s²/2 (the triangles of a
//   face have circumradius s/√2), every simplex inside a cube at 3s²/4 (its circumsphere). So
//   H0: (0, s²/4) × (V − 1) and one infinite class; H1: (s²/4, s²/2) × (E − V + 1 = F − C);
//   H2: (s²/2, 3s²/4) × C.
//
// Weighted (balls of radius sqrt(r² + α)): the regular triangulation splits each square along
// its anion–anion diagonal (the anions' lifted points lie lower) and each cube into a central
// anion tetrahedron and four corner tetrahedra (one cation, three anions). Orthogonal-sphere
// values (power distance from the orthocentre):
//   cation–anion edge:        α_e  = t² − w_c,            t = (s² + w_c − w_x)/(2s)
//   anion–anion diagonal:     α_d  = s²/2 − w_x
//   anion–cation–anion face:  α_f  = u² + (s − u)² − w_x, u = (s² + w_x − w_c)/(2s)
//   anion triangle (inside):  α_3  = 2s²/3 − w_x; its own value only if the cation of the corner
//                             tetrahedron lies outside its orthosphere, i.e. w_x − w_c > s²/3
//                             (true for NaI, false for NaCl: there it enters with the corner tet)
//   corner tetrahedron:       α_k  = 3λ² − w_c,           λ = (s² + w_c − w_x)/(2s)
//   central tetrahedron:      α_o  = 3s²/4 − w_x
// Persistence (elder rule; zero-length pairs dropped):
//   H0: (−w_c, α_e) × n_cations, (−w_x, α_e) × (n_anions − 1), (−w_x, ∞) × 1
//   H1: (α_e, α_f) × (F − C) (the grid's cycles), (α_d, α_f) × F (one per diagonal)
//   H2: (α_f, α_o) × C (each cube's cavity), and when w_x − w_c > s²/3: (α_3, α_k) × 4C (the
//       chambers cut off by the anion triangles, filled by the corner tetrahedra)
// Shannon radii (six-fold): Na⁺ 1.02 Å, Cl⁻ 1.81 Å, I⁻ 2.20 Å. Bulk a: NaCl 5.64 Å, NaI 6.47 Å.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "topology/persistence.hpp"

using namespace nanomix;
using namespace nanomix::topology;

namespace {

struct Expected {
  double birth, death;
  std::size_t count;
};

struct Block {
  Positions points;
  std::vector<double> weights;
  std::size_t cations = 0, anions = 0;
};

Block rocksalt_block(int L, double a, double r_cation, double r_anion) {
  Block b;
  const double s = a / 2.0;
  b.points.resize(L * L * L, 3);
  int n = 0;
  for (int i = 0; i < L; ++i)
    for (int j = 0; j < L; ++j)
      for (int k = 0; k < L; ++k, ++n) {
        b.points.row(n) << i * s, j * s, k * s;
        const bool cation = (i + j + k) % 2 == 0;
        b.weights.push_back(cation ? r_cation * r_cation : r_anion * r_anion);
        (cation ? b.cations : b.anions)++;
      }
  return b;
}

/// Every pair of `d` matches one expected value within `tol`, with the expected multiplicities.
void check_diagram(const Diagram& d, const std::vector<Expected>& expected, double tol, const std::string& what) {
  std::vector<std::size_t> found(expected.size(), 0);
  std::size_t unmatched = 0;
  for (const auto& p : d) {
    bool ok = false;
    for (std::size_t e = 0; e < expected.size(); ++e) {
      const bool same_death = std::isinf(expected[e].death) ? std::isinf(p.death) : std::abs(p.death - expected[e].death) < tol;
      if (std::abs(p.birth - expected[e].birth) < tol && same_death) {
        ++found[e];
        ok = true;
        break;
      }
    }
    if (!ok) {
      ++unmatched;
      if (unmatched < 4) MESSAGE(what << ": unexpected pair (" << p.birth << ", " << p.death << ")");
    }
  }
  CHECK_MESSAGE(unmatched == 0, what);
  for (std::size_t e = 0; e < expected.size(); ++e) {
    INFO(what << ": (" << expected[e].birth << ", " << expected[e].death << ")");
    CHECK(found[e] == expected[e].count);
  }
}

constexpr double tol = 1e-9;  // exact predicates and constructions (CGAL Epick + exact alpha values): round-off only

void unweighted_case(int L, double a, const char* name) {
  const auto b = rocksalt_block(L, a, 0, 0);
  const double s = a / 2, s2 = s * s;
  const std::size_t V = L * L * L, F = 3 * L * (L - 1) * (L - 1), C = (L - 1) * (L - 1) * (L - 1);
  const auto dg = alpha_diagrams_3d(b.points, {});
  const std::string what = std::string(name) + " unweighted L=" + std::to_string(L);
  check_diagram(dg.dims[0], {{0, s2 / 4, V - 1}, {0, INFINITY, 1}}, tol, what + " H0");
  check_diagram(dg.dims[1], {{s2 / 4, s2 / 2, F - C}}, tol, what + " H1");
  check_diagram(dg.dims[2], {{s2 / 2, 3 * s2 / 4, C}}, tol, what + " H2");
  std::printf("| %s | unweighted | %d | H1 (%.4f, %.4f) x %zu, H2 (%.4f, %.4f) x %zu | measured H1 %zu, H2 %zu pairs |\n", name, L,
              s2 / 4, s2 / 2, F - C, s2 / 2, 3 * s2 / 4, C, dg.dims[1].size(), dg.dims[2].size());
}

void weighted_case(int L, double a, double rc, double rx, const char* name) {
  const auto b = rocksalt_block(L, a, rc, rx);
  const double s = a / 2, s2 = s * s, wc = rc * rc, wx = rx * rx;
  const std::size_t F = 3 * L * (L - 1) * (L - 1), C = (L - 1) * (L - 1) * (L - 1);
  const double t = (s2 + wc - wx) / (2 * s), alpha_e = t * t - wc;
  const double alpha_d = s2 / 2 - wx;
  const double u = (s2 + wx - wc) / (2 * s), alpha_f = u * u + (s - u) * (s - u) - wx;
  const double alpha_3 = 2 * s2 / 3 - wx;
  const double lambda = (s2 + wc - wx) / (2 * s), alpha_k = 3 * lambda * lambda - wc;
  const double alpha_o = 3 * s2 / 4 - wx;
  const bool chambers = wx - wc > s2 / 3;
  REQUIRE(alpha_e < alpha_d);
  REQUIRE(alpha_d < alpha_f);
  const auto dg = alpha_diagrams_3d(b.points, b.weights);
  const std::string what = std::string(name) + " weighted L=" + std::to_string(L);
  check_diagram(dg.dims[0], {{-wc, alpha_e, b.cations}, {-wx, alpha_e, b.anions - 1}, {-wx, INFINITY, 1}}, tol, what + " H0");
  check_diagram(dg.dims[1], {{alpha_e, alpha_f, F - C}, {alpha_d, alpha_f, F}}, tol, what + " H1");
  std::vector<Expected> h2 = {{alpha_f, alpha_o, C}};
  if (chambers) h2.push_back({alpha_3, alpha_k, 4 * C});
  check_diagram(dg.dims[2], h2, tol, what + " H2");
  std::printf("| %s | weighted | %d | H1 (%.4f, %.4f) x %zu + (%.4f, %.4f) x %zu; H2 (%.4f, %.4f) x %zu", name, L, alpha_e,
              alpha_f, F - C, alpha_d, alpha_f, F, alpha_f, alpha_o, C);
  if (chambers) std::printf(" + (%.4f, %.4f) x %zu", alpha_3, alpha_k, 4 * C);
  std::printf(" | measured H1 %zu, H2 %zu pairs |\n", dg.dims[1].size(), dg.dims[2].size());
}

}  // namespace

TEST_CASE("rock salt, unweighted: closed-form H0/H1/H2 of L×L×L blocks") {
  for (int L : {2, 4, 5}) {
    unweighted_case(L, 5.64, "NaCl");
    unweighted_case(L, 6.47, "NaI");
  }
}

TEST_CASE("rock salt, weighted by Shannon radii: closed-form H0/H1/H2 of L×L×L blocks") {
  for (int L : {2, 4, 5}) {
    weighted_case(L, 5.64, 1.02, 1.81, "NaCl");
    weighted_case(L, 6.47, 1.02, 2.20, "NaI");
  }
}

TEST_CASE("a wrong expectation fails (the check can fail)") {
  const auto b = rocksalt_block(3, 5.64, 0, 0);
  const auto dg = alpha_diagrams_3d(b.points, {});
  // H2 deaths are 3s²/4, not s²: nothing matches.
  const double s2 = 2.82 * 2.82;
  std::size_t matches = 0;
  for (const auto& p : dg.dims[2]) matches += std::abs(p.death - s2) < tol;
  CHECK(matches == 0);
  CHECK(dg.dims[2].size() == 8);
}
