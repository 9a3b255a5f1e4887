#pragma once
// The topology stage: persistence diagrams, statistics, local structures and lattice estimates of
// frames (atoms, detected columns as point clouds, images), as plan → per-frame kernel → assembly.
// The stage computes from data only: `read_topology_input` (app/topology_input.hpp) reads the input
// through the file readers first; the frames run on core's frame executor; the result is
// written by topology/diagrams_file.hpp.
#include <functional>
#include <string>
#include <vector>

#include "core/frame.hpp"
#include "core/params.hpp"
#include "topology/diagram.hpp"
#include "topology/image_region.hpp"
#include "topology/lattice.hpp"
#include "topology/local_structures.hpp"
#include "topology/statistics.hpp"

namespace nanomix::topology {

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
  int cycles = 5;  ///< H1 representative cycles of this many most persistent points per frame of local_subset (3D atoms)
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

/// A frame of detected columns as 2D point clouds: all columns, the heavy (class 1) and the light
/// ones; `rows` are the rows of /columns in the columns file (the indices the diagrams keep).
struct ColumnCloud {
  std::vector<double> xy_angstrom;  ///< x0, y0, x1, y1, …
  std::vector<int> rows;
};
struct ColumnFrame {
  ColumnCloud all, heavy, light;
};

/// A movie's frames as the topology stage uses them.
struct ImageStack {
  int nx = 0, ny = 0;
  std::vector<std::vector<float>> frames;  ///< frames[t][y * nx + x]
  double pixel_x_angstrom = 1, pixel_y_angstrom = 1;  ///< 1 Å when the file has no calibration
  std::string unit;                                   ///< the intensity's unit ("" = none given)
};

/// What the stage computes from, read by the file readers before any computing.
struct TopologyInput {
  Source source = Source::structure;
  std::string path;                  ///< the input file (named in the diagrams file)
  std::vector<std::size_t> frames;   ///< the analysed frames: indices into the input's frames
  std::vector<double> frame_time;    ///< per analysed frame: ps for atoms, s for columns and movies
  std::vector<Frame> atoms;          ///< structure, trajectory: the analysed frames (validated)
  std::vector<ColumnFrame> columns;  ///< columns: every frame of the file (the heavy/light split looks at all)
  ImageStack images;                 ///< movies: every frame (the tube band is found on their mean)
};

/// The analysed frames of an input of `total` frames: first_frame … last_frame by frame_stride.
std::vector<std::size_t> select_frames(std::size_t total, const TopologyParams& params);

/// Runs the stage over the frames of `input` on core's frame executor (a collective call under
/// MPI: every rank makes it with the same input); the full result is returned on rank 0 (the
/// other ranks return it without groups). Results do not depend on thread or rank count.
TopologyResult compute_topology(const TopologyInput& input, const TopologyParams& params,
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

}  // namespace nanomix::topology
