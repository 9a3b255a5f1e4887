#include "imaging/specimen.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "core/units.hpp"
#include "imaging/kirkland.hpp"

namespace nanomix::imaging {

namespace {


/// InputError for `count` atoms outside the view, quoting the first (atom `a`).
[[noreturn]] void outside_view_error(const Frame& f, const FieldOfView& view, const std::string& where, std::size_t count, std::size_t a) {
  const auto row = f.positions_angstrom.row(static_cast<Eigen::Index>(a));
  throw InputError(where + ": " + std::to_string(count) + " atom(s) lie outside the field of view [" + format_number(view.x0_angstrom) + ", " +
                   format_number(view.x0_angstrom + view.width_angstrom) + "] x [" + format_number(view.y0_angstrom) + ", " +
                   format_number(view.y0_angstrom + view.height_angstrom) + "] Å along " + axis_name(view.x_axis) + ", " + axis_name(view.y_axis) +
                   " (atom " + std::to_string(a) + " at " + format_number(row[view.x_axis]) + ", " + format_number(row[view.y_axis]) +
                   "); enlarge the view, or set [imaging] outside_atoms = drop");
}

/// With slice_range = cell every imaged atom must lie in [0, beam length].
void check_inside_cell(const ProjectedSnapshot& pr, const FieldOfView& view, const std::string& where) {
  for (std::size_t a = 0; a < pr.depth.size(); ++a) {
    if (pr.inside[a] && (pr.depth[a] < 0 || pr.depth[a] > view.beam_length_angstrom)) {
      throw InputError(where + ": atom " + std::to_string(a) + " lies outside the cell along the beam (" + axis_name(view.beam_axis) + " = " +
                       format_number(pr.depth[a]) + " Å) with slice_range = cell");
    }
  }
}

}  // namespace

ProjectedSnapshot project_snapshot(const Frame& f, const ImagingParams& p, const FieldOfView& view, const std::string& where) {
  const std::size_t natoms = f.size();
  const double width = view.width_angstrom, height = view.height_angstrom, beam = view.beam_length_angstrom;
  const bool wrap_depth = p.slice_range_cell && f.box.periodic[static_cast<std::size_t>(view.beam_axis)];
  ProjectedSnapshot pr;
  pr.z = f.atomic_numbers;
  pr.time_ps = f.time_ps;
  pr.u.resize(natoms);
  pr.v.resize(natoms);
  pr.depth.resize(natoms);
  pr.inside.resize(natoms);
  std::size_t outside = 0, first_out = 0;
  for (std::size_t a = 0; a < natoms; ++a) {
    const auto row = f.positions_angstrom.row(static_cast<Eigen::Index>(a));
    double x = row[view.x_axis] - view.x0_angstrom, y = row[view.y_axis] - view.y0_angstrom, d = row[view.beam_axis];
    if (view.wrap_x) x -= width * std::floor(x / width);
    if (view.wrap_y) y -= height * std::floor(y / height);
    if (wrap_depth) d -= beam * std::floor(d / beam);
    const double tol = 1e-9;
    const bool in = x >= -tol && x <= width + tol && y >= -tol && y <= height + tol;
    if (!in && outside++ == 0) first_out = a;
    pr.u[a] = x;
    pr.v[a] = y;
    pr.depth[a] = d;
    pr.inside[a] = in;
  }
  if (outside && !p.drop_outside_atoms) outside_view_error(f, view, where, outside, first_out);
  if (p.slice_range_cell) check_inside_cell(pr, view, where);
  return pr;
}

ProjectedMovie project_movie(const SnapshotSource& src, const MoviePlan& plan, const ImagingParams& p, const Frame& first) {
  ProjectedMovie movie;
  movie.atoms = first.size();
  const std::size_t first_index = plan.snapshots[0][0];
  for (const auto& snaps : plan.snapshots) {
    for (std::size_t s : snaps) {
      if (movie.slot.count(s)) continue;
      const std::string where = src.name + " frame " + std::to_string(s);
      const Frame f = s == first_index ? first : src.read(s);
      f.validate(where);
      if (f.size() != movie.atoms) {
        throw InputError(where + ": " + std::to_string(f.size()) + " atoms, the first frame has " + std::to_string(movie.atoms));
      }
      ProjectedSnapshot pr = project_snapshot(f, p, plan.view, where);
      for (std::size_t a = 0; a < movie.atoms; ++a) {
        if (!pr.inside[a]) continue;
        movie.depth_min_angstrom = std::min(movie.depth_min_angstrom, pr.depth[a]);
        movie.depth_max_angstrom = std::max(movie.depth_max_angstrom, pr.depth[a]);
      }
      movie.slot[s] = movie.snapshots.size();
      movie.snapshots.push_back(std::move(pr));
    }
  }
  return movie;
}

PotentialTables assign_potential_tables(const ImagingParams& p, const Grid& g, ProjectedMovie& movie) {
  const ScatteringTable table = p.scattering_table.empty() ? ScatteringTable::kirkland() : ScatteringTable::read(p.scattering_table);
  PotentialTables out;
  out.table_name = table.name();
  RadialPotentialOptions ropt;
  ropt.core_angstrom = std::sqrt(g.dx_angstrom * g.dy_angstrom / units::pi);  // a disc with a pixel's area
  ropt.step_angstrom = std::min(0.002, ropt.core_angstrom / 4);
  ropt.fixed_cutoff_angstrom = p.potential_cutoff_angstrom;
  std::set<int> species_present;
  for (const ProjectedSnapshot& pr : movie.snapshots) species_present.insert(pr.z.begin(), pr.z.end());
  for (int z : species_present) {
    out.table_of_z[z] = static_cast<int>(out.tables.size());
    out.tables.push_back(make_radial_potential(table.at(z), ropt));
  }
  for (ProjectedSnapshot& pr : movie.snapshots) {
    pr.table.resize(movie.atoms);
    for (std::size_t a = 0; a < movie.atoms; ++a) pr.table[a] = out.table_of_z.at(pr.z[a]);
  }
  return out;
}

SlicedSpecimen slice_snapshot(const ProjectedSnapshot& pr, const SliceGeometry& slices) {
  SlicedSpecimen spec;
  spec.slices.resize(static_cast<std::size_t>(slices.count));
  for (std::size_t a = 0; a < pr.u.size(); ++a) {
    if (pr.inside[a]) spec.slices[slices.slice_of(pr.depth[a])].push_back({pr.u[a], pr.v[a], pr.table[a]});
  }
  return spec;
}

}  // namespace nanomix::imaging
