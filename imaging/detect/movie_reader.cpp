#include "imaging/detect/movie_reader.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
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

void apply_metadata(ReadResult& r, double px, double py, double dt, const ReadOptions& o, const std::string& kind) {
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
    r.frame_time_kind = kind;
  } else if (o.frame_time_s > 0) {
    r.movie.frame_time_s = o.frame_time_s;
    r.frame_time_source = "config";
    r.frame_time_kind = "frame interval";
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

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n\"'");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n\"'");
  return s.substr(b, e - b + 1);
}

std::string utf16_to_utf8(const std::vector<std::uint16_t>& units) {
  std::string out;
  for (std::size_t k = 0; k < units.size(); ++k) {
    std::uint32_t c = units[k];
    if (c >= 0xD800 && c < 0xDC00 && k + 1 < units.size() && units[k + 1] >= 0xDC00 && units[k + 1] < 0xE000) {
      c = 0x10000 + ((c - 0xD800) << 10) + (units[k + 1] - 0xDC00);
      ++k;
    }
    if (c == 0) break;
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

std::string xml_value(const std::string& xml, const std::string& tag, std::size_t from) {
  const std::string open = "<" + tag + ">", close = "</" + tag + ">";
  const auto a = xml.find(open, from);
  if (a == std::string::npos) return "";
  const auto b = xml.find(close, a + open.size());
  if (b == std::string::npos || b - a - open.size() > 4096) return "";
  return trim(xml.substr(a + open.size(), b - a - open.size()));
}

std::string with_unit(double value, const std::string& unit) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.6g", value);
  return std::string(buf) + " " + unit;
}

double parse_number(const std::string& text, double fallback) {
  const char* p = text.c_str();
  while (*p == ' ' || *p == '\t' || *p == '"') ++p;
  char* end = nullptr;
  const double v = std::strtod(p, &end);
  return (end != p && std::isfinite(v)) ? v : fallback;
}

double inverse_angstrom_per_unit(const std::string& unit_in) {
  std::string u = lower(trim(unit_in));
  std::string base;
  if (u.rfind("1/", 0) == 0) {
    base = u.substr(2);
  } else if (u.size() > 3 && u.compare(u.size() - 3, 3, "^-1") == 0) {
    base = u.substr(0, u.size() - 3);
  } else if (u.size() > 2 && u.compare(u.size() - 2, 2, "-1") == 0) {
    base = u.substr(0, u.size() - 2);
  } else {
    return 0;
  }
  const double a = angstrom_per_unit(base);
  return a > 0 ? 1.0 / a : 0.0;
}

void mark_reciprocal(ReadResult& r, double size, const std::string& unit) {
  const double per_a = inverse_angstrom_per_unit(unit);
  r.reciprocal_pixel_per_angstrom = size * per_a;
  char buf[200];
  std::snprintf(buf, sizeof buf, "a diffraction pattern (reciprocal space, %.6g %s = %.6g 1/\u00c5 per pixel), not a real-space image",
                size, unit.c_str(), size * per_a);
  r.refusal = buf;
}

}  // namespace detail

using detail::lower;
using detail::trim;

const std::vector<ReaderInfo>& movie_readers() {
  static const std::vector<ReaderInfo> readers = {
      {MovieFormat::emd, "emd", "Berkeley EMD 0.2 (HDF5; also written by ncempy and HyperSpy)", ".emd .h5 .hdf5"},
      {MovieFormat::velox, "velox", "Thermo Fisher Velox EMD (HDF5)", ".emd"},
      {MovieFormat::hspy, "hspy", "HyperSpy HDF5 (/Experiments/<title>)", ".hspy .hdf5 .h5"},
      {MovieFormat::tiff, "tiff", "TIFF/BigTIFF stacks (ImageJ, FEI/Thermo SEM, JEOL SightX, Gatan-exported, TVIPS)",
       ".tif .tiff"},
      {MovieFormat::mrc, "mrc", "MRC 2014 and pre-2014 MRC (FEI1/FEI2 extended header read)", ".mrc .mrcs .st .map .ali .rec"},
      {MovieFormat::dm, "dm", "Gatan DigitalMicrograph DM3/DM4 (images, stacks, movies)", ".dm3 .dm4"},
      {MovieFormat::ser, "ser", "FEI/Thermo TIA SER image series (metadata from the companion .emi)", ".ser .emi"},
      {MovieFormat::raw, "raw", "raw binary with [detect] raw_* keys", ".raw .bin .dat"},
  };
  return readers;
}

const char* format_name(MovieFormat format) {
  if (format == MovieFormat::automatic) return "auto";
  for (const auto& r : movie_readers()) {
    if (r.format == format) return r.name;
  }
  return "?";
}

MovieFormat parse_movie_format(const std::string& name) {
  if (name == "auto" || name.empty()) return MovieFormat::automatic;
  for (const auto& r : movie_readers()) {
    if (name == r.name) return r.format;
  }
  throw InputError("movie format '" + name + "' is not one nanomix reads");
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

namespace {

std::uint32_t be32(const unsigned char* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

/// A pre-2014 MRC header (no "MAP "): sizes positive, a known mode, data within the file.
bool plausible_old_mrc(const unsigned char* h, std::uint64_t size) {
  auto le = [&](int at) {
    std::int32_t v;
    std::uint32_t u = std::uint32_t{h[at]} | std::uint32_t{h[at + 1]} << 8 | std::uint32_t{h[at + 2]} << 16 |
                      std::uint32_t{h[at + 3]} << 24;
    std::memcpy(&v, &u, 4);
    return v;
  };
  for (bool big : {false, true}) {
    auto get = [&](int at) { return big ? static_cast<std::int32_t>(be32(h + at)) : le(at); };
    const std::int64_t nx = get(0), ny = get(4), nz = get(8), mode = get(12), nsym = get(92);
    const int w = mode == 0 ? 1 : (mode == 1 || mode == 6 || mode == 12) ? 2 : mode == 2 ? 4 : 0;
    if (w == 0 || nx <= 0 || ny <= 0 || nz <= 0 || nsym < 0 || nx > (1 << 20) || ny > (1 << 20)) continue;
    const double need = 1024.0 + static_cast<double>(nsym) + static_cast<double>(nx) * static_cast<double>(ny) *
                                                               static_cast<double>(nz) * w;
    if (need <= static_cast<double>(size)) return true;
  }
  return false;
}

}  // namespace

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
  // DM3: version 3, then the file length - 24 and the byte order (0/1); DM4: version 4, a 64-bit length.
  if (got >= 16 && ((be32(head) == 3 && be32(head + 8) <= 1) || (be32(head) == 4 && be32(head + 12) <= 1))) {
    return MovieFormat::dm;
  }
  // TIA SER: byte order "II" and series id 0x0197.
  if (got >= 4 && head[0] == 0x49 && head[1] == 0x49 && head[2] == 0x97 && head[3] == 0x01) return MovieFormat::ser;
  const std::string ext = lower(std::filesystem::path(path).extension().string());
  if (ext == ".raw" || ext == ".bin" || ext == ".dat") return MovieFormat::raw;
  if (ext == ".emi") return MovieFormat::ser;
  if (ext == ".mrc" || ext == ".mrcs" || ext == ".st" || ext == ".map" || ext == ".ali" || ext == ".rec") {
    if (got >= 212 && plausible_old_mrc(head, size)) return MovieFormat::mrc;
    detail::bad_file(path, "not an MRC file (no \"MAP \" at byte 208, and no plausible pre-2014 header: sizes, mode "
                           "and data length do not fit the file's " + std::to_string(size) + " bytes)");
  }
  if (ext == ".tif" || ext == ".tiff") detail::bad_file(path, "not a TIFF file (wrong magic bytes)");
  if (ext == ".h5" || ext == ".hdf5" || ext == ".emd" || ext == ".hspy") {
    detail::bad_file(path, "not an HDF5 file (wrong magic bytes)");
  }
  if (ext == ".dm3" || ext == ".dm4") detail::bad_file(path, "not a DigitalMicrograph file (version is not 3 or 4)");
  if (ext == ".ser") detail::bad_file(path, "not a TIA SER file (no \"II\" byte order and series id 0x0197)");
  if (ext == ".eer") detail::bad_file(path, "EER (electron-event representation) is not supported: convert it to MRC or TIFF");
  detail::bad_file(path, "unknown movie format (expected EMD/HDF5, TIFF, MRC, DM3/DM4 or SER content, or a .raw file "
                         "with [detect] raw_* keys)");
}

ReadResult read_movie(const std::string& path, const ReadOptions& options) {
  ReadResult r;
  switch (detect_movie_format(path, options)) {
    case MovieFormat::emd:
    case MovieFormat::automatic: r = read_emd(path, options); break;  // read_emd also recognises Velox, HyperSpy
    case MovieFormat::velox: r = read_velox(path, options); break;
    case MovieFormat::hspy: r = read_hspy(path, options); break;
    case MovieFormat::tiff: r = read_tiff(path, options); break;
    case MovieFormat::mrc: r = read_mrc(path, options); break;
    case MovieFormat::raw: r = read_raw(path, options); break;
    case MovieFormat::dm: r = read_dm(path, options); break;
    case MovieFormat::ser: r = read_ser(path, options); break;
  }
  if (!r.refusal.empty() && !options.allow_non_image) detail::bad_file(path, r.refusal + ": nothing to analyse in real space");
  detail::check_finite(path, r.movie);
  return r;
}

}  // namespace nanomix::imaging
