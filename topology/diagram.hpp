#pragma once
// Persistence diagrams as nanomix passes them around: per homology dimension, the (birth, death)
// pairs with the atoms (or pixels) of the simplices (cells) that create and destroy each class.
#include <array>
#include <cstddef>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace nanomix::topology {

/// One point of a persistence diagram. Filtration values are in the unit of the complex (alpha:
/// squared radii in Å² by GUDHI's convention; cubical: image intensity). `death` is +inf for the
/// classes that never die (the one H0 class of a connected complex).
struct PersistencePair {
  double birth = 0.0;
  double death = std::numeric_limits<double>::infinity();
  /// Atom indices (into the frame) of the vertices of the birth simplex (d+1 of them) and of the
  /// death simplex (d+2), padded with -1; for cubical complexes of images, the pixel (x, y) of
  /// the top-dimensional cell behind the birth and death cells, then -1.
  std::array<int, 4> birth_atoms{-1, -1, -1, -1};
  std::array<int, 4> death_atoms{-1, -1, -1, -1};

  double persistence() const { return death - birth; }
  bool finite() const { return death < std::numeric_limits<double>::infinity(); }
};

using Diagram = std::vector<PersistencePair>;

/// A representative cycle of an H1 point (3D alpha complexes, topology/persistence.hpp): its edges
/// as atom index pairs (smaller index first). Over Z/2 a cycle is a set of edges in which every
/// atom has even degree; this one contains the point's birth edge, its other edges entered the
/// filtration before it, and it bounds in the complex at the point's death.
struct Cycle {
  std::size_t point = 0;  ///< index of the point in FrameDiagrams::dims[1]
  std::vector<std::array<int, 2>> edges;
};

/// The diagrams of one frame, dimensions 0 … 2 (2D complexes leave dimension 2 empty).
struct FrameDiagrams {
  std::array<Diagram, 3> dims;
  int max_dimension = 2;  ///< 1 for 2D complexes
  std::string note;       ///< why a frame has no complex (fewer than 4 points, coplanar …), else ""
  std::vector<Cycle> cycles;  ///< of the few most persistent finite H1 points (when asked), by point
  std::string cycles_note;    ///< cycles asked for but not stored (too long, planar complex …), else ""
};

/// (birth, death) of the finite points of `d` (the form the distances take).
std::vector<std::pair<double, double>> finite_points(const Diagram& d);

}  // namespace nanomix::topology
