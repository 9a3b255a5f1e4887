#include "core/config_schema.hpp"

namespace nanomix::schema {

// Keys of [compare]: simulated against experimental persistence diagrams (docs/topology.md).
std::vector<KeySpec> compare_keys() {
  const std::string s = "compare";
  return {
      path_key(s, "experimental", "", "nanomix run: the experimental movie (empty = compare two simulated mechanisms)"),
      real_key(s, "max_scale_ratio", 4.0, 1.0, 1000.0, "",
               "nanomix run: the experimental and simulated ([imaging]) pixel sizes may differ by at most this factor"),
      string_key(s, "subset", "", "diagram group to compare (/diagrams/<subset>; empty = the first one both files have)"),
      string_key(s, "statistic", "",
                 "diagram groups compared, each with its own tests, separated by spaces or commas: columns, heavy, light (detected "
                 "columns, all / class 1 / class 0), interior, image (cubical, movies), ions, anions, Na, Cl, I (atoms); empty = subset"),
      string_key(s, "dimensions", "0 1", "homology dimensions entering the tests, separated by spaces or commas"),
      real_key(s, "wasserstein_p", 2.0, 1.0, 100.0, "", "p of the Wasserstein distance used by the permutation test and the alignment"),
      choice_key(s, "wasserstein_method", "exact", {"exact", "hera"},
                 "exact: nanomix's exact solvers (death-order DP for one-birth H0 diagrams, Hungarian on pruned components); hera: Hera's auction (the old, slower path)"),
      real_key(s, "relative_error", 1e-3, 1e-9, 1.0, "", "relative error of Hera's Wasserstein distances (wasserstein_method = hera, or components over 3000 points)"),
      int_key(s, "permutations", 999, 1, 1e7, "", "random relabellings of each test"),
      int_key(s, "seed", 1, 0, 9.0e18, "", "seed of the permutation streams"),
      int_key(s, "max_diagrams", 40, 4, 100000, "", "at most this many frames per file enter the tests and the alignment (evenly spaced; the cost grows as its square)"),
      int_key(s, "image_pixels", 20, 1, 1000, "", "persistence images of the kernel test: pixels along each axis"),
      int_key(s, "threads", 0, 0, 4096, "", "threads for the distance matrices (0 = all cores)"),
  };
}

}  // namespace nanomix::schema
