#pragma once
// The topology stage: frames in (structure, trajectory, movie, detected columns), persistence
// diagrams, statistics, local structures and lattice estimates out, written to a diagrams file.
//
// Diagrams file (HDF5, format version `diagrams_format_version`, checked on read):
//   /                               nanomix_format = "diagrams", nanomix_format_version, source
//                                   (structure|trajectory|movie|columns), input, filtration, unit
//   /frames                         float64 (F, 2): frame index in the input, time (attribute
//                                   `columns`, `time_unit`: ps for atoms, s for movies and columns)
//   /diagrams/<group>/dim<d>        float64 (n, 3): frame (row of /frames), birth, death (+inf for
//                                   classes that never die); attribute `unit`
//   /diagrams/<group>/dim<d>_atoms  int64 (n, 8): atom indices (into the input frame) of the birth
//                                   simplex (columns 0–3) and death simplex (4–7), −1 padded; for
//                                   columns: column row indices in /columns of the input; for
//                                   movies: pixel x, y of the birth cell (0, 1) and death cell (4, 5)
//   /diagrams/<group>/notes         string: frames with a degenerate complex (fewer than 4 points …)
//   /statistics/<group>/dim<d>/betti_curves (F, S), betti_values (S)
//                              .../persistence_images (F, P, P) with grid attributes
//                              .../histograms (F, H, H) with ranges; summary (F, K) + `names`
//   /local_structures/<group>/counts (F) pairs in the region, atom_counts (F), atoms (m, 2): frame, atom
//   /lattice                        float64 (F, 6): frame, a_Cl, crystalline Na (Cl), a_I, crystalline
//                                   Na (I), unused … (NaN = no crystalline domain); or (F, 3) for columns
//   /parameters                     config (the resolved INI text)
#include <functional>
#include <string>
#include <vector>

#include "core/params.hpp"
#include "topology/diagram.hpp"
#include "topology/image_region.hpp"
#include "topology/lattice.hpp"
#include "topology/local_structures.hpp"
#include "topology/statistics.hpp"

namespace nanomix::topology {

inline constexpr int diagrams_format_version = 1;

enum class Source { structure, trajectory, movie, columns };
const char* source_name(Source s);

struct TopologyParams {
  std::vector<std::string> subsets{"ions", "anions"};
  std::string radii = "shannon";  ///< shannon | none | custom
  double radius_na_angstrom = 1.02, radius_cl_angstrom = 1.81, radius_i_angstrom = 2.20;
  bool include_carbon = false;
  bool unit_angstrom = false;  ///< false: Å² (GUDHI's squared radii)
  char projection = 0;         ///< 0: 3D; 'x', 'y', 'z': 2D along that axis
  long long first_frame = 0, last_frame = -1, frame_stride = 1;
  bool superlevel = true;
  std::string movie_group;
  bool column_classes = true;
  std::string image_region = "both";  ///< movies: whole | tube_interior | both (groups image, interior)
  ImageRegionParams image;
  int betti_samples = 100;
  double range_min = 0, range_max = 0;
  int image_pixels = 20;
  double image_sigma = 0, image_weight_persistence = 0;
  int histogram_bins = 20;
  std::string local_subset = "anions";
  Region local_region;
  bool lattice = true;
  int threads = 0;

  /// The [topology] keys (topology/topology_params.cpp); table().read(config) fills and validates.
  static const ParamTable<TopologyParams>& table();
  /// Checks across keys (ParamError naming the key): frame range, statistics range, local region.
  void validate() const;
};

struct Group {
  std::string name;
  std::vector<FrameDiagrams> frames;
};

struct TopologyResult {
  Source source = Source::structure;
  std::string input, filtration, unit, time_unit;
  std::vector<double> frame_index, frame_time;
  std::vector<Group> groups;
  std::vector<std::vector<double>> lattice;  ///< per frame
  std::vector<std::string> notes;
  TubeBand tube_band;  ///< movies: the tube interior used by group "interior"
};

/// Runs the stage on rank 0's and the other ranks' share of frames (threads inside each rank);
/// the full result is returned on rank 0 (other ranks return their empty groups).
TopologyResult compute_topology(Source source, const std::string& path, const TopologyParams& params,
                                const std::function<void(std::size_t done, std::size_t total)>& progress = {});

/// Diagrams of one frame of atoms for one subset, as the stage computes them (for tests and the
/// benchmark): weights from the params, unit conversion applied.
FrameDiagrams frame_diagrams(const Frame& frame, const std::string& subset, const TopologyParams& params);

/// Statistics of a group over all its frames (ranges resolved from the params or the data).
struct GroupStatistics {
  std::array<std::vector<double>, 3> betti;  ///< F × S
  std::vector<double> betti_values;
  std::array<std::vector<double>, 3> images;  ///< F × P × P
  PersistenceImageParams image_params;
  std::array<std::vector<double>, 3> histograms;
  double range_min = 0, range_max = 1;
  std::array<std::vector<double>, 3> summary;  ///< F × K
};
GroupStatistics group_statistics(const Group& g, const TopologyParams& params);

void write_diagrams_file(const std::string& path, const TopologyResult& result, const TopologyParams& params,
                         const std::string& config_ini);

/// Reads /diagrams/<group> of a diagrams file (group "" = the first one). Fills unit and source.
struct DiagramsRead {
  std::string group, unit, source, filtration;
  std::vector<std::string> groups;
  std::vector<double> frame_time;
  std::vector<FrameDiagrams> frames;
};
DiagramsRead read_diagrams_file(const std::string& path, const std::string& group);

}  // namespace nanomix::topology
