#include "topology/local_structures.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace nanomix::topology {

bool Region::contains(const PersistencePair& p) const {
  return p.finite() && p.birth >= birth_min && p.birth <= birth_max && p.death >= death_min && p.death <= death_max &&
         p.persistence() >= min_persistence;
}

namespace {
/// The known atoms (>= 0) of a pair's birth and death simplices, appended.
void append_atoms(const PersistencePair& p, std::vector<int>& atoms) {
  for (int a : p.birth_atoms)
    if (a >= 0) atoms.push_back(a);
  for (int a : p.death_atoms)
    if (a >= 0) atoms.push_back(a);
}

void sort_unique(std::vector<int>& atoms) {
  std::sort(atoms.begin(), atoms.end());
  atoms.erase(std::unique(atoms.begin(), atoms.end()), atoms.end());
}
}  // namespace

std::vector<int> atoms_in_region(const FrameDiagrams& d, const Region& region) {
  std::vector<int> atoms;
  if (region.dimension < 0 || region.dimension > 2) return atoms;
  for (const auto& p : d.dims[static_cast<std::size_t>(region.dimension)])
    if (region.contains(p)) append_atoms(p, atoms);
  sort_unique(atoms);
  return atoms;
}

std::size_t pairs_in_region(const FrameDiagrams& d, const Region& region) {
  if (region.dimension < 0 || region.dimension > 2) return 0;
  const auto& dg = d.dims[static_cast<std::size_t>(region.dimension)];
  return static_cast<std::size_t>(std::count_if(dg.begin(), dg.end(), [&](const PersistencePair& p) { return region.contains(p); }));
}

std::vector<std::vector<int>> local_structures(const std::vector<FrameDiagrams>& frames, const Region& region) {
  std::vector<std::vector<int>> out;
  out.reserve(frames.size());
  for (const auto& f : frames) out.push_back(atoms_in_region(f, region));
  return out;
}

std::vector<int> simplex_atoms(const PersistencePair& p) {
  std::vector<int> atoms;
  append_atoms(p, atoms);
  sort_unique(atoms);
  return atoms;
}

const Cycle* cycle_of(const FrameDiagrams& d, std::size_t point) {
  for (const auto& c : d.cycles)
    if (c.point == point) return &c;
  return nullptr;
}

std::vector<int> cycle_atoms(const Cycle& c) {
  std::vector<int> atoms;
  for (const auto& e : c.edges) atoms.insert(atoms.end(), {e[0], e[1]});
  sort_unique(atoms);
  return atoms;
}

namespace {

using Used = std::vector<std::vector<char>>;  // [frame][point]: already in a track

/// The unused point of `frame` that continues `p` (see persistent_features), or -1.
long continuation(const Diagram& frame, const std::vector<char>& used, const PersistencePair& p, int min_shared, double min_persistence) {
  const auto atoms = simplex_atoms(p);
  long best = -1;
  int best_shared = 0;
  double best_gap = 0;
  for (std::size_t i = 0; i < frame.size(); ++i) {
    if (used[i] || !frame[i].finite() || frame[i].persistence() < min_persistence) continue;
    const auto other = simplex_atoms(frame[i]);
    std::vector<int> common;
    std::set_intersection(atoms.begin(), atoms.end(), other.begin(), other.end(), std::back_inserter(common));
    const int shared = static_cast<int>(common.size());
    const double gap = std::abs(frame[i].persistence() - p.persistence());
    if (shared < min_shared || shared < best_shared || (shared == best_shared && gap >= best_gap)) continue;
    best = static_cast<long>(i), best_shared = shared, best_gap = gap;
  }
  return best;
}

}  // namespace

std::vector<FeatureTrack> persistent_features(const std::vector<FrameDiagrams>& frames, int dimension, std::size_t count,
                                             int min_shared, double min_persistence) {
  std::vector<FeatureTrack> tracks;
  if (dimension < 0 || dimension > 2) return tracks;
  const auto d = static_cast<std::size_t>(dimension);
  Used used(frames.size());
  std::vector<std::pair<std::size_t, std::size_t>> order;  // (frame, point), most persistent first
  for (std::size_t f = 0; f < frames.size(); ++f) {
    used[f].assign(frames[f].dims[d].size(), 0);
    for (std::size_t i = 0; i < frames[f].dims[d].size(); ++i)
      if (frames[f].dims[d][i].finite()) order.emplace_back(f, i);
  }
  auto point = [&](const std::pair<std::size_t, std::size_t>& fi) -> const PersistencePair& { return frames[fi.first].dims[d][fi.second]; };
  std::stable_sort(order.begin(), order.end(), [&](const auto& a, const auto& b) { return point(a).persistence() > point(b).persistence(); });
  for (const auto& start : order) {
    if (tracks.size() >= count) break;
    if (used[start.first][start.second]) continue;
    used[start.first][start.second] = 1;
    std::vector<std::size_t> before, after;
    for (int step : {-1, 1}) {
      auto at = start;
      auto& chain = step < 0 ? before : after;
      while ((step < 0 && at.first > 0) || (step > 0 && at.first + 1 < frames.size())) {
        const std::size_t next = step < 0 ? at.first - 1 : at.first + 1;
        const long i = continuation(frames[next].dims[d], used[next], point(at), min_shared, min_persistence);
        if (i < 0) break;
        at = {next, static_cast<std::size_t>(i)};
        used[next][at.second] = 1;
        chain.push_back(at.second);
      }
    }
    FeatureTrack t;
    t.first_frame = start.first - before.size();
    t.points.assign(before.rbegin(), before.rend());
    t.peak = t.points.size();
    t.points.push_back(start.second);
    t.points.insert(t.points.end(), after.begin(), after.end());
    tracks.push_back(std::move(t));
  }
  return tracks;
}

}  // namespace nanomix::topology
