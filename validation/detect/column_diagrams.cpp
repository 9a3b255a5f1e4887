// The image route into topology, for validation: 2D alpha-complex persistence diagrams (GUDHI;
// filtration values are squared radii in Å², GUDHI's convention) of two point sets per frame —
// detected columns and projected ground-truth columns — and the bottleneck distance between them
// in dimensions 0 and 1 (GUDHI's Bottleneck_distance, exact: e = 0).
//
// Usage: column_diagrams A.txt B.txt   (lines "frame x_angstrom y_angstrom")
// Prints one line per frame present in either file: "frame bottleneck_dim0 bottleneck_dim1
// points_a points_b". Infinite bars (the one H0 class) are dropped before comparing.
//
// This uses GUDHI directly because nanomix's topology library has no 2D diagrams yet; when it
// does, this program should call it instead.
#include <gudhi/Alpha_complex.h>
#include <gudhi/Bottleneck.h>
#include <gudhi/Persistent_cohomology.h>
#include <gudhi/Simplex_tree.h>

#include <CGAL/Epick_d.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <utility>
#include <vector>

namespace {

using Kernel = CGAL::Epick_d<CGAL::Dimension_tag<2>>;
using Point = Kernel::Point_d;
using Diagram = std::vector<std::pair<double, double>>;

std::map<int, std::vector<Point>> read_points(const char* path) {
  std::map<int, std::vector<Point>> frames;
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
    if (ls >> f >> x >> y) frames[f].push_back(Point(x, y));
  }
  return frames;
}

std::array<Diagram, 2> diagrams(const std::vector<Point>& points) {
  std::array<Diagram, 2> out;
  if (points.size() < 2) return out;
  Gudhi::alpha_complex::Alpha_complex<Kernel> alpha(points);
  Gudhi::Simplex_tree<> st;
  if (!alpha.create_complex(st)) return out;
  Gudhi::persistent_cohomology::Persistent_cohomology<Gudhi::Simplex_tree<>, Gudhi::persistent_cohomology::Field_Zp> pcoh(st);
  pcoh.init_coefficients(2);
  pcoh.compute_persistent_cohomology();
  for (int d = 0; d < 2; ++d) {
    for (const auto& [birth, death] : pcoh.intervals_in_dimension(d)) {
      if (std::isfinite(death)) out[static_cast<std::size_t>(d)].emplace_back(birth, death);
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: column_diagrams A.txt B.txt\n";
    return 2;
  }
  auto a = read_points(argv[1]);
  auto b = read_points(argv[2]);
  std::map<int, int> all;
  for (const auto& [f, p] : a) all[f] = 1;
  for (const auto& [f, p] : b) all[f] = 1;
  for (const auto& [f, unused] : all) {
    const auto da = diagrams(a[f]);
    const auto db = diagrams(b[f]);
    const double b0 = Gudhi::persistence_diagram::bottleneck_distance(da[0], db[0], 0.0);
    const double b1 = Gudhi::persistence_diagram::bottleneck_distance(da[1], db[1], 0.0);
    std::printf("%d %.6g %.6g %zu %zu\n", f, b0, b1, a[f].size(), b[f].size());
  }
  return 0;
}
