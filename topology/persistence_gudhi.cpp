// The GUDHI/CGAL translation unit: alpha complexes (3D weighted/unweighted, 2D), cubical complexes
// of images, persistent cohomology over Z/2, and the atoms behind every pair.
#include <gudhi/Alpha_complex.h>
#include <gudhi/Alpha_complex_3d.h>
#include <gudhi/Bitmap_cubical_complex.h>
#include <gudhi/Persistent_cohomology.h>
#include <gudhi/Simplex_tree.h>

#include <CGAL/Epeck_d.h>
#include <CGAL/Epick_d.h>

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <numeric>
#include <tuple>
#include <unordered_map>

#include "core/error.hpp"
#include "topology/persistence.hpp"

namespace nanomix::topology {

std::vector<std::pair<double, double>> finite_points(const Diagram& d) {
  std::vector<std::pair<double, double>> out;
  out.reserve(d.size());
  for (const auto& p : d)
    if (p.finite()) out.emplace_back(p.birth, p.death);
  return out;
}

namespace {

// GUDHI's fast-persistence options with double filtration values (theirs are float: 1e-7 relative).
struct Simplex_tree_options : Gudhi::Simplex_tree_options_fast_persistence {
  typedef double Filtration_value;
};
using Simplex_tree = Gudhi::Simplex_tree<Simplex_tree_options>;
// For GUDHI's general-dimension alpha complexes, whose vertices are the input indices of the points
// in the triangulation: weighted points hidden by their neighbours' balls leave gaps in 0 … n−1,
// which the fast options' contiguous vertex lookup would misread.
struct Alpha_tree_options : Simplex_tree_options {
  static const bool contiguous_vertices = false;
};
using Alpha_tree = Gudhi::Simplex_tree<Alpha_tree_options>;
using Field_Zp = Gudhi::persistent_cohomology::Field_Zp;
constexpr double inf = std::numeric_limits<double>::infinity();

/// Sorts each diagram by (birth, death); the cycles follow their H1 points.
void sort_pairs(FrameDiagrams& out) {
  auto before = [](const PersistencePair& a, const PersistencePair& b) { return a.birth != b.birth ? a.birth < b.birth : a.death < b.death; };
  for (std::size_t d : {0u, 2u}) std::sort(out.dims[d].begin(), out.dims[d].end(), before);
  Diagram& h1 = out.dims[1];
  std::vector<std::size_t> order(h1.size()), position(h1.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return before(h1[a], h1[b]); });
  Diagram sorted;
  sorted.reserve(h1.size());
  for (std::size_t j = 0; j < order.size(); ++j) {
    sorted.push_back(h1[order[j]]);
    position[order[j]] = j;
  }
  h1.swap(sorted);
  for (auto& c : out.cycles) c.point = position[c.point];
  std::sort(out.cycles.begin(), out.cycles.end(), [](const Cycle& a, const Cycle& b) { return a.point < b.point; });
}

/// Sets every simplex's key to its position in the simplex tree's filtration order (GUDHI's
/// Persistent_cohomology numbers them so too, then clears the keys of the simplices that kill a
/// class, so they are set again after it).
template <class Complex>
void key_by_filtration(Complex& st) {
  typename Complex::Simplex_key k = 0;
  for (auto sh : st.filtration_simplex_range()) st.assign_key(sh, k++);
}

/// nanomix's Z/2 reduction of the triangles' boundary columns (persistence.hpp) in a filtered
/// complex keyed by key_by_filtration: every triangle up to key `last`. A column is the sorted
/// keys of its edges; its lowest edge is the last key. With `negative` (by key: the triangles that
/// kill an H1 class, from GUDHI's pairs), the other triangles are skipped (clearing): their columns
/// would reduce to zero and never serve as a pivot, so the non-zero columns are the same, and the
/// costly reductions to zero are saved.
template <class Complex>
class TriangleReduction {
 public:
  using Key = typename Complex::Simplex_key;
  using Handle = typename Complex::Simplex_handle;

  TriangleReduction(Complex& st, std::size_t last, const std::vector<char>* negative = nullptr) {
    std::vector<Key> column, sum;
    for (auto sh : st.filtration_simplex_range()) {
      const auto k = static_cast<std::size_t>(st.key(sh));
      if (k > last) break;
      if (k != handles_.size()) throw RuntimeError("alpha complex: simplex keys are not the filtration order");
      handles_.push_back(sh);
      if (st.dimension(sh) != 2 || (negative && !(*negative)[k])) continue;
      column.clear();
      for (auto face : st.boundary_simplex_range(sh)) column.push_back(st.key(face));
      std::sort(column.begin(), column.end());
      while (!column.empty()) {
        const auto it = column_of_low_.find(column.back());
        if (it == column_of_low_.end()) break;
        const auto& other = columns_[it->second];
        sum.clear();
        std::set_symmetric_difference(column.begin(), column.end(), other.begin(), other.end(), std::back_inserter(sum));
        column.swap(sum);
      }
      if (column.empty()) continue;  // a triangle that creates an H2 class (or a zero-persistence one)
      column_of_low_[column.back()] = columns_.size();
      column_of_triangle_[k] = columns_.size();
      triangles_.push_back(k);
      columns_.push_back(column);
    }
  }
  /// The reduced column of the triangle of key `k` (nullptr: zero, or not reduced).
  const std::vector<Key>* column(std::size_t k) const {
    const auto it = column_of_triangle_.find(k);
    return it == column_of_triangle_.end() ? nullptr : &columns_[it->second];
  }
  Handle handle(std::size_t k) const { return handles_[k]; }
  /// (triangle key, its reduced column) of every non-zero column: the H1 pairs (lowest edge, triangle).
  std::size_t size() const { return columns_.size(); }
  std::size_t triangle(std::size_t i) const { return triangles_[i]; }
  const std::vector<Key>& reduced(std::size_t i) const { return columns_[i]; }

 private:
  std::vector<Handle> handles_;  // by key
  std::vector<std::vector<Key>> columns_;
  std::vector<std::size_t> triangles_;
  std::unordered_map<std::size_t, std::size_t> column_of_low_, column_of_triangle_;
};

/// The cycles of the `count` most persistent of the H1 points `h1` (birth edge, death triangle,
/// index in out.dims[1]), into out.cycles (see persistence.hpp).
template <class Complex, class AtomOf, class Handle>
void representative_cycles(Complex& st, AtomOf atom_of, const std::vector<std::tuple<Handle, Handle, std::size_t>>& h1,
                           const std::vector<Handle>& killers, std::size_t count, FrameDiagrams& out) {
  auto persistence = [&](const auto& p) { return out.dims[1][std::get<2>(p)].persistence(); };
  auto chosen = h1;
  std::stable_sort(chosen.begin(), chosen.end(), [&](const auto& a, const auto& b) { return persistence(a) > persistence(b); });
  chosen.resize(std::min(count, chosen.size()));
  if (chosen.empty()) return;
  key_by_filtration(st);
  std::size_t last = 0;
  for (const auto& c : chosen) last = std::max(last, static_cast<std::size_t>(st.key(std::get<1>(c))));
  std::vector<char> negative(last + 1, 0);
  for (auto t : killers)
    if (static_cast<std::size_t>(st.key(t)) <= last) negative[static_cast<std::size_t>(st.key(t))] = 1;
  const TriangleReduction<Complex> reduction(st, last, &negative);
  std::size_t long_ones = 0, disagreeing = 0;
  for (const auto& [birth, death, index] : chosen) {
    const auto* column = reduction.column(static_cast<std::size_t>(st.key(death)));
    if (!column || static_cast<std::size_t>(column->back()) != static_cast<std::size_t>(st.key(birth))) {
      ++disagreeing;
      continue;
    }
    if (column->size() > max_cycle_edges) {
      ++long_ones;
      continue;
    }
    Cycle c;
    c.point = index;
    for (auto e : *column) {
      std::array<int, 2> edge{-1, -1};
      int k = 0;
      for (auto v : st.simplex_vertex_range(reduction.handle(static_cast<std::size_t>(e))))
        if (k < 2) edge[static_cast<std::size_t>(k++)] = atom_of(v);
      if (edge[0] > edge[1]) std::swap(edge[0], edge[1]);
      c.edges.push_back(edge);
    }
    std::sort(c.edges.begin(), c.edges.end());
    out.cycles.push_back(std::move(c));
  }
  if (long_ones > 0)
    out.cycles_note = std::to_string(long_ones) + " cycle(s) over " + std::to_string(max_cycle_edges) + " edges not stored";
  if (disagreeing > 0)  // never seen: the reduction and GUDHI pair the same simplices
    out.cycles_note += std::string(out.cycles_note.empty() ? "" : "; ") + std::to_string(disagreeing) +
                       " cycle(s) not stored: nanomix's reduction pairs their death triangle otherwise than GUDHI";
}

/// Persistent cohomology of a filtered simplicial complex; `atom_of(vertex)` gives the atom index.
/// Pairs of persistence ≤ `min_persistence` are dropped (GUDHI drops those of zero persistence).
/// With `cycles` > 0, the representative cycles of that many H1 points (persistence.hpp); with
/// `reduction_h1`, the H1 pairs of nanomix's reduction of every triangle (for the tests).
template <class Complex, class AtomOf>
void persistence_of(Complex& st, AtomOf atom_of, FrameDiagrams& out, double min_persistence = 0.0, std::size_t cycles = 0,
                    std::vector<std::pair<double, double>>* reduction_h1 = nullptr) {
  Gudhi::persistent_cohomology::Persistent_cohomology<Complex, Field_Zp> pcoh(st);
  pcoh.init_coefficients(2);
  // for cycles, every pair (zero persistence too: the triangles that kill a class, for the clearing)
  pcoh.compute_persistent_cohomology(cycles > 0 ? -1.0 : 0.0);
  using Handle = typename Complex::Simplex_handle;
  std::vector<std::tuple<Handle, Handle, std::size_t>> h1;  // birth edge, death triangle, index in out.dims[1]
  std::vector<Handle> killers;                              // the death triangles of every H1 pair
  if (reduction_h1) {
    key_by_filtration(st);
    const TriangleReduction<Complex> all(st, st.num_simplices());
    for (std::size_t i = 0; i < all.size(); ++i) {
      const double birth = st.filtration(all.handle(static_cast<std::size_t>(all.reduced(i).back())));
      const double death = st.filtration(all.handle(all.triangle(i)));
      if (death - birth > min_persistence) reduction_h1->emplace_back(birth, death);
    }
  }
  for (const auto& interval : pcoh.get_persistent_pairs()) {
    const auto b = std::get<0>(interval);
    const auto d = std::get<1>(interval);
    const int dim = st.dimension(b);
    if (dim < 0 || dim > 2) continue;
    PersistencePair p;
    p.birth = st.filtration(b);
    int k = 0;
    for (auto v : st.simplex_vertex_range(b)) p.birth_atoms[static_cast<std::size_t>(k++)] = atom_of(v);
    if (d != st.null_simplex()) {
      p.death = st.filtration(d);
      if (dim == 1 && cycles > 0) killers.push_back(d);
      if (p.death - p.birth <= min_persistence) continue;
      k = 0;
      for (auto v : st.simplex_vertex_range(d))
        if (k < 4) p.death_atoms[static_cast<std::size_t>(k++)] = atom_of(v);
      if (dim == 1) h1.emplace_back(b, d, out.dims[1].size());
    }
    out.dims[static_cast<std::size_t>(dim)].push_back(p);
  }
  if (cycles > 0) representative_cycles(st, atom_of, h1, killers, cycles, out);
}

void check_finite(const Positions& points, const std::vector<double>& weights) {
  if (!weights.empty() && weights.size() != static_cast<std::size_t>(points.rows()))
    throw InputError("alpha complex: " + std::to_string(weights.size()) + " weights for " +
                     std::to_string(points.rows()) + " points");
  for (Eigen::Index i = 0; i < points.rows(); ++i)
    for (int c = 0; c < points.cols(); ++c)
      if (!std::isfinite(points(i, c)))
        throw InputError("alpha complex: point " + std::to_string(i) + " has a non-finite coordinate");
  for (std::size_t i = 0; i < weights.size(); ++i)
    if (!std::isfinite(weights[i]) || weights[i] < 0.0)
      throw InputError("alpha complex: point " + std::to_string(i) + " has a non-finite or negative weight");
}

/// Points on one line (coordinate t along it): the alpha complex is the chain of consecutive
/// points; only H0. Weighted edges use the power-distance formula of persistence.hpp.
FrameDiagrams line_diagrams(const std::vector<double>& t, const std::vector<double>& w, const std::vector<int>& atoms) {
  FrameDiagrams out;
  const std::size_t n = t.size();
  if (n == 0) return out;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return t[a] < t[b]; });
  auto weight = [&](std::size_t i) { return w.empty() ? 0.0 : w[i]; };
  struct Edge {
    double value;
    std::size_t a, b;
  };
  std::vector<Edge> edges;
  std::vector<std::size_t> kept;  // duplicates count once
  for (std::size_t k = 0; k < n; ++k)
    if (kept.empty() || t[order[k]] != t[kept.back()]) kept.push_back(order[k]);
  for (std::size_t k = 1; k < kept.size(); ++k) {
    const std::size_t i = kept[k - 1], j = kept[k];
    const double d = t[j] - t[i];
    const double x = (d * d + weight(i) - weight(j)) / (2.0 * d);
    edges.push_back({x * x - weight(i), i, j});
  }
  std::stable_sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) { return a.value < b.value; });
  std::vector<std::size_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  std::vector<std::size_t> root_vertex(n);  // oldest vertex of each component
  std::iota(root_vertex.begin(), root_vertex.end(), 0);
  auto find = [&](std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  auto atom = [&](std::size_t i) { return atoms.empty() ? static_cast<int>(i) : atoms[i]; };
  for (const auto& e : edges) {
    std::size_t ra = find(e.a), rb = find(e.b);
    std::size_t va = root_vertex[ra], vb = root_vertex[rb];
    // elder rule: the component born later (larger −w) dies
    if (-weight(va) < -weight(vb)) {
      std::swap(ra, rb);
      std::swap(va, vb);
    }
    if (e.value > -weight(va)) {
      PersistencePair p;
      p.birth = -weight(va);
      p.death = e.value;
      p.birth_atoms[0] = atom(va);
      p.death_atoms[0] = atom(e.a);
      p.death_atoms[1] = atom(e.b);
      out.dims[0].push_back(p);
    }
    parent[ra] = rb;
  }
  PersistencePair p;
  std::size_t oldest = kept[0];
  for (auto i : kept)
    if (-weight(i) < -weight(oldest)) oldest = i;
  p.birth = -weight(oldest);
  p.birth_atoms[0] = atom(oldest);
  out.dims[0].push_back(p);
  return out;
}

/// Indices of the distinct points (coordinates coords[D i … D i + D − 1] and weight): the first of
/// each set of identical ones, ascending. GUDHI's alpha complex would keep one of them anyway; the
/// atom reported for them is the first one's.
template <int D>
std::vector<std::size_t> distinct_points(const double* coords, std::size_t n, const std::vector<double>& w) {
  auto less = [&](std::size_t a, std::size_t b) {
    for (int c = 0; c < D; ++c)
      if (coords[D * a + c] != coords[D * b + c]) return coords[D * a + c] < coords[D * b + c];
    if (!w.empty() && w[a] != w[b]) return w[a] < w[b];
    return false;
  };
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), less);
  std::vector<std::size_t> kept;
  kept.reserve(n);
  for (std::size_t k = 0; k < n; ++k)
    if (k == 0 || less(order[k - 1], order[k])) kept.push_back(order[k]);
  std::sort(kept.begin(), kept.end());
  return kept;
}

/// Persistence of the D-dimensional alpha complex of the points `kept` (no two alike) of `coords`,
/// built by GUDHI's general-dimension Alpha_complex with the CGAL kernel `Kernel`. False when GUDHI
/// makes no complex. Pairs of persistence ≤ `min_persistence` are dropped.
template <int D, bool Weighted, class Kernel = CGAL::Epick_d<CGAL::Dimension_tag<D>>>
bool alpha_persistence(const double* coords, const std::vector<std::size_t>& kept, const std::vector<double>& w,
                       const std::vector<int>& atoms, FrameDiagrams& out, double min_persistence = 0.0, std::size_t cycles = 0,
                       std::vector<std::pair<double, double>>* reduction_h1 = nullptr) {
  std::vector<typename Kernel::Point_d> pts;
  std::vector<double> wk;
  pts.reserve(kept.size());
  for (std::size_t i : kept) {
    const double* c = coords + D * i;
    if constexpr (D == 2)
      pts.emplace_back(c[0], c[1]);
    else
      pts.emplace_back(c[0], c[1], c[2]);
    if (Weighted) wk.push_back(w[i]);
  }
  Alpha_tree st;
  bool ok;
  if constexpr (Weighted) {
    Gudhi::alpha_complex::Alpha_complex<Kernel, true> alpha(pts, wk);
    ok = alpha.create_complex(st);
  } else {
    Gudhi::alpha_complex::Alpha_complex<Kernel, false> alpha(pts);
    ok = alpha.create_complex(st);
  }
  if (!ok) return false;
  persistence_of(st, [&](auto v) {  // vertices are positions in `kept`
    const std::size_t i = kept[static_cast<std::size_t>(v)];
    return atoms.empty() ? static_cast<int>(i) : atoms[i];
  }, out, min_persistence, cycles, reduction_h1);
  return true;
}

/// Spread of a point set: eigenvalues (ascending) and eigenvectors of its covariance.
template <int D>
Eigen::SelfAdjointEigenSolver<Eigen::Matrix<double, D, D>> spread(const double* data, std::size_t n) {
  Eigen::Matrix<double, D, 1> mean = Eigen::Matrix<double, D, 1>::Zero();
  for (std::size_t i = 0; i < n; ++i) mean += Eigen::Map<const Eigen::Matrix<double, D, 1>>(data + D * i);
  mean /= static_cast<double>(std::max<std::size_t>(n, 1));
  Eigen::Matrix<double, D, D> cov = Eigen::Matrix<double, D, D>::Zero();
  for (std::size_t i = 0; i < n; ++i) {
    const Eigen::Matrix<double, D, 1> x = Eigen::Map<const Eigen::Matrix<double, D, 1>>(data + D * i) - mean;
    cov += x * x.transpose();
  }
  return Eigen::SelfAdjointEigenSolver<Eigen::Matrix<double, D, D>>(cov);
}

constexpr double flat = 1e-20;  // relative eigenvalue of the covariance below which a direction is flat

FrameDiagrams diagrams_2d(const std::vector<double>& xy, const std::vector<double>& w, const std::vector<int>& atoms,
                          std::size_t cycles = 0) {
  const std::size_t n = xy.size() / 2;
  FrameDiagrams out;
  out.max_dimension = 1;
  if (n == 0) return out;
  const auto es = spread<2>(xy.data(), n);
  const double big = es.eigenvalues()(1);
  if (n >= 3 && es.eigenvalues()(0) > flat * big) {
    const auto kept = distinct_points<2>(xy.data(), n, w);
    const bool ok = w.empty() ? alpha_persistence<2, false>(xy.data(), kept, w, atoms, out, 0.0, cycles)
                              : alpha_persistence<2, true>(xy.data(), kept, w, atoms, out, 0.0, cycles);
    if (ok) {
      sort_pairs(out);
      return out;
    }
  }
  // collinear (or a single point): the chain along the line
  const Eigen::Vector2d dir = es.eigenvectors().col(1);
  std::vector<double> t(n);
  for (std::size_t i = 0; i < n; ++i) t[i] = dir.x() * xy[2 * i] + dir.y() * xy[2 * i + 1];
  auto line = line_diagrams(t, w, atoms);
  line.max_dimension = 1;
  line.note = n < 2 ? "one point" : "collinear points: the alpha complex along their line (H0 only)";
  sort_pairs(line);
  return line;
}

// Kernel of the 3D alpha complexes: CGAL's Epeck_d, GUDHI's default ("safe" in its Python
// interface): exact predicates, filtration values from lazily exact constructions rounded to
// double. Epick_d (double constructions) is faster but wrong on near-degenerate input: in a
// weighted rock-salt block perturbed by 1e-9 Å it gives 22 H1 pairs of persistence 0.31 Å² that
// the exact values do not have (validation/topology/RESULTS.md section 4).
using Kernel_3d = CGAL::Epeck_d<CGAL::Dimension_tag<3>>;

/// The points (row-major x, y, z) moved so that their bounding box is centred on the origin: the
/// alpha filtration does not depend on it, and the rounding errors of the filtration values grow
/// with |x|² (a rectilinear grid stays one, so exactly cospherical points stay so).
std::vector<double> centred(const Positions& points) {
  const Eigen::RowVector3d centre = 0.5 * (points.colwise().minCoeff() + points.colwise().maxCoeff());
  std::vector<double> local(static_cast<std::size_t>(points.size()));
  for (Eigen::Index i = 0; i < points.rows(); ++i)
    for (int c = 0; c < 3; ++c) local[static_cast<std::size_t>(3 * i + c)] = points(i, c) - centre(c);
  return local;
}

/// Rounding noise of the filtration values (Å²): 64 ε (max |x|² + max w) of the centred points.
/// They are exact values rounded to double through different interval computations, so simplices
/// whose exact values are equal (the cospherical points of a perfect crystal) get values up to
/// ~ε (max |x|² + max w) apart, which makes pairs of that persistence that exact values would not
/// have (validation/topology/RESULTS.md section 4); they are dropped.
double rounding_noise_angstrom2(const std::vector<double>& local, const std::vector<double>& w) {
  double r2 = 0.0;
  for (std::size_t i = 0; i + 2 < local.size(); i += 3)
    r2 = std::max(r2, local[i] * local[i] + local[i + 1] * local[i + 1] + local[i + 2] * local[i + 2]);
  const double w_max = w.empty() ? 0.0 : *std::max_element(w.begin(), w.end());
  return 64.0 * std::numeric_limits<double>::epsilon() * (r2 + w_max);
}

}  // namespace

namespace {

FrameDiagrams alpha_3d(const Positions& points, const std::vector<double>& weights, const std::vector<int>& atoms, std::size_t cycles,
                       std::vector<std::pair<double, double>>* reduction_h1) {
  check_finite(points, weights);
  const std::size_t n = static_cast<std::size_t>(points.rows());
  if (!atoms.empty() && atoms.size() != n) throw InputError("alpha complex: atom list and points differ in length");
  FrameDiagrams out;
  if (n == 0) {
    out.note = "no points";
    return out;
  }
  const auto es = spread<3>(points.data(), n);
  const double big = es.eigenvalues()(2);
  if (n >= 4 && es.eigenvalues()(0) > flat * big) {
    const auto local = centred(points);
    const double noise = rounding_noise_angstrom2(local, weights);
    const auto kept = distinct_points<3>(local.data(), n, weights);
    const bool ok = weights.empty()
                        ? alpha_persistence<3, false, Kernel_3d>(local.data(), kept, weights, atoms, out, noise, cycles, reduction_h1)
                        : alpha_persistence<3, true, Kernel_3d>(local.data(), kept, weights, atoms, out, noise, cycles, reduction_h1);
    if (ok) {
      sort_pairs(out);
      return out;
    }
  }
  // fewer than 4 points or coplanar ones: the complex lives in their plane
  const Eigen::Vector3d e1 = es.eigenvectors().col(2), e2 = es.eigenvectors().col(1);
  std::vector<double> xy(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    const Eigen::Vector3d p = points.row(static_cast<Eigen::Index>(i)).transpose();
    xy[2 * i] = p.dot(e1);
    xy[2 * i + 1] = p.dot(e2);
  }
  auto planar = diagrams_2d(xy, weights, atoms, cycles);
  planar.max_dimension = 2;
  if (planar.note.empty()) planar.note = n < 4 ? "fewer than 4 points: the alpha complex in their plane" : "coplanar points: the alpha complex in their plane";
  return planar;
}

}  // namespace

FrameDiagrams alpha_diagrams_3d(const Positions& points, const std::vector<double>& weights, const std::vector<int>& atoms,
                                std::size_t cycles) {
  return alpha_3d(points, weights, atoms, cycles, nullptr);
}

std::vector<std::pair<double, double>> alpha_h1_pairs_by_reduction(const Positions& points, const std::vector<double>& weights) {
  std::vector<std::pair<double, double>> pairs;
  alpha_3d(points, weights, {}, 0, &pairs);
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

FrameDiagrams alpha_diagrams_2d(const std::vector<double>& xy, const std::vector<double>& weights, const std::vector<int>& atoms) {
  if (xy.size() % 2 != 0) throw InputError("alpha complex 2D: odd number of coordinates");
  const std::size_t n = xy.size() / 2;
  for (std::size_t i = 0; i < xy.size(); ++i)
    if (!std::isfinite(xy[i])) throw InputError("alpha complex 2D: point " + std::to_string(i / 2) + " has a non-finite coordinate");
  if (!weights.empty() && weights.size() != n) throw InputError("alpha complex 2D: weights and points differ in number");
  for (double w : weights)
    if (!std::isfinite(w) || w < 0.0) throw InputError("alpha complex 2D: a weight is non-finite or negative");
  if (!atoms.empty() && atoms.size() != n) throw InputError("alpha complex 2D: atom list and points differ in length");
  auto out = diagrams_2d(xy, weights, atoms);
  if (n == 0) out.note = "no points";
  return out;
}

FrameDiagrams cubical_diagrams_2d(const std::vector<float>& pixels, int nx, int ny, bool superlevel) {
  if (nx <= 0 || ny <= 0 || pixels.size() != static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny))
    throw InputError("cubical complex: image size and pixel count disagree");
  std::vector<double> values(pixels.size());
  for (std::size_t i = 0; i < pixels.size(); ++i) {
    if (!std::isfinite(pixels[i])) throw InputError("cubical complex: pixel " + std::to_string(i) + " is not finite");
    values[i] = superlevel ? -static_cast<double>(pixels[i]) : static_cast<double>(pixels[i]);
  }
  using Bitmap = Gudhi::cubical_complex::Bitmap_cubical_complex<Gudhi::cubical_complex::Bitmap_cubical_complex_base<double>>;
  Bitmap cub({static_cast<unsigned>(nx), static_cast<unsigned>(ny)}, values);
  FrameDiagrams out;
  out.max_dimension = 1;
  const std::size_t row = 2 * static_cast<std::size_t>(nx) + 1;
  auto pixel_of = [&](std::size_t cell, int* xy) {
    const std::size_t top = cub.get_top_dimensional_coface_of_a_cell(cell);
    xy[0] = static_cast<int>((top % row - 1) / 2);
    xy[1] = static_cast<int>((top / row - 1) / 2);
  };
  Gudhi::persistent_cohomology::Persistent_cohomology<Bitmap, Field_Zp> pcoh(cub);
  pcoh.init_coefficients(2);
  pcoh.compute_persistent_cohomology(0.0);
  for (const auto& interval : pcoh.get_persistent_pairs()) {
    const auto b = std::get<0>(interval);
    const auto d = std::get<1>(interval);
    const int dim = cub.dimension(b);
    if (dim < 0 || dim > 1) continue;
    PersistencePair p;
    p.birth = cub.filtration(b);
    pixel_of(b, p.birth_atoms.data());
    if (d != cub.null_simplex()) {
      p.death = cub.filtration(d);
      pixel_of(d, p.death_atoms.data());
    }
    out.dims[static_cast<std::size_t>(dim)].push_back(p);
  }
  sort_pairs(out);
  return out;
}

namespace {

template <class Tree>
std::size_t bare_persistence(Tree& st) {
  Gudhi::persistent_cohomology::Persistent_cohomology<Tree, Field_Zp> pcoh(st);
  pcoh.init_coefficients(2);
  pcoh.compute_persistent_cohomology(0.0);
  return pcoh.get_persistent_pairs().size();
}

}  // namespace

namespace {

template <class Kernel>
std::size_t bare_gudhi_alpha_dd(const Positions& points, const std::vector<double>& weights) {
  std::vector<typename Kernel::Point_d> pts;
  pts.reserve(static_cast<std::size_t>(points.rows()));
  for (Eigen::Index i = 0; i < points.rows(); ++i) pts.emplace_back(points(i, 0), points(i, 1), points(i, 2));
  Gudhi::alpha_complex::Alpha_complex<Kernel, true> alpha(pts, weights);
  Alpha_tree st;  // hidden points leave gaps in the vertex numbers
  alpha.create_complex(st);
  return bare_persistence(st);
}

}  // namespace

std::size_t bare_gudhi_alpha(BareAlpha path, const Positions& points, const std::vector<double>& weights) {
  if (path == BareAlpha::gudhi_dd) return bare_gudhi_alpha_dd<Kernel_3d>(points, weights);
  if (path == BareAlpha::gudhi_dd_inexact) return bare_gudhi_alpha_dd<CGAL::Epick_d<CGAL::Dimension_tag<3>>>(points, weights);
  using Alpha = Gudhi::alpha_complex::Alpha_complex_3d<Gudhi::alpha_complex::complexity::SAFE, true, false>;
  std::vector<Alpha::Bare_point_3> pts;
  pts.reserve(static_cast<std::size_t>(points.rows()));
  for (Eigen::Index i = 0; i < points.rows(); ++i) pts.emplace_back(points(i, 0), points(i, 1), points(i, 2));
  Alpha alpha(pts, weights);
  Simplex_tree st;
  alpha.create_complex(st);
  return bare_persistence(st);
}

}  // namespace nanomix::topology
