#pragma once
// From atoms to the specimen the multislice sees: each snapshot projected into the image frame
// (where every atom lands in the view, its depth along the beam, whether it is imaged), the radial
// potential table of each element present, and a projected snapshot binned into slices
// (SlicedSpecimen). Geometry conventions: render_movie.hpp.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/frame.hpp"
#include "imaging/movie_plan.hpp"
#include "imaging/multislice.hpp"
#include "imaging/projected_potential.hpp"
#include "imaging/render_movie.hpp"

namespace nanomix::imaging {

/// One snapshot projected into the image frame.
struct ProjectedSnapshot {
  std::vector<double> u, v;        ///< image x, y (Å, from the view's origin; wrapped into the view when it wraps)
  std::vector<double> depth;       ///< along the beam (Å, cell frame; wrapped into the cell with slice_range = cell)
  std::vector<std::uint8_t> inside;  ///< in the view (else left out of the image: outside_atoms = drop)
  std::vector<int> z;              ///< species of this snapshot (they change between snapshots under Cl<->I swaps)
  std::vector<int> table;          ///< potential table of each atom (assign_tables)
  double time_ps = 0;
};

/// Projects `frame`; InputError naming `where` for an atom outside the view (unless
/// outside_atoms = drop) or, with slice_range = cell, outside the cell along the beam.
ProjectedSnapshot project_snapshot(const Frame& frame, const ImagingParams& params, const FieldOfView& view, const std::string& where);

/// Every distinct snapshot of the plan, each read and projected once (all ranks: the slice range
/// spans all frames).
struct ProjectedMovie {
  std::vector<ProjectedSnapshot> snapshots;  ///< in first-use order
  std::map<std::size_t, std::size_t> slot;   ///< MD frame index → index into `snapshots`
  std::size_t atoms = 0;
  double depth_min_angstrom = INFINITY, depth_max_angstrom = -INFINITY;  ///< over the imaged atoms
  const ProjectedSnapshot& of(std::size_t md_frame) const { return snapshots[slot.at(md_frame)]; }
};

/// Reads and projects the plan's snapshots from `source`; `first` is the already read first one.
ProjectedMovie project_movie(const SnapshotSource& source, const MoviePlan& plan, const ImagingParams& params, const Frame& first);

/// The radial potential of each element present, from the scattering table of [imaging].
struct PotentialTables {
  std::string table_name;
  std::vector<RadialPotential> tables;
  std::map<int, int> table_of_z;  ///< atomic number → index into `tables` (increasing Z)
};

/// Tables for every species in `movie` on `grid` (the core of each potential is a disc with a
/// pixel's area), and each projected atom's table index set.
PotentialTables assign_potential_tables(const ImagingParams& params, const Grid& grid, ProjectedMovie& movie);

/// The imaged atoms of `snapshot` binned into `slices`.
SlicedSpecimen slice_snapshot(const ProjectedSnapshot& snapshot, const SliceGeometry& slices);

}  // namespace nanomix::imaging
