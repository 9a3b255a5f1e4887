#pragma once
// `nanomix build`: the [structure] section → atoms (tube, ion cluster, or bulk crystal).
#include <cstdint>
#include <string>

#include "core/params.hpp"
#include "core/frame.hpp"
#include "sim/nanotube.hpp"
#include "sim/rocksalt.hpp"

namespace nanomix::sim {

enum class StructureKind { tube_cluster, tube, cluster, crystal };

struct StructureParams {
  StructureKind kind = StructureKind::tube_cluster;
  int tube_n = 20;
  int tube_m = 20;
  double tube_length_angstrom = 60;
  char tube_axis = 'z';                 ///< 'z' or 'x'
  bool tube_periodic = false;
  double vacuum_angstrom = 10;
  std::int64_t ion_pairs = 200;
  double iodide_fraction = 0.5;
  Arrangement arrangement = Arrangement::random_mixed;
  double lattice_constant_angstrom = 0;
  double min_distance_angstrom = 2.2;
  double wall_clearance_angstrom = 3.0;
  double position_jitter_angstrom = 0.4;
  int crystal_anion = chlorine;         ///< kind = crystal
  int cells[3] = {4, 4, 4};
  std::uint64_t seed = 1;

  /// The [structure] keys (sim/structure.cpp); table().read(config) fills and validates.
  static const ParamTable<StructureParams>& table();
  /// Checks across keys (ParamError naming the key): crystal size, room inside the tube.
  void validate() const;
};

/// What was built, beside the atoms: the tube geometry (if any) and where the ions may be.
struct Structure {
  Frame frame;               ///< carbon first (if any), then the ions
  NanotubeGeometry tube;     ///< cells = 0 when there is no tube
  std::size_t carbon_count = 0;
  Eigen::Vector3d axis_point_angstrom = Eigen::Vector3d::Zero();  ///< a point on the tube axis
  int axis = 2;                                                   ///< 0 = x, 2 = z
  double open_radius_angstrom = 0;  ///< ions' centres within this distance of the axis
};

/// Builds the structure. Throws InputError (naming the [structure] key where one is at fault).
Structure build_structure(const StructureParams& params);

/// Distance of each ion from the tube axis exceeds open_radius? Counts the ions (not carbon)
/// outside the open space of the tube (0 when there is no tube).
std::size_t ions_outside_open_space(const Structure& structure, const Frame& frame);

}  // namespace nanomix::sim
