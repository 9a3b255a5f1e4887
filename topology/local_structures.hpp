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

/// The atoms of a point's birth and death simplices, sorted and unique (what the diagrams file
/// stores of every point; the few most persistent H1 points also have a cycle, below).
std::vector<int> simplex_atoms(const PersistencePair& p);

/// The representative cycle of point `point` of d.dims[1], or nullptr when none is stored.
const Cycle* cycle_of(const FrameDiagrams& d, std::size_t point);
/// The atoms of a cycle's edges, sorted and unique.
std::vector<int> cycle_atoms(const Cycle& c);

/// A feature followed across consecutive frames: in frame first_frame + k it is point points[k] of
/// that frame's diagram. peak = the k of its largest persistence.
struct FeatureTrack {
  std::size_t first_frame = 0;
  std::vector<std::size_t> points;
  std::size_t peak = 0;
  std::size_t frames() const { return points.size(); }
};

/// The `count` most persistent finite points of `dimension` over all frames, each followed from its
/// own frame backward and forward through consecutive frames: a point of the neighbouring frame
/// continues it when its simplex atoms share at least `min_shared` with the current one's (the most
/// shared wins, ties to the closer persistence) and its persistence is at least `min_persistence`
/// (a ring that closed is not continued by a short-lived point on its atoms), until none does. A
/// point already in a track is not picked or continued again, so the tracks are distinct. Most
/// persistent first.
std::vector<FeatureTrack> persistent_features(const std::vector<FrameDiagrams>& frames, int dimension, std::size_t count,
                                             int min_shared = 3, double min_persistence = 0);

}  // namespace nanomix::topology
