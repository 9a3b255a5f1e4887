// The image route into topology, for validation: 2D alpha-complex persistence diagrams of two point
// sets per frame — detected columns and projected ground-truth columns — with nanomix's topology
// library (topology::alpha_diagrams_2d: GUDHI, filtration values = squared radii in Å²), and the
// bottleneck distance between them in dimensions 0 and 1 over the finite points (the one infinite
// H0 class of each set is left out), exact (GUDHI's Bottleneck_distance with e = 0: the topology
// library's distances were not committed yet when this was written; swap in
// topology::bottleneck_distance once they are).
//
// Usage: detect_column_diagrams A.txt B.txt   (lines "frame x_angstrom y_angstrom")
// Prints one line per frame present in either file: "frame bottleneck_dim0 bottleneck_dim1
// points_a points_b".
#include <gudhi/Bottleneck.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <vector>

#include "topology/diagram.hpp"
#include "topology/persistence.hpp"

namespace {

std::map<int, std::vector<double>> read_points(const char* path) {
  std::map<int, std::vector<double>> frames;
  std::ifstream in(path);
  if (!in) {
    std::cerr << path << ": cannot open\n";
    std::exit(2);
  }
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    int f;
    double x, y;
    if (ls >> f >> x >> y) {
      frames[f].push_back(x);
      frames[f].push_back(y);
    }
  }
  return frames;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace nanomix::topology;
  if (argc != 3) {
    std::cerr << "usage: detect_column_diagrams A.txt B.txt\n";
    return 2;
  }
  auto a = read_points(argv[1]);
  auto b = read_points(argv[2]);
  std::map<int, int> all;
  for (const auto& [f, p] : a) all[f] = 1;
  for (const auto& [f, p] : b) all[f] = 1;
  for (const auto& [f, unused] : all) {
    const FrameDiagrams da = alpha_diagrams_2d(a[f]);
    const FrameDiagrams db = alpha_diagrams_2d(b[f]);
    const double b0 = Gudhi::persistence_diagram::bottleneck_distance(finite_points(da.dims[0]), finite_points(db.dims[0]), 0.0);
    const double b1 = Gudhi::persistence_diagram::bottleneck_distance(finite_points(da.dims[1]), finite_points(db.dims[1]), 0.0);
    std::printf("%d %.6g %.6g %zu %zu\n", f, b0, b1, a[f].size() / 2, b[f].size() / 2);
  }
  return 0;
}
