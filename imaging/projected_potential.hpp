#pragma once
// Projected atomic potentials on the image grid, from radial tables precomputed once per element.
//
// Each element's table holds Kirkland's v_z(r) (V·Å, kirkland.hpp) on a uniform radial grid out to
// a cutoff r_c chosen so that the tail beyond it carries less than `tail_tolerance` of the atom's
// integral ∫v_z d²r = 2π a₀e f_e(0) (tail_tolerance, default 10⁻⁴); over the outer fifth of r_c a
// cosine taper takes it smoothly to 0. Inside r_min (half a pixel diagonal / √2, i.e. a disc with the area of a pixel)
// the logarithmic singularity of the Lorentzian terms is replaced by the mean of v_z over that
// disc. A pixel takes the table's value at its centre (linear interpolation in r). The full
// projected potential of an atom goes to the slice that holds its nucleus.
#include <vector>

#include "imaging/kirkland.hpp"

namespace nanomix::imaging {

struct RadialPotential {
  int atomic_number = 0;
  double step_angstrom = 0;    ///< radial spacing of the table
  double cutoff_angstrom = 0;  ///< r_c: zero beyond
  double core_angstrom = 0;    ///< r_min: the disc mean inside
  std::vector<float> values;   ///< v_z(k·step) (tapered) in V·Å, k = 0..n, with values[n] = 0 (padding)
  std::vector<float> slopes;   ///< values[k + 1] − values[k] (in float; the last 0), same length as values

  /// The tabulated v_z(r) in V·Å (linear interpolation; 0 beyond the cutoff).
  double operator()(double r_angstrom) const;
};

struct RadialPotentialOptions {
  double core_angstrom = 0.02;        ///< r_min
  double step_angstrom = 0.002;       ///< table spacing
  double tail_tolerance = 1e-4;       ///< fraction of ∫v_z d²r allowed beyond the cutoff
  double taper_fraction = 0.2;        ///< cosine taper over the outer part of the cutoff radius
  double max_cutoff_angstrom = 8.0;   ///< never further than this
  double fixed_cutoff_angstrom = 0;   ///< > 0: use this cutoff instead of the tolerance
};

/// The radial table of one element.
RadialPotential make_radial_potential(const ScatteringParameters& p, const RadialPotentialOptions& options);

/// Adds one atom's projected potential (V·Å) to `v` (nx·ny floats, v[j·nx + i], pixel (i, j) centred
/// at (i·dx, j·dy) Å) for an atom at (x, y) Å; the grid is periodic (contributions wrap).
void add_atom_potential(float* v, int nx, int ny, double dx, double dy, const RadialPotential& table, double x,
                        double y);

}  // namespace nanomix::imaging
