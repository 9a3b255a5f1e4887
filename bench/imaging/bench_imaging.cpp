// Benchmark of the imaging stage: time per frame of a 1024 × 1024 multislice with 40 slices and
// ~2,000 atoms, and its ratio to the bare FFTs that frame needs (2 per slice), measured in the same
// run on the same buffers (goal ≤ 1.5); then frames per second of a demo-sized movie through the
// whole pipeline (render_movie: potentials, multislice, lens, MTF, dose noise).
// Usage: bench_imaging [threads]   (default 1: the ratio is per core)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "core/frame.hpp"
#include "imaging/ctf.hpp"
#include "imaging/image_formation.hpp"
#include "imaging/kirkland.hpp"
#include "imaging/multislice.hpp"
#include "imaging/render_movie.hpp"

using namespace nanomix;
using namespace nanomix::imaging;
using clock_type = std::chrono::steady_clock;

static double seconds_since(clock_type::time_point t) { return std::chrono::duration<double>(clock_type::now() - t).count(); }

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 1;
  // A 51.2 Å field (0.05 Å pixels), 40 slices of 1 Å, 2,000 Na/I/C atoms at random.
  Grid g{1024, 1024, 0.05, 0.05};
  const int slices = 40, atoms = 2000;
  std::vector<RadialPotential> tables;
  RadialPotentialOptions o;
  o.core_angstrom = 0.05 / std::sqrt(3.14159265);
  for (int z : {6, 11, 53}) tables.push_back(make_radial_potential(ScatteringTable::kirkland().at(z), o));
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0, 51.2);
  SlicedSpecimen spec;
  spec.slices.resize(slices);
  for (int a = 0; a < atoms; ++a) spec.slices[static_cast<std::size_t>(a % slices)].push_back({u(rng), u(rng), a % 3});
  Multislice ms(g, 80, 1.0, tables, threads);
  OpticsParams op;
  op.defocus_angstrom = 30;
  op.cs_angstrom = 1e4;
  op.focal_spread_angstrom = 30;
  const auto lens = make_lens_transfer(g, op);
  Multislice::Workspace ws(g);
  FftBuffer work(g.size());
  std::vector<double> img(g.size());

  // Warm up, then alternate: frame, bare FFTs, several times; keep the best of each.
  ms.exit_spectrum(spec, ws);
  double best_frame = 1e30, best_fft = 1e30;
  for (int rep = 0; rep < 3; ++rep) {
    auto t0 = clock_type::now();
    ms.exit_spectrum(spec, ws);
    std::fill(img.begin(), img.end(), 0.0);
    add_image_intensity(g, ms.fft(), ws.psi, lens, 1.0, work, img.data());
    best_frame = std::min(best_frame, seconds_since(t0));
    t0 = clock_type::now();
    for (int s = 0; s < slices; ++s) {
      ms.fft().forward(work.data());
      ms.fft().backward(work.data());
    }
    best_fft = std::min(best_fft, seconds_since(t0));
  }
  std::printf("imaging bench: 1024 x 1024, %d slices, %d atoms, %d FFTW thread(s)\n", slices, atoms, threads);
  std::printf("  frame (potentials + transmission + propagation + lens image): %.3f s\n", best_frame);
  std::printf("  bare FFTs (2 per slice = %d):                                 %.3f s\n", 2 * slices, best_fft);
  std::printf("  ratio frame / bare FFTs: %.2f (goal <= 1.5)\n", best_frame / best_fft);

  // Demo-sized movie: a NaCl|NaI-like slab 40 Å × 40 Å × 20 Å, 0.1 Å pixels (400² → 400), 20 slices.
  Frame f;
  f.box = Box::orthorhombic(40, 40, 20, {true, true, false});
  const int n = 1200;
  f.positions_angstrom.resize(n, 3);
  std::uniform_real_distribution<double> uz(0, 20);
  for (int a = 0; a < n; ++a) {
    f.positions_angstrom(a, 0) = u(rng) * 40 / 51.2;
    f.positions_angstrom(a, 1) = u(rng) * 40 / 51.2;
    f.positions_angstrom(a, 2) = uz(rng);
    f.atomic_numbers.push_back(a % 4 == 0 ? 53 : a % 4 == 1 ? 17 : 11);
  }
  ImagingParams p;
  p.pixel_size_angstrom = 0.1;
  p.optics = op;
  p.dose.dose_e_per_angstrom2 = 400;
  p.threads = threads;
  std::vector<Frame> frames(16, f);
  const auto r = render_movie(p, SnapshotSource::frames(frames, "demo-sized"));
  std::printf("demo-sized movie: %d x %d pixels, %d slices, %d atoms, %zu frames: %.2f s, %.1f frames/s (%d thread(s))\n", r.grid.nx,
              r.grid.ny, r.slice_count, n, r.intensity.frame_count(), r.seconds, static_cast<double>(r.intensity.frame_count()) / r.seconds,
              r.threads);
  return 0;
}
