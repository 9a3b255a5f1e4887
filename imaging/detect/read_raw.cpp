// Raw binary movies: frames of raw_nx × raw_ny samples of one type, row-major (x fastest), after
// raw_header_bytes bytes of header; frames = 0 reads as many whole frames as the file holds.
#include <fstream>

#include "imaging/detect/movie_reader.hpp"
#include "imaging/detect/reader_util.hpp"
#include "imaging/detect/sample_convert.hpp"

namespace nanomix::imaging {

ReadResult read_raw(const std::string& path, const ReadOptions& o) {
  using detail::bad_file;
  const std::uint64_t size = detail::file_size(path);
  if (o.raw_nx <= 0 || o.raw_ny <= 0) {
    bad_file(path, "raw movie needs its shape: set [detect] raw_nx and raw_ny (and raw_type, raw_frames)");
  }
  if (o.raw_frames < 0) bad_file(path, "raw_frames must be >= 0");
  const std::uint64_t w = raw_type_bytes(o.raw_type);
  const auto nx = static_cast<std::uint64_t>(o.raw_nx), ny = static_cast<std::uint64_t>(o.raw_ny);
  if (o.raw_header_bytes > size) bad_file(path, "raw header of " + std::to_string(o.raw_header_bytes) +
                                                    " bytes is longer than the file (" + std::to_string(size) + " bytes)");
  detail::check_shape(path, nx, ny, 1, o);
  const std::uint64_t frame_bytes = nx * ny * w;
  const std::uint64_t available = (size - o.raw_header_bytes) / frame_bytes;
  std::uint64_t frames = o.raw_frames > 0 ? static_cast<std::uint64_t>(o.raw_frames) : available;
  if (frames > available) {
    bad_file(path, "truncated raw movie: " + std::to_string(frames) + " frames of " + std::to_string(nx) + " x " +
                       std::to_string(ny) + " x " + std::to_string(w) + " bytes need " +
                       std::to_string(o.raw_header_bytes + frames * frame_bytes) + " bytes, the file has " +
                       std::to_string(size));
  }
  if (frames == 0) bad_file(path, "raw file holds no whole frame of " + std::to_string(frame_bytes) + " bytes");
  detail::check_shape(path, nx, ny, frames, o);

  ReadResult r;
  r.format = "raw";
  r.dataset = std::to_string(frames) + " frames at byte " + std::to_string(o.raw_header_bytes);
  if (o.raw_frames == 0 && (size - o.raw_header_bytes) % frame_bytes != 0) {
    r.notes.push_back("ignored " + std::to_string((size - o.raw_header_bytes) % frame_bytes) +
                      " bytes after the last whole frame");
  }
  r.movie.nx = o.raw_nx;
  r.movie.ny = o.raw_ny;
  r.movie.quantity = "intensity";
  std::ifstream in(path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(o.raw_header_bytes));
  std::vector<unsigned char> buffer(frame_bytes);
  r.movie.frames.resize(frames);
  for (auto& f : r.movie.frames) {
    in.read(reinterpret_cast<char*>(buffer.data()), static_cast<std::streamsize>(frame_bytes));
    if (!in) bad_file(path, "read error (file shorter than its size says?)");
    f.resize(nx * ny);
    detail::convert_samples(buffer.data(), nx * ny, o.raw_type, o.raw_big_endian, f.data());
  }
  detail::apply_metadata(r, 0, 0, 0, o);
  return r;
}

}  // namespace nanomix::imaging
