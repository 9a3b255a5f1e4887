#include "topology/topology_run.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "core/elements.hpp"
#include "core/error.hpp"
#include "core/frame_executor.hpp"
#include "core/parallel.hpp"
#include "topology/image_region.hpp"
#include "topology/persistence.hpp"
#include "topology/subsets.hpp"

namespace nanomix::topology {

namespace {

double to_radius(double v) { return std::isinf(v) ? v : std::copysign(std::sqrt(std::abs(v)), v); }

void convert_units(FrameDiagrams& d, bool angstrom) {
  if (!angstrom) return;
  for (auto& dim : d.dims)
    for (auto& p : dim) {
      p.birth = to_radius(p.birth);
      p.death = to_radius(p.death);
    }
}
}  // namespace

const char* source_name(Source s) {
  switch (s) {
    case Source::structure: return "structure";
    case Source::trajectory: return "trajectory";
    case Source::movie: return "movie";
    case Source::columns: return "columns";
  }
  return "?";
}

FrameDiagrams frame_diagrams(const Frame& frame, const std::string& subset, const TopologyParams& params) {
  std::vector<int> idx = subset_indices(frame, subset);
  if (subset == "ions" && params.include_carbon) {
    for (std::size_t i = 0; i < frame.size(); ++i)
      if (frame.atomic_numbers[i] == carbon_z) idx.push_back(static_cast<int>(i));
    std::sort(idx.begin(), idx.end());
  }
  FrameDiagrams out;
  if (idx.empty()) {
    out.note = "subset '" + subset + "' is empty";
    if (params.projection) out.max_dimension = 1;
    return out;
  }
  if (params.projection) {
    const int drop = params.projection - 'x';
    const int a = drop == 0 ? 1 : 0, b = drop == 2 ? 1 : 2;
    std::vector<double> xy;
    xy.reserve(2 * idx.size());
    for (int i : idx) {
      xy.push_back(frame.positions_angstrom(i, a));
      xy.push_back(frame.positions_angstrom(i, b));
    }
    out = alpha_diagrams_2d(xy, {}, idx);
  } else {
    Positions pts(static_cast<Eigen::Index>(idx.size()), 3);
    std::vector<double> w;
    for (std::size_t k = 0; k < idx.size(); ++k) {
      pts.row(static_cast<Eigen::Index>(k)) = frame.positions_angstrom.row(idx[k]);
      if (params.radii == "none") continue;
      const int z = frame.atomic_numbers[static_cast<std::size_t>(idx[k])];
      double r = 0.0;
      if (params.radii == "custom" && (z == sodium_z || z == chlorine_z || z == iodine_z))
        r = z == sodium_z ? params.radius_na_angstrom : z == chlorine_z ? params.radius_cl_angstrom : params.radius_i_angstrom;
      else if (z != carbon_z)
        r = element(z).ionic_radius_angstrom;
      w.push_back(r * r);
    }
    // Cycles for the local-structure subset only: the loops the report draws (each costs ~1 % of
    // a large frame's diagrams, docs/topology.md).
    const std::size_t cycles = subset == params.local_subset ? static_cast<std::size_t>(params.cycles) : 0;
    out = alpha_diagrams_3d(pts, w, idx, cycles);
  }
  convert_units(out, params.unit_angstrom);
  return out;
}

std::vector<std::size_t> select_frames(std::size_t total, const TopologyParams& params) {
  std::vector<std::size_t> selected;
  const long long last = params.last_frame < 0 ? static_cast<long long>(total) - 1
                                               : std::min<long long>(params.last_frame, static_cast<long long>(total) - 1);
  for (long long i = params.first_frame; i <= last; i += params.frame_stride) selected.push_back(static_cast<std::size_t>(i));
  return selected;
}

namespace {

/// What the frames share: the diagram groups and, for movies, the tube band.
struct TopologyPlan {
  std::vector<std::string> groups;
  bool split_columns = false;  ///< columns: heavy and light groups besides "columns"
  TubeBand band;               ///< movies with group "interior"
};

/// What one frame produces: diagrams per group and a lattice row.
struct FrameOutput {
  std::vector<FrameDiagrams> groups;
  std::vector<double> lattice;
};

Bytes pack(const FrameOutput& f) {
  Bytes bytes;
  ByteWriter w(bytes);
  w.value<unsigned long long>(f.groups.size());
  for (const auto& g : f.groups) {
    w.value(g.max_dimension);
    w.text(g.note);
    for (const auto& d : g.dims) w.array(d);
    std::vector<long long> cycles;  // per cycle: point, edge count, then the edges' atoms
    for (const auto& c : g.cycles) {
      cycles.insert(cycles.end(), {static_cast<long long>(c.point), static_cast<long long>(c.edges.size())});
      for (const auto& e : c.edges) cycles.insert(cycles.end(), {e[0], e[1]});
    }
    w.array(cycles);
    w.text(g.cycles_note);
  }
  w.array(f.lattice);
  return bytes;
}

FrameOutput unpack(const Bytes& bytes) {
  ByteReader r(bytes);
  FrameOutput f;
  f.groups.resize(static_cast<std::size_t>(r.value<unsigned long long>()));
  for (auto& g : f.groups) {
    g.max_dimension = r.value<int>();
    g.note = r.text();
    for (auto& d : g.dims) d = r.array<PersistencePair>();
    const auto cycles = r.array<long long>();
    for (std::size_t i = 0; i + 1 < cycles.size();) {
      Cycle c;
      c.point = static_cast<std::size_t>(cycles[i]);
      const auto edges = static_cast<std::size_t>(cycles[i + 1]);
      i += 2;
      for (std::size_t e = 0; e < edges && i + 1 < cycles.size(); ++e, i += 2)
        c.edges.push_back({static_cast<int>(cycles[i]), static_cast<int>(cycles[i + 1])});
      g.cycles.push_back(std::move(c));
    }
    g.cycles_note = r.text();
  }
  f.lattice = r.array<double>();
  return f;
}

/// Each estimate's (a, count), then each one's (standard error of a, distances used): the columns
/// the diagrams file names (the first ones as format 1 files had them).
std::vector<double> lattice_row(const std::vector<LatticeEstimate>& est) {
  std::vector<double> row;
  for (const auto& e : est) {
    row.push_back(e.a_angstrom);
    row.push_back(static_cast<double>(e.crystalline_cations));
  }
  for (const auto& e : est) {
    row.push_back(e.a_standard_error_angstrom);
    row.push_back(static_cast<double>(e.distances));
  }
  return row;
}

std::string filtration_of(const TopologyInput& in, const TopologyParams& params) {
  const bool atoms = in.source == Source::structure || in.source == Source::trajectory;
  std::string f = in.source == Source::movie ? (params.superlevel ? "cubical superlevel (sublevel of -intensity), pixels as 2-cells"
                                                                   : "cubical sublevel of intensity, pixels as 2-cells")
                  : in.source == Source::columns || params.projection ? "alpha 2D (squared radii)"
                  : params.radii == "none"                           ? "alpha 3D unweighted (squared radii)"
                                                                     : "alpha 3D weighted, w = r^2 (" + params.radii + " radii)";
  if (atoms && params.projection) f += std::string(", positions projected along ") + params.projection;
  return f;
}

std::string unit_of(const TopologyInput& in, const TopologyParams& params) {
  if (in.source != Source::movie) return params.unit_angstrom ? "angstrom" : "angstrom2";
  if (!params.superlevel) return in.images.unit;
  return "-(" + (in.images.unit.empty() ? std::string("intensity") : in.images.unit) + ")";
}

/// The tube interior band, found once on the mean of every frame of the movie.
TubeBand tube_band_of(const ImageStack& im, const TopologyParams& params) {
  const auto nx = static_cast<std::size_t>(im.nx), ny = static_cast<std::size_t>(im.ny), nt = im.frames.size();
  std::vector<float> mean(nx * ny, 0.0f);
  for (std::size_t x = 0; x < nx; ++x)
    for (std::size_t y = 0; y < ny; ++y) {
      double s = 0;
      for (std::size_t t = 0; t < nt; ++t) s += im.frames[t][y * nx + x];
      mean[y * nx + x] = static_cast<float>(s / static_cast<double>(std::max<std::size_t>(1, nt)));
    }
  return find_tube_band(mean, im.nx, im.ny, im.pixel_x_angstrom, im.pixel_y_angstrom, params.image.wall_margin_angstrom);
}

/// The groups and the band; `notes` gets the file-wide notes (the columns' classes not split).
TopologyPlan plan_topology(const TopologyInput& in, const TopologyParams& params, std::vector<std::string>& notes) {
  TopologyPlan plan;
  if (in.source == Source::structure || in.source == Source::trajectory) {
    plan.groups = params.subsets;
  } else if (in.source == Source::movie) {
    if (params.image_region != "tube_interior") plan.groups.push_back("image");
    if (params.image_region != "whole") {
      plan.groups.push_back("interior");
      plan.band = tube_band_of(in.images, params);
    }
  } else {
    plan.groups = {"columns"};
    const bool any_heavy = std::any_of(in.columns.begin(), in.columns.end(), [](const ColumnFrame& c) { return !c.heavy.rows.empty(); });
    plan.split_columns = params.column_classes && any_heavy;
    if (plan.split_columns) {
      plan.groups.push_back("heavy");
      plan.groups.push_back("light");
    } else if (params.column_classes) {
      notes.push_back("columns: no column is classed heavy (class 1): the classes were not split, so there are no heavy/light groups");
    }
  }
  return plan;
}

FrameOutput atoms_frame(const Frame& frame, const TopologyPlan& plan, const TopologyParams& params) {
  FrameOutput out;
  for (const auto& g : plan.groups) out.groups.push_back(frame_diagrams(frame, g, params));
  if (params.lattice) out.lattice = lattice_row(lattice_from_atoms(frame));
  return out;
}

FrameOutput columns_frame(const ColumnFrame& c, const TopologyPlan& plan, const TopologyParams& params) {
  FrameOutput out;
  auto d = alpha_diagrams_2d(c.all.xy_angstrom, {}, c.all.rows);
  convert_units(d, params.unit_angstrom);
  out.groups.push_back(d);
  if (plan.split_columns) {
    for (const ColumnCloud* cloud : {&c.heavy, &c.light}) {
      auto h = alpha_diagrams_2d(cloud->xy_angstrom, {}, cloud->rows);
      if (cloud->rows.empty()) h.note = cloud == &c.heavy ? "no heavy column" : "no light column";
      convert_units(h, params.unit_angstrom);
      out.groups.push_back(h);
    }
  }
  if (params.lattice) out.lattice = lattice_row({lattice_from_columns(c.all.xy_angstrom)});
  return out;
}

/// Cubical diagrams of the tube interior band of one frame: smoothed and binned, points below the
/// noise floor dropped, cells mapped back to the original pixel at the block's centre.
FrameDiagrams interior_diagrams(const std::vector<float>& img, const ImageStack& im, const TubeBand& band, const TopologyParams& params) {
  const auto b = band_image(img, im.nx, im.ny, im.pixel_x_angstrom, im.pixel_y_angstrom, band, params.image);
  auto d = cubical_diagrams_2d(b.pixels, b.nx, b.ny, params.superlevel);
  const double floor = params.image.min_persistence_sigma *
                       band_noise(b, params.image.smoothing_angstrom, std::min(im.pixel_x_angstrom, im.pixel_y_angstrom));
  for (auto& dim : d.dims)
    dim.erase(std::remove_if(dim.begin(), dim.end(), [&](const PersistencePair& p) { return p.finite() && p.persistence() < floor; }),
              dim.end());
  for (auto& dim : d.dims)
    for (auto& p : dim)
      for (auto* cell : {&p.birth_atoms, &p.death_atoms})
        if ((*cell)[0] >= 0) {
          (*cell)[0] = b.x0 + (*cell)[0] * b.binning + b.binning / 2;
          (*cell)[1] = b.y0 + (*cell)[1] * b.binning + b.binning / 2;
        }
  if (!band.found) d.note = band.note;
  return d;
}

FrameOutput movie_frame(const ImageStack& im, std::size_t t, const TopologyPlan& plan, const TopologyParams& params) {
  FrameOutput out;
  const std::vector<float>& img = im.frames[t];  // img[y * nx + x]
  if (params.image_region != "tube_interior") out.groups.push_back(cubical_diagrams_2d(img, im.nx, im.ny, params.superlevel));
  if (params.image_region != "whole") out.groups.push_back(interior_diagrams(img, im, plan.band, params));
  return out;
}

/// The kernel: analysed frame `k` of the input.
FrameOutput frame_output(const TopologyInput& in, const TopologyPlan& plan, std::size_t k, const TopologyParams& params) {
  switch (in.source) {
    case Source::structure:
    case Source::trajectory: return atoms_frame(in.atoms[k], plan, params);
    case Source::columns: return columns_frame(in.columns[in.frames[k]], plan, params);
    case Source::movie: return movie_frame(in.images, in.frames[k], plan, params);
  }
  return {};
}

/// The frames' outputs into groups (in frame order), with the frame table and the per-frame notes
/// counted (after the plan's notes).
void assemble(TopologyResult& res, const TopologyInput& in, const TopologyPlan& plan, std::vector<FrameOutput>& outputs) {
  res.groups.resize(plan.groups.size());
  for (std::size_t g = 0; g < plan.groups.size(); ++g) res.groups[g].name = plan.groups[g];
  std::map<std::string, int> notes;
  for (std::size_t k = 0; k < outputs.size(); ++k) {
    res.frame_index.push_back(static_cast<double>(in.frames[k]));
    res.frame_time.push_back(in.frame_time[k]);
    for (std::size_t g = 0; g < plan.groups.size(); ++g) {
      auto& d = outputs[k].groups[g];
      if (!d.note.empty()) notes[plan.groups[g] + ": " + d.note]++;
      if (!d.cycles_note.empty()) notes[plan.groups[g] + ": " + d.cycles_note]++;
      res.groups[g].frames.push_back(std::move(d));
    }
    res.lattice.push_back(outputs[k].lattice);
  }
  for (const auto& [n, count] : notes) res.notes.push_back(n + " (" + std::to_string(count) + " frames)");
}

}  // namespace

TopologyResult compute_topology(const TopologyInput& in, const TopologyParams& params,
                                const std::function<void(std::size_t, std::size_t)>& progress) {
  TopologyResult res;
  res.source = in.source;
  res.input = in.path;
  res.unit = unit_of(in, params);
  res.time_unit = in.source == Source::structure || in.source == Source::trajectory ? "ps" : "s";
  res.filtration = filtration_of(in, params);
  const TopologyPlan plan = plan_topology(in, params, res.notes);
  res.tube_band = plan.band;

  std::vector<FrameOutput> outputs(in.frames.size());
  FrameJob job;
  job.frames = in.frames.size();
  job.threads = params.threads;
  job.make_kernel = [&] {
    return [&](std::size_t k) { outputs[k] = frame_output(in, plan, k, params); };
  };
  job.pack = [&](std::size_t k) { return pack(outputs[k]); };
  job.unpack = [&](std::size_t k, const Bytes& bytes) { outputs[k] = unpack(bytes); };
  job.progress = progress;
  execute_frames(job);
  if (mpi_rank() != 0) return res;  // the frames were gathered to rank 0
  assemble(res, in, plan, outputs);
  return res;
}

GroupStatistics group_statistics(const Group& g, const TopologyParams& params) {
  GroupStatistics s;
  std::vector<const Diagram*> all;
  for (const auto& f : g.frames)
    for (const auto& d : f.dims) all.push_back(&d);
  if (params.range_max > params.range_min) {
    s.range_min = params.range_min;
    s.range_max = params.range_max;
  } else {
    std::tie(s.range_min, s.range_max) = value_range(all);
  }
  double max_pers = 0;
  for (const auto* d : all)
    for (const auto& p : *d)
      if (p.finite()) max_pers = std::max(max_pers, p.persistence());
  if (!(max_pers > 0)) max_pers = s.range_max - s.range_min;
  const int S = params.betti_samples;
  for (int k = 0; k < S; ++k) s.betti_values.push_back(s.range_min + (s.range_max - s.range_min) * k / (S - 1));
  auto& ip = s.image_params;
  ip.birth_min = s.range_min;
  ip.birth_max = s.range_max;
  ip.persistence_max = max_pers;
  ip.birth_pixels = ip.persistence_pixels = params.image_pixels;
  ip.sigma = params.image_sigma > 0 ? params.image_sigma : 2.0 * (s.range_max - s.range_min) / params.image_pixels;
  ip.weight_persistence = params.image_weight_persistence > 0 ? params.image_weight_persistence : max_pers;
  for (const auto& f : g.frames)
    for (std::size_t d = 0; d < 3; ++d) {
      const auto b = betti_curve(f.dims[d], s.range_min, s.range_max, S);
      s.betti[d].insert(s.betti[d].end(), b.begin(), b.end());
      const auto im = persistence_image(f.dims[d], ip);
      s.images[d].insert(s.images[d].end(), im.begin(), im.end());
      const auto h = histogram_2d(f.dims[d], s.range_min, s.range_max, params.histogram_bins, s.range_min, s.range_max, params.histogram_bins);
      s.histograms[d].insert(s.histograms[d].end(), h.begin(), h.end());
      const auto v = summarize(f.dims[d]).values();
      s.summary[d].insert(s.summary[d].end(), v.begin(), v.end());
    }
  return s;
}

}  // namespace nanomix::topology
