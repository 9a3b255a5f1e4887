#pragma once
// Persistence diagrams of point clouds (alpha complexes) and images (cubical complexes).
// The only header of ours in front of GUDHI/CGAL (topology/persistence_gudhi.cpp), so that their
// slow headers are compiled in one translation unit.
//
// Conventions (GUDHI's):
//   * alpha filtration values are squared radii (Å²). A simplex enters at the squared radius of
//     its smallest empty circumsphere (Gabriel simplices) or with its first coface.
//   * weighted: point i carries weight w_i = r_i² (Å²); balls of radius sqrt(r_i² + α) grow, so a
//     vertex enters at α = −w_i and an edge i–j of length d at α = ((d² + w_i − w_j)/(2d))² − w_i
//     (the power distance to the orthogonal sphere). Points whose ball is hidden by their
//     neighbours' (redundant in the regular triangulation) are not in the complex.
//   * cubical: pixels are the top-dimensional cells (T-construction); the sublevel filtration of
//     the intensity (superlevel = sublevel of −intensity; values are then written as −intensity).
//   * coefficients in Z/2; pairs of zero persistence are dropped, and for 3D alpha complexes those
//     below the rounding noise of the double filtration values, 64 ε (max |x − c|² + max w) with c
//     the centre of the points' bounding box (~4e-11 Å² for a 60 Å cluster): exactly equal values
//     (cospherical points of perfect crystals) come out a few ulps apart.
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "core/frame.hpp"
#include "topology/diagram.hpp"

namespace nanomix::topology {

/// Diagrams (dimensions 0, 1, 2) of the 3D alpha complex of `points` (N×3, Å). `weights_angstrom2`
/// empty: unweighted; else one weight (radius²) per point. `atoms[i]`: the atom index reported
/// for point i (defaults to i when empty).
/// Degenerate input, a documented result rather than an error:
///   * 0 points: empty diagrams; duplicates count once (the first atom's index is reported);
///     weighted points hidden by their neighbours' balls are not in the complex;
///   * fewer than 4 points, or all points coplanar: the alpha complex in their plane (which is the
///     3D alpha complex of such points), collinear: in their line; the note says so;
/// Non-finite coordinates or weights: InputError.
///
/// Representative cycles (`cycles` > 0): for the `cycles` most persistent finite H1 points (ties:
/// the earlier in GUDHI's pair list), FrameDiagrams::cycles gets one cycle each, found by nanomix's
/// own Z/2 reduction (GUDHI 3.7 gives none): the boundary columns of the triangles (their edges),
/// in the simplex tree's filtration order (values, ties face before coface then GUDHI's order),
/// are reduced left to right by adding earlier columns with the same lowest edge. For a pair
/// (edge σ, triangle τ) the reduced column R_τ has lowest edge σ: the stored cycle is R_τ, the
/// boundary of a chain of triangles entered by τ, so it contains σ, all its edges entered no later
/// than σ (at the birth), and it bounds at the death — it represents the class from birth to death.
/// Cost: only triangles up to the last chosen death are reduced (lower persistence points need
/// none), edges and tetrahedra are not; a cycle over `max_cycle_edges` edges is not stored and
/// `cycles_note` says so; coplanar or fewer than 4 points (the 2D fallback) store none, noted.
FrameDiagrams alpha_diagrams_3d(const Positions& points, const std::vector<double>& weights_angstrom2,
                                const std::vector<int>& atoms = {}, std::size_t cycles = 0);

/// Cycles longer than this many edges are not stored (a note says so).
inline constexpr std::size_t max_cycle_edges = 2000;

/// For the tests: the finite H1 pairs (birth, death) that nanomix's reduction (above) finds when it
/// reduces every triangle of the 3D alpha complex, with the same rounding-noise floor as
/// alpha_diagrams_3d; the same multiset as alpha_diagrams_3d's dims[1] finite points if both are
/// right. Empty for the 2D fallback.
std::vector<std::pair<double, double>> alpha_h1_pairs_by_reduction(const Positions& points, const std::vector<double>& weights_angstrom2);

/// Diagrams (dimensions 0, 1) of the 2D alpha complex of the points (x, y) = (xy[2i], xy[2i+1]).
FrameDiagrams alpha_diagrams_2d(const std::vector<double>& xy, const std::vector<double>& weights_angstrom2 = {},
                                const std::vector<int>& atoms = {});

/// Diagrams (dimensions 0, 1) of the cubical complex of an nx × ny image (pixel (x, y) at
/// pixels[y * nx + x]); sublevel filtration of `pixels`, or of −pixels when `superlevel`.
/// The birth/death "atoms" are the pixel (x, y) of the top-dimensional cell giving the value.
FrameDiagrams cubical_diagrams_2d(const std::vector<float>& pixels, int nx, int ny, bool superlevel);

/// GUDHI's paths to a weighted 3D alpha complex: Alpha_complex_3d (SAFE: CGAL's Epeck, exact
/// constructions), the general-dimension Alpha_complex with the kernel nanomix uses (Epeck_d,
/// GUDHI's default) and with Epick_d (inexact constructions: faster, other diagrams on
/// near-degenerate input).
enum class BareAlpha { gudhi_3d_safe, gudhi_dd, gudhi_dd_inexact };

/// For the benchmark: the bare GUDHI calls (alpha complex → Simplex_tree → persistent cohomology
/// over Z/2), nothing of ours around them. Returns the number of persistence pairs.
std::size_t bare_gudhi_alpha(BareAlpha path, const Positions& points, const std::vector<double>& weights_angstrom2);

}  // namespace nanomix::topology
