#pragma once
// A snapshot of atoms: what every stage of nanomix passes along.
#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace nanomix {

/// N×3 array of Cartesian coordinates, one atom per row (row-major, so the data pointer is
/// x0 y0 z0 x1 y1 z1 …, as LAMMPS and HDF5 want it).
using Positions = Eigen::Matrix<double, Eigen::Dynamic, 3, Eigen::RowMajor>;

/// Simulation cell. The origin is (0, 0, 0); the rows of `edges_angstrom` are the cell vectors
/// a, b, c (ASE's and H5MD's convention). A non-periodic axis still has a length: the extent of
/// the region the atoms occupy (used for imaging and as a LAMMPS box with 'f'/'s' boundaries).
struct Box {
  Eigen::Matrix3d edges_angstrom = Eigen::Matrix3d::Zero();
  std::array<bool, 3> periodic{false, false, false};

  static Box orthorhombic(double lx_angstrom, double ly_angstrom, double lz_angstrom,
                          std::array<bool, 3> periodic);
  /// True when the cell vectors are along x, y and z.
  bool is_orthorhombic(double tolerance_angstrom = 1e-9) const;
  /// Lengths |a|, |b|, |c| in Å.
  Eigen::Vector3d lengths_angstrom() const;
  double volume_angstrom3() const;
};

/// Atoms at one instant. Positions in Å, time in ps, species as atomic numbers.
struct Frame {
  Positions positions_angstrom;
  std::vector<int> atomic_numbers;
  Box box;
  double time_ps = 0.0;
  std::int64_t step = 0;

  std::size_t size() const { return atomic_numbers.size(); }
  /// Throws InputError if the arrays disagree in length, a coordinate is not finite or a
  /// species is not an element. `what` names the source (a file) in the message.
  void validate(const std::string& what) const;
  /// Number of atoms of atomic number z.
  std::size_t count(int atomic_number) const;
  /// Shortest distance between two atoms (minimum image along periodic orthorhombic axes);
  /// +inf for fewer than two atoms. O(N log N) with a cell list.
  double min_distance_angstrom() const;
  /// Appends the atoms of `other` (box and time of *this are kept).
  void append(const Frame& other);
};

}  // namespace nanomix
