#pragma once
// Reproducible random streams. Every stream is derived from (seed, purpose, index…), so results
// do not depend on threads, ranks or the order in which frames are processed. The transforms
// from bits to numbers are our own (std:: distributions differ between standard libraries).
#include <cstdint>
#include <random>

namespace nanomix {

/// Purposes of random streams; a new purpose gets a new number, never a reused one.
enum class RandomPurpose : std::uint64_t {
  cluster_build = 1,
  velocities = 2,
  beam_kicks = 3,
  dose_noise = 4,
  permutation_test = 5,
  md_swaps = 6,
  tube_vibration = 7,
};

/// SplitMix64 finaliser: a bijective 64-bit mix.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// Seed of the stream for (seed, purpose, a, b): e.g. (config seed, dose_noise, frame, 0).
constexpr std::uint64_t derive_seed(std::uint64_t seed, RandomPurpose purpose, std::uint64_t a = 0,
                                    std::uint64_t b = 0) {
  return mix64(mix64(mix64(seed ^ mix64(static_cast<std::uint64_t>(purpose))) ^ a) ^ mix64(b + 1));
}

/// The 64-bit Mersenne Twister: exactly std::mt19937_64's output sequence (which the standard
/// fixes; tests/core compare the two), made a block of 312 numbers at a time by loops that
/// vectorise: the state update and the tempering of the whole block. libstdc++'s engine tempers one
/// number per call and its state update runs ~3.5x slower on the x86-64 baseline; the dose noise
/// draws ~10 numbers per pixel.
class Mt19937_64 {
 public:
  using result_type = std::uint64_t;
  explicit Mt19937_64(std::uint64_t seed);
  std::uint64_t operator()() {
    if (next_ == kN) refill();
    return out_[next_++];
  }
  static constexpr std::uint64_t min() { return 0; }
  static constexpr std::uint64_t max() { return ~std::uint64_t{0}; }

 private:
  static constexpr int kN = 312;  // state size in words (the standard's n)
  void refill();                  // the next 312 states, tempered into out_
  std::uint64_t state_[kN];
  std::uint64_t out_[kN];
  int next_ = kN;  // next unread element of out_
};

/// A random stream (the std::mt19937_64 sequence, see Mt19937_64).
class Rng {
 public:
  explicit Rng(std::uint64_t stream_seed) : engine_(stream_seed) {}
  Rng(std::uint64_t seed, RandomPurpose purpose, std::uint64_t a = 0, std::uint64_t b = 0)
      : engine_(derive_seed(seed, purpose, a, b)) {}

  std::uint64_t bits() { return engine_(); }
  /// Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  /// Uniform in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  /// Uniform integer in [0, n) without modulo bias (n > 0).
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % n);
    std::uint64_t x;
    do x = engine_(); while (x >= limit);
    return x % n;
  }
  /// Standard normal deviate (Box–Muller; one value per call).
  double normal();
  /// Poisson deviate with mean lambda >= 0 (inversion for small means, PTRS for large ones).
  std::uint64_t poisson(double mean);

 private:
  Mt19937_64 engine_;
};

/// Fisher–Yates shuffle with an Rng (portable, unlike std::shuffle).
template <class Container>
void shuffle(Container& c, Rng& rng) {
  for (std::size_t i = c.size(); i > 1; --i) {
    const std::size_t j = static_cast<std::size_t>(rng.below(i));
    std::swap(c[i - 1], c[j]);
  }
}

}  // namespace nanomix
