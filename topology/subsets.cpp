#include "topology/subsets.hpp"

#include "core/elements.hpp"
#include "core/error.hpp"

namespace nanomix::topology {

const std::vector<std::string>& subset_names() {
  static const std::vector<std::string> names = {"ions", "anions", "Na", "Cl", "I"};
  return names;
}

std::vector<int> subset_indices(const Frame& frame, const std::string& name) {
  auto keep = [&](int z) {
    if (name == "ions") return z != carbon_z;
    if (name == "anions") return z == chlorine_z || z == iodine_z;
    if (name == "Na") return z == sodium_z;
    if (name == "Cl") return z == chlorine_z;
    if (name == "I") return z == iodine_z;
    throw InputError("unknown subset '" + name + "' (ions, anions, Na, Cl, I)");
  };
  std::vector<int> out;
  for (std::size_t i = 0; i < frame.size(); ++i)
    if (keep(frame.atomic_numbers[i])) out.push_back(static_cast<int>(i));
  if (frame.size() == 0) keep(0);  // still reject an unknown name
  return out;
}

}  // namespace nanomix::topology
