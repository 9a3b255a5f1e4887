#pragma once
// The atom subsets persistent homology is computed on: ions, anions, Na, Cl, I.
#include <string>
#include <vector>

#include "core/frame.hpp"

namespace nanomix::topology {

/// Names accepted in [topology] subsets.
const std::vector<std::string>& subset_names();
/// Indices of the atoms of `frame` in subset `name` (ions = every non-carbon atom; anions = Cl
/// and I). InputError for an unknown name.
std::vector<int> subset_indices(const Frame& frame, const std::string& name);

}  // namespace nanomix::topology
