#pragma once
// The diagrams file (`nanomix topology --out D.h5`): the one module that writes it, reads it and
// checks its format version. Nothing else in nanomix knows its HDF5 paths (the report, `compare`
// and the tests read it through the functions below).
//
// Layout (HDF5, format version `diagrams_format_version`):
//   /                               nanomix_format = "diagrams", nanomix_format_version, source
//                                   (structure|trajectory|movie|columns), input, filtration, unit
//   /frames                         float64 (F, 2): frame index in the input, time (attribute
//                                   `columns`, `time_unit`: ps for atoms, s for movies and columns)
//   /diagrams                       attribute `groups`: the group names in order
//   /diagrams/<group>/dim<d>        float64 (n, 3): frame (row of /frames), birth, death (+inf for
//                                   classes that never die); attribute `unit`
//   /diagrams/<group>/dim<d>_atoms  int64 (n, 8): atom indices (into the input frame) of the birth
//                                   simplex (columns 0–3) and death simplex (4–7), −1 padded; for
//                                   columns: column row indices in /columns of the input; for
//                                   movies: pixel x, y of the birth cell (0, 1) and death cell (4, 5)
//   /diagrams/<group>/dim1_cycles   atoms only: int64 (m, 3), one row per edge: point (row of dim1),
//                                   atom, atom (a < b) — the representative cycles of the `cycles`
//                                   most persistent H1 points of each frame (topology/persistence.hpp);
//                                   files before cycles lack it (read as none)
//   /diagrams/<group>/notes         string: frames with a degenerate complex (fewer than 4 points …)
//   /statistics/<group>/dim<d>/betti_curves (F, S), betti_values (S)
//                              .../persistence_images (F, P, P) with grid attributes
//                              .../histograms (F, H, H) with ranges; summary (F, K) + `names`
//   /local_structures/<group>/counts (F) pairs in the region, atom_counts (F), atoms (m, 2): frame, atom
//   /lattice                        float64 (F, 9): frame, a_Cl, crystalline Na (Cl), a_I, crystalline
//                                   Na (I) (NaN = no crystalline domain), then the standard error of
//                                   a_Cl and the Na–Cl distances it rests on, the same for a_I
//                                   (topology/lattice.hpp; files before them have (F, 5)); or (F, 5)
//                                   for columns: frame, a, columns, standard error, distances
//   /parameters/config              the resolved INI text
//
// Version policy (the one of every nanomix file kind, h5::check_format_version): a reader opens
// only a file whose `nanomix_format` is "diagrams" and whose `nanomix_format_version` it reads
// (1 … diagrams_format_version); anything else is an InputError of one line naming the file.
#include <cstddef>
#include <string>
#include <vector>

#include "topology/diagram.hpp"
#include "topology/topology_run.hpp"

namespace nanomix::topology {

inline constexpr int diagrams_format_version = 1;

/// Writes `result` (statistics and local structures computed here from `params`) to `path`; the
/// caller makes the write atomic.
void write_diagrams_file(const std::string& path, const TopologyResult& result, const TopologyParams& params,
                         const std::string& config_ini);

/// What every reader needs first: the root attributes, the group names and the frame table.
struct DiagramsInfo {
  std::string source, input, filtration, unit, time_unit;
  std::vector<std::string> groups;
  std::vector<double> frame_index, frame_time;
};
DiagramsInfo read_diagrams_info(const std::string& path);

/// Reads /diagrams/<group> of a diagrams file (group "" = the first one), with its cycles. Fills
/// unit and source.
struct DiagramsRead {
  std::string group, unit, source, filtration;
  std::vector<std::string> groups;
  std::vector<double> frame_time;
  std::vector<FrameDiagrams> frames;
};
DiagramsRead read_diagrams_file(const std::string& path, const std::string& group);

/// A float64 table of a diagrams file, row-major; rows = cols = 0 when the file does not hold it.
struct DiagramsTable {
  std::vector<double> values;
  std::size_t rows = 0, cols = 0;
  double at(std::size_t r, std::size_t c) const { return values[r * cols + c]; }
};

/// /statistics/<group>/dim<d>/summary: one row per frame, columns Summary::names().
DiagramsTable read_summary(const std::string& path, const std::string& group, int dimension);

/// /local_structures: the first group by name (group "" when the file has none).
struct LocalStructuresRead {
  std::string group;
  DiagramsTable counts, atom_counts;  ///< (F) each
  DiagramsTable atoms;                ///< (m, 2): frame, atom
  int dimension = 1;                  ///< of the region's points
  double min_persistence = 0;         ///< the region's floor (filtration unit)
};
LocalStructuresRead read_local_structures(const std::string& path);

/// /lattice (see the layout above); empty when the file has none.
DiagramsTable read_lattice(const std::string& path);

}  // namespace nanomix::topology
