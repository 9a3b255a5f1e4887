#include "core/random.hpp"

#include <cmath>

namespace nanomix {

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
