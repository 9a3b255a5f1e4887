#pragma once
// Single-walled carbon nanotubes of any chirality (n, m), rolled from graphene.
// Conventions (Saito, Dresselhaus & Dresselhaus, "Physical Properties of Carbon Nanotubes", 1998):
// a1 = a(√3/2, 1/2), a2 = a(√3/2, −1/2) with a = √3·a_CC; chiral vector C_h = n·a1 + m·a2;
// translation vector T = t1·a1 + t2·a2, t1 = (2m+n)/d_R, t2 = −(2n+m)/d_R, d_R = gcd(2m+n, 2n+m);
// 4(n²+nm+m²)/d_R atoms per translational unit cell.
#include "core/frame.hpp"

namespace nanomix::sim {

struct NanotubeGeometry {
  int n = 0;
  int m = 0;
  double bond_length_angstrom = 1.42;     ///< a_CC
  double diameter_angstrom = 0;           ///< |C_h| / π
  double translation_length_angstrom = 0; ///< |T|
  int atoms_per_cell = 0;                 ///< 4(n²+nm+m²)/d_R
  int cells = 0;                          ///< unit cells along the axis
  double length_angstrom = 0;             ///< cells · |T|
  double radius_angstrom() const { return 0.5 * diameter_angstrom; }
};

/// Geometry of an (n, m) tube with the whole number of cells nearest to `length_angstrom`
/// (at least one). Throws InputError for n < 1, m < 0.
NanotubeGeometry nanotube_geometry(int n, int m, double length_angstrom, double bond_length_angstrom = 1.42);

/// Carbon positions (Å) of the tube, axis along z through x = y = 0, from z = 0 to
/// z = cells·|T| (the atoms of one cell have 0 <= z < |T|).
Positions nanotube_positions(const NanotubeGeometry& geometry);

}  // namespace nanomix::sim
