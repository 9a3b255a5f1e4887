#pragma once
// The inverse map: from diagram points in a chosen region back to the atoms that create and destroy
// them (the vertices of the birth and death simplices). With the region set around the I-rich
// rings (H1) or voids (H2) that appear before NaI crystallises, the atoms returned per frame are the
// "high-contrast local structures", located automatically; an overlay of a movie frame marks them.
#include <limits>
#include <vector>

#include "topology/diagram.hpp"

namespace nanomix::topology {

struct Region {
  int dimension = 1;
  double birth_min = -std::numeric_limits<double>::infinity(), birth_max = std::numeric_limits<double>::infinity();
  double death_min = -std::numeric_limits<double>::infinity(), death_max = std::numeric_limits<double>::infinity();
  double min_persistence = 0.0;
  bool contains(const PersistencePair& p) const;
};

/// Sorted, unique atom indices behind the pairs of `d` inside `region` (finite pairs only).
std::vector<int> atoms_in_region(const FrameDiagrams& d, const Region& region);
/// Number of pairs of `d` inside `region`.
std::size_t pairs_in_region(const FrameDiagrams& d, const Region& region);
/// One atom list per frame.
std::vector<std::vector<int>> local_structures(const std::vector<FrameDiagrams>& frames, const Region& region);

}  // namespace nanomix::topology
