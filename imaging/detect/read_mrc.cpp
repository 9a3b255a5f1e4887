// MRC 2014 (https://www.ccpem.ac.uk/mrc_format/mrc2014.php): a 1024-byte header, an extended
// header of nsymbt bytes (FEI1/FEI2, CCP4, SERI, … — skipped), then nz sections of nx × ny samples.
// Modes: 0 (int8, signed as MRC 2014 says), 1 (int16), 2 (float32), 6 (uint16), 12 (float16).
// Pixel size: cella / mx (Å); a zero or negative cell means "not set" (no pixel size). Byte order
// from the machine stamp (0x44 0x44 little, 0x11 0x11 big; a zero stamp: whichever order gives a
// known mode). Pre-2014 files (no "MAP " at byte 208: old IMOD/CCP4 writers, ncempy) are read the
// same way when their header is consistent with the file size (detect_movie_format checks it).
// The frame time is not part of the format; an FEI1/FEI2 extended header (Thermo Fisher EPU/Velox)
// stores one per section: "Frame time" (a double at byte 579 of each section's record, next to the
// dwell time at 571), read as the scan frame time.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <fstream>

#include "imaging/detect/movie_reader.hpp"
#include "imaging/detect/reader_util.hpp"
#include "imaging/detect/sample_convert.hpp"

namespace nanomix::imaging {

namespace {

float half_to_float(std::uint16_t h) {
  const int sign = (h >> 15) & 1, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  float v;
  if (exponent == 0) {
    v = std::ldexp(static_cast<float>(mantissa), -24);
  } else if (exponent == 31) {
    v = mantissa ? std::nanf("") : INFINITY;
  } else {
    v = std::ldexp(static_cast<float>(mantissa + 1024), exponent - 25);
  }
  return sign ? -v : v;
}

bool known_mode(std::int32_t mode) { return mode == 0 || mode == 1 || mode == 2 || mode == 6 || mode == 12; }

/// The fields of an MRC header that the reader uses, in the file's byte order.
struct MrcHeader {
  bool mrc2014 = false, big = false;
  std::int32_t nx = 0, ny = 0, nz = 0, mode = 0, mx = 0, my = 0, mapc = 0, mapr = 0, maps = 0, nsymbt = 0;
  float cella_x = 0, cella_y = 0;
};

/// Byte order from the machine stamp (a zero stamp: whichever order gives a known mode).
bool big_endian_stamp(const std::array<unsigned char, 1024>& h) {
  if (h[212] == 0x11 && (h[213] == 0x11 || h[213] == 0x01)) return true;
  if (h[212] == 0x44 && (h[213] == 0x44 || h[213] == 0x41)) return false;
  std::int32_t m_le = static_cast<std::int32_t>(h[12] | (h[13] << 8) | (h[14] << 16) | (static_cast<unsigned>(h[15]) << 24));
  return !known_mode(m_le);
}

/// The header's fields (MRC 2014 byte offsets), in the byte order of its machine stamp.
MrcHeader parse_header(const std::array<unsigned char, 1024>& h) {
  MrcHeader m;
  m.mrc2014 = std::memcmp(h.data() + 208, "MAP", 3) == 0;
  m.big = big_endian_stamp(h);
  const bool big = m.big;
  auto i32 = [&](std::size_t at) {
    std::uint32_t v = big ? (std::uint32_t{h[at]} << 24 | std::uint32_t{h[at + 1]} << 16 | std::uint32_t{h[at + 2]} << 8 | h[at + 3])
                          : (std::uint32_t{h[at + 3]} << 24 | std::uint32_t{h[at + 2]} << 16 | std::uint32_t{h[at + 1]} << 8 | h[at]);
    std::int32_t s;
    std::memcpy(&s, &v, 4);
    return s;
  };
  auto f32 = [&](std::size_t at) {
    const std::int32_t s = i32(at);
    float f;
    std::memcpy(&f, &s, 4);
    return f;
  };
  m.nx = i32(0);
  m.ny = i32(4);
  m.nz = i32(8);
  m.mode = i32(12);
  m.mx = i32(28);
  m.my = i32(32);
  m.cella_x = f32(40);
  m.cella_y = f32(44);
  m.mapc = i32(64);
  m.mapr = i32(68);
  m.maps = i32(72);
  m.nsymbt = i32(92);
  return m;
}

/// Sizes, mode and extended-header size checked (one-line errors); returns the bytes the header
/// says the file needs.
std::uint64_t check_header(const MrcHeader& m, const std::string& path, std::uint64_t size, std::uint64_t frame_bytes, const ReadOptions& o) {
  using detail::bad_file;
  if (m.nsymbt < 0) bad_file(path, "MRC header has a negative extended-header size nsymbt = " + std::to_string(m.nsymbt));
  detail::check_shape(path, static_cast<std::uint64_t>(m.nx), static_cast<std::uint64_t>(m.ny), static_cast<std::uint64_t>(m.nz), o);
  const std::uint64_t need = 1024 + static_cast<std::uint64_t>(m.nsymbt) + frame_bytes * static_cast<std::uint64_t>(m.nz);
  if (need > size) {
    bad_file(path, "truncated MRC file: header says " + std::to_string(m.nx) + " x " + std::to_string(m.ny) + " x " +
                       std::to_string(m.nz) + " mode " + std::to_string(m.mode) + " after " + std::to_string(m.nsymbt) +
                       " bytes of extended header (" + std::to_string(need) + " bytes), the file has " +
                       std::to_string(size));
  }
  return need;
}

/// The frame time of an FEI1/FEI2 extended header's first section record (0 when absent or
/// implausible): metadata size (int32) at 0, frame time (double) at 579.
double fei_frame_time(std::ifstream& in, bool big) {
  unsigned char rec[587];
  in.seekg(1024);
  in.read(reinterpret_cast<char*>(rec), sizeof rec);
  std::uint32_t rec_size = std::uint32_t{rec[0]} | std::uint32_t{rec[1]} << 8 | std::uint32_t{rec[2]} << 16 |
                           std::uint32_t{rec[3]} << 24;
  if (big) rec_size = std::uint32_t{rec[3]} | std::uint32_t{rec[2]} << 8 | std::uint32_t{rec[1]} << 16 | std::uint32_t{rec[0]} << 24;
  if (!(in && rec_size >= 587)) return 0;
  unsigned char b[8];
  std::memcpy(b, rec + 579, 8);
  if (big != !detail::host_is_little_endian()) std::reverse(b, b + 8);
  double t;
  std::memcpy(&t, b, 8);
  return std::isfinite(t) && t > 0 && t < 1e6 ? t : 0;
}

/// The extended header (when there is one): its frame time read when it is FEI1/FEI2, skipped
/// with a note. Returns the frame time (s; 0 when none).
double extended_header(std::ifstream& in, const std::array<unsigned char, 1024>& h, const MrcHeader& m, ReadResult& r) {
  if (m.nsymbt <= 0) return 0;
  double frame_time = 0;
  std::string exttyp(reinterpret_cast<const char*>(h.data() + 104), 4);
  for (char& c : exttyp) {
    if (c < 32 || c > 126) c = '?';
  }
  if ((exttyp == "FEI1" || exttyp == "FEI2") && m.nsymbt >= 587) frame_time = fei_frame_time(in, m.big);
  r.notes.push_back("skipped " + std::to_string(m.nsymbt) + " bytes of extended header (type '" + exttyp + "')" +
                    (frame_time > 0 ? " after reading its frame time" : ""));
  return frame_time;
}

/// The nz sections after the extended header, into r.movie (float16 converted from its bits).
void read_sections(std::ifstream& in, const MrcHeader& m, RawType type, std::uint64_t frame_bytes, const std::string& path, ReadResult& r) {
  r.movie.nx = m.nx;
  r.movie.ny = m.ny;
  r.movie.quantity = "intensity";
  in.seekg(static_cast<std::streamoff>(1024 + static_cast<std::uint64_t>(m.nsymbt)));
  std::vector<unsigned char> buffer(frame_bytes);
  const std::size_t n = static_cast<std::size_t>(m.nx) * static_cast<std::size_t>(m.ny);
  r.movie.frames.resize(static_cast<std::size_t>(m.nz));
  for (auto& f : r.movie.frames) {
    in.read(reinterpret_cast<char*>(buffer.data()), static_cast<std::streamsize>(frame_bytes));
    if (!in) detail::bad_file(path, "read error in the MRC data");
    f.resize(n);
    detail::convert_samples(buffer.data(), n, type, m.big, f.data());
    if (m.mode == 12) {
      for (std::size_t k = 0; k < n; ++k) f[k] = half_to_float(static_cast<std::uint16_t>(f[k]));
    }
  }
}

}  // namespace

ReadResult read_mrc(const std::string& path, const ReadOptions& o) {
  using detail::bad_file;
  const std::uint64_t size = detail::file_size(path);
  if (size < 1024) bad_file(path, "truncated MRC file: " + std::to_string(size) + " bytes, the header alone needs 1024");
  std::array<unsigned char, 1024> h{};
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(h.data()), 1024);
  if (!in) bad_file(path, "cannot read the MRC header");
  const MrcHeader m = parse_header(h);
  if (m.nx <= 0 || m.ny <= 0 || m.nz <= 0) {
    bad_file(path, "MRC header has a non-positive size nx = " + std::to_string(m.nx) + ", ny = " + std::to_string(m.ny) +
                       ", nz = " + std::to_string(m.nz));
  }
  if (!known_mode(m.mode)) {
    bad_file(path, "MRC mode " + std::to_string(m.mode) +
                       " is not supported (0 int8, 1 int16, 2 float32, 6 uint16, 12 float16 are)");
  }
  const RawType type = m.mode == 0 ? RawType::i8 : m.mode == 1 ? RawType::i16 : m.mode == 2 ? RawType::f32
                                                                              : RawType::u16;  // 6 and 12 (2 bytes)
  const std::uint64_t frame_bytes = static_cast<std::uint64_t>(m.nx) * static_cast<std::uint64_t>(m.ny) * raw_type_bytes(type);
  const std::uint64_t need = check_header(m, path, size, frame_bytes, o);

  ReadResult r;
  r.format = "mrc";
  r.dataset = std::to_string(m.nz) + " sections, mode " + std::to_string(m.mode);
  if (!m.mrc2014) r.notes.push_back("pre-2014 MRC (no \"MAP \" at byte 208): header read with the MRC 2014 layout");
  const double frame_time = extended_header(in, h, m, r);
  if (!(m.mapc == 1 && m.mapr == 2 && m.maps == 3) && !(m.mapc == 0 && m.mapr == 0 && m.maps == 0)) {
    r.notes.push_back("axis order mapc/mapr/maps = " + std::to_string(m.mapc) + "/" + std::to_string(m.mapr) + "/" +
                      std::to_string(m.maps) + " is not 1/2/3: read as stored (columns = x, rows = y, sections = frames)");
  }
  if (need < size) r.notes.push_back("ignored " + std::to_string(size - need) + " bytes after the last section");
  read_sections(in, m, type, frame_bytes, path, r);
  const double px = (m.mx > 0 && m.cella_x > 0 && std::isfinite(m.cella_x)) ? static_cast<double>(m.cella_x) / m.mx : 0.0;
  const double py = (m.my > 0 && m.cella_y > 0 && std::isfinite(m.cella_y)) ? static_cast<double>(m.cella_y) / m.my : 0.0;
  if (px == 0 && m.cella_x != 0) r.notes.push_back("cell size " + std::to_string(m.cella_x) + " Å is not a calibration (not positive)");
  detail::apply_metadata(r, px, py, frame_time, o, "scan frame time");
  return r;
}

}  // namespace nanomix::imaging
