#include "topology/diagrams_file.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

#include "core/error.hpp"
#include "core/hdf5_util.hpp"
#include "core/rehearse.hpp"
#include "core/materials.hpp"
#include "topology/lattice.hpp"
#include "topology/local_structures.hpp"
#include "topology/persistence.hpp"
#include "topology/statistics.hpp"

namespace nanomix::topology {

namespace {

const double nan_value = std::numeric_limits<double>::quiet_NaN();

/// Opens a diagrams file for reading after the format and version checks (one policy, see the header).
h5::Id open_diagrams(const std::string& path) {
  h5::Id f = h5::open_file(path);
  if (!h5::exists(f, "diagrams") ||
      (h5::has_attribute(f, "nanomix_format") && h5::read_string_attribute(f, "nanomix_format") != "diagrams"))
    throw InputError(path + ": not a nanomix diagrams file");
  h5::check_format_version(f, path, "diagrams", "nanomix_format_version", 1, diagrams_format_version);
  return f;
}

DiagramsTable read_table(hid_t loc, const std::string& name) {
  DiagramsTable t;
  if (!h5::exists(loc, name)) return t;
  std::vector<hsize_t> dims;
  t.values = h5::read_doubles(loc, name, &dims);
  if (dims.size() == 2) {
    t.rows = dims[0];
    t.cols = dims[1];
  } else if (dims.size() == 1) {
    t.rows = dims[0];
    t.cols = 1;
  }
  return t;
}

void write_root(hid_t f, const TopologyResult& res) {
  h5::write_attribute(f, "nanomix_format", std::string("diagrams"));
  h5::write_attribute(f, "nanomix_format_version", diagrams_format_version);
  h5::write_attribute(f, "source", std::string(source_name(res.source)));
  h5::write_attribute(f, "input", res.input);
  h5::write_attribute(f, "filtration", res.filtration);
  h5::write_attribute(f, "unit", res.unit);
  const hsize_t F = res.frame_index.size();
  std::vector<double> frames;
  for (std::size_t i = 0; i < F; ++i) frames.insert(frames.end(), {res.frame_index[i], res.frame_time[i]});
  h5::write_dataset(f, "frames", frames.data(), {F, 2});
  h5::Id fs = h5::open_dataset(f, "frames");
  h5::write_attribute(fs, "columns", std::vector<std::string>{"input_frame", "time"});
  h5::write_attribute(fs, "time_unit", res.time_unit);
}

/// Attributes of group "interior" of a movie: the tube band and the image preparation.
void write_band_attributes(hid_t gg, const TubeBand& b, const TopologyParams& params) {
  h5::write_attribute(gg, "tube_found", static_cast<int>(b.found));
  h5::write_attribute(gg, "tube_across_axis", std::string(b.across_axis == 0 ? "x" : "y"));
  h5::write_attribute(gg, "tube_walls_angstrom", std::vector<double>{b.wall_lo_angstrom, b.wall_hi_angstrom});
  h5::write_attribute(gg, "band_pixels", std::vector<double>{static_cast<double>(b.lo), static_cast<double>(b.hi)});
  h5::write_attribute(gg, "smoothing_angstrom", params.image.smoothing_angstrom);
  h5::write_attribute(gg, "binning_pixels", params.image.binning);
  h5::write_attribute(gg, "wall_margin_angstrom", params.image.wall_margin_angstrom);
  h5::write_attribute(gg, "min_persistence_sigma", params.image.min_persistence_sigma);
  h5::write_attribute(gg, "meaning",
                      std::string("cubical complex of the tube interior band (walls shrunk by the margin), Gaussian-smoothed then "
                                  "binned in blocks; atoms columns: original pixel at the block centre"));
}

/// /diagrams/<group>/dim1_cycles: (m, 3) rows point (row of dim1), atom, atom — one row per edge.
void write_group_cycles(hid_t gg, const Group& g, const TopologyParams& params) {
  std::vector<std::int64_t> rows;
  std::size_t first_row = 0;  // of the frame in dim1
  for (const auto& fr : g.frames) {
    for (const auto& c : fr.cycles)
      for (const auto& e : c.edges) rows.insert(rows.end(), {static_cast<std::int64_t>(first_row + c.point), e[0], e[1]});
    first_row += fr.dims[1].size();
  }
  std::int64_t idummy = 0;
  h5::write_dataset(gg, "dim1_cycles", rows.empty() ? &idummy : rows.data(), {rows.size() / 3, 3});
  h5::Id ds = h5::open_dataset(gg, "dim1_cycles");
  h5::write_attribute(ds, "columns", std::vector<std::string>{"point", "atom_a", "atom_b"});
  h5::write_attribute(ds, "meaning",
                      std::string("representative cycles of H1 points: one row per edge, point = row of dim1, atoms = indices in the "
                                  "input frame (a < b); the reduced boundary column of the death triangle (Z/2): it contains the "
                                  "birth edge and bounds at the death (docs/topology.md)"));
  h5::write_attribute(ds, "points_per_frame", params.cycles);
  h5::write_attribute(ds, "max_edges", static_cast<int>(max_cycle_edges));
}

/// /diagrams/<group>: notes, band attributes and dim<d>, dim<d>_atoms (and dim1_cycles for atoms).
void write_group_diagrams(hid_t dg, const Group& g, const TopologyResult& res, const TopologyParams& params) {
  const char* atoms_meaning = res.source == Source::movie     ? "pixel x, y of the birth cell (columns 0-1) and of the death cell (4-5); -1 = none"
                              : res.source == Source::columns ? "rows of /columns in the input: birth simplex (0-3), death simplex (4-7); -1 = none"
                                                              : "atom indices in the input frame: birth simplex (0-3), death simplex (4-7); -1 = none";
  h5::Id gg = h5::require_group(dg, g.name);
  const int maxdim = g.frames.empty() ? 2 : g.frames.front().max_dimension;
  std::string notes;
  for (const auto& n : res.notes)
    if (n.rfind(g.name + ":", 0) == 0) notes += n + "\n";
  h5::write_string_dataset(gg, "notes", notes);
  if (g.name == "interior") write_band_attributes(gg, res.tube_band, params);
  for (int d = 0; d <= maxdim; ++d) {
    std::vector<double> rows;
    std::vector<std::int64_t> atoms;
    for (std::size_t fi = 0; fi < g.frames.size(); ++fi)
      for (const auto& p : g.frames[fi].dims[static_cast<std::size_t>(d)]) {
        rows.insert(rows.end(), {static_cast<double>(fi), p.birth, p.death});
        for (int a : p.birth_atoms) atoms.push_back(a);
        for (int a : p.death_atoms) atoms.push_back(a);
      }
    const std::string name = "dim" + std::to_string(d);
    const hsize_t n = rows.size() / 3;
    double dummy = 0;
    std::int64_t idummy = 0;
    h5::write_dataset(gg, name, rows.empty() ? &dummy : rows.data(), {n, 3});
    h5::write_dataset(gg, name + "_atoms", atoms.empty() ? &idummy : atoms.data(), {n, 8});
    h5::Id ds = h5::open_dataset(gg, name);
    h5::write_attribute(ds, "unit", res.unit);
    h5::write_attribute(ds, "columns", std::vector<std::string>{"frame", "birth", "death"});
    h5::write_attribute(ds, "frame_meaning", std::string("row of /frames"));
    h5::Id da = h5::open_dataset(gg, name + "_atoms");
    h5::write_attribute(da, "meaning", std::string(atoms_meaning));
  }
  if (res.source == Source::structure || res.source == Source::trajectory) write_group_cycles(gg, g, params);
}

/// /statistics/<group>/dim<d> for every dimension of the group.
void write_group_statistics(hid_t f, const Group& g, const TopologyParams& params) {
  const int maxdim = g.frames.empty() ? 2 : g.frames.front().max_dimension;
  const hsize_t F = g.frames.size();
  const auto st = group_statistics(g, params);
  for (int d = 0; d <= maxdim; ++d) {
    const auto ud = static_cast<std::size_t>(d);
    h5::Id sg = h5::require_group(f, "statistics/" + g.name + "/dim" + std::to_string(d));
    const hsize_t S = st.betti_values.size(), P = static_cast<hsize_t>(params.image_pixels), H = static_cast<hsize_t>(params.histogram_bins);
    double dummy = 0;
    h5::write_dataset(sg, "betti_values", st.betti_values.data(), {S});
    h5::write_dataset(sg, "betti_curves", F ? st.betti[ud].data() : &dummy, {F, S});
    h5::write_dataset(sg, "persistence_images", F ? st.images[ud].data() : &dummy, {F, P, P});
    h5::write_dataset(sg, "histograms", F ? st.histograms[ud].data() : &dummy, {F, H, H});
    const hsize_t K = Summary::names().size();
    h5::write_dataset(sg, "summary", F ? st.summary[ud].data() : &dummy, {F, K});
    h5::Id ds = h5::open_dataset(sg, "summary");
    h5::write_attribute(ds, "names", Summary::names());
    h5::Id im = h5::open_dataset(sg, "persistence_images");
    h5::write_attribute(im, "layout", std::string("(frame, persistence row, birth column)"));
    h5::write_attribute(im, "birth_range", std::vector<double>{st.image_params.birth_min, st.image_params.birth_max});
    h5::write_attribute(im, "persistence_range", std::vector<double>{0.0, st.image_params.persistence_max});
    h5::write_attribute(im, "sigma", st.image_params.sigma);
    h5::write_attribute(im, "weight", std::string("min(persistence / weight_persistence, 1), Gaussian integrated over each pixel"));
    h5::write_attribute(im, "weight_persistence", st.image_params.weight_persistence);
    h5::Id hs = h5::open_dataset(sg, "histograms");
    h5::write_attribute(hs, "layout", std::string("(frame, death bin, birth bin)"));
    h5::write_attribute(hs, "range", std::vector<double>{st.range_min, st.range_max});
    h5::Id bc = h5::open_dataset(sg, "betti_curves");
    h5::write_attribute(bc, "meaning", std::string("number of pairs with birth <= t < death at t = betti_values"));
  }
}

/// /local_structures/<group>: the diagram points in the region and the atoms behind them.
void write_local_structures(hid_t f, const Group& g, const Region& r) {
  const hsize_t F = g.frames.size();
  h5::Id lg = h5::require_group(f, "local_structures/" + g.name);
  std::vector<double> counts, atom_counts;
  std::vector<std::int64_t> rows;
  for (std::size_t fi = 0; fi < g.frames.size(); ++fi) {
    const auto atoms = atoms_in_region(g.frames[fi], r);
    counts.push_back(static_cast<double>(pairs_in_region(g.frames[fi], r)));
    atom_counts.push_back(static_cast<double>(atoms.size()));
    for (int a : atoms) rows.insert(rows.end(), {static_cast<std::int64_t>(fi), a});
  }
  double dummy = 0;
  std::int64_t idummy = 0;
  h5::write_dataset(lg, "counts", F ? counts.data() : &dummy, {F});
  h5::write_dataset(lg, "atom_counts", F ? atom_counts.data() : &dummy, {F});
  h5::write_dataset(lg, "atoms", rows.empty() ? &idummy : rows.data(), {rows.size() / 2, 2});
  h5::write_attribute(lg, "dimension", r.dimension);
  h5::write_attribute(lg, "birth_range", std::vector<double>{r.birth_min, r.birth_max});
  h5::write_attribute(lg, "death_range", std::vector<double>{r.death_min, r.death_max});
  h5::write_attribute(lg, "min_persistence", r.min_persistence);
}

void write_lattice(hid_t f, const TopologyResult& res) {
  const hsize_t F = res.frame_index.size();
  std::size_t width = 0;
  for (const auto& l : res.lattice) width = std::max(width, l.size());
  std::vector<double> rows;
  for (std::size_t i = 0; i < F; ++i) {
    rows.push_back(static_cast<double>(i));
    for (std::size_t k = 0; k < width; ++k) rows.push_back(k < res.lattice[i].size() ? res.lattice[i][k] : nan_value);
  }
  h5::write_dataset(f, "lattice", rows.data(), {F, width + 1});
  h5::Id ls = h5::open_dataset(f, "lattice");
  h5::write_attribute(ls, "columns", res.source == Source::columns
                                         ? std::vector<std::string>{"frame", "a_angstrom", "columns", "a_standard_error_angstrom",
                                                                    "distances"}
                                         : std::vector<std::string>{"frame", "a_NaCl_domain_angstrom", "crystalline_Na_Cl",
                                                                    "a_NaI_domain_angstrom", "crystalline_Na_I",
                                                                    "a_NaCl_domain_standard_error_angstrom", "Na_Cl_distances",
                                                                    "a_NaI_domain_standard_error_angstrom", "Na_I_distances"});
  h5::write_attribute(ls, "bulk_angstrom", std::vector<double>{nacl_lattice_constant_angstrom, nai_lattice_constant_angstrom});
}

}  // namespace

void write_diagrams_file(const std::string& path, const TopologyResult& res, const TopologyParams& params,
                         const std::string& config_ini) {
  h5::Id f = h5::create_file(path);
  write_root(f, res);
  h5::Id dg = h5::require_group(f, "diagrams");
  std::vector<std::string> names;
  for (const auto& g : res.groups) names.push_back(g.name);
  h5::write_attribute(dg, "groups", names);
  for (const auto& g : res.groups) {
    write_group_diagrams(dg, g, res, params);
    write_group_statistics(f, g, params);
    const bool local_here = !params.local_subset.empty() && res.source != Source::movie &&
                            (g.name == params.local_subset || (res.source == Source::columns && g.name == "columns"));
    if (local_here) write_local_structures(f, g, params.local_region);
  }
  if (params.lattice && !res.frame_index.empty()) write_lattice(f, res);
  h5::Id par = h5::require_group(f, "parameters");
  h5::write_string_dataset(par, "config", config_ini);
  h5::flush_file(f);
}

namespace {

DiagramsInfo read_info_here(const std::string& path) {
  h5::Id f = open_diagrams(path);
  DiagramsInfo info;
  auto text = [&](hid_t loc, const char* name) { return h5::has_attribute(loc, name) ? h5::read_string_attribute(loc, name) : std::string(); };
  info.source = text(f, "source");
  info.input = text(f, "input");
  info.filtration = text(f, "filtration");
  info.unit = text(f, "unit");
  h5::Id dg = h5::open_group(f, "diagrams");
  if (h5::has_attribute(dg, "groups")) info.groups = h5::read_string_array_attribute(dg, "groups");
  const DiagramsTable frames = read_table(f, "frames");
  if (frames.cols >= 2)
    for (std::size_t r = 0; r < frames.rows; ++r) {
      info.frame_index.push_back(frames.at(r, 0));
      info.frame_time.push_back(frames.at(r, 1));
    }
  if (h5::exists(f, "frames")) {
    h5::Id fs = h5::open_dataset(f, "frames");
    info.time_unit = text(fs, "time_unit");
  }
  return info;
}

/// dim1_cycles into the frames' cycles (rows of one point are consecutive; files before cycles have none).
void read_cycles(hid_t dg, const std::string& name, const std::string& path,
                 const std::vector<std::pair<std::size_t, std::size_t>>& point_of_row, std::vector<FrameDiagrams>& frames) {
  std::vector<hsize_t> dims;
  const auto rows = h5::read_int64s(dg, name, &dims);
  const std::size_t m = dims.empty() ? 0 : dims[0];
  if (m > 0 && (dims.size() != 2 || dims[1] != 3)) throw InputError(path + ": " + name + " is not an (m, 3) table");
  long last_point = -1;
  for (std::size_t k = 0; k < m; ++k) {
    const std::int64_t point = rows[3 * k], a = rows[3 * k + 1], b = rows[3 * k + 2];
    if (point < 0 || static_cast<std::size_t>(point) >= point_of_row.size())
      throw InputError(path + ": " + name + " row " + std::to_string(k) + ": not a row of dim1");
    if (a < 0 || b < 0 || a > 1000000000 || b > 1000000000)
      throw InputError(path + ": " + name + " row " + std::to_string(k) + ": not an atom index");
    const auto [frame, index] = point_of_row[static_cast<std::size_t>(point)];
    auto& cycles = frames[frame].cycles;
    if (point != last_point) {
      cycles.push_back(Cycle{index, {}});
      last_point = static_cast<long>(point);
    }
    cycles.back().edges.push_back({static_cast<int>(a), static_cast<int>(b)});
  }
}

DiagramsRead read_diagrams_here(const std::string& path, const std::string& group) {
  h5::Id f = open_diagrams(path);
  DiagramsRead r;
  r.source = h5::read_string_attribute(f, "source");
  r.filtration = h5::read_string_attribute(f, "filtration");
  r.unit = h5::read_string_attribute(f, "unit");
  h5::Id dg = h5::open_group(f, "diagrams");
  r.groups = h5::read_string_array_attribute(dg, "groups");
  if (r.groups.empty()) throw InputError(path + ": no diagram groups");
  r.group = group.empty() ? r.groups.front() : group;
  if (std::find(r.groups.begin(), r.groups.end(), r.group) == r.groups.end())
    throw InputError(path + ": no /diagrams/" + r.group + " (it has: " + [&] {
      std::string s;
      for (const auto& g : r.groups) s += (s.empty() ? "" : ", ") + g;
      return s;
    }() + ")");
  std::vector<hsize_t> fd;
  const auto frames = h5::read_doubles(f, "frames", &fd);
  const std::size_t F = fd.empty() ? 0 : fd[0];
  if (F > 0 && (fd.size() != 2 || fd[1] < 2)) throw InputError(path + ": /frames is not an (F, 2) table");
  for (std::size_t i = 0; i < F; ++i) r.frame_time.push_back(frames[i * 2 + 1]);
  r.frames.resize(F);
  for (int d = 0; d <= 2; ++d) {
    const std::string name = r.group + "/dim" + std::to_string(d);
    if (!h5::exists(dg, name)) {
      for (auto& fr : r.frames) fr.max_dimension = std::min(fr.max_dimension, d - 1);
      continue;
    }
    std::vector<hsize_t> dims;
    const auto rows = h5::read_doubles(dg, name, &dims);
    const auto atoms = h5::read_int64s(dg, name + "_atoms");
    const std::size_t n = dims.empty() ? 0 : dims[0];
    if (n > 0 && (dims.size() != 2 || dims[1] != 3)) throw InputError(path + ": " + name + " is not an (n, 3) table");
    if (atoms.size() != n * 8) throw InputError(path + ": " + name + "_atoms does not match " + name);
    std::vector<std::pair<std::size_t, std::size_t>> point_of_row;  // (frame, index in its diagram)
    for (std::size_t k = 0; k < n; ++k) {
      const double fr = rows[3 * k];
      if (!(fr >= 0) || fr >= static_cast<double>(F)) throw InputError(path + ": " + name + " row " + std::to_string(k) + ": bad frame");
      PersistencePair p;
      p.birth = rows[3 * k + 1];
      p.death = rows[3 * k + 2];
      for (std::size_t a = 0; a < 8; ++a)
        if (atoms[8 * k + a] < -1 || atoms[8 * k + a] > 1000000000)
          throw InputError(path + ": " + name + "_atoms row " + std::to_string(k) + ": not an index (or -1)");
      for (std::size_t a = 0; a < 4; ++a) {
        p.birth_atoms[a] = static_cast<int>(atoms[8 * k + a]);
        p.death_atoms[a] = static_cast<int>(atoms[8 * k + 4 + a]);
      }
      auto& dg_here = r.frames[static_cast<std::size_t>(fr)].dims[static_cast<std::size_t>(d)];
      point_of_row.emplace_back(static_cast<std::size_t>(fr), dg_here.size());
      dg_here.push_back(p);
    }
    if (d == 1 && h5::exists(dg, r.group + "/dim1_cycles")) read_cycles(dg, r.group + "/dim1_cycles", path, point_of_row, r.frames);
  }
  return r;
}

LocalStructuresRead read_local_here(const std::string& path) {
  h5::Id f = open_diagrams(path);
  LocalStructuresRead r;
  if (!h5::exists(f, "local_structures")) return r;
  h5::Id lg = h5::open_group(f, "local_structures");
  H5G_info_t info;
  if (H5Gget_info(lg, &info) < 0) throw InputError(path + ": /local_structures is damaged");
  if (info.nlinks == 0) return r;
  char name[256] = {};
  if (H5Lget_name_by_idx(lg, ".", H5_INDEX_NAME, H5_ITER_INC, 0, name, sizeof name, H5P_DEFAULT) < 0)
    throw InputError(path + ": /local_structures is damaged");
  r.group = name;
  r.counts = read_table(lg, r.group + "/counts");
  r.atom_counts = read_table(lg, r.group + "/atom_counts");
  r.atoms = read_table(lg, r.group + "/atoms");
  h5::Id g = h5::open_group(lg, r.group);
  if (h5::has_attribute(g, "dimension")) r.dimension = static_cast<int>(h5::read_double_attribute(g, "dimension"));
  if (h5::has_attribute(g, "min_persistence")) r.min_persistence = h5::read_double_attribute(g, "min_persistence");
  return r;
}

}  // namespace

// Every reader below is rehearsed in a child first: libhdf5 may crash or hang on a damaged file
// (core/rehearse.hpp); its only failure is an InputError naming the file.

DiagramsInfo read_diagrams_info(const std::string& path) {
  return read_rehearsed(path, "diagrams", [&] { return read_info_here(path); });
}

DiagramsRead read_diagrams_file(const std::string& path, const std::string& group) {
  return read_rehearsed(path, "diagrams", [&] { return read_diagrams_here(path, group); });
}

DiagramsTable read_summary(const std::string& path, const std::string& group, int dimension) {
  return read_rehearsed(path, "diagrams", [&] {
    h5::Id f = open_diagrams(path);
    return read_table(f, "statistics/" + group + "/dim" + std::to_string(dimension) + "/summary");
  });
}

LocalStructuresRead read_local_structures(const std::string& path) {
  return read_rehearsed(path, "diagrams", [&] { return read_local_here(path); });
}

DiagramsTable read_lattice(const std::string& path) {
  return read_rehearsed(path, "diagrams", [&] {
    h5::Id f = open_diagrams(path);
    return read_table(f, "lattice");
  });
}

}  // namespace nanomix::topology
