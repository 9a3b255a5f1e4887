#include "imaging/kernels.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include "core/units.hpp"

// One body per kernel (always inlined), instantiated by NANOMIX_KERNELS for each instruction set:
// the vectoriser then widens the same scalar operations to that set's registers. AVX2 alone has no
// FMA; GCC's AVX-512F target does, and this file is compiled with -ffp-contract=off
// (imaging/CMakeLists.txt) so that no multiply and add are fused into one rounding — which GCC 12
// still does for the complex product's vectorised pattern (see table_avx512). test_kernels checks
// every variant against the baseline, bit for bit.

namespace nanomix::imaging::kernels {

namespace {

#define NANOMIX_INLINE inline __attribute__((always_inline))

/// Pixels per block of the transmission: a block whose potential is all zero is skipped (its
/// transmission is exactly 1). 16 floats: one 64-byte cache line of v.
constexpr std::size_t transmit_block = 16;

NANOMIX_INLINE bool all_zero(const float* __restrict v, std::size_t m) {
  std::uint32_t bits = 0;
  for (std::size_t i = 0; i < m; ++i) {
    std::uint32_t b;
    std::memcpy(&b, v + i, sizeof b);
    bits |= b;
  }
  return bits == 0;
}

/// ψ ← ψ·exp(iσv) over m pixels. sin and cos of the phase by a branch-free polynomial that the
/// compiler vectorises (libm's sincosf per pixel cost as much as the FFTs): φ = σv reduced to
/// r ∈ [−π, π] in double (nearest multiple of 2π by the 1.5·2^52 trick; |φ| ≪ 2^51), sin and cos
/// of r/4 by their Taylor series (|r/4| ≤ π/4: terms to r⁹ and r¹⁰, error < 1e-10), then the
/// double-angle formulas twice. Error < 1e-9, far below float rounding. v = 0 gives exactly 1.
NANOMIX_INLINE void transmit_range(float* __restrict w, const float* __restrict v, float sigma, std::size_t m) {
  constexpr double two_pi = 2 * units::pi, inv_two_pi = 1 / (2 * units::pi);
  for (std::size_t i = 0; i < m; ++i) {
    const double phi = static_cast<double>(sigma * v[i]);
    constexpr double round_magic = 6755399441055744.0;  // 1.5·2^52: adding and subtracting it rounds to an integer
    const double r = phi - two_pi * ((phi * inv_two_pi + round_magic) - round_magic);
    const double x = 0.25 * r, x2 = x * x;
    double s = x * (1 + x2 * (-1.0 / 6 + x2 * (1.0 / 120 + x2 * (-1.0 / 5040 + x2 * (1.0 / 362880)))));
    double c = 1 + x2 * (-0.5 + x2 * (1.0 / 24 + x2 * (-1.0 / 720 + x2 * (1.0 / 40320 + x2 * (-1.0 / 3628800)))));
    for (int k = 0; k < 2; ++k) {
      const double s2 = 2 * s * c, c2 = c * c - s * s;
      s = s2;
      c = c2;
    }
    const float cf = static_cast<float>(c), sf = static_cast<float>(s);
    const float re = w[2 * i], im = w[2 * i + 1];
    w[2 * i] = re * cf - im * sf;
    w[2 * i + 1] = re * sf + im * cf;
  }
}

NANOMIX_INLINE void transmit_body(cfloat* wave, const float* v, float sigma, std::size_t n) {
  auto* w = reinterpret_cast<float*>(wave);
  std::size_t b = 0;
  for (; b + transmit_block <= n; b += transmit_block) {
    if (!all_zero(v + b, transmit_block)) transmit_range(w + 2 * b, v + b, sigma, transmit_block);
  }
  if (b < n) transmit_range(w + 2 * b, v + b, sigma, n - b);
}

NANOMIX_INLINE void multiply_into_body(cfloat* out, const cfloat* a, const cfloat* b, std::size_t n) {
  // Plain real arithmetic (no NaN/Inf recovery branch, so it vectorises). out may be a.
  auto* o = reinterpret_cast<float*>(out);
  const auto* x = reinterpret_cast<const float*>(a);
  const auto* y = reinterpret_cast<const float*>(b);
  for (std::size_t i = 0; i < n; ++i) {
    const float re = x[2 * i] * y[2 * i] - x[2 * i + 1] * y[2 * i + 1];
    const float im = x[2 * i] * y[2 * i + 1] + x[2 * i + 1] * y[2 * i];
    o[2 * i] = re;
    o[2 * i + 1] = im;
  }
}

NANOMIX_INLINE void add_norm_body(double* __restrict sum, const cfloat* w, double scale, std::size_t n) {
  const auto* x = reinterpret_cast<const float*>(w);
  for (std::size_t i = 0; i < n; ++i) {
    const float re = x[2 * i], im = x[2 * i + 1];
    sum[i] += scale * static_cast<double>(re * re + im * im);
  }
}

/// One contiguous run of a row: pixels at row[0 .. m), whose squared x distances to the atom are
/// rx2[0 .. m). Pixels beyond the cutoff add exactly 0 (their radius is clamped so the table read
/// stays in range). The interpolation's differences come from the table (slope[k] = tab[k + 1] −
/// tab[k], the same float subtraction done once).
NANOMIX_INLINE void potential_run(float* __restrict row, const float* __restrict rx2, int m, float ry2, float rc2,
                                  float inv_step, const float* __restrict tab, const float* __restrict slope, int last) {
  for (int t = 0; t < m; ++t) {
    const float r2 = rx2[t] + ry2;
    const bool in = r2 < rc2;
    const float s = std::sqrt(in ? r2 : 0.0f) * inv_step;
    int k = static_cast<int>(s);
    if (k > last) k = last;
    const float f = s - static_cast<float>(k);
    const float value = tab[k] + f * slope[k];
    row[t] += in ? value : 0.0f;
  }
}

NANOMIX_INLINE void add_atom_potential_body(float* v, int nx, int ny, double dx, double dy, const RadialPotential& table,
                                            double x, double y) {
  const double rc = table.cutoff_angstrom;
  const int i0 = static_cast<int>(std::ceil((x - rc) / dx)), i1 = static_cast<int>(std::floor((x + rc) / dx));
  const int j0 = static_cast<int>(std::ceil((y - rc) / dy)), j1 = static_cast<int>(std::floor((y + rc) / dy));
  if (i1 < i0) return;
  const float rc2 = static_cast<float>(rc * rc);
  const float inv_step = static_cast<float>(1.0 / table.step_angstrom);
  const float* tab = table.values.data();
  const float* slope = table.slopes.data();
  const int last = static_cast<int>(table.values.size()) - 2;
  // The squared x distance of every column of the disc (unwrapped index i0 + t), computed once per
  // atom rather than once per pixel: rx in double, rounded to float, squared in float.
  thread_local std::vector<float> rx2;
  rx2.resize(static_cast<std::size_t>(i1 - i0 + 1));
  for (int iu = i0; iu <= i1; ++iu) {
    const float rx = static_cast<float>(static_cast<double>(iu) * dx - x);
    rx2[static_cast<std::size_t>(iu - i0)] = rx * rx;
  }
  auto wrap = [](int k, int n) { return ((k % n) + n) % n; };
  for (int ju = j0; ju <= j1; ++ju) {
    const float ry = static_cast<float>(ju * dy - y);
    const float ry2 = ry * ry;
    if (ry2 >= rc2) continue;
    float* row = v + static_cast<std::size_t>(wrap(ju, ny)) * static_cast<std::size_t>(nx);
    // Only the chord of the disc on this row (one pixel of margin; the radius test decides), in
    // runs that do not cross the periodic edge.
    const double half = std::sqrt(std::max(0.0, rc * rc - static_cast<double>(ry2)));
    const int a0 = std::max(i0, static_cast<int>(std::ceil((x - half) / dx)) - 1);
    const int a1 = std::min(i1, static_cast<int>(std::floor((x + half) / dx)) + 1);
    for (int iu = a0; iu <= a1;) {
      const int i = wrap(iu, nx);
      const int m = std::min(a1 - iu + 1, nx - i);
      potential_run(row + i, rx2.data() + (iu - i0), m, ry2, rc2, inv_step, tab, slope, last);
      iu += m;
    }
  }
}

/// out[c·ds + r] = in[r·ss + c] (8-byte elements: a copy, so every variant gives the same bits),
/// element by element, over rows [r0, r1) × columns [c0, c1) less the block [r0, rb) × [c0, cb)
/// that vector blocks have done.
NANOMIX_INLINE void transpose_rest(const std::uint64_t* src, std::size_t ss, std::uint64_t* dst, std::size_t ds, int r0,
                                   int r1, int c0, int c1, int rb, int cb) {
  for (int r = r0; r < r1; ++r) {
    for (int c = r < rb ? cb : c0; c < c1; ++c) {
      dst[static_cast<std::size_t>(c) * ds + static_cast<std::size_t>(r)] = src[static_cast<std::size_t>(r) * ss + static_cast<std::size_t>(c)];
    }
  }
}

/// 2 × 2 blocks of SSE2 registers (the x86-64 baseline).
void transpose_baseline(const cfloat* in, std::size_t ss, int rows, int cols, cfloat* out, std::size_t ds) {
  const auto* src = reinterpret_cast<const std::uint64_t*>(in);
  auto* dst = reinterpret_cast<std::uint64_t*>(out);
#ifdef __SSE2__
  const int r2 = rows & ~1, c2 = cols & ~1;
  for (int r = 0; r < r2; r += 2) {
    for (int c = 0; c < c2; c += 2) {
      const auto* a = reinterpret_cast<const double*>(src + static_cast<std::size_t>(r) * ss + static_cast<std::size_t>(c));
      const __m128d x = _mm_loadu_pd(a), y = _mm_loadu_pd(a + ss);
      auto* b = reinterpret_cast<double*>(dst + static_cast<std::size_t>(c) * ds + static_cast<std::size_t>(r));
      _mm_storeu_pd(b, _mm_unpacklo_pd(x, y));
      _mm_storeu_pd(b + ds, _mm_unpackhi_pd(x, y));
    }
  }
#else
  const int r2 = 0, c2 = 0;
#endif
  transpose_rest(src, ss, dst, ds, 0, rows, 0, cols, r2, c2);
}

#if defined(__x86_64__) && defined(__GNUC__)
/// One 4 × 4 block in AVX registers (unpacks and lane permutes): b[c·ds + r] = a[r·ss + c].
__attribute__((target("avx2"))) inline void transpose_4x4(const double* a, std::size_t ss, double* b, std::size_t ds) {
  const __m256d x0 = _mm256_loadu_pd(a), x1 = _mm256_loadu_pd(a + ss), x2 = _mm256_loadu_pd(a + 2 * ss),
                x3 = _mm256_loadu_pd(a + 3 * ss);
  const __m256d t0 = _mm256_unpacklo_pd(x0, x1), t1 = _mm256_unpackhi_pd(x0, x1), t2 = _mm256_unpacklo_pd(x2, x3),
                t3 = _mm256_unpackhi_pd(x2, x3);
  _mm256_storeu_pd(b, _mm256_permute2f128_pd(t0, t2, 0x20));
  _mm256_storeu_pd(b + ds, _mm256_permute2f128_pd(t1, t3, 0x20));
  _mm256_storeu_pd(b + 2 * ds, _mm256_permute2f128_pd(t0, t2, 0x31));
  _mm256_storeu_pd(b + 3 * ds, _mm256_permute2f128_pd(t1, t3, 0x31));
}

/// Rows [r0, r1) × columns [c0, c1): 4 × 4 blocks, then the rest one by one.
__attribute__((target("avx2"))) void transpose_region(const std::uint64_t* src, std::size_t ss, std::uint64_t* dst, std::size_t ds,
                                                      int r0, int r1, int c0, int c1) {
  const int r4 = r0 + ((r1 - r0) & ~3), c4 = c0 + ((c1 - c0) & ~3);
  for (int r = r0; r < r4; r += 4) {
    for (int c = c0; c < c4; c += 4) {
      transpose_4x4(reinterpret_cast<const double*>(src + static_cast<std::size_t>(r) * ss + static_cast<std::size_t>(c)), ss,
                    reinterpret_cast<double*>(dst + static_cast<std::size_t>(c) * ds + static_cast<std::size_t>(r)), ds);
    }
  }
  transpose_rest(src, ss, dst, ds, r0, r1, c0, c1, r4, c4);
}

/// AVX2: 32 × 32 tiles, each transposed by 4 × 4 register blocks into a buffer on the stack and
/// written out a whole row of the tile (256 bytes) at a time; the edges by transpose_region.
/// Writing straight from the register blocks touches 32 rows of the output per tile in 32-byte
/// pieces, which large power-of-two strides map onto the same cache sets (2x slower at 1536 x 512).
__attribute__((target("avx2"))) void transpose_avx2(const cfloat* in, std::size_t ss, int rows, int cols, cfloat* out,
                                                    std::size_t ds) {
  constexpr int tile = 32;
  const auto* src = reinterpret_cast<const std::uint64_t*>(in);
  auto* dst = reinterpret_cast<std::uint64_t*>(out);
  const int rt = rows & ~(tile - 1), ct = cols & ~(tile - 1);
  alignas(64) double buf[tile * tile];
  for (int r0 = 0; r0 < rt; r0 += tile) {
    for (int c0 = 0; c0 < ct; c0 += tile) {
      const std::uint64_t* a = src + static_cast<std::size_t>(r0) * ss + static_cast<std::size_t>(c0);
      for (int r = 0; r < tile; r += 4) {
        for (int c = 0; c < tile; c += 4) {
          transpose_4x4(reinterpret_cast<const double*>(a + static_cast<std::size_t>(r) * ss + static_cast<std::size_t>(c)), ss,
                        buf + c * tile + r, tile);
        }
      }
      for (int c = 0; c < tile; ++c) {
        std::memcpy(dst + static_cast<std::size_t>(c0 + c) * ds + static_cast<std::size_t>(r0), buf + c * tile, tile * sizeof(double));
      }
    }
  }
  transpose_region(src, ss, dst, ds, 0, rt, ct, cols);
  transpose_region(src, ss, dst, ds, rt, rows, 0, cols);
}
#endif

#define NANOMIX_KERNELS(SUFFIX, ATTR)                                                                                     \
  ATTR void transmit_##SUFFIX(cfloat* wave, const float* v, float sigma, std::size_t n) { transmit_body(wave, v, sigma, n); } \
  ATTR void add_norm_##SUFFIX(double* sum, const cfloat* w, double scale, std::size_t n) { add_norm_body(sum, w, scale, n); } \
  ATTR void add_atom_potential_##SUFFIX(float* v, int nx, int ny, double dx, double dy, const RadialPotential& table,      \
                                        double x, double y) {                                                               \
    add_atom_potential_body(v, nx, ny, dx, dy, table, x, y);                                                                \
  }
#define NANOMIX_PRODUCT_KERNEL(SUFFIX, ATTR)                                                                             \
  ATTR void multiply_into_##SUFFIX(cfloat* out, const cfloat* a, const cfloat* b, std::size_t n) {                          \
    multiply_into_body(out, a, b, n);                                                                                       \
  }

NANOMIX_KERNELS(baseline, )
NANOMIX_PRODUCT_KERNEL(baseline, )
#if defined(__x86_64__) && defined(__GNUC__)
#define NANOMIX_HAVE_WIDE_KERNELS 1
NANOMIX_KERNELS(avx2, __attribute__((target("avx2"))))
NANOMIX_PRODUCT_KERNEL(avx2, __attribute__((target("avx2"))))
NANOMIX_KERNELS(avx512, __attribute__((target("avx512f"))))
#endif

const Table table_baseline{transmit_baseline, multiply_into_baseline, add_norm_baseline, add_atom_potential_baseline,
                            transpose_baseline};
#ifdef NANOMIX_HAVE_WIDE_KERNELS
const Table table_avx2{transmit_avx2, multiply_into_avx2, add_norm_avx2, add_atom_potential_avx2, transpose_avx2};
// The complex product from the AVX2 build: for AVX-512F, GCC 12 vectorises them with vfmaddsub (a
// fused multiply–add: other bits) even under -ffp-contract=off and target "no-fma"
// (tests/imaging/test_kernels.cpp finds it). It is memory-bound, so the wider registers would
// gain little.
// The transpose too: a copy, and AVX-512's wider blocks would stride over more cache lines.
const Table table_avx512{transmit_avx512, multiply_into_avx2, add_norm_avx512, add_atom_potential_avx512, transpose_avx2};
#endif
#undef NANOMIX_KERNELS
#undef NANOMIX_PRODUCT_KERNEL
#undef NANOMIX_INLINE

}  // namespace

bool supported(Isa isa) {
  switch (isa) {
    case Isa::baseline: return true;
#ifdef NANOMIX_HAVE_WIDE_KERNELS
    case Isa::avx2: return __builtin_cpu_supports("avx2");
    case Isa::avx512: return __builtin_cpu_supports("avx512f");
#else
    default: return false;
#endif
  }
  return false;
}

Isa best_isa() {
  static const Isa best = [] {
    Isa isa = supported(Isa::avx512) ? Isa::avx512 : supported(Isa::avx2) ? Isa::avx2 : Isa::baseline;
    // NANOMIX_KERNELS=baseline or avx2 caps the choice (to time or compare the variants).
    if (const char* cap = std::getenv("NANOMIX_KERNELS")) {
      if (std::strcmp(cap, "baseline") == 0) isa = Isa::baseline;
      if (std::strcmp(cap, "avx2") == 0 && isa == Isa::avx512) isa = Isa::avx2;
    }
    return isa;
  }();
  return best;
}

const Table& table(Isa isa) {
#ifdef NANOMIX_HAVE_WIDE_KERNELS
  if (isa == Isa::avx512) return table_avx512;
  if (isa == Isa::avx2) return table_avx2;
#endif
  (void)isa;
  return table_baseline;
}

const Table& best() {
  static const Table& t = table(best_isa());
  return t;
}

const char* name(Isa isa) {
  switch (isa) {
    case Isa::baseline: return "baseline (SSE2)";
    case Isa::avx2: return "AVX2";
    case Isa::avx512: return "AVX-512F";
  }
  return "?";
}

}  // namespace nanomix::imaging::kernels
