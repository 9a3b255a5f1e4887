#pragma once
// Bulk constants of the materials nanomix simulates, in one place (the element identities are in
// core/elements.hpp). Code reads these; tests keep their own literal references on purpose.
#include "core/elements.hpp"

namespace nanomix {

/// Experimental room-temperature lattice constants of the bulk rock-salt (B1) crystals, in Å:
/// NaCl 5.64, NaI 6.47 (the values shared/reference/forcefield.md quotes as "experiment"; the
/// heterostructure's two parts match them, DESIGN.md). Conventional cubic cell edge; the
/// nearest-neighbour (cation–anion) distance is half of it.
inline constexpr double nacl_lattice_constant_angstrom = 5.64;
inline constexpr double nai_lattice_constant_angstrom = 6.47;

}  // namespace nanomix
