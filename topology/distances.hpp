#pragma once
// Distances between persistence diagrams. Only the finite points take part (the one infinite H0
// class of every connected complex is dropped from both sides). Ground metric L∞ between points
// (the convention of GUDHI and Hera), so a point (b, d) is (d − b)/2 from the diagonal.
//   bottleneck:  GUDHI's Bottleneck_distance, exact (e = 0)
//   Wasserstein: Hera's auction algorithm, W_p = (min over matchings Σ ‖x − m(x)‖∞^p)^(1/p), to a
//                relative error `relative_error` (Hera's delta)
#include <vector>

#include "topology/diagram.hpp"

namespace nanomix::topology {

double bottleneck_distance(const Diagram& a, const Diagram& b);
double wasserstein_distance(const Diagram& a, const Diagram& b, double p, double relative_error = 1e-4);

/// Same, on bare (birth, death) lists (finite points only).
double bottleneck_distance(const std::vector<std::pair<double, double>>& a, const std::vector<std::pair<double, double>>& b);
double wasserstein_distance(const std::vector<std::pair<double, double>>& a, const std::vector<std::pair<double, double>>& b,
                            double p, double relative_error = 1e-4);

}  // namespace nanomix::topology
