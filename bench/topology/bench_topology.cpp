// Benchmark of the topology stage: one frame of 10,000 ions (a thermally disordered NaCl–NaI rock
// salt block, Shannon weights), on one core:
//   nanomix: frame_diagrams (weighted 3D alpha complex, persistence, atoms behind each pair, unit
//            handling), then apart the per-frame statistics (Betti curves, persistence images,
//            histograms, summaries of H0–H2)
//   floor:   the faster of the two bare GUDHI paths, each Simplex_tree → persistent cohomology over
//            Z/2: Alpha_complex_3d (SAFE) and the general-dimension Alpha_complex on Epick_d<3>
// on the same points in the same run, alternated; medians of `repeats` runs; checks that the
// diagrams agree with both bare paths (same pairs, values to 1e-9 Å²).
// Usage: bench_topology [ions=10000] [repeats=5]
#include <algorithm>
#include <ctime>
#include <cstdio>
#include <cstdlib>

#include "core/random.hpp"
#include "topology/persistence.hpp"
#include "topology/topology_run.hpp"

using namespace nanomix;
using namespace nanomix::topology;

int main(int argc, char** argv) {
  const int ions = argc > 1 ? std::atoi(argv[1]) : 10000;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  // rock-salt sites, a = 6.0 Å (between NaCl and NaI), anions Cl or I at random, σ = 0.25 Å
  int L = 1;
  while (L * L * L < ions) ++L;
  Rng rng(2024, RandomPurpose::permutation_test, 999);
  Frame f;
  f.positions_angstrom.resize(ions, 3);
  int n = 0;
  for (int i = 0; i < L && n < ions; ++i)
    for (int j = 0; j < L && n < ions; ++j)
      for (int k = 0; k < L && n < ions; ++k, ++n) {
        f.positions_angstrom.row(n) << i * 3.0 + 0.25 * rng.normal(), j * 3.0 + 0.25 * rng.normal(), k * 3.0 + 0.25 * rng.normal();
        f.atomic_numbers.push_back((i + j + k) % 2 ? (rng.uniform() < 0.5 ? 17 : 53) : 11);
      }
  f.box = Box::orthorhombic(L * 3.0 + 10, L * 3.0 + 10, L * 3.0 + 10, {false, false, false});
  std::vector<double> w;
  for (int z : f.atomic_numbers) {
    const double r = z == 11 ? 1.02 : z == 17 ? 1.81 : 2.20;
    w.push_back(r * r);
  }
  TopologyParams params;
  params.lattice = false;
  // CPU seconds of this (single-threaded) process: robust on a shared machine. The three
  // computations run in a rotating order, so that none always follows another.
  auto cpu_now = [] {
    timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
  };
  std::vector<double> t3d, tdd, tours, tstats;
  std::vector<std::array<double, 3>> p3d, pdd;
  Group g;
  for (int r = 0; r < repeats; ++r) {
    for (int k = 0; k < 3; ++k) {
      const int which = (r + k) % 3;
      const double t0 = cpu_now();
      if (which == 0) {
        p3d = bare_gudhi_alpha_3d(f.positions_angstrom, w);
        t3d.push_back(cpu_now() - t0);
      } else if (which == 1) {
        pdd = bare_gudhi_alpha_dd(f.positions_angstrom, w);
        tdd.push_back(cpu_now() - t0);
      } else {
        g = Group();
        g.name = "ions";
        g.frames.push_back(frame_diagrams(f, "ions", params));
        const double t1 = cpu_now();
        const auto stats = group_statistics(g, params);
        if (stats.betti_values.empty()) return 1;
        tours.push_back(t1 - t0);
        tstats.push_back(cpu_now() - t1);
      }
    }
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
  };
  // Same diagrams: the multiset of (dimension, birth, death) of dimensions 0–2.
  auto canon = [](std::vector<std::array<double, 3>> v) {
    v.erase(std::remove_if(v.begin(), v.end(), [](const auto& p) { return p[0] > 2 || p[1] == p[2]; }), v.end());
    std::sort(v.begin(), v.end());
    return v;
  };
  std::vector<std::array<double, 3>> ours;
  for (int d = 0; d < 3; ++d)
    for (const auto& p : g.frames[0].dims[static_cast<std::size_t>(d)]) ours.push_back({static_cast<double>(d), p.birth, p.death});
  auto same = [&](const std::vector<std::array<double, 3>>& bare) {
    const auto a = canon(ours), b = canon(bare);
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      for (int c = 0; c < 3; ++c)
        if (!(a[i][static_cast<std::size_t>(c)] == b[i][static_cast<std::size_t>(c)]) && !(std::abs(a[i][static_cast<std::size_t>(c)] - b[i][static_cast<std::size_t>(c)]) <= 1e-9)) return false;
    return true;
  };
  const double m3d = median(t3d), mdd = median(tdd), mours = median(tours), mstats = median(tstats);
  const double floor = std::min(m3d, mdd);
  std::printf("topology bench: %d ions, weighted 3D alpha, medians of %d runs, CPU seconds on one core\n", ions, repeats);
  std::printf("  bare GUDHI Alpha_complex_3d (complex + persistence): %.3f s (%zu pairs; same diagrams as nanomix: %s)\n", m3d, p3d.size(),
              same(p3d) ? "yes" : "NO");
  std::printf("  bare GUDHI Alpha_complex dD   (complex + persistence): %.3f s (%zu pairs; same diagrams as nanomix: %s)\n", mdd, pdd.size(),
              same(pdd) ? "yes" : "NO");
  std::printf("  nanomix frame_diagrams (complex + persistence + atoms): %.3f s (%zu pairs)\n", mours, ours.size());
  std::printf("  ratio nanomix / faster bare GUDHI path (%s): %.3f (goal <= 1.1)\n", m3d < mdd ? "3D" : "dD", mours / floor);
  std::printf("  per-frame statistics (Betti curves, persistence images, histograms): %.3f s more; stage / floor %.3f\n", mstats,
              (mours + mstats) / floor);
  return 0;
}
