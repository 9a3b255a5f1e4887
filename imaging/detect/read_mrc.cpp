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

}  // namespace

ReadResult read_mrc(const std::string& path, const ReadOptions& o) {
  using detail::bad_file;
  const std::uint64_t size = detail::file_size(path);
  if (size < 1024) bad_file(path, "truncated MRC file: " + std::to_string(size) + " bytes, the header alone needs 1024");
  std::array<unsigned char, 1024> h{};
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(h.data()), 1024);
  if (!in) bad_file(path, "cannot read the MRC header");
  const bool mrc2014 = std::memcmp(h.data() + 208, "MAP", 3) == 0;

  bool big = false;
  if (h[212] == 0x11 && (h[213] == 0x11 || h[213] == 0x01)) {
    big = true;
  } else if (h[212] == 0x44 && (h[213] == 0x44 || h[213] == 0x41)) {
    big = false;
  } else {
    std::int32_t m_le = static_cast<std::int32_t>(h[12] | (h[13] << 8) | (h[14] << 16) | (static_cast<unsigned>(h[15]) << 24));
    big = !known_mode(m_le);
  }
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
  const std::int32_t nx = i32(0), ny = i32(4), nz = i32(8), mode = i32(12);
  const std::int32_t mx = i32(28);
  const std::int32_t my = i32(32);
  const float cella_x = f32(40), cella_y = f32(44);
  const std::int32_t mapc = i32(64), mapr = i32(68), maps = i32(72);
  const std::int32_t nsymbt = i32(92);
  if (nx <= 0 || ny <= 0 || nz <= 0) {
    bad_file(path, "MRC header has a non-positive size nx = " + std::to_string(nx) + ", ny = " + std::to_string(ny) +
                       ", nz = " + std::to_string(nz));
  }
  if (!known_mode(mode)) {
    bad_file(path, "MRC mode " + std::to_string(mode) +
                       " is not supported (0 int8, 1 int16, 2 float32, 6 uint16, 12 float16 are)");
  }
  if (nsymbt < 0) bad_file(path, "MRC header has a negative extended-header size nsymbt = " + std::to_string(nsymbt));
  detail::check_shape(path, static_cast<std::uint64_t>(nx), static_cast<std::uint64_t>(ny), static_cast<std::uint64_t>(nz), o);
  const RawType type = mode == 0 ? RawType::i8 : mode == 1 ? RawType::i16 : mode == 2 ? RawType::f32
                                                                        : RawType::u16;  // 6 and 12 (2 bytes)
  const std::uint64_t w = raw_type_bytes(type);
  const std::uint64_t frame_bytes = static_cast<std::uint64_t>(nx) * static_cast<std::uint64_t>(ny) * w;
  const std::uint64_t need = 1024 + static_cast<std::uint64_t>(nsymbt) + frame_bytes * static_cast<std::uint64_t>(nz);
  if (need > size) {
    bad_file(path, "truncated MRC file: header says " + std::to_string(nx) + " x " + std::to_string(ny) + " x " +
                       std::to_string(nz) + " mode " + std::to_string(mode) + " after " + std::to_string(nsymbt) +
                       " bytes of extended header (" + std::to_string(need) + " bytes), the file has " +
                       std::to_string(size));
  }

  ReadResult r;
  r.format = "mrc";
  r.dataset = std::to_string(nz) + " sections, mode " + std::to_string(mode);
  if (!mrc2014) r.notes.push_back("pre-2014 MRC (no \"MAP \" at byte 208): header read with the MRC 2014 layout");
  double frame_time = 0;
  if (nsymbt > 0) {
    std::string exttyp(reinterpret_cast<const char*>(h.data() + 104), 4);
    for (char& c : exttyp) {
      if (c < 32 || c > 126) c = '?';
    }
    if ((exttyp == "FEI1" || exttyp == "FEI2") && nsymbt >= 587) {
      // First section's record: metadata size (int32) at 0, frame time (double) at 579.
      unsigned char rec[587];
      in.seekg(1024);
      in.read(reinterpret_cast<char*>(rec), sizeof rec);
      std::uint32_t rec_size = std::uint32_t{rec[0]} | std::uint32_t{rec[1]} << 8 | std::uint32_t{rec[2]} << 16 |
                               std::uint32_t{rec[3]} << 24;
      if (big) rec_size = std::uint32_t{rec[3]} | std::uint32_t{rec[2]} << 8 | std::uint32_t{rec[1]} << 16 | std::uint32_t{rec[0]} << 24;
      if (in && rec_size >= 587) {
        unsigned char b[8];
        std::memcpy(b, rec + 579, 8);
        if (big != !detail::host_is_little_endian()) std::reverse(b, b + 8);
        double t;
        std::memcpy(&t, b, 8);
        if (std::isfinite(t) && t > 0 && t < 1e6) frame_time = t;
      }
    }
    r.notes.push_back("skipped " + std::to_string(nsymbt) + " bytes of extended header (type '" + exttyp + "')" +
                      (frame_time > 0 ? " after reading its frame time" : ""));
  }
  if (!(mapc == 1 && mapr == 2 && maps == 3) && !(mapc == 0 && mapr == 0 && maps == 0)) {
    r.notes.push_back("axis order mapc/mapr/maps = " + std::to_string(mapc) + "/" + std::to_string(mapr) + "/" +
                      std::to_string(maps) + " is not 1/2/3: read as stored (columns = x, rows = y, sections = frames)");
  }
  if (need < size) r.notes.push_back("ignored " + std::to_string(size - need) + " bytes after the last section");
  r.movie.nx = nx;
  r.movie.ny = ny;
  r.movie.quantity = "intensity";
  in.seekg(static_cast<std::streamoff>(1024 + static_cast<std::uint64_t>(nsymbt)));
  std::vector<unsigned char> buffer(frame_bytes);
  const std::size_t n = static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny);
  r.movie.frames.resize(static_cast<std::size_t>(nz));
  for (auto& f : r.movie.frames) {
    in.read(reinterpret_cast<char*>(buffer.data()), static_cast<std::streamsize>(frame_bytes));
    if (!in) bad_file(path, "read error in the MRC data");
    f.resize(n);
    detail::convert_samples(buffer.data(), n, type, big, f.data());
    if (mode == 12) {
      for (std::size_t k = 0; k < n; ++k) f[k] = half_to_float(static_cast<std::uint16_t>(f[k]));
    }
  }
  const double px = (mx > 0 && cella_x > 0 && std::isfinite(cella_x)) ? static_cast<double>(cella_x) / mx : 0.0;
  const double py = (my > 0 && cella_y > 0 && std::isfinite(cella_y)) ? static_cast<double>(cella_y) / my : 0.0;
  if (px == 0 && cella_x != 0) r.notes.push_back("cell size " + std::to_string(cella_x) + " Å is not a calibration (not positive)");
  detail::apply_metadata(r, px, py, frame_time, o, "scan frame time");
  return r;
}

}  // namespace nanomix::imaging
