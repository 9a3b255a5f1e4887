#include "core/frame.hpp"

#include <Eigen/LU>
#include <cmath>
#include <limits>
#include <string>

#include "core/elements.hpp"
#include "core/error.hpp"
#include "core/neighbors.hpp"

namespace nanomix {

Box Box::orthorhombic(double lx, double ly, double lz, std::array<bool, 3> periodic) {
  Box b;
  b.edges_angstrom = Eigen::Vector3d(lx, ly, lz).asDiagonal();
  b.periodic = periodic;
  return b;
}

bool Box::is_orthorhombic(double tolerance) const {
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c)
      if (r != c && std::abs(edges_angstrom(r, c)) > tolerance) return false;
  return true;
}

Eigen::Vector3d Box::lengths_angstrom() const { return edges_angstrom.rowwise().norm(); }

double Box::volume_angstrom3() const { return std::abs(edges_angstrom.determinant()); }

void Frame::validate(const std::string& what) const {
  if (static_cast<std::size_t>(positions_angstrom.rows()) != atomic_numbers.size()) {
    throw InputError(what + ": " + std::to_string(positions_angstrom.rows()) + " positions but " +
                     std::to_string(atomic_numbers.size()) + " species");
  }
  for (std::size_t i = 0; i < atomic_numbers.size(); ++i) {
    if (!is_element(atomic_numbers[i])) {
      throw InputError(what + ": atom " + std::to_string(i) + " has unknown atomic number " +
                       std::to_string(atomic_numbers[i]));
    }
    if (!positions_angstrom.row(static_cast<Eigen::Index>(i)).allFinite()) {
      throw InputError(what + ": atom " + std::to_string(i) + " has a non-finite coordinate");
    }
  }
  if (!box.edges_angstrom.allFinite()) throw InputError(what + ": the cell has a non-finite edge");
}

std::size_t Frame::count(int z) const {
  std::size_t n = 0;
  for (int s : atomic_numbers) n += (s == z);
  return n;
}

double Frame::min_distance_angstrom() const {
  double best = std::numeric_limits<double>::infinity();
  if (size() < 2) return best;
  // A cut-off that catches any pair in condensed matter; fall back to all pairs if none is found.
  double cutoff = 4.0;
  const Eigen::Vector3d lengths = box.lengths_angstrom();
  for (int k = 0; k < 3; ++k)
    if (box.periodic[k]) cutoff = std::min(cutoff, 0.499 * lengths[k]);
  for_each_pair_within(*this, cutoff, [&](int, int, double d) { best = std::min(best, d); });
  if (std::isinf(best)) {
    const int n = static_cast<int>(size());
    for (int i = 0; i < n; ++i)
      for (int j = i + 1; j < n; ++j) best = std::min(best, displacement_angstrom(*this, i, j).norm());
  }
  return best;
}

void Frame::append(const Frame& other) {
  const Eigen::Index n0 = positions_angstrom.rows();
  positions_angstrom.conservativeResize(n0 + other.positions_angstrom.rows(), 3);
  positions_angstrom.bottomRows(other.positions_angstrom.rows()) = other.positions_angstrom;
  atomic_numbers.insert(atomic_numbers.end(), other.atomic_numbers.begin(), other.atomic_numbers.end());
}

}  // namespace nanomix
