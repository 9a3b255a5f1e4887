#include "topology/topology_run.hpp"

#include <mpi.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "core/elements.hpp"
#include "core/error.hpp"
#include "core/h5md.hpp"
#include "core/hdf5_util.hpp"
#include "core/parallel.hpp"
#include "core/xyz.hpp"
#include "imaging/detect/movie_reader.hpp"
#include "topology/image_region.hpp"
#include "topology/persistence.hpp"
#include "topology/subsets.hpp"

namespace nanomix::topology {

namespace {
constexpr double inf = std::numeric_limits<double>::infinity();
const double nan_value = std::numeric_limits<double>::quiet_NaN();

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
    out = alpha_diagrams_3d(pts, w, idx);
  }
  convert_units(out, params.unit_angstrom);
  return out;
}

namespace {

/// What one frame produces: diagrams per group and a lattice row.
struct FrameOutput {
  std::vector<FrameDiagrams> groups;
  std::vector<double> lattice;
};

void serialize(const FrameOutput& f, std::vector<double>& out) {
  out.push_back(static_cast<double>(f.groups.size()));
  for (const auto& g : f.groups) {
    out.push_back(g.max_dimension);
    out.push_back(static_cast<double>(g.note.size()));
    for (char c : g.note) out.push_back(static_cast<unsigned char>(c));
    for (const auto& d : g.dims) {
      out.push_back(static_cast<double>(d.size()));
      for (const auto& p : d) {
        out.push_back(p.birth);
        out.push_back(p.death);
        for (int a : p.birth_atoms) out.push_back(a);
        for (int a : p.death_atoms) out.push_back(a);
      }
    }
  }
  out.push_back(static_cast<double>(f.lattice.size()));
  out.insert(out.end(), f.lattice.begin(), f.lattice.end());
}

FrameOutput deserialize(const double*& x) {
  FrameOutput f;
  f.groups.resize(static_cast<std::size_t>(*x++));
  for (auto& g : f.groups) {
    g.max_dimension = static_cast<int>(*x++);
    const auto len = static_cast<std::size_t>(*x++);
    for (std::size_t k = 0; k < len; ++k) g.note += static_cast<char>(static_cast<int>(*x++));
    for (auto& d : g.dims) {
      d.resize(static_cast<std::size_t>(*x++));
      for (auto& p : d) {
        p.birth = *x++;
        p.death = *x++;
        for (int& a : p.birth_atoms) a = static_cast<int>(*x++);
        for (int& a : p.death_atoms) a = static_cast<int>(*x++);
      }
    }
  }
  const auto nl = static_cast<std::size_t>(*x++);
  f.lattice.assign(x, x + nl);
  x += nl;
  return f;
}

std::vector<double> lattice_row(const std::vector<LatticeEstimate>& est) {
  std::vector<double> row;
  for (const auto& e : est) {
    row.push_back(e.a_angstrom);
    row.push_back(static_cast<double>(e.crystalline_cations));
  }
  return row;
}


}  // namespace

TopologyResult compute_topology(Source source, const std::string& path, const TopologyParams& params,
                                const std::function<void(std::size_t, std::size_t)>& progress) {
  TopologyResult res;
  res.source = source;
  res.input = path;
  const bool atoms = source == Source::structure || source == Source::trajectory;
  res.unit = atoms || source == Source::columns ? (params.unit_angstrom ? "angstrom" : "angstrom2") : "";
  res.time_unit = atoms ? "ps" : "s";

  // Inputs (read once per rank; HDF5 reads are serialised by a mutex).
  std::vector<Frame> structure_frames;
  std::unique_ptr<H5mdReader> trajectory;
  std::vector<std::vector<double>> column_xy, heavy_xy, light_xy;
  std::vector<std::vector<int>> column_rows, heavy_rows, light_rows;
  imaging::Movie movie_in;
  TubeBand band;
  double pixel_x_angstrom = 1.0, pixel_y_angstrom = 1.0;
  std::size_t nx = 0, ny = 0, nt = 0, total = 0;
  std::vector<double> times;
  if (source == Source::structure) {
    structure_frames = read_xyz(path);
    for (auto& f : structure_frames) f.validate(path);
    total = structure_frames.size();
    for (const auto& f : structure_frames) times.push_back(f.time_ps);
  } else if (source == Source::trajectory) {
    trajectory = std::make_unique<H5mdReader>(path);
    total = trajectory->frame_count();
    for (std::size_t i = 0; i < total; ++i) times.push_back(static_cast<double>(i));  // filled below per frame
  } else if (source == Source::columns) {
    h5::Id f = h5::open_file(path);
    if (!h5::exists(f, "columns")) throw InputError(path + ": not a nanomix columns file (no /columns)");
    std::vector<hsize_t> dims;
    const auto rows = h5::read_doubles(f, "columns", &dims);
    if (dims.size() != 2 || dims[1] != 6) throw InputError(path + ": /columns must have 6 columns (frame, x, y, intensity, class, residual)");
    std::size_t frames = 0;
    std::vector<double> frame_times;
    if (h5::exists(f, "frames")) {
      std::vector<hsize_t> fd;
      const auto fr = h5::read_doubles(f, "frames", &fd);
      if (fd.size() == 2 && fd[1] >= 2) {
        frames = fd[0];
        for (std::size_t i = 0; i < frames; ++i) frame_times.push_back(fr[i * fd[1] + 1]);
      }
    }
    for (std::size_t r = 0; r < dims[0]; ++r) {
      const double fr = rows[r * 6];
      if (!(fr >= 0) || fr > 1e9) throw InputError(path + ": /columns row " + std::to_string(r) + " has a bad frame number");
      frames = std::max(frames, static_cast<std::size_t>(fr) + 1);
    }
    column_xy.resize(frames);
    heavy_xy.resize(frames);
    light_xy.resize(frames);
    column_rows.resize(frames);
    heavy_rows.resize(frames);
    light_rows.resize(frames);
    for (std::size_t r = 0; r < dims[0]; ++r) {
      const auto fr = static_cast<std::size_t>(rows[r * 6]);
      column_xy[fr].insert(column_xy[fr].end(), {rows[r * 6 + 1], rows[r * 6 + 2]});
      column_rows[fr].push_back(static_cast<int>(r));
      const bool heavy = rows[r * 6 + 4] == 1.0;  // class 1 = heavy (I-rich), else light
      (heavy ? heavy_xy : light_xy)[fr].insert((heavy ? heavy_xy : light_xy)[fr].end(), {rows[r * 6 + 1], rows[r * 6 + 2]});
      (heavy ? heavy_rows : light_rows)[fr].push_back(static_cast<int>(r));
    }
    total = frames;
    for (std::size_t i = 0; i < frames; ++i) times.push_back(i < frame_times.size() ? frame_times[i] : static_cast<double>(i));
  } else {
    // Movies through the reader registry (every format nanomix reads; [topology] movie_group picks
    // the signal). HDF5 reads are not rehearsed in a child process here: forking under MPI is unsafe.
    imaging::ReadOptions options;
    options.emd_group = params.movie_group;
    options.isolate_hdf5 = false;
    auto read = imaging::read_movie(path, options);
    movie_in = std::move(read.movie);
    nx = static_cast<std::size_t>(movie_in.nx), ny = static_cast<std::size_t>(movie_in.ny), nt = movie_in.frame_count();
    total = nt;
    for (std::size_t i = 0; i < nt; ++i) times.push_back(static_cast<double>(i) * (movie_in.frame_time_s > 0 ? movie_in.frame_time_s : 1.0));
    res.unit = movie_in.unit;
    if (params.superlevel) res.unit = "-(" + (res.unit.empty() ? std::string("intensity") : res.unit) + ")";
    // pixel sizes (Å) as the reader found them (1 Å per pixel when the file has no calibration)
    if (movie_in.pixel_size_x_angstrom > 0) pixel_x_angstrom = movie_in.pixel_size_x_angstrom;
    if (movie_in.pixel_size_y_angstrom > 0) pixel_y_angstrom = movie_in.pixel_size_y_angstrom;
    if (params.image_region != "whole") {
      std::vector<float> mean(nx * ny, 0.0f);
      for (std::size_t x = 0; x < nx; ++x)
        for (std::size_t y = 0; y < ny; ++y) {
          double s = 0;
          for (std::size_t t = 0; t < nt; ++t) s += movie_in.frames[t][y * nx + x];
          mean[y * nx + x] = static_cast<float>(s / static_cast<double>(std::max<std::size_t>(1, nt)));
        }
      band = find_tube_band(mean, static_cast<int>(nx), static_cast<int>(ny), pixel_x_angstrom, pixel_y_angstrom,
                            params.image.wall_margin_angstrom);
      res.tube_band = band;
    }
  }
  res.filtration = source == Source::movie ? (params.superlevel ? "cubical superlevel (sublevel of -intensity), pixels as 2-cells"
                                                                 : "cubical sublevel of intensity, pixels as 2-cells")
                   : source == Source::columns || params.projection ? "alpha 2D (squared radii)"
                   : params.radii == "none"                        ? "alpha 3D unweighted (squared radii)"
                                                                   : "alpha 3D weighted, w = r^2 (" + params.radii + " radii)";
  if (atoms && params.projection) res.filtration += std::string(", positions projected along ") + params.projection;

  std::vector<std::string> group_names;
  if (atoms) group_names = params.subsets;
  else if (source == Source::movie) {
    if (params.image_region != "tube_interior") group_names.push_back("image");
    if (params.image_region != "whole") group_names.push_back("interior");
  }
  else {
    group_names = {"columns"};
    bool any_heavy = false;
    for (const auto& h : heavy_rows) any_heavy = any_heavy || !h.empty();
    if (params.column_classes && any_heavy) {
      group_names.push_back("heavy");
      group_names.push_back("light");
    } else if (params.column_classes) {
      res.notes.push_back("columns: no column is classed heavy (class 1): the classes were not split, so there are no heavy/light groups");
    }
  }

  // Frames analysed.
  std::vector<std::size_t> selected;
  const long long last = params.last_frame < 0 ? static_cast<long long>(total) - 1 : std::min<long long>(params.last_frame, static_cast<long long>(total) - 1);
  for (long long i = params.first_frame; i <= last; i += params.frame_stride) selected.push_back(static_cast<std::size_t>(i));

  const int rank = mpi_rank(), size = mpi_size();
  const auto mine = frames_of_rank(selected.size(), rank, size);
  std::vector<FrameOutput> outputs(selected.size());
  std::vector<double> frame_times(selected.size(), 0.0);
  std::mutex io;
  std::atomic<std::size_t> next{0}, done{0};
  std::exception_ptr error;
  auto work = [&]() {
    for (;;) {
      const std::size_t k = next++;
      if (k >= mine.size()) return;
      const std::size_t slot = mine[k];
      const std::size_t fi = selected[slot];
      try {
        FrameOutput out;
        if (atoms) {
          Frame frame;
          if (source == Source::structure) {
            frame = structure_frames[fi];
          } else {
            std::lock_guard<std::mutex> lock(io);
            frame = trajectory->frame(fi);
          }
          frame.validate(path);
          frame_times[slot] = frame.time_ps;
          for (const auto& g : group_names) out.groups.push_back(frame_diagrams(frame, g, params));
          if (params.lattice) out.lattice = lattice_row(lattice_from_atoms(frame));
        } else if (source == Source::columns) {
          auto d = alpha_diagrams_2d(column_xy[fi], {}, column_rows[fi]);
          convert_units(d, params.unit_angstrom);
          out.groups.push_back(d);
          if (group_names.size() > 1) {
            for (int c = 0; c < 2; ++c) {
              auto h = c == 0 ? alpha_diagrams_2d(heavy_xy[fi], {}, heavy_rows[fi]) : alpha_diagrams_2d(light_xy[fi], {}, light_rows[fi]);
              if ((c == 0 ? heavy_rows : light_rows)[fi].empty()) h.note = c == 0 ? "no heavy column" : "no light column";
              convert_units(h, params.unit_angstrom);
              out.groups.push_back(h);
            }
          }
          if (params.lattice) out.lattice = lattice_row({lattice_from_columns(column_xy[fi])});
          frame_times[slot] = times[fi];
        } else {
          const std::vector<float>& img = movie_in.frames[fi];  // img[y * nx + x]
          if (params.image_region != "tube_interior")
            out.groups.push_back(cubical_diagrams_2d(img, static_cast<int>(nx), static_cast<int>(ny), params.superlevel));
          if (params.image_region != "whole") {
            const auto b = band_image(img, static_cast<int>(nx), static_cast<int>(ny), pixel_x_angstrom, pixel_y_angstrom, band, params.image);
            auto d = cubical_diagrams_2d(b.pixels, b.nx, b.ny, params.superlevel);
            const double floor = params.image.min_persistence_sigma *
                                 band_noise(b, params.image.smoothing_angstrom, std::min(pixel_x_angstrom, pixel_y_angstrom));
            for (auto& dim : d.dims)
              dim.erase(std::remove_if(dim.begin(), dim.end(), [&](const PersistencePair& p) { return p.finite() && p.persistence() < floor; }),
                        dim.end());
            // cells of the binned band → the original pixel at the block's centre
            for (auto& dim : d.dims)
              for (auto& p : dim)
                for (auto* cell : {&p.birth_atoms, &p.death_atoms})
                  if ((*cell)[0] >= 0) {
                    (*cell)[0] = b.x0 + (*cell)[0] * b.binning + b.binning / 2;
                    (*cell)[1] = b.y0 + (*cell)[1] * b.binning + b.binning / 2;
                  }
            if (!band.found) d.note = band.note;
            out.groups.push_back(std::move(d));
          }
          frame_times[slot] = times[fi];
        }
        outputs[slot] = std::move(out);
      } catch (...) {
        std::lock_guard<std::mutex> lock(io);
        if (!error) error = std::current_exception();
        next = mine.size();
      }
      const std::size_t d = ++done;
      if (progress && rank == 0) {
        std::lock_guard<std::mutex> lock(io);
        progress(d * static_cast<std::size_t>(size), selected.size());
      }
    }
  };
  int threads = params.threads > 0 ? params.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(threads), std::max<std::size_t>(1, mine.size())));
  if (threads <= 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(work);
    for (auto& t : pool) t.join();
  }
  // Gather to rank 0. Each message starts with a status: 0 = frames follow; 1 (input error) or
  // 2 (runtime error) = the message's characters follow, and rank 0 throws it (so no rank waits
  // for a rank that failed).
  int mpi_on = 0;
  MPI_Initialized(&mpi_on);
  const bool gather = mpi_on && size > 1;
  if (error && (!gather || rank == 0)) std::rethrow_exception(error);
  if (gather) {
    if (rank == 0) {
      for (int r = 1; r < size; ++r) {
        MPI_Status st;
        MPI_Probe(r, 7001, MPI_COMM_WORLD, &st);
        int n = 0;
        MPI_Get_count(&st, MPI_DOUBLE, &n);
        std::vector<double> buf(static_cast<std::size_t>(n));
        MPI_Recv(buf.data(), n, MPI_DOUBLE, r, 7001, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        const double* x = buf.data();
        if (*x != 0.0) {
          std::string message;
          for (const double* c = x + 1; c < buf.data() + n; ++c) message += static_cast<char>(static_cast<int>(*c));
          if (*x == 1.0) throw InputError(message);
          throw RuntimeError(message);
        }
        ++x;
        for (std::size_t slot : frames_of_rank(selected.size(), r, size)) {
          frame_times[slot] = *x++;
          outputs[slot] = deserialize(x);
        }
      }
    } else {
      std::vector<double> buf;
      if (error) {
        std::string message;
        double kind = 2.0;
        try {
          std::rethrow_exception(error);
        } catch (const InputError& e) {
          message = e.what();
          kind = 1.0;
        } catch (const std::exception& e) {
          message = e.what();
        }
        buf.push_back(kind);
        for (char c : message) buf.push_back(static_cast<unsigned char>(c));
        MPI_Send(buf.data(), static_cast<int>(buf.size()), MPI_DOUBLE, 0, 7001, MPI_COMM_WORLD);
        std::rethrow_exception(error);
      }
      buf.push_back(0.0);
      for (std::size_t slot : mine) {
        buf.push_back(frame_times[slot]);
        serialize(outputs[slot], buf);
      }
      MPI_Send(buf.data(), static_cast<int>(buf.size()), MPI_DOUBLE, 0, 7001, MPI_COMM_WORLD);
      return res;
    }
  }

  res.groups.resize(group_names.size());
  for (std::size_t g = 0; g < group_names.size(); ++g) res.groups[g].name = group_names[g];
  std::map<std::string, int> notes;
  for (std::size_t slot = 0; slot < selected.size(); ++slot) {
    res.frame_index.push_back(static_cast<double>(selected[slot]));
    res.frame_time.push_back(frame_times[slot]);
    for (std::size_t g = 0; g < group_names.size(); ++g) {
      auto& d = outputs[slot].groups[g];
      if (!d.note.empty()) notes[group_names[g] + ": " + d.note]++;
      res.groups[g].frames.push_back(std::move(d));
    }
    res.lattice.push_back(outputs[slot].lattice);
  }
  for (const auto& [n, count] : notes) res.notes.push_back(n + " (" + std::to_string(count) + " frames)");
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

void write_diagrams_file(const std::string& path, const TopologyResult& res, const TopologyParams& params,
                         const std::string& config_ini) {
  h5::Id f = h5::create_file(path);
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
  {
    h5::Id fs = h5::open_dataset(f, "frames");
    h5::write_attribute(fs, "columns", std::vector<std::string>{"input_frame", "time"});
    h5::write_attribute(fs, "time_unit", res.time_unit);
  }
  h5::Id dg = h5::require_group(f, "diagrams");
  std::vector<std::string> names;
  for (const auto& g : res.groups) names.push_back(g.name);
  h5::write_attribute(dg, "groups", names);
  const char* atoms_meaning = res.source == Source::movie     ? "pixel x, y of the birth cell (columns 0-1) and of the death cell (4-5); -1 = none"
                              : res.source == Source::columns ? "rows of /columns in the input: birth simplex (0-3), death simplex (4-7); -1 = none"
                                                              : "atom indices in the input frame: birth simplex (0-3), death simplex (4-7); -1 = none";
  for (const auto& g : res.groups) {
    h5::Id gg = h5::require_group(dg, g.name);
    const int maxdim = g.frames.empty() ? 2 : g.frames.front().max_dimension;
    std::string notes;
    for (const auto& n : res.notes)
      if (n.rfind(g.name + ":", 0) == 0) notes += n + "\n";
    h5::write_string_dataset(gg, "notes", notes);
    if (g.name == "interior") {
      const auto& b = res.tube_band;
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
    // Statistics.
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
    // Local structures.
    const bool local_here = !params.local_subset.empty() && res.source != Source::movie &&
                            (g.name == params.local_subset || (res.source == Source::columns && g.name == "columns"));
    if (local_here) {
      h5::Id lg = h5::require_group(f, "local_structures/" + g.name);
      std::vector<double> counts, atom_counts;
      std::vector<std::int64_t> rows;
      for (std::size_t fi = 0; fi < g.frames.size(); ++fi) {
        const auto atoms = atoms_in_region(g.frames[fi], params.local_region);
        counts.push_back(static_cast<double>(pairs_in_region(g.frames[fi], params.local_region)));
        atom_counts.push_back(static_cast<double>(atoms.size()));
        for (int a : atoms) rows.insert(rows.end(), {static_cast<std::int64_t>(fi), a});
      }
      double dummy = 0;
      std::int64_t idummy = 0;
      h5::write_dataset(lg, "counts", F ? counts.data() : &dummy, {F});
      h5::write_dataset(lg, "atom_counts", F ? atom_counts.data() : &dummy, {F});
      h5::write_dataset(lg, "atoms", rows.empty() ? &idummy : rows.data(), {rows.size() / 2, 2});
      const auto& r = params.local_region;
      h5::write_attribute(lg, "dimension", r.dimension);
      h5::write_attribute(lg, "birth_range", std::vector<double>{r.birth_min, r.birth_max});
      h5::write_attribute(lg, "death_range", std::vector<double>{r.death_min, r.death_max});
      h5::write_attribute(lg, "min_persistence", r.min_persistence);
    }
  }
  if (params.lattice && F > 0) {
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
                                           ? std::vector<std::string>{"frame", "a_angstrom", "columns"}
                                           : std::vector<std::string>{"frame", "a_NaCl_domain_angstrom", "crystalline_Na_Cl",
                                                                      "a_NaI_domain_angstrom", "crystalline_Na_I"});
    h5::write_attribute(ls, "bulk_angstrom", std::vector<double>{nacl_lattice_constant_angstrom, nai_lattice_constant_angstrom});
  }
  h5::Id par = h5::require_group(f, "parameters");
  h5::write_string_dataset(par, "config", config_ini);
}

DiagramsRead read_diagrams_file(const std::string& path, const std::string& group) {
  h5::Id f = h5::open_file(path);
  if (!h5::has_attribute(f, "nanomix_format_version") || !h5::exists(f, "diagrams"))
    throw InputError(path + ": not a nanomix diagrams file");
  const double version = h5::read_double_attribute(f, "nanomix_format_version");
  if (version != diagrams_format_version)
    throw InputError(path + ": diagrams format version " + std::to_string(static_cast<int>(version)) + ", this nanomix reads " +
                     std::to_string(diagrams_format_version));
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
    if (atoms.size() != n * 8) throw InputError(path + ": " + name + "_atoms does not match " + name);
    for (std::size_t k = 0; k < n; ++k) {
      const double fr = rows[3 * k];
      if (!(fr >= 0) || fr >= static_cast<double>(F)) throw InputError(path + ": " + name + " row " + std::to_string(k) + ": bad frame");
      PersistencePair p;
      p.birth = rows[3 * k + 1];
      p.death = rows[3 * k + 2];
      for (int a = 0; a < 4; ++a) {
        p.birth_atoms[static_cast<std::size_t>(a)] = static_cast<int>(atoms[8 * k + static_cast<std::size_t>(a)]);
        p.death_atoms[static_cast<std::size_t>(a)] = static_cast<int>(atoms[8 * k + 4 + static_cast<std::size_t>(a)]);
      }
      r.frames[static_cast<std::size_t>(fr)].dims[static_cast<std::size_t>(d)].push_back(p);
    }
  }
  return r;
}

}  // namespace nanomix::topology
