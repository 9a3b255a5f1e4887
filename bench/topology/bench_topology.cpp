// Benchmark of the topology stage: one frame of 10,000 ions (a thermally disordered NaCl–NaI rock
// salt block, Shannon weights), on one core:
//   nanomix: frame_diagrams (weighted 3D alpha complex, persistence, atoms behind each pair, unit
//            handling) + the per-frame statistics (Betti curves, persistence images, histograms,
//            summaries of H0–H2)
//   floor:   the bare GUDHI calls (Alpha_complex_3d → Simplex_tree → persistent cohomology over Z/2)
// on the same points in the same run; prints both times (best of `repeats`) and their ratio.
// Usage: bench_topology [ions=10000] [repeats=3]
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "core/random.hpp"
#include "topology/persistence.hpp"
#include "topology/topology_run.hpp"

using namespace nanomix;
using namespace nanomix::topology;

int main(int argc, char** argv) {
  const int ions = argc > 1 ? std::atoi(argv[1]) : 10000;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 3;
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
  using clock = std::chrono::steady_clock;
  double best_bare = 1e30, best_ours = 1e30;
  std::size_t pairs_bare = 0, pairs_ours = 0;
  for (int r = 0; r < repeats; ++r) {
    auto t0 = clock::now();
    pairs_bare = bare_gudhi_alpha_3d(f.positions_angstrom, w);
    auto t1 = clock::now();
    Group g;
    g.name = "ions";
    g.frames.push_back(frame_diagrams(f, "ions", params));
    const auto stats = group_statistics(g, params);
    auto t2 = clock::now();
    pairs_ours = 0;
    for (const auto& d : g.frames[0].dims) pairs_ours += d.size();
    if (stats.betti_values.empty()) return 1;
    best_bare = std::min(best_bare, std::chrono::duration<double>(t1 - t0).count());
    best_ours = std::min(best_ours, std::chrono::duration<double>(t2 - t1).count());
  }
  std::printf("topology bench: %d ions, weighted 3D alpha, best of %d on one core\n", ions, repeats);
  std::printf("  bare GUDHI (complex + persistence): %.3f s (%zu pairs)\n", best_bare, pairs_bare);
  std::printf("  nanomix frame (complex + persistence + atoms + statistics): %.3f s (%zu pairs)\n", best_ours, pairs_ours);
  std::printf("  ratio nanomix / bare GUDHI: %.3f (goal <= 1.2); goal <= 1.5 s per frame: %s\n", best_ours / best_bare,
              best_ours <= 1.5 ? "met" : "NOT met");
  return 0;
}
