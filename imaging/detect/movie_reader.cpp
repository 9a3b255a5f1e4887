#include "imaging/detect/movie_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "imaging/detect/reader_util.hpp"

namespace nanomix::imaging {

namespace detail {

std::uint64_t file_size(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) bad_file(path, "not a readable file");
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) bad_file(path, "cannot read its size (" + ec.message() + ")");
  return size;
}

void bad_file(const std::string& path, const std::string& why) {
  // One line, whatever the libraries put in their messages.
  std::string line = why;
  for (char& c : line) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  throw InputError(path + ": " + line);
}

void check_shape(const std::string& path, std::uint64_t nx, std::uint64_t ny, std::uint64_t frames,
                 const ReadOptions& options) {
  constexpr std::uint64_t max_side = std::uint64_t{1} << 20;
  if (nx == 0 || ny == 0 || frames == 0) {
    bad_file(path, "empty movie (" + std::to_string(nx) + " x " + std::to_string(ny) + " pixels, " +
                       std::to_string(frames) + " frames)");
  }
  if (nx > max_side || ny > max_side || frames > (std::uint64_t{1} << 32)) {
    bad_file(path, "absurd movie shape " + std::to_string(nx) + " x " + std::to_string(ny) + " x " +
                       std::to_string(frames) + " (corrupt header?)");
  }
  // nx, ny <= 2^20 and frames <= 2^32: nx*ny <= 2^40, times 4 bytes <= 2^42; times frames may
  // overflow 64 bits only above 2^22 frames, so compare by division.
  const std::uint64_t frame_bytes = nx * ny * 4;
  if (frame_bytes > options.max_bytes || frames > options.max_bytes / frame_bytes) {
    bad_file(path, "movie of " + std::to_string(nx) + " x " + std::to_string(ny) + " x " + std::to_string(frames) +
                       " pixels needs more than the memory limit of " +
                       std::to_string(options.max_bytes >> 20) + " MiB ([detect] max_memory_mib)");
  }
}

void apply_metadata(ReadResult& r, double px, double py, double dt, const ReadOptions& o) {
  const bool file_px = px > 0 && std::isfinite(px) && !o.override_file_metadata;
  if (file_px) {
    r.movie.pixel_size_x_angstrom = px;
    r.movie.pixel_size_y_angstrom = (py > 0 && std::isfinite(py)) ? py : px;
    r.pixel_size_source = "file";
  } else if (o.pixel_size_angstrom > 0) {
    r.movie.pixel_size_x_angstrom = r.movie.pixel_size_y_angstrom = o.pixel_size_angstrom;
    r.pixel_size_source = "config";
  } else {
    r.movie.pixel_size_x_angstrom = r.movie.pixel_size_y_angstrom = 0;
    r.pixel_size_source = "unknown";
  }
  if (dt > 0 && std::isfinite(dt) && !o.override_file_metadata) {
    r.movie.frame_time_s = dt;
    r.frame_time_source = "file";
  } else if (o.frame_time_s > 0) {
    r.movie.frame_time_s = o.frame_time_s;
    r.frame_time_source = "config";
  } else {
    r.movie.frame_time_s = 0;
    r.frame_time_source = "unknown";
  }
}

void check_finite(const std::string& path, const Movie& movie) {
  for (std::size_t t = 0; t < movie.frames.size(); ++t) {
    for (float v : movie.frames[t]) {
      if (!std::isfinite(v)) bad_file(path, "frame " + std::to_string(t) + " holds NaN or infinite pixels");
    }
  }
}

}  // namespace detail

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\"'");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\"'");
  return s.substr(b, e - b + 1);
}

}  // namespace

const char* format_name(MovieFormat format) {
  switch (format) {
    case MovieFormat::automatic: return "auto";
    case MovieFormat::emd: return "emd";
    case MovieFormat::velox: return "velox";
    case MovieFormat::tiff: return "tiff";
    case MovieFormat::mrc: return "mrc";
    case MovieFormat::raw: return "raw";
  }
  return "?";
}

RawType parse_raw_type(const std::string& name) {
  static const std::pair<const char*, RawType> table[] = {
      {"u8", RawType::u8},   {"i8", RawType::i8},   {"u16", RawType::u16}, {"i16", RawType::i16},
      {"u32", RawType::u32}, {"i32", RawType::i32}, {"f32", RawType::f32}, {"f64", RawType::f64}};
  for (const auto& [n, t] : table) {
    if (name == n) return t;
  }
  throw InputError("raw sample type '" + name + "': expected one of u8, i8, u16, i16, u32, i32, f32, f64");
}

std::size_t raw_type_bytes(RawType type) {
  switch (type) {
    case RawType::u8:
    case RawType::i8: return 1;
    case RawType::u16:
    case RawType::i16: return 2;
    case RawType::u32:
    case RawType::i32:
    case RawType::f32: return 4;
    case RawType::f64: return 8;
  }
  return 0;
}

double angstrom_per_unit(const std::string& unit_in) {
  const std::string u = lower(trim(unit_in));
  if (u == "nm" || u == "nanometer" || u == "nanometers" || u == "nanometre" || u == "nanometres") return 10.0;
  if (u == "a" || u == "\u00e5" || u == "\u212b" || u == "\\u00c5" || u == "angstrom" || u == "angstroms" ||
      u == "\u00c5" || u == "ang")
    return 1.0;
  if (u == "pm") return 0.01;
  if (u == "um" || u == "\u00b5m" || u == "\u03bcm" || u == "micron" || u == "microns" || u == "\\u00b5m" ||
      u == "micrometer" || u == "micrometre")
    return 1.0e4;
  if (u == "mm") return 1.0e7;
  if (u == "cm") return 1.0e8;
  if (u == "m" || u == "meter" || u == "metre") return 1.0e10;
  return 0.0;
}

double seconds_per_unit(const std::string& unit_in) {
  const std::string u = lower(trim(unit_in));
  if (u == "s" || u == "sec" || u == "second" || u == "seconds") return 1.0;
  if (u == "ms" || u == "msec") return 1.0e-3;
  if (u == "us" || u == "\u00b5s" || u == "\u03bcs" || u == "usec") return 1.0e-6;
  if (u == "ns") return 1.0e-9;
  if (u == "min") return 60.0;
  return 0.0;
}

MovieFormat detect_movie_format(const std::string& path, const ReadOptions& options) {
  if (options.format != MovieFormat::automatic) return options.format;
  const auto size = detail::file_size(path);
  unsigned char head[212] = {};
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(head), sizeof head);
  const auto got = static_cast<std::size_t>(in.gcount());
  static const unsigned char hdf5_magic[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  if (got >= 8 && std::memcmp(head, hdf5_magic, 8) == 0) {
    // Berkeley EMD keeps its data under /data, Velox under /Data; read_emd tells them apart.
    return MovieFormat::emd;
  }
  if (got >= 4 && ((head[0] == 'I' && head[1] == 'I' && (head[2] == 42 || head[2] == 43) && head[3] == 0) ||
                   (head[0] == 'M' && head[1] == 'M' && head[2] == 0 && (head[3] == 42 || head[3] == 43)))) {
    return MovieFormat::tiff;
  }
  if (got >= 212 && std::memcmp(head + 208, "MAP", 3) == 0) return MovieFormat::mrc;
  const std::string ext = lower(std::filesystem::path(path).extension().string());
  if (ext == ".raw" || ext == ".bin" || ext == ".dat") return MovieFormat::raw;
  if (ext == ".mrc" || ext == ".mrcs" || ext == ".st" || ext == ".map") {
    detail::bad_file(path, "not an MRC 2014 file (no \"MAP \" at byte 208; " + std::to_string(size) + " bytes)");
  }
  if (ext == ".tif" || ext == ".tiff") detail::bad_file(path, "not a TIFF file (wrong magic bytes)");
  if (ext == ".h5" || ext == ".hdf5" || ext == ".emd") detail::bad_file(path, "not an HDF5 file (wrong magic bytes)");
  detail::bad_file(path, "unknown movie format (expected EMD/HDF5, TIFF or MRC content, or a .raw file with "
                         "[detect] raw_* keys)");
}

ReadResult read_movie(const std::string& path, const ReadOptions& options) {
  ReadResult r;
  switch (detect_movie_format(path, options)) {
    case MovieFormat::emd:
    case MovieFormat::automatic: r = read_emd(path, options); break;  // read_emd also recognises Velox
    case MovieFormat::velox: r = read_velox(path, options); break;
    case MovieFormat::tiff: r = read_tiff(path, options); break;
    case MovieFormat::mrc: r = read_mrc(path, options); break;
    case MovieFormat::raw: r = read_raw(path, options); break;
  }
  detail::check_finite(path, r.movie);
  return r;
}

}  // namespace nanomix::imaging
