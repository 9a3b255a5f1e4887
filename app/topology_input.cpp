#include "app/topology_input.hpp"

#include <algorithm>
#include <utility>

#include "core/h5md.hpp"
#include "core/xyz.hpp"
#include "imaging/detect/columns_file.hpp"
#include "imaging/detect/movie_reader.hpp"

namespace nanomix::cli {

using namespace topology;

namespace {

void read_atoms(TopologyInput& in, const TopologyParams& params) {
  if (in.source == Source::structure) {
    std::vector<Frame> all = read_xyz(in.path);
    for (auto& f : all) f.validate(in.path);
    in.frames = select_frames(all.size(), params);
    for (std::size_t i : in.frames) in.atoms.push_back(std::move(all[i]));
  } else {
    const H5mdReader trajectory(in.path);
    in.frames = select_frames(trajectory.frame_count(), params);
    for (std::size_t i : in.frames) {
      in.atoms.push_back(trajectory.frame(i));
      in.atoms.back().validate(in.path);
    }
  }
  for (const auto& f : in.atoms) in.frame_time.push_back(f.time_ps);
}

/// Columns by frame (every frame of the file: those of /frames and any a column names).
void read_columns(TopologyInput& in, const TopologyParams& params) {
  const auto file = imaging::read_columns_file(in.path);
  std::size_t frames = file.frame_times_s.size();
  for (const auto& c : file.columns) frames = std::max(frames, static_cast<std::size_t>(c.frame) + 1);
  in.columns.resize(frames);
  for (std::size_t r = 0; r < file.columns.size(); ++r) {
    const auto& c = file.columns[r];
    auto& frame = in.columns[static_cast<std::size_t>(c.frame)];
    for (ColumnCloud* cloud : {&frame.all, c.klass == 1 ? &frame.heavy : &frame.light}) {  // class 1 = heavy (I-rich)
      cloud->xy_angstrom.insert(cloud->xy_angstrom.end(), {c.x_angstrom, c.y_angstrom});
      cloud->rows.push_back(static_cast<int>(r));
    }
  }
  in.frames = select_frames(frames, params);
  for (std::size_t i : in.frames)
    in.frame_time.push_back(i < file.frame_times_s.size() ? file.frame_times_s[i] : static_cast<double>(i));
}

/// Movies through the reader registry (every format nanomix reads; [topology] movie_group picks
/// the signal). HDF5 movies are rehearsed in a child process like every HDF5 input
/// (core/rehearse.hpp; the child calls no MPI and ends with _exit: topology_cli runs it under mpirun).
void read_images(TopologyInput& in, const TopologyParams& params) {
  imaging::ReadOptions options;
  options.emd_group = params.movie_group;
  auto movie = imaging::read_movie(in.path, options).movie;
  ImageStack& im = in.images;
  im.nx = movie.nx;
  im.ny = movie.ny;
  im.unit = movie.unit;
  if (movie.pixel_size_x_angstrom > 0) im.pixel_x_angstrom = movie.pixel_size_x_angstrom;
  if (movie.pixel_size_y_angstrom > 0) im.pixel_y_angstrom = movie.pixel_size_y_angstrom;
  im.frames = std::move(movie.frames);
  in.frames = select_frames(im.frames.size(), params);
  for (std::size_t i : in.frames)
    in.frame_time.push_back(static_cast<double>(i) * (movie.frame_time_s > 0 ? movie.frame_time_s : 1.0));
}

}  // namespace

TopologyInput read_topology_input(Source source, const std::string& path, const TopologyParams& params) {
  TopologyInput in;
  in.source = source;
  in.path = path;
  switch (source) {
    case Source::structure:
    case Source::trajectory: read_atoms(in, params); break;
    case Source::columns: read_columns(in, params); break;
    case Source::movie: read_images(in, params); break;
  }
  return in;
}

}  // namespace nanomix::cli
