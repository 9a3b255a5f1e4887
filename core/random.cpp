#include "core/random.hpp"

#include <cmath>

namespace nanomix {

namespace {
// std::mt19937_64's parameters (C++ [rand.predef]): word 64 bits, n = 312, m = 156, r = 31.
constexpr int kM = 156;
constexpr std::uint64_t kMatrix = 0xB5026F5AA96619E9ULL;        // a
constexpr std::uint64_t kUpper = ~std::uint64_t{0} << 31;       // the top w − r bits
constexpr std::uint64_t kLower = ~kUpper;                       // the low r bits
constexpr std::uint64_t kInit = 6364136223846793005ULL;         // f, of the seeding recurrence

/// One step of the twist: the new state word from words k (top bits), k + 1 (low bits) and k + m.
inline std::uint64_t twist(std::uint64_t xk, std::uint64_t xk1, std::uint64_t xkm) {
  const std::uint64_t y = (xk & kUpper) | (xk1 & kLower);
  return xkm ^ (y >> 1) ^ ((std::uint64_t{0} - (y & 1)) & kMatrix);  // the branch-free "y odd ? a : 0"
}

#if defined(__x86_64__) && defined(__GNUC__)
#define NANOMIX_MT_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define NANOMIX_MT_CLONES
#endif

/// The block update and tempering (integer operations only: every clone gives the same bits).
NANOMIX_MT_CLONES void mt_refill(std::uint64_t* x, std::uint64_t* out, int n) {
  // Word k reads the old words k + 1 and k + m (not yet overwritten), so each loop vectorises.
  for (int k = 0; k < n - kM; ++k) x[k] = twist(x[k], x[k + 1], x[k + kM]);
  for (int k = n - kM; k < n - 1; ++k) x[k] = twist(x[k], x[k + 1], x[k + kM - n]);
  x[n - 1] = twist(x[n - 1], x[0], x[kM - 1]);
  for (int k = 0; k < n; ++k) {  // tempering: u = 29, d, s = 17, b, t = 37, c, l = 43
    std::uint64_t z = x[k];
    z ^= (z >> 29) & 0x5555555555555555ULL;
    z ^= (z << 17) & 0x71D67FFFEDA60000ULL;
    z ^= (z << 37) & 0xFFF7EEE000000000ULL;
    out[k] = z ^ (z >> 43);
  }
}
#undef NANOMIX_MT_CLONES
}  // namespace

Mt19937_64::Mt19937_64(std::uint64_t seed) {
  state_[0] = seed;
  for (int i = 1; i < kN; ++i) {
    state_[i] = kInit * (state_[i - 1] ^ (state_[i - 1] >> 62)) + static_cast<std::uint64_t>(i);
  }
}

void Mt19937_64::refill() {
  mt_refill(state_, out_, kN);
  next_ = 0;
}

double Rng::normal() {
  // Box–Muller; u1 in (0, 1] so the logarithm is finite.
  const double u1 = 1.0 - uniform();
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.14159265358979323846 * u2);
}

std::uint64_t Rng::poisson(double mean) {
  if (!(mean > 0)) return 0;
  if (mean < 10) {
    // Inversion by sequential search (Knuth): exact, cheap for small means.
    const double limit = std::exp(-mean);
    double product = uniform();
    std::uint64_t k = 0;
    while (product > limit) {
      product *= uniform();
      ++k;
    }
    return k;
  }
  // PTRS: W. Hörmann, "The transformed rejection method for generating Poisson random
  // variables", Insurance: Mathematics and Economics 12, 39 (1993).
  const double slam = std::sqrt(mean);
  const double loglam = std::log(mean);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2);
  while (true) {
    const double u = uniform() - 0.5;
    const double v = uniform();
    const double us = 0.5 - std::abs(u);
    const double k = std::floor((2 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<std::uint64_t>(k);
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b) <=
        -mean + k * loglam - std::lgamma(k + 1)) {
      return static_cast<std::uint64_t>(k);
    }
  }
}

}  // namespace nanomix
