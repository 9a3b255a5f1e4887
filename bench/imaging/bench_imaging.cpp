// Benchmark of the imaging stage, on one core by default: time per movie frame (render_movie, the
// whole pipeline: potentials, multislice, lens, MTF, dose noise) against the floor measured in the
// same run: the bare FFTs the frame's multislice needs (2 per slice) with FFTW_MEASURE 2D plans on
// the same grid. Two cases: a demo-sized view (a (20,20) tube with a 400-ion cluster seen from the
// side, 0.15 Å pixels, as configs/demo.ini) and a 1536 × 512 grid of 0.05 Å pixels. Each case runs a
// movie of `frames` frames (default 21) with exact partial coherence (the default: images summed over
// the focal spread) and with the envelope approximation (the cost of a coherent frame: one lens
// transfer). The floor and the two movies are timed in turn, `runs` rounds (after a warm-up): the
// ratios are each round's against its own floor, and every figure is a median over rounds (no
// best-of).
// Usage: bench_imaging [threads=1] [runs=5] [frames=21] [case=all|demo|1536]
#include <fftw3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "core/frame.hpp"
#include "imaging/fft.hpp"
#include "imaging/kernels.hpp"
#include "imaging/render_movie.hpp"

using namespace nanomix;
using namespace nanomix::imaging;
using clock_type = std::chrono::steady_clock;

namespace {

// On one thread the figures are the process's CPU seconds (robust on a shared machine); with more
// threads, wall seconds.
bool use_cpu_time = true;
double now_seconds() {
  if (!use_cpu_time) return std::chrono::duration<double>(clock_type::now().time_since_epoch()).count();
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/// A (20,20) carbon nanotube (radius 13.56 Å) along z with a 400-ion rock-salt cluster inside, in a
/// cell of `w` × `w` × `length` Å (beam along x, so the image is y × z); atoms jittered by 0.1 Å,
/// the tube's once (a frozen tube), the ions in every frame.
std::vector<Frame> tube_movie(double w, double length, int frames, std::mt19937_64& rng) {
  Frame f;
  f.box = Box::orthorhombic(w, w, length, {false, false, true});
  std::vector<std::array<double, 3>> pos;
  std::vector<int> z;
  const double r = 13.56, c = w / 2;
  const int ring = 40;                     // (20,20): 80 atoms per 2.46 Å of tube, in two rings
  const double tube = std::min(length, 60.0), z0 = (length - tube) / 2;  // the demo's tube is 60 Å
  for (int k = 0; k * 1.23 < tube; ++k) {
    for (int a = 0; a < ring; ++a) {
      const double phi = 2 * M_PI * (a + 0.5 * (k % 2)) / ring;
      pos.push_back({c + r * std::cos(phi), c + r * std::sin(phi), z0 + k * 1.23});
      z.push_back(6);
    }
  }
  const double a0 = 6.0;  // cluster: rock salt, 400 ions in a block centred in the tube
  int n = 0;
  for (int i = 0; i < 4 && n < 400; ++i)
    for (int j = 0; j < 4 && n < 400; ++j)
      for (int k = 0; k < 25 && n < 400; ++k, ++n) {
        pos.push_back({c - 4.5 + i * a0 / 2, c - 4.5 + j * a0 / 2, length / 2 - 18 + k * a0 / 4});
        z.push_back((i + j + k) % 2 ? (n % 4 == 1 ? 53 : 17) : 11);
      }
  f.positions_angstrom.resize(static_cast<Eigen::Index>(pos.size()), 3);
  for (std::size_t a = 0; a < pos.size(); ++a)
    for (int d = 0; d < 3; ++d) f.positions_angstrom(static_cast<Eigen::Index>(a), d) = pos[a][static_cast<std::size_t>(d)];
  f.atomic_numbers = z;
  std::normal_distribution<double> jitter(0, 0.1);
  std::vector<Frame> out;
  // The tube's carbon jittered once and then the same in every frame (nanomix md's default tube is
  // rigid and frozen: its carbon never move), the ions anew in every frame.
  for (Eigen::Index a = 0; a < f.positions_angstrom.rows(); ++a) {
    if (f.atomic_numbers[static_cast<std::size_t>(a)] != 6) continue;
    for (int d = 0; d < 3; ++d) f.positions_angstrom(a, d) += jitter(rng);
    f.positions_angstrom(a, 2) = std::fmod(f.positions_angstrom(a, 2) + length, length);
  }
  for (int m = 0; m < frames; ++m) {
    Frame g = f;
    for (Eigen::Index a = 0; a < g.positions_angstrom.rows(); ++a) {
      if (g.atomic_numbers[static_cast<std::size_t>(a)] == 6) continue;
      for (int d = 0; d < 3; ++d) g.positions_angstrom(a, d) += jitter(rng);
      g.positions_angstrom(a, 2) = std::fmod(g.positions_angstrom(a, 2) + length, length);
    }
    g.time_ps = m;
    out.push_back(g);
  }
  return out;
}

/// The floor: `2 × slices` bare FFTs (forward, backward per slice) with FFTW_MEASURE 2D plans on the
/// frame's grid; one scaling pass per slice keeps the numbers finite (the multislice has its
/// propagator there). Planned once; each call of `seconds_per_frame` times `frames` frames' worth.
class FftFloor {
 public:
  FftFloor(int nx, int ny, int slices) : n_(static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny)), slices_(slices) {
    a_ = fftwf_alloc_complex(n_);
    fftwf_init_threads();
    fftwf_plan_with_nthreads(1);
    f_ = fftwf_plan_dft_2d(ny, nx, a_, a_, FFTW_FORWARD, FFTW_MEASURE);
    b_ = fftwf_plan_dft_2d(ny, nx, a_, a_, FFTW_BACKWARD, FFTW_MEASURE);
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<float> u(-1, 1);
    for (std::size_t i = 0; i < n_; ++i) a_[i][0] = u(rng), a_[i][1] = u(rng);
    seconds_per_frame(1);  // warm-up
  }
  ~FftFloor() {
    bool finite = true;
    for (std::size_t i = 0; i < n_; ++i) finite = finite && std::isfinite(a_[i][0]) && std::isfinite(a_[i][1]);
    fftwf_destroy_plan(f_);
    fftwf_destroy_plan(b_);
    fftwf_free(a_);
    if (!finite) {
      std::printf("bench: the FFT floor's data is not finite\n");
      std::exit(1);
    }
  }
  FftFloor(const FftFloor&) = delete;
  FftFloor& operator=(const FftFloor&) = delete;
  double seconds_per_frame(std::size_t frames) {
    const float scale = 1.0f / static_cast<float>(n_);
    const double t0 = now_seconds();
    for (std::size_t m = 0; m < frames; ++m) {
      for (int s = 0; s < slices_; ++s) {
        fftwf_execute(f_);
        fftwf_execute(b_);
        for (std::size_t i = 0; i < n_; ++i) a_[i][0] *= scale, a_[i][1] *= scale;
      }
    }
    return (now_seconds() - t0) / static_cast<double>(frames);
  }

 private:
  std::size_t n_;
  int slices_;
  fftwf_complex* a_ = nullptr;
  fftwf_plan f_ = nullptr, b_ = nullptr;
};

void run_case(const char* name, const std::vector<Frame>& movie, ImagingParams p, int threads, int runs) {
  p.threads = threads;
  p.max_memory_mib = 1e6;
  // The defaults of `nanomix image` (SMART-EM): 80 kV, Cs 1 µm, Δf 30 Å, Δ 30 Å, α 0.1 mrad, 400 e/Å².
  p.optics.defocus_angstrom = 30;
  p.optics.cs_angstrom = 1e4;
  p.optics.focal_spread_angstrom = 30;
  p.optics.source_semiangle_mrad = 0.1;
  p.dose.dose_e_per_angstrom2 = 400;
  auto src = SnapshotSource::frames(movie, name);
  auto render = [&](bool envelope, RenderResult& last) {
    ImagingParams q = p;
    if (envelope) q.optics.temporal_coherence = TemporalCoherence::envelope;
    const double t0 = now_seconds();
    last = render_movie(q, src);
    return (now_seconds() - t0) / static_cast<double>(last.intensity.frame_count());
  };
  // Rounds of floor, exact movie, envelope movie, in turn: each round's ratios are taken against its
  // own floor (the load of a shared machine drifts between rounds, less within one), and the figures
  // are the medians over rounds of the times and of the ratios. Round 0 warms up and is not counted.
  RenderResult exact, envelope;
  render(false, exact);
  const std::size_t frames = exact.intensity.frame_count();
  FftFloor fft_floor(exact.grid.nx, exact.grid.ny, exact.slice_count);
  std::vector<double> floors, exacts, envs, r_exact, r_env, r_exact_env;
  for (int r = 0; r < runs; ++r) {
    floors.push_back(fft_floor.seconds_per_frame(frames));
    exacts.push_back(render(false, exact));
    envs.push_back(render(true, envelope));
    r_exact.push_back(exacts.back() / floors.back());
    r_env.push_back(envs.back() / floors.back());
    r_exact_env.push_back(exacts.back() / envs.back());
  }
  const double floor = median(floors), t_exact = median(exacts), t_env = median(envs);
  std::printf("case %s: %d x %d pixels of %.3f Å, %d slices, %zu atoms, %zu frames, %d thread(s), medians of %d rounds\n", name,
              exact.grid.nx, exact.grid.ny, exact.grid.dx_angstrom, exact.slice_count, movie[0].size(), frames, threads, runs);
  std::printf("  floor: %d bare FFTs (FFTW_MEASURE 2D plans) per frame:  %8.1f ms\n", 2 * exact.slice_count, 1e3 * floor);
  std::printf("  frame, envelope approximation (coherent cost):      %8.1f ms   ratio to floor %.2f (goal <= 1.5; rounds %.2f-%.2f)\n",
              1e3 * t_env, median(r_env), *std::min_element(r_env.begin(), r_env.end()), *std::max_element(r_env.begin(), r_env.end()));
  std::printf("  frame, exact partial coherence (default, %zu points): %8.1f ms   ratio to floor %.2f (rounds %.2f-%.2f)\n",
              exact.focal_defocus_angstrom.size(), 1e3 * t_exact, median(r_exact), *std::min_element(r_exact.begin(), r_exact.end()),
              *std::max_element(r_exact.begin(), r_exact.end()));
  std::printf("  ratio exact / envelope frame: %.2f (goal <= 1.5)\n", median(r_exact_env));
  // Every transform the frame does, at the floor's time per transform: the multislice's 2 per slice
  // less the last slice's backward one, one inverse per lens term (16 defocus points, or 1 for the
  // envelope) and the camera MTF's forward and inverse.
  const double per_fft = floor / (2.0 * exact.slice_count);
  auto all_ffts = [&](std::size_t lens_terms) { return 2.0 * exact.slice_count - 1 + static_cast<double>(lens_terms) + 2; };
  const double n_env = all_ffts(1), n_exact = all_ffts(exact.focal_defocus_angstrom.size());
  std::printf("  against every FFT the frame does (same plans): envelope %.0f FFTs, %.1f ms, ratio %.2f; exact %.0f FFTs, %.1f ms, ratio %.2f\n",
              n_env, 1e3 * per_fft * n_env, median(r_env) * 2.0 * exact.slice_count / n_env, n_exact, 1e3 * per_fft * n_exact,
              median(r_exact) * 2.0 * exact.slice_count / n_exact);
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 1;
  const int runs = argc > 2 ? std::atoi(argv[2]) : 5;
  const int frames = argc > 3 ? std::atoi(argv[3]) : 21;
  const std::string which = argc > 4 ? argv[4] : "all";
  if (threads < 1 || runs < 1 || frames < 1 || (which != "all" && which != "demo" && which != "1536")) {
    std::fprintf(stderr, "usage: bench_imaging [threads>=1] [runs>=1] [frames>=1] [all|demo|1536]\n");
    return 2;
  }
  std::mt19937_64 rng(7);
  use_cpu_time = threads == 1;
  std::printf("imaging bench: per movie frame (render_movie seconds / frames) vs the bare FFTs of its multislice (%s seconds)\n",
              use_cpu_time ? "CPU" : "wall");
  std::printf("per-pixel kernels: %s (NANOMIX_KERNELS=baseline or avx2 caps it)\n", kernels::name(kernels::best_isa()));
  // Demo: the tube seen from the side (beam along x) in the demo's 47.12 Å × 47.12 Å × 79.03 Å cell, 0.15 Å pixels.
  ImagingParams demo;
  demo.pixel_size_angstrom = 0.15;
  demo.projection_axis = 0;
  auto demo_movie = tube_movie(47.12, 79.03, frames, rng);  // drawn in any case: the 1536 case's movie stays the same
  if (which != "1536") run_case("demo-sized", demo_movie, demo, threads, runs);
  // 1536 × 512 pixels of 0.05 Å: the tube (76.8 Å long) seen along y, a 25.6 Å band across it
  // (the outermost wall atoms fall outside and are left out).
  ImagingParams big;
  big.pixel_size_angstrom = 0.05;
  big.projection_axis = 1;
  big.fov_y0_angstrom = 20 - 12.8;
  big.fov_height_angstrom = 25.6;
  big.drop_outside_atoms = true;
  if (which != "demo") run_case("1536x512", tube_movie(40, 76.8, frames, rng), big, threads, runs);
  return 0;
}
