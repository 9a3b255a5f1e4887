// The seed's sequence analysis (sim/sequence.hpp) on structures whose answers are known by
// construction: lattice constants entered here as the bulk values (NaCl 5.64, NaI 6.47 Å), not
// taken from the code; iodide placed outside / at one end by hand.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "app/config_schema.hpp"
#include "core/config.hpp"
#include "core/random.hpp"
#include "sim/sequence.hpp"
#include "sim/structure.hpp"

using namespace nanomix;
using namespace nanomix::sim;

namespace {

Structure build_from_ini(const std::string& ini) { return build_structure(StructureParams::table().read(parse_config(ini, "t.ini"))); }

const char* base = "[structure]\ntube_n = 20\ntube_m = 20\ntube_length_angstrom = 90\nion_pairs = 300\niodide_fraction = 0.5\n";

double radial(const Frame& f, std::size_t i, const Eigen::Vector3d& axis_point) {
  return std::hypot(f.positions_angstrom(static_cast<Eigen::Index>(i), 0) - axis_point.x(),
                    f.positions_angstrom(static_cast<Eigen::Index>(i), 1) - axis_point.y());
}

}  // namespace

TEST_CASE("tube_axis_of finds the built tube's axis") {
  const Structure s = build_from_ini(std::string(base) + "arrangement = heterostructure\n");
  const TubeAxis a = tube_axis_of(s.frame);
  CHECK(a.axis == 2);
  CHECK(a.point_angstrom.x() == doctest::Approx(s.axis_point_angstrom.x()).epsilon(1e-6));
  CHECK(a.point_angstrom.y() == doctest::Approx(s.axis_point_angstrom.y()).epsilon(1e-6));
  const Structure sx = build_from_ini(std::string(base) + "arrangement = heterostructure\ntube_axis = x\n");
  CHECK(tube_axis_of(sx.frame).axis == 0);
}

TEST_CASE("a built NaI|NaCl heterostructure is detected, with both lattices within 2 % of bulk") {
  for (const char* axis : {"z", "x"}) {
    CAPTURE(axis);
    const Structure s = build_from_ini(std::string(base) + "arrangement = heterostructure\ntube_axis = " + axis + "\n");
    const FrameSequence q = analyse_frame(s.frame, tube_axis_of(s.frame));
    CHECK(q.sodium == 300);
    CHECK(q.chloride == 150);
    CHECK(q.iodide == 150);
    CHECK(q.axial_split == doctest::Approx(1.0));  // all iodide on one side of the median
    CHECK(q.axial_split_z > 10);
    REQUIRE(q.domains.size() >= 2);
    const Domain* nai = nullptr;
    const Domain* nacl = nullptr;
    for (const Domain& d : q.domains) {
      if (d.kind == DomainKind::nai && !nai) nai = &d;
      if (d.kind == DomainKind::nacl && !nacl) nacl = &d;
    }
    REQUIRE(nai);
    REQUIRE(nacl);
    CHECK(std::abs(nai->lattice_constant_angstrom / 6.47 - 1) < 0.02);
    CHECK(std::abs(nacl->lattice_constant_angstrom / 5.64 - 1) < 0.02);
    CHECK(nai->iodide > 100);   // most of the 150 I⁻ in one domain
    CHECK(nacl->chloride > 100);
    CHECK(nai->chloride == 0);
    CHECK(nacl->iodide == 0);
    CHECK(is_heterostructure(q));
    const auto stages = detect_stages({q});
    CHECK(stages[4].found);
    CHECK(stages[3].found);  // the NaCl part is crystalline
    CHECK(stages[2].found);
    CHECK_FALSE(stages[0].found);  // a crystal is no amorphous start
  }
}

TEST_CASE("a random mixed cluster is no heterostructure and shows no radial or axial order") {
  for (int seed : {1, 2, 3}) {
    CAPTURE(seed);
    const Structure s = build_from_ini(std::string(base) + "arrangement = random_mixed\nseed = " + std::to_string(seed) + "\n");
    const FrameSequence q = analyse_frame(s.frame, tube_axis_of(s.frame));
    CHECK_FALSE(is_heterostructure(q));
    CHECK(std::abs(q.periphery_z) < 3.5);
    CHECK(std::abs(q.axial_split_z) < 3.5);
    CHECK(q.axial_split < 0.3);
    for (const Domain& d : q.domains) {
      // Crystalline domains of a solid solution: mixed, at a lattice between the two salts (Vegard
      // at x = 0.5: 6.055 Å), neither within 2 % of NaCl nor of NaI.
      if (d.sodium < 30) continue;
      CHECK(d.kind == DomainKind::mixed);
      CHECK(d.lattice_constant_angstrom > 5.64 * 1.02);
      CHECK(d.lattice_constant_angstrom < 6.47 * 0.98);
    }
    const auto stages = detect_stages({q});
    CHECK_FALSE(stages[2].found);
    CHECK_FALSE(stages[3].found);
    CHECK_FALSE(stages[4].found);
  }
}

TEST_CASE("iodide on the outside: outer third all I, inner third all Cl, periphery detected, no heterostructure") {
  Structure s = build_from_ini(std::string(base) + "arrangement = random_mixed\n");
  Frame& f = s.frame;
  // Relabel by hand: the 150 anions farthest from the axis become I, the others Cl.
  std::vector<std::pair<double, std::size_t>> anions;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f.atomic_numbers[i] == chlorine || f.atomic_numbers[i] == iodine) anions.push_back({radial(f, i, s.axis_point_angstrom), i});
  }
  std::sort(anions.begin(), anions.end());
  for (std::size_t k = 0; k < anions.size(); ++k) f.atomic_numbers[anions[k].second] = k < anions.size() / 2 ? chlorine : iodine;
  const FrameSequence q = analyse_frame(f, tube_axis_of(f));
  CHECK(q.outer_iodide_fraction == doctest::Approx(1.0));
  CHECK(q.inner_iodide_fraction == doctest::Approx(0.0));
  CHECK(q.periphery_enrichment == doctest::Approx(1.0));
  CHECK(q.periphery_z > 10);
  CHECK(q.axial_split < 0.3);
  CHECK_FALSE(is_heterostructure(q));
  // The radial profile rises from Cl at the axis to I at the rim.
  REQUIRE(q.radial_iodide_fraction.size() >= 3);
  CHECK(q.radial_iodide_fraction.front() == doctest::Approx(0.0));
  CHECK(q.radial_iodide_fraction.back() == doctest::Approx(1.0));
  const auto stages = detect_stages({q});
  CHECK(stages[1].found);
  CHECK_FALSE(stages[4].found);
}

TEST_CASE("the label-shuffle z-score of random labels is of order one") {
  // Over many random labellings of the same positions, the z-scores have mean ≈ 0 and sd ≈ 1
  // (a property of a permutation z-score, not of the code's numbers).
  Structure s = build_from_ini(std::string(base) + "arrangement = random_mixed\n");
  std::vector<int> labels;
  for (int z : s.frame.atomic_numbers) if (z == chlorine || z == iodine) labels.push_back(z);
  Rng rng(99);
  double sum = 0, sum2 = 0;
  const int n = 40;
  SequenceParams p;
  p.shuffles = 100;
  for (int t = 0; t < n; ++t) {
    shuffle(labels, rng);
    std::size_t k = 0;
    for (int& z : s.frame.atomic_numbers) if (z == chlorine || z == iodine) z = labels[k++];
    const double z = analyse_frame(s.frame, tube_axis_of(s.frame), p).periphery_z;
    sum += z;
    sum2 += z * z;
  }
  const double mean = sum / n, sd = std::sqrt(sum2 / n - mean * mean);
  CHECK(std::abs(mean) < 0.5);
  CHECK(sd > 0.6);
  CHECK(sd < 1.4);
}

TEST_CASE("per-species crystallinity of a perfect NaI crystal cluster; a gas has no domains") {
  const Structure s = build_from_ini("[structure]\ntube_length_angstrom = 90\nion_pairs = 300\niodide_fraction = 1\narrangement = rocksalt_nai\n");
  const FrameSequence q = analyse_frame(s.frame, tube_axis_of(s.frame));
  CHECK(q.crystalline_iodide > 0.9);
  CHECK(q.crystalline_sodium > 0.9);
  REQUIRE(q.domains.size() == 1);
  CHECK(q.domains[0].kind == DomainKind::nai);
  CHECK(q.domains[0].lattice_constant_angstrom == doctest::Approx(6.47).epsilon(1e-9));
  CHECK(q.domains[0].composition == doctest::Approx(1.0));

  // Ions at random positions in the same cylinder (no rock-salt order): an amorphous mixed start.
  Frame gas = s.frame;
  Rng rng(7);
  std::size_t k = 0;
  for (std::size_t i = 0; i < gas.size(); ++i) {
    if (gas.atomic_numbers[i] == carbon) continue;
    const auto row = static_cast<Eigen::Index>(i);
    double x = 0, y = 0;
    do {
      x = rng.uniform(-1, 1);
      y = rng.uniform(-1, 1);
    } while (x * x + y * y > 1);
    gas.positions_angstrom(row, 0) = s.axis_point_angstrom.x() + 9 * x;
    gas.positions_angstrom(row, 1) = s.axis_point_angstrom.y() + 9 * y;
    gas.positions_angstrom(row, 2) = rng.uniform(10, 90);
    if (gas.atomic_numbers[i] != sodium) gas.atomic_numbers[i] = (k++ % 2) ? chlorine : iodine;
  }
  const FrameSequence g = analyse_frame(gas, tube_axis_of(gas));
  CHECK(g.crystallinity < 0.1);
  CHECK(g.domains.empty());
  CHECK(detect_stages({g})[0].found);
}

TEST_CASE("stages: first times, the experiment's order, and a reversed order") {
  auto frame = [](double t, double cryst, double enrich, double z, bool nai, bool nacl, double nai_axial, double nacl_axial) {
    FrameSequence f;
    f.time_ps = t;
    f.chloride = 100;
    f.iodide = 100;
    f.crystallinity = cryst;
    f.periphery_enrichment = enrich;
    f.periphery_z = z;
    if (nai) {
      Domain d;
      d.kind = DomainKind::nai;
      d.sodium = 40;
      d.iodide = 40;
      d.lattice_constant_angstrom = 6.47 * 1.015;
      d.axial_centre_angstrom = nai_axial;
      d.axial_min_angstrom = nai_axial - 10;
      d.axial_max_angstrom = nai_axial + 10;
      f.domains.push_back(d);
    }
    if (nacl) {
      Domain d;
      d.kind = DomainKind::nacl;
      d.sodium = 60;
      d.chloride = 60;
      d.lattice_constant_angstrom = 5.64 * 0.99;
      d.axial_centre_angstrom = nacl_axial;
      d.axial_min_angstrom = nacl_axial - 10;
      d.axial_max_angstrom = nacl_axial + 10;
      f.domains.push_back(d);
    }
    return f;
  };
  const std::vector<FrameSequence> good = {frame(0, 0.05, 0.0, 0.5, false, false, 0, 0),
                                           frame(10, 0.1, 0.4, 6, false, false, 0, 0),
                                           frame(20, 0.3, 0.3, 5, true, false, 20, 0),
                                           frame(30, 0.6, 0.2, 4, true, true, 20, 40),
                                           frame(40, 0.7, 0.1, 1, true, true, 20, 42)};
  const auto s = detect_stages(good);
  CHECK(s[0].time_ps == 0);
  CHECK(s[1].time_ps == 10);
  CHECK(s[2].time_ps == 20);
  CHECK(s[3].time_ps == 30);
  CHECK(s[4].time_ps == 30);
  CHECK(in_experiment_order(s));
  // Core–shell: the NaI domain around the NaCl one (same axial centre) is no heterostructure;
  // NaCl first is the reverse of the experiment.
  const std::vector<FrameSequence> reversed = {frame(0, 0.05, 0.0, 0.5, false, false, 0, 0),
                                               frame(10, 0.5, 0.5, 8, false, true, 0, 30),
                                               frame(20, 0.6, 0.5, 8, true, true, 30, 30)};
  const auto r = detect_stages(reversed);
  CHECK(r[3].time_ps == 10);
  CHECK(r[2].time_ps == 20);
  CHECK_FALSE(r[4].found);
  CHECK_FALSE(in_experiment_order(r));
  // A NaI domain 3 % off bulk is not bulk-like.
  auto off = frame(0, 0.5, 0, 0, true, false, 0, 0);
  off.domains[0].lattice_constant_angstrom = 6.47 * 0.97;
  CHECK_FALSE(detect_stages({off})[2].found);
}

TEST_CASE("a coherent interface splits into a NaCl and a NaI domain; at a common 6.0 Å lattice neither is bulk-like") {
  Structure s = build_from_ini("[structure]\ntube_length_angstrom = 90\nion_pairs = 300\niodide_fraction = 0\n"
                               "arrangement = rocksalt_nacl\nlattice_constant_angstrom = 6.0\n");
  Frame& f = s.frame;
  std::vector<double> z;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f.atomic_numbers[i] == chlorine) z.push_back(f.positions_angstrom(static_cast<Eigen::Index>(i), 2));
  }
  std::sort(z.begin(), z.end());
  const double middle = z[z.size() / 2];
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f.atomic_numbers[i] == chlorine && f.positions_angstrom(static_cast<Eigen::Index>(i), 2) >= middle) f.atomic_numbers[i] = iodine;
  }
  const FrameSequence q = analyse_frame(f, tube_axis_of(f));
  REQUIRE(q.domains.size() >= 2);
  int nai = 0, nacl = 0;
  for (const Domain& d : q.domains) {
    if (d.sodium < 30) continue;
    CHECK(d.kind != DomainKind::mixed);
    nai += d.kind == DomainKind::nai;
    nacl += d.kind == DomainKind::nacl;
    CHECK(d.lattice_constant_angstrom == doctest::Approx(6.0).epsilon(1e-9));
  }
  CHECK(nai == 1);
  CHECK(nacl == 1);
  CHECK_FALSE(is_heterostructure(q));
  // Along the axis the iodide fraction goes from 0 to 1.
  CHECK(q.axial_iodide_fraction.front() == doctest::Approx(0.0));
  CHECK(q.axial_iodide_fraction.back() == doctest::Approx(1.0));
}
