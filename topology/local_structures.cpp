#include "topology/local_structures.hpp"

#include <algorithm>

namespace nanomix::topology {

bool Region::contains(const PersistencePair& p) const {
  return p.finite() && p.birth >= birth_min && p.birth <= birth_max && p.death >= death_min && p.death <= death_max &&
         p.persistence() >= min_persistence;
}

std::vector<int> atoms_in_region(const FrameDiagrams& d, const Region& region) {
  std::vector<int> atoms;
  if (region.dimension < 0 || region.dimension > 2) return atoms;
  for (const auto& p : d.dims[static_cast<std::size_t>(region.dimension)]) {
    if (!region.contains(p)) continue;
    for (int a : p.birth_atoms)
      if (a >= 0) atoms.push_back(a);
    for (int a : p.death_atoms)
      if (a >= 0) atoms.push_back(a);
  }
  std::sort(atoms.begin(), atoms.end());
  atoms.erase(std::unique(atoms.begin(), atoms.end()), atoms.end());
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

}  // namespace nanomix::topology
