#include "core/neighbors.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.hpp"

namespace nanomix {

Eigen::Vector3d displacement_angstrom(const Frame& frame, int i, int j) {
  Eigen::Vector3d d = frame.positions_angstrom.row(j) - frame.positions_angstrom.row(i);
  const Eigen::Vector3d lengths = frame.box.lengths_angstrom();
  for (int k = 0; k < 3; ++k) {
    if (frame.box.periodic[k] && lengths[k] > 0) d[k] -= lengths[k] * std::round(d[k] / lengths[k]);
  }
  return d;
}

void for_each_pair_within(const Frame& frame, double cutoff_angstrom,
                          const std::function<void(int, int, double)>& visit) {
  const int n = static_cast<int>(frame.size());
  if (n < 2) return;
  if (!(cutoff_angstrom > 0)) throw InputError("neighbour cut-off must be positive");
  const bool any_periodic = frame.box.periodic[0] || frame.box.periodic[1] || frame.box.periodic[2];
  if (any_periodic && !frame.box.is_orthorhombic()) {
    throw InputError("neighbour search: periodic triclinic boxes are not supported");
  }
  const Eigen::Vector3d lengths = frame.box.lengths_angstrom();
  const auto& p = frame.positions_angstrom;

  // Cell grid over the bounding region: the box along periodic axes, the atoms' extent otherwise.
  Eigen::Vector3d lo, span;
  Eigen::Vector3i cells;
  for (int k = 0; k < 3; ++k) {
    if (frame.box.periodic[k]) {
      if (cutoff_angstrom * 2 > lengths[k]) {
        throw InputError("neighbour cut-off " + std::to_string(cutoff_angstrom) +
                         " Å exceeds half the periodic box length " + std::to_string(lengths[k]) + " Å");
      }
      lo[k] = 0;
      span[k] = lengths[k];
      cells[k] = std::max(1, static_cast<int>(std::floor(span[k] / cutoff_angstrom)));
    } else {
      lo[k] = p.col(k).minCoeff();
      span[k] = std::max(p.col(k).maxCoeff() - lo[k], 1e-9);
      cells[k] = std::max(1, std::min(static_cast<int>(std::floor(span[k] / cutoff_angstrom)), 1024));
    }
  }
  auto cell_of = [&](int i) {
    Eigen::Vector3i c;
    for (int k = 0; k < 3; ++k) {
      double x = p(i, k) - lo[k];
      if (frame.box.periodic[k]) x -= span[k] * std::floor(x / span[k]);
      c[k] = std::clamp(static_cast<int>(x / span[k] * cells[k]), 0, cells[k] - 1);
    }
    return c;
  };
  const long total = static_cast<long>(cells[0]) * cells[1] * cells[2];
  std::vector<int> head(static_cast<std::size_t>(total), -1), next(static_cast<std::size_t>(n), -1);
  auto index = [&](const Eigen::Vector3i& c) {
    return (static_cast<long>(c[0]) * cells[1] + c[1]) * cells[2] + c[2];
  };
  for (int i = 0; i < n; ++i) {
    const long id = index(cell_of(i));
    next[i] = head[id];
    head[id] = i;
  }
  const double cut2 = cutoff_angstrom * cutoff_angstrom;
  std::vector<long> neighbour_cells;
  for (int i = 0; i < n; ++i) {
    const Eigen::Vector3i ci = cell_of(i);
    neighbour_cells.clear();
    for (int dx = -1; dx <= 1; ++dx)
      for (int dy = -1; dy <= 1; ++dy)
        for (int dz = -1; dz <= 1; ++dz) {
          Eigen::Vector3i c = ci + Eigen::Vector3i(dx, dy, dz);
          bool inside = true;
          for (int k = 0; k < 3; ++k) {
            if (frame.box.periodic[k]) {
              c[k] = (c[k] % cells[k] + cells[k]) % cells[k];
            } else if (c[k] < 0 || c[k] >= cells[k]) {
              inside = false;
            }
          }
          if (inside) neighbour_cells.push_back(index(c));
        }
    std::sort(neighbour_cells.begin(), neighbour_cells.end());
    neighbour_cells.erase(std::unique(neighbour_cells.begin(), neighbour_cells.end()), neighbour_cells.end());
    for (long id : neighbour_cells) {
      for (int j = head[id]; j != -1; j = next[j]) {
        if (j <= i) continue;
        const double d2 = displacement_angstrom(frame, i, j).squaredNorm();
        if (d2 < cut2) visit(i, j, std::sqrt(d2));
      }
    }
  }
}

}  // namespace nanomix
