#include <doctest/doctest.h>

#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "app/config_schema.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "core/neighbors.hpp"
#include "sim/structure.hpp"

using namespace nanomix;
using namespace nanomix::sim;

namespace {

// Independent of the code under test: graphene a = √3·1.42 Å.
double expected_diameter(int n, int m) { return std::sqrt(3.0) * 1.42 * std::sqrt(n * n + n * m + m * m) / M_PI; }

StructureParams tube_params(int n, int m, double length, bool periodic) {
  StructureParams p;
  p.kind = StructureKind::tube;
  p.tube_n = n;
  p.tube_m = m;
  p.tube_length_angstrom = length;
  p.tube_periodic = periodic;
  return p;
}

Structure build_from_ini(const std::string& ini) { return build_structure(StructureParams::table().read(parse_config(ini, "t.ini"))); }

}  // namespace

TEST_CASE("nanotube diameter is a·sqrt(n²+nm+m²)/π; published values for armchair tubes") {
  CHECK(nanotube_geometry(10, 10, 50).diameter_angstrom == doctest::Approx(13.56).epsilon(0.001));
  CHECK(nanotube_geometry(11, 11, 50).diameter_angstrom == doctest::Approx(14.92).epsilon(0.001));
  CHECK(nanotube_geometry(12, 12, 50).diameter_angstrom == doctest::Approx(16.27).epsilon(0.001));
  for (auto [n, m] : std::vector<std::pair<int, int>>{{10, 10}, {17, 0}, {12, 8}, {20, 20}, {7, 3}}) {
    const auto g = nanotube_geometry(n, m, 40);
    CHECK(g.diameter_angstrom == doctest::Approx(expected_diameter(n, m)).epsilon(1e-9));
    // Built atoms really lie on that cylinder.
    const Positions p = nanotube_positions(g);
    for (Eigen::Index i = 0; i < p.rows(); ++i) CHECK(std::hypot(p(i, 0), p(i, 1)) == doctest::Approx(g.diameter_angstrom / 2));
  }
}

TEST_CASE("atoms per unit cell equal 4(n²+nm+m²)/d_R, counted from the built tube") {
  for (auto [n, m] : std::vector<std::pair<int, int>>{{10, 10}, {17, 0}, {12, 8}, {5, 2}, {9, 1}}) {
    const int dr = std::gcd(2 * m + n, 2 * n + m);
    const int expected = 4 * (n * n + n * m + m * m) / dr;
    const auto g = nanotube_geometry(n, m, 1);  // one cell
    CHECK(g.cells == 1);
    CHECK(nanotube_positions(g).rows() == expected);
    // Hand count: (10,10) 4·300/30 = 40, (17,0) 4·289/17 = 68, (12,8) 4·304/4 = 304.
  }
  CHECK(nanotube_positions(nanotube_geometry(10, 10, 1)).rows() == 40);
  CHECK(nanotube_positions(nanotube_geometry(17, 0, 1)).rows() == 68);
  CHECK(nanotube_positions(nanotube_geometry(12, 8, 1)).rows() == 304);
}

TEST_CASE("every carbon of a periodic tube has 3 neighbours at 1.42 ± 0.01 Å") {
  for (auto [n, m] : std::vector<std::pair<int, int>>{{10, 10}, {17, 0}, {12, 8}}) {
    CAPTURE(n);
    CAPTURE(m);
    const Structure s = build_structure(tube_params(n, m, 60, true));
    const Frame& f = s.frame;
    REQUIRE(f.size() > 0);
    std::vector<int> neighbours(f.size(), 0);
    std::size_t bad = 0;
    for_each_pair_within(f, 1.8, [&](int i, int j, double d) {
      ++neighbours[static_cast<std::size_t>(i)];
      ++neighbours[static_cast<std::size_t>(j)];
      if (std::abs(d - 1.42) > 0.01) ++bad;
    });
    CHECK(bad == 0);
    std::size_t not_three = 0;
    for (int k : neighbours) not_three += (k != 3);
    CHECK(not_three == 0);
    // The tube is centred in the box across its axis.
    const Eigen::Vector3d mean = f.positions_angstrom.colwise().mean();
    CHECK(mean.x() == doctest::Approx(f.box.lengths_angstrom().x() / 2));
    CHECK(mean.y() == doctest::Approx(f.box.lengths_angstrom().y() / 2));
  }
}

TEST_CASE("rock-salt crystal: composition, nearest-neighbour distance a/2, six unlike neighbours") {
  for (auto [anion, a] : std::vector<std::pair<int, double>>{{chlorine, 5.64}, {iodine, 6.47}}) {
    const Frame f = rocksalt_crystal(anion, a, 3, 3, 4);
    CHECK(f.size() == 8u * 3 * 3 * 4);
    CHECK(f.count(sodium) == f.count(anion));
    CHECK(f.min_distance_angstrom() == doctest::Approx(a / 2));
    std::vector<int> unlike(f.size(), 0);
    for_each_pair_within(f, 0.55 * a, [&](int i, int j, double d) {
      CHECK(d == doctest::Approx(a / 2));
      CHECK(f.atomic_numbers[static_cast<std::size_t>(i)] != f.atomic_numbers[static_cast<std::size_t>(j)]);
      ++unlike[static_cast<std::size_t>(i)];
      ++unlike[static_cast<std::size_t>(j)];
    });
    for (int k : unlike) CHECK(k == 6);
  }
}

TEST_CASE("ion clusters: neutral, the asked composition, no close pair, all inside the open space") {
  for (const std::string arrangement : {"random_mixed", "rocksalt_nacl", "rocksalt_nai", "heterostructure"}) {
    for (double fraction : {0.0, 0.37, 0.5, 1.0}) {
      CAPTURE(arrangement);
      CAPTURE(fraction);
      const std::string ini = "[structure]\ntube_n = 20\ntube_m = 20\ntube_length_angstrom = 80\nion_pairs = 203\n"
                              "iodide_fraction = " + std::to_string(fraction) + "\narrangement = " + arrangement + "\n";
      const Structure s = build_from_ini(ini);
      const Frame& f = s.frame;
      const std::size_t iodide = static_cast<std::size_t>(std::llround(fraction * 203));
      CHECK(f.count(sodium) == 203);
      CHECK(f.count(chlorine) + f.count(iodine) == 203);
      CHECK(f.count(iodine) == iodide);
      CHECK(f.count(carbon) == s.carbon_count);
      int charge = 0;
      for (int z : f.atomic_numbers) charge += z == sodium ? 1 : (z == chlorine || z == iodine) ? -1 : 0;
      CHECK(charge == 0);
      // Minimum ion–ion distance, computed on the ions only.
      Frame ions;
      ions.box = f.box;
      ions.positions_angstrom = f.positions_angstrom.bottomRows(406);
      ions.atomic_numbers.assign(f.atomic_numbers.end() - 406, f.atomic_numbers.end());
      CHECK(ions.min_distance_angstrom() >= 2.2);
      // Inside the open space: radius d/2 − 3 Å around the axis and within the tube's length.
      const double r_open = expected_diameter(20, 20) / 2 - 3.0;
      const double cx = f.box.lengths_angstrom().x() / 2, cy = f.box.lengths_angstrom().y() / 2;
      const double z_lo = f.positions_angstrom.topRows(static_cast<Eigen::Index>(s.carbon_count)).col(2).minCoeff();
      const double z_hi = f.positions_angstrom.topRows(static_cast<Eigen::Index>(s.carbon_count)).col(2).maxCoeff();
      for (Eigen::Index i = 0; i < ions.positions_angstrom.rows(); ++i) {
        const auto r = ions.positions_angstrom.row(i);
        CHECK(std::hypot(r[0] - cx, r[1] - cy) <= r_open + 1e-9);
        CHECK(r[2] > z_lo);
        CHECK(r[2] < z_hi);
      }
      CHECK(ions_outside_open_space(s, f) == 0);
    }
  }
}

TEST_CASE("heterostructure: the iodide part and the chloride part lie on either side of a plane") {
  const Structure s = build_from_ini("[structure]\ntube_length_angstrom = 80\nion_pairs = 200\narrangement = heterostructure\n");
  double max_i = -1e9, min_cl = 1e9;
  for (std::size_t i = 0; i < s.frame.size(); ++i) {
    const double z = s.frame.positions_angstrom(static_cast<Eigen::Index>(i), 2);
    if (s.frame.atomic_numbers[i] == iodine) max_i = std::max(max_i, z);
    if (s.frame.atomic_numbers[i] == chlorine) min_cl = std::min(min_cl, z);
  }
  CHECK(max_i < min_cl);
}

TEST_CASE("random_mixed is reproducible for a seed and differs between seeds") {
  const auto a = build_from_ini("[structure]\nseed = 5\n").frame;
  const auto b = build_from_ini("[structure]\nseed = 5\n").frame;
  const auto c = build_from_ini("[structure]\nseed = 6\n").frame;
  CHECK(a.atomic_numbers == b.atomic_numbers);
  CHECK((a.positions_angstrom - b.positions_angstrom).cwiseAbs().maxCoeff() == 0.0);
  CHECK(a.atomic_numbers != c.atomic_numbers);
}

TEST_CASE("tube_axis = x puts the tube along x") {
  const auto s = build_from_ini("[structure]\ntube_axis = x\ntube_length_angstrom = 50\n");
  const Eigen::Vector3d lo = s.frame.positions_angstrom.colwise().minCoeff(), hi = s.frame.positions_angstrom.colwise().maxCoeff();
  CHECK(hi.x() - lo.x() > 40);
  CHECK(hi.y() - lo.y() == doctest::Approx(expected_diameter(20, 20)).epsilon(0.01));
  CHECK(ions_outside_open_space(s, s.frame) == 0);
}

TEST_CASE("too many ions for the tube: a one-line InputError") {
  CHECK_THROWS_AS(build_from_ini("[structure]\ntube_n = 8\ntube_m = 8\nion_pairs = 5000\n"), InputError);
  CHECK_THROWS_AS(build_from_ini("[structure]\ntube_n = 6\ntube_m = 0\nion_pairs = 10\n"), InputError);
}
