#pragma once
// Rock-salt (B1) crystals and ion clusters cut from rock-salt lattices, for NaCl–NaI.
#include <cstdint>
#include <string>

#include "core/elements.hpp"
#include "core/frame.hpp"
#include "core/materials.hpp"

namespace nanomix::sim {

/// Experimental room-temperature lattice constants (Å) used when the config gives 0: core/materials.hpp.
using nanomix::nacl_lattice_constant_angstrom;
using nanomix::nai_lattice_constant_angstrom;
/// Vegard's law between NaCl and NaI for a fraction x of iodide anions.
double vegard_lattice_constant_angstrom(double iodide_fraction);

/// Short names of the atomic numbers of core/elements.hpp, as sim writes them.
inline constexpr int sodium = sodium_z, chlorine = chlorine_z, iodine = iodine_z, carbon = carbon_z;

/// Periodic bulk rock-salt crystal: na×nb×nc conventional cubic cells (8 ions each), cation at
/// the origin, periodic along x, y and z. anion is chlorine or iodine.
Frame rocksalt_crystal(int anion, double lattice_constant_angstrom, int na, int nb, int nc);

enum class Arrangement { random_mixed, rocksalt_nacl, rocksalt_nai, heterostructure };
Arrangement parse_arrangement(const std::string& name);

/// An ion cluster inside a cylinder along z: the open space of a tube.
struct ClusterParams {
  std::int64_t ion_pairs = 0;
  double iodide_fraction = 0.5;
  Arrangement arrangement = Arrangement::random_mixed;
  double lattice_constant_angstrom = 0;  ///< 0: bulk values (Vegard for random_mixed)
  double open_radius_angstrom = 0;       ///< ion centres at most this far from the axis
  double z_min_angstrom = 0;             ///< ion centres within [z_min, z_max]
  double z_max_angstrom = 0;
  double min_distance_angstrom = 2.2;
  double jitter_angstrom = 0;            ///< random_mixed only
  std::uint64_t seed = 1;
};

/// Builds exactly ion_pairs Na⁺ and ion_pairs anions, of which round(iodide_fraction·ion_pairs)
/// are I⁻, filling the cylinder from its middle outwards (axis x = y = 0). Throws InputError if
/// they do not fit or come closer than min_distance.
Frame build_ion_cluster(const ClusterParams& params);

}  // namespace nanomix::sim
