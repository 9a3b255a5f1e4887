#pragma once
// Distances between persistence diagrams. Only the finite points take part (the one infinite H0
// class of every connected complex is dropped from both sides). Ground metric L∞ between points
// (the convention of GUDHI and Hera), so a point (b, d) is (d − b)/2 from the diagonal.
//   bottleneck:  GUDHI's Bottleneck_distance, exact (e = 0)
//   Wasserstein: W_p = (min over matchings Σ ‖x − m(x)‖∞^p)^(1/p), a point either matched to a
//                point of the other diagram or to the diagonal. Exact by default
//                (`WassersteinMethod::exact`):
//     * line: when every finite point of a has one birth b_a and every one of b one birth b_b (H0
//       of an unweighted or one-species complex), the cost of matching (b_a, x) to (b_b, y) is
//       f(x − y) = max(|b_a − b_b|, |x − y|)^p, convex in x − y, so an optimal matching never
//       crosses in death order: a dynamic programme over the two sorted death lists, O(n m).
//     * otherwise: a pair (x, y) can be in an optimal matching only when
//       ‖x − y‖^p < diag(x)^p + diag(y)^p (else sending both to the diagonal costs no more);
//       the graph of such pairs splits into connected components, and on each one the
//       assignment maximising Σ (diag(x)^p + diag(y)^p − ‖x − y‖^p) is solved exactly by the
//       Hungarian algorithm (shortest augmenting paths with potentials, O(k³) for k points).
//       A component of more than `hungarian_limit` points falls back to Hera (below).
//     The exponent is applied by multiplication for integer p ≤ 8 (std::pow otherwise).
//   `WassersteinMethod::hera`: Hera's auction algorithm to a relative error `relative_error`
//     (Hera's delta); kept as the independent reference of the tests and for huge components.
#include <cstddef>
#include <utility>
#include <vector>

#include "topology/diagram.hpp"

namespace nanomix::topology {

enum class WassersteinMethod { exact, hera };
inline constexpr std::size_t hungarian_limit = 3000;

double bottleneck_distance(const Diagram& a, const Diagram& b);
double wasserstein_distance(const Diagram& a, const Diagram& b, double p, double relative_error = 1e-4,
                            WassersteinMethod method = WassersteinMethod::exact);
/// W_p(a, b)^p (the optimal matching's cost itself, which the tests sum over dimensions).
double wasserstein_cost(const Diagram& a, const Diagram& b, double p, double relative_error = 1e-4,
                        WassersteinMethod method = WassersteinMethod::exact);

/// Same, on bare (birth, death) lists (finite points only).
double bottleneck_distance(const std::vector<std::pair<double, double>>& a, const std::vector<std::pair<double, double>>& b);
double wasserstein_distance(const std::vector<std::pair<double, double>>& a, const std::vector<std::pair<double, double>>& b,
                            double p, double relative_error = 1e-4, WassersteinMethod method = WassersteinMethod::exact);
double wasserstein_cost(const std::vector<std::pair<double, double>>& a, const std::vector<std::pair<double, double>>& b,
                        double p, double relative_error = 1e-4, WassersteinMethod method = WassersteinMethod::exact);

}  // namespace nanomix::topology
