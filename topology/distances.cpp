// The Hera/GUDHI-bottleneck translation unit.
#include "topology/distances.hpp"

#include <gudhi/Bottleneck.h>
#include <hera/wasserstein/wasserstein.h>

#include <cmath>
#include <stdexcept>

#include "core/error.hpp"

namespace nanomix::topology {

double bottleneck_distance(const std::vector<std::pair<double, double>>& a, const std::vector<std::pair<double, double>>& b) {
  if (a.empty() && b.empty()) return 0.0;
  return Gudhi::persistence_diagram::bottleneck_distance(a, b, 0.0);
}

double wasserstein_distance(const std::vector<std::pair<double, double>>& a, const std::vector<std::pair<double, double>>& b,
                            double p, double relative_error) {
  if (!(p >= 1.0) || !std::isfinite(p)) throw InputError("Wasserstein distance: p must be finite and >= 1");
  if (!(relative_error > 0.0)) throw InputError("Wasserstein distance: relative error must be > 0");
  if (a.empty() && b.empty()) return 0.0;
  // one side empty: every point goes to the diagonal, at L∞ distance (d − b)/2
  if (a.empty() || b.empty()) {
    const auto& c = a.empty() ? b : a;
    double s = 0.0;
    for (const auto& [x, y] : c) s += std::pow(std::abs(y - x) / 2.0, p);
    return std::pow(s, 1.0 / p);
  }
  hera::AuctionParams<double> params;
  params.wasserstein_power = p;
  params.delta = relative_error;
  params.internal_p = hera::get_infinity<double>();
  try {
    return hera::wasserstein_dist(a, b, params);
  } catch (const std::exception& e) {
    throw RuntimeError(std::string("Wasserstein distance (Hera): ") + e.what());
  }
}

double bottleneck_distance(const Diagram& a, const Diagram& b) { return bottleneck_distance(finite_points(a), finite_points(b)); }

double wasserstein_distance(const Diagram& a, const Diagram& b, double p, double relative_error) {
  return wasserstein_distance(finite_points(a), finite_points(b), p, relative_error);
}

}  // namespace nanomix::topology
