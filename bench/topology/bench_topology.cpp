// Benchmark of the topology stage: one frame of 10,000 ions (a thermally disordered NaCl–NaI rock
// salt block, Shannon weights), on one thread, timed in CPU seconds of that thread:
//   nanomix: frame_diagrams (weighted 3D alpha complex, persistence, atoms behind each pair, unit
//            handling) + the per-frame statistics (Betti curves, persistence images, histograms,
//            summaries of H0–H2)
//   floor:   the faster of GUDHI's two bare paths to the same diagrams on the same points (complex
//            → Simplex_tree → persistent cohomology over Z/2): Alpha_complex_3d (SAFE) and the
//            general-dimension Alpha_complex with Epeck_d (GUDHI's default, the kernel nanomix uses)
//   shown:   the general-dimension Alpha_complex with Epick_d (inexact constructions: faster, but
//            other diagrams on near-degenerate input, validation/topology/RESULTS.md section 4)
// all four timed in turn in each of `repeats` rounds of the same run (each round starting with the
// next path); prints the medians, the ratio nanomix / floor (goal ≤ 1.1, issue 14) and, less
// sensitive to load that drifts during the run, the median of the rounds' own ratios.
// Usage: bench_topology [ions=10000] [repeats=5]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "core/random.hpp"
#include "topology/persistence.hpp"
#include "topology/topology_run.hpp"

using namespace nanomix;
using namespace nanomix::topology;

namespace {

/// Rock-salt sites, a = 6.0 Å (between NaCl and NaI), anions Cl or I at random, σ = 0.25 Å.
Frame disordered_block(int ions) {
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
  return f;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

/// CPU seconds of this thread spent in f (everything here runs on the calling thread): on a shared
/// machine, time spent waiting for a core is left out, as in bench_imaging.
template <class F>
double seconds(F&& f) {
  auto now = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
  };
  const double t0 = now();
  f();
  return now() - t0;
}

}  // namespace

int main(int argc, char** argv) {
  const int ions = argc > 1 ? std::atoi(argv[1]) : 10000;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  if (ions < 4 || repeats < 1) {
    std::fprintf(stderr, "usage: bench_topology [ions>=4] [repeats>=1]\n");
    return 2;
  }
  const Frame f = disordered_block(ions);
  std::vector<double> w;  // Shannon radii², Å²: the weights frame_diagrams uses by default
  for (int z : f.atomic_numbers) {
    const double r = z == 11 ? 1.02 : z == 17 ? 1.81 : 2.20;
    w.push_back(r * r);
  }
  TopologyParams params;
  params.lattice = false;
  std::vector<double> t3d, tdd, tick, tdiag, tstat, tours, round_ratio, round_diag_ratio;
  std::size_t pairs_3d = 0, pairs_dd = 0, pairs_ick = 0, pairs_ours = 0;
  for (int r = 0; r < repeats; ++r) {
    // the four paths in turn, each round starting one further along (no path always runs first,
    // or always right after another's large frees)
    for (int k = 0; k < 4; ++k) switch ((r + k) % 4) {
        case 0:
          t3d.push_back(seconds([&] { pairs_3d = bare_gudhi_alpha(BareAlpha::gudhi_3d_safe, f.positions_angstrom, w); }));
          break;
        case 1:
          tdd.push_back(seconds([&] { pairs_dd = bare_gudhi_alpha(BareAlpha::gudhi_dd, f.positions_angstrom, w); }));
          break;
        case 2:
          tick.push_back(seconds([&] { pairs_ick = bare_gudhi_alpha(BareAlpha::gudhi_dd_inexact, f.positions_angstrom, w); }));
          break;
        default: {
          Group g;
          g.name = "ions";
          tdiag.push_back(seconds([&] { g.frames.push_back(frame_diagrams(f, "ions", params)); }));
          tstat.push_back(seconds([&] {
            if (group_statistics(g, params).betti_values.empty()) std::abort();
          }));
          tours.push_back(tdiag.back() + tstat.back());
          pairs_ours = 0;
          for (const auto& d : g.frames[0].dims) pairs_ours += d.size();
        }
      }
    round_ratio.push_back(tours.back() / std::min(t3d.back(), tdd.back()));
    round_diag_ratio.push_back(tdiag.back() / std::min(t3d.back(), tdd.back()));
  }
  const double m3d = median(t3d), mdd = median(tdd), mick = median(tick), ours = median(tours);
  const double floor = std::min(m3d, mdd);
  std::printf("topology bench: %d ions, weighted 3D alpha, medians of %d rounds, CPU seconds of one thread\n", ions, repeats);
  std::printf("  bare GUDHI Alpha_complex_3d SAFE (complex + persistence): %.3f s (%zu pairs)\n", m3d, pairs_3d);
  std::printf("  bare GUDHI Alpha_complex dD, Epeck_d (complex + persistence): %.3f s (%zu pairs)\n", mdd, pairs_dd);
  std::printf("  bare GUDHI Alpha_complex dD, Epick_d (not a floor: inexact): %.3f s (%zu pairs)\n", mick, pairs_ick);
  std::printf("  nanomix frame (complex + persistence + atoms + statistics): %.3f s (%zu pairs): diagrams %.3f s, "
              "statistics %.3f s\n", ours, pairs_ours, median(tdiag), median(tstat));
  std::printf("  ratio nanomix / faster bare GUDHI path (%s): %.3f (goal <= 1.1): %s\n", m3d < mdd ? "3D" : "dD",
              ours / floor, ours <= 1.1 * floor ? "met" : "NOT met");
  std::printf("  median over rounds of each round's own ratio to its faster bare path: frame %.3f, diagrams alone %.3f\n",
              median(round_ratio), median(round_diag_ratio));
  std::printf("  ratio nanomix diagrams alone (complex + persistence + atoms) / floor: %.3f\n", median(tdiag) / floor);
  std::printf("  ratio nanomix / bare Epick_d path: %.3f\n", ours / mick);
  return 0;
}
