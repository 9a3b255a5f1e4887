// TIFF stacks through libtiff: one frame per page (IFD) of one sample per pixel, 8/16/32-bit
// unsigned or signed integers or 32/64-bit floats, strips or tiles, any compression libtiff reads,
// classic TIFF or BigTIFF. Pages whose size or type differs from the first are skipped (ImageJ
// thumbnails, previews) with a note.
//
// ImageJ stacks: the description ("ImageJ=…\nimages=N\nunit=nm\nfinterval=0.04\n…") gives the unit
// of the resolution tags and the frame interval (in `tunit`, default seconds); a stack written the
// ImageJ way for large files — one IFD and `images=N` frames stored contiguously after it — is read
// as N frames.
//
// Pixel size only from a real calibration, in this order:
//   - FEI/Thermo Fisher SEM/FIB (tag 34682 or 34680, INI text): [Scan] PixelWidth/PixelHeight (m),
//     frame time [Scan] FrameTime (a scan frame time);
//   - JEOL SightX (TemReporter XML in ImageDescription): camera PixelsPerMeter / magnification
//     (SelectorValue in X), exposure ExposureTimeValue (µs);
//   - Gatan DigitalMicrograph export (tags 65009/65010 scale, 65003/65004 unit; exposure from the
//     DM tag tree in tag 65027);
//   - TVIPS (tag 37706, version-2 header): PixelSizeX/Y (nm), ExposureTime (ms);
//   - ImageJ: 1/XResolution in the description's `unit=`;
//   - otherwise X/YResolution only with ResolutionUnit centimetre and finer than 1 µm per pixel.
// A resolution in dots per inch (72, 93, 96 dpi…) is a screen or print resolution, never a pixel
// size: it is ignored with a note.
#include <tiffio.h>

#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "imaging/detect/dm_tags.hpp"
#include "imaging/detect/movie_reader.hpp"
#include "imaging/detect/reader_util.hpp"
#include "imaging/detect/sample_convert.hpp"

namespace nanomix::imaging {

namespace {

thread_local std::string tiff_error;

void tiff_error_handler(const char* module, const char* fmt, va_list ap) {
  char buffer[512];
  std::vsnprintf(buffer, sizeof buffer, fmt, ap);
  if (tiff_error.empty()) tiff_error = std::string(module ? module : "libtiff") + ": " + buffer;
}

void tiff_warning_handler(const char*, const char*, va_list) {}

struct TiffCloser {
  void operator()(TIFF* t) const {
    if (t) TIFFClose(t);
  }
};

std::map<std::string, std::string> imagej_description(const std::string& text) {
  std::map<std::string, std::string> kv;
  if (text.rfind("ImageJ=", 0) != 0) return kv;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    kv[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return kv;
}

double number_or_zero(const std::map<std::string, std::string>& kv, const std::string& key) {
  const auto it = kv.find(key);
  if (it == kv.end()) return 0.0;
  char* end = nullptr;
  const double v = std::strtod(it->second.c_str(), &end);
  return (end != it->second.c_str() && std::isfinite(v) && v > 0) ? v : 0.0;
}

/// The raw bytes of a (possibly private) tag as libtiff stores them (host byte order for numbers);
/// false if absent. `type` gets the TIFF data type.
bool tag_bytes(TIFF* t, std::uint32_t tag, std::string& out, TIFFDataType& type) {
  const TIFFField* fi = TIFFFindField(t, tag, TIFF_ANY);  // TIFFFieldWithTag reports unknown tags as errors
  if (!fi) return false;
  type = TIFFFieldDataType(fi);
  void* data = nullptr;
  std::uint64_t count = 0;
  if (TIFFFieldPassCount(fi)) {
    if (TIFFFieldReadCount(fi) == TIFF_VARIABLE2) {
      std::uint32_t c = 0;
      if (!TIFFGetField(t, tag, &c, &data)) return false;
      count = c;
    } else {
      std::uint16_t c = 0;
      if (!TIFFGetField(t, tag, &c, &data)) return false;
      count = c;
    }
  } else if (type == TIFF_ASCII) {
    char* p = nullptr;
    if (!TIFFGetField(t, tag, &p) || !p) return false;
    out.assign(p, strnlen(p, std::size_t{1} << 24));
    return true;
  } else {
    return false;
  }
  if (!data) return false;
  const int width = TIFFDataWidth(type);
  if (width <= 0 || count * static_cast<std::uint64_t>(width) > (std::uint64_t{64} << 20)) return false;  // metadata, not images
  out.assign(static_cast<const char*>(data), static_cast<std::size_t>(count) * static_cast<std::size_t>(width));
  return true;
}

/// A number stored in a (private) tag: its first value, 0 if absent or not numeric.
double tag_number(TIFF* t, std::uint32_t tag) {
  std::string b;
  TIFFDataType type;
  if (!tag_bytes(t, tag, b, type)) return 0;
  if (type == TIFF_ASCII) return detail::parse_number(b, 0);
  double v = 0;
  if (type == TIFF_DOUBLE && b.size() >= 8) {
    std::memcpy(&v, b.data(), 8);
  } else if ((type == TIFF_FLOAT || type == TIFF_RATIONAL || type == TIFF_SRATIONAL) && b.size() >= 4) {
    float f;
    std::memcpy(&f, b.data(), 4);
    v = f;
  } else if ((type == TIFF_LONG || type == TIFF_SLONG) && b.size() >= 4) {
    std::int32_t i;
    std::memcpy(&i, b.data(), 4);
    v = type == TIFF_LONG ? static_cast<double>(static_cast<std::uint32_t>(i)) : i;
  } else if (type == TIFF_SHORT && b.size() >= 2) {
    std::uint16_t i;
    std::memcpy(&i, b.data(), 2);
    v = i;
  }
  return std::isfinite(v) ? v : 0;
}

/// A text tag with trailing NULs removed; Latin-1 "µ" (0xB5) is turned into UTF-8.
std::string tag_text(TIFF* t, std::uint32_t tag) {
  std::string b;
  TIFFDataType type;
  if (!tag_bytes(t, tag, b, type) || (type != TIFF_ASCII && type != TIFF_BYTE && type != TIFF_UNDEFINED)) return "";
  b = b.substr(0, strnlen(b.c_str(), b.size()));
  std::string out;
  for (unsigned char c : b) {
    if (c == 0xB5) {
      out += "\u00b5";
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

/// INI text ("[Section]\nKey=Value") → "Section/Key" → value.
std::map<std::string, std::string> ini_values(const std::string& text) {
  std::map<std::string, std::string> kv;
  std::istringstream in(text);
  std::string line, section;
  while (std::getline(in, line)) {
    line = detail::trim(line);
    if (line.size() > 2 && line.front() == '[' && line.back() == ']') {
      section = line.substr(1, line.size() - 2);
      continue;
    }
    const auto eq = line.find('=');
    if (eq != std::string::npos) kv[section + "/" + detail::trim(line.substr(0, eq))] = detail::trim(line.substr(eq + 1));
  }
  return kv;
}

/// First data tag named `name` anywhere below `t` (depth-first).
const detail::DmTag* find_named(const detail::DmTag& t, const std::string& name) {
  for (const auto& c : t.children) {
    if (c.name == name && !c.is_group) return &c;
    if (c.is_group) {
      if (const auto* f = find_named(c, name)) return f;
    }
  }
  return nullptr;
}

/// Calibration from vendor metadata; `found` false if the file has none of these vendors' tags.
struct Vendor {
  bool found = false;
  std::string name;
  double px = 0, py = 0, dt = 0;
  std::string time_kind;
  std::string refusal;
  std::vector<std::pair<std::string, std::string>> metadata;
  std::vector<std::string> notes;
};

/// FEI / Thermo Fisher SEM and FIB: INI text in tag 34682 (or 34680).
bool fei_calibration(TIFF* t, Vendor& v) {
  for (std::uint32_t tag : {34682u, 34680u}) {
    std::string text;
    TIFFDataType type;
    if (!tag_bytes(t, tag, text, type) || text.find("[Scan]") == std::string::npos) continue;
    const auto ini = ini_values(text.substr(0, strnlen(text.c_str(), text.size())));
    v.found = true;
    v.name = "FEI/Thermo Fisher TIFF (tag " + std::to_string(tag) + ")";
    auto get = [&](const char* k) {
      const auto it = ini.find(k);
      return it == ini.end() ? 0.0 : detail::parse_number(it->second, 0);
    };
    v.px = get("Scan/PixelWidth") * 1e10;
    v.py = get("Scan/PixelHeight") * 1e10;
    v.dt = get("Scan/FrameTime");
    v.time_kind = "scan frame time";
    if (get("EBeam/HV") > 0) v.metadata.emplace_back("voltage", detail::with_unit(get("EBeam/HV") * 1e-3, "kV"));
    if (ini.count("System/SystemType")) v.metadata.emplace_back("microscope", ini.at("System/SystemType"));
    const double rows = get("Image/ResolutionY"), bar = get("PrivateFei/DatabarHeight");
    if (rows > 0) {
      v.notes.push_back("the image has " + std::to_string(static_cast<long>(rows)) + " rows of data" +
                        (bar > 0 ? " and a " + std::to_string(static_cast<long>(bar)) + "-row data bar below them" : ""));
    }
    return true;
  }
  return false;
}

/// JEOL SightX: TemReporter XML in the ImageDescription.
bool jeol_calibration(const std::string& description, Vendor& v) {
  if (!(description.rfind("<?xml", 0) == 0 && description.find("<TemReporter") != std::string::npos)) return false;
  v.found = true;
  v.name = "JEOL SightX TIFF";
  const auto info = description.find("<ImageDataInformation>");
  const auto ppm_at = info == std::string::npos ? info : description.find("<PixelsPerMeter>", info);
  const double ppm_x = ppm_at == std::string::npos ? 0 : detail::parse_number(detail::xml_value(description, "Horizontal", ppm_at), 0);
  const double ppm_y = ppm_at == std::string::npos ? 0 : detail::parse_number(detail::xml_value(description, "Vertical", ppm_at), 0);
  const auto sel = description.find("<SelectorValue>");
  const double mag = detail::parse_number(detail::xml_value(description, "SelectorValue"), 0);
  const std::string unit = sel == std::string::npos ? "" : detail::xml_value(description, "SelectorUnitString", sel);
  if (unit != "X" && !unit.empty()) {
    v.refusal = "JEOL SightX image in " + unit + " selector mode (diffraction?), not a real-space image";
  } else if (ppm_x > 0 && mag > 0) {
    v.px = 1e10 / (ppm_x * mag);
    v.py = ppm_y > 0 ? 1e10 / (ppm_y * mag) : v.px;
    v.metadata.emplace_back("magnification", detail::xml_value(description, "SelectorString"));
  }
  const auto param = info == std::string::npos ? info : description.rfind("<Parameter>", info);
  if (param != std::string::npos) {
    v.dt = detail::parse_number(detail::xml_value(description, "ExposureTimeValue", param), 0) * 1e-6;
    v.time_kind = "exposure";
  }
  const std::string scope = detail::xml_value(description, "Instruments");
  if (!scope.empty()) v.metadata.emplace_back("microscope", scope);
  return true;
}

/// Gatan DigitalMicrograph export: calibration in private tags 65003–65010, DM tags in 65027.
bool dm_calibration(const std::string& path, TIFF* t, Vendor& v) {
  const double dm_sx = tag_number(t, 65009);
  if (!(dm_sx > 0)) return false;
  v.found = true;
  v.name = "Gatan DigitalMicrograph TIFF";
  const std::string ux = tag_text(t, 65003), uy = tag_text(t, 65004);
  const double dm_sy = tag_number(t, 65010);
  if (detail::inverse_angstrom_per_unit(ux) > 0) {
    v.refusal = "a diffraction pattern (DM calibration in " + ux + "), not a real-space image";
  } else {
    v.px = dm_sx * angstrom_per_unit(ux);
    v.py = dm_sy * angstrom_per_unit(uy.empty() ? ux : uy);
    if (v.px == 0) v.notes.push_back("DM calibration unit '" + ux + "' is not a length");
  }
  std::string blob;
  TIFFDataType type;
  if (tag_bytes(t, 65027, blob, type) && !blob.empty()) {
    try {
      std::istringstream in(blob);
      const auto tree = detail::parse_dm(in, blob.size(), path + " (tag 65027)");
      for (const char* name : {"Exposure (s)", "Exposure Time (s)"}) {
        if (const auto* e = find_named(tree.root, name)) {
          v.dt = e->number(0);
          v.time_kind = "exposure";
          break;
        }
      }
    } catch (const InputError& e) {
      v.notes.push_back(std::string("DM tags in tag 65027 unreadable: ") + e.what());
    }
  }
  return true;
}

/// TVIPS: tag 37706 holds the offset of the header (version-1 part of 244 bytes, then the
/// version-2 part of 6068 bytes, ending with the magic 0xAAAAAAAA), in the file's byte order.
bool tvips_calibration(const std::string& path, TIFF* t, Vendor& v) {
  const double tv_offset = tag_number(t, 37706);
  const std::uint64_t tv_bytes = 244 + 6068;
  if (tv_offset > 0 && tv_offset + static_cast<double>(tv_bytes) <= static_cast<double>(detail::file_size(path))) {
    std::string tv(tv_bytes, '\0');
    std::ifstream in(path, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(tv_offset));
    in.read(tv.data(), static_cast<std::streamsize>(tv_bytes));
    const bool swap = (TIFFIsBigEndian(t) != 0) == detail::host_is_little_endian();
    auto u32 = [&](std::size_t at) {
      unsigned char b[4];
      std::memcpy(b, tv.data() + at, 4);
      if (swap) std::swap(b[0], b[3]), std::swap(b[1], b[2]);
      std::uint32_t x;
      std::memcpy(&x, b, 4);
      return x;
    };
    auto f32 = [&](std::size_t at) {
      const std::uint32_t u = u32(at);
      float x;
      std::memcpy(&x, &u, 4);
      return std::isfinite(x) ? static_cast<double>(x) : 0.0;
    };
    if (in && u32(0) == 2 && u32(244 + 6064) == 0xAAAAAAAAu) {
      v.found = true;
      v.name = "TVIPS TIFF";
      v.px = f32(244 + 2724) * 10.0;  // nm
      v.py = f32(244 + 2728) * 10.0;
      v.dt = f32(244 + 3708) * 1e-3;  // ms
      v.time_kind = "exposure";
      const double kv = f32(244 + 3028) * 1e-3;
      if (kv > 0) v.metadata.emplace_back("voltage", detail::with_unit(kv, "kV"));
    }
  }
  return v.found;
}

Vendor vendor_calibration(const std::string& path, TIFF* t, const std::string& description) {
  Vendor v;
  if (fei_calibration(t, v) || jeol_calibration(description, v) || dm_calibration(path, t, v)) return v;
  tvips_calibration(path, t, v);
  return v;
}

struct PageInfo {
  std::uint32_t width = 0, height = 0;
  std::uint16_t bits = 1, samples = 1, format = SAMPLEFORMAT_UINT, planar = PLANARCONFIG_CONTIG;
  std::uint16_t compression = COMPRESSION_NONE;
  bool same_as(const PageInfo& o) const {
    return width == o.width && height == o.height && bits == o.bits && samples == o.samples && format == o.format;
  }
};

PageInfo page_info(TIFF* t) {
  PageInfo p;
  TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &p.width);
  TIFFGetField(t, TIFFTAG_IMAGELENGTH, &p.height);
  TIFFGetFieldDefaulted(t, TIFFTAG_BITSPERSAMPLE, &p.bits);
  TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLESPERPIXEL, &p.samples);
  TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLEFORMAT, &p.format);
  TIFFGetFieldDefaulted(t, TIFFTAG_PLANARCONFIG, &p.planar);
  TIFFGetFieldDefaulted(t, TIFFTAG_COMPRESSION, &p.compression);
  return p;
}

RawType sample_type(const std::string& path, const PageInfo& p) {
  if (p.samples != 1) {
    detail::bad_file(path, "TIFF with " + std::to_string(p.samples) +
                               " samples per pixel (colour?) is not supported: one grey sample per pixel is");
  }
  const bool is_int = p.format == SAMPLEFORMAT_INT, is_float = p.format == SAMPLEFORMAT_IEEEFP;
  if (p.format != SAMPLEFORMAT_UINT && !is_int && !is_float) {
    detail::bad_file(path, "TIFF sample format " + std::to_string(p.format) + " is not supported");
  }
  switch (p.bits) {
    case 8: if (!is_float) return is_int ? RawType::i8 : RawType::u8; break;
    case 16: if (!is_float) return is_int ? RawType::i16 : RawType::u16; break;
    case 32: return is_float ? RawType::f32 : is_int ? RawType::i32 : RawType::u32;
    case 64: if (is_float) return RawType::f64; break;
    default: break;
  }
  detail::bad_file(path, "TIFF with " + std::to_string(p.bits) + "-bit " +
                             (is_float ? "float" : is_int ? "signed" : "unsigned") +
                             " samples is not supported (8/16/32-bit integers, 32/64-bit floats are)");
}

std::string failure(const std::string& what) {
  std::string m = what;
  if (!tiff_error.empty()) m += " (" + tiff_error + ")";
  return m;
}

// Reads the current page into `frame` (width × height floats).
void read_page(const std::string& path, TIFF* t, const PageInfo& p, RawType type, std::vector<float>& frame) {
  const std::size_t w = raw_type_bytes(type);
  // libtiff returns samples in host order already; tell convert_samples the host order.
  const bool big = !detail::host_is_little_endian();
  frame.assign(static_cast<std::size_t>(p.width) * p.height, 0.0f);
  if (TIFFIsTiled(t)) {
    std::uint32_t tw = 0, th = 0;
    TIFFGetField(t, TIFFTAG_TILEWIDTH, &tw);
    TIFFGetField(t, TIFFTAG_TILELENGTH, &th);
    const tmsize_t tile_bytes = TIFFTileSize(t);
    // A tile may exceed the image (padding), but not absurdly: at most the image + 16 MiB.
    const std::uint64_t limit = 4 * frame.size() * w + (std::uint64_t{16} << 20);
    if (tw == 0 || th == 0 || tile_bytes <= 0 || static_cast<std::uint64_t>(tile_bytes) < std::uint64_t{tw} * th * w ||
        static_cast<std::uint64_t>(tile_bytes) > limit) {
      detail::bad_file(path, failure("TIFF has a corrupt tile layout (" + std::to_string(tw) + " x " + std::to_string(th) +
                                     " tiles for a " + std::to_string(p.width) + " x " + std::to_string(p.height) + " image)"));
    }
    std::vector<unsigned char> buf(static_cast<std::size_t>(tile_bytes));
    std::vector<float> conv(std::size_t{tw} * th);
    for (std::uint32_t y0 = 0; y0 < p.height; y0 += th) {
      for (std::uint32_t x0 = 0; x0 < p.width; x0 += tw) {
        const ttile_t tile = TIFFComputeTile(t, x0, y0, 0, 0);
        if (TIFFReadEncodedTile(t, tile, buf.data(), tile_bytes) < 0) detail::bad_file(path, failure("cannot read TIFF tile"));
        detail::convert_samples(buf.data(), conv.size(), type, big, conv.data());
        for (std::uint32_t y = y0; y < std::min(p.height, y0 + th); ++y) {
          for (std::uint32_t x = x0; x < std::min(p.width, x0 + tw); ++x) {
            frame[std::size_t{y} * p.width + x] = conv[std::size_t{y - y0} * tw + (x - x0)];
          }
        }
      }
    }
    return;
  }
  std::uint32_t rows_per_strip = 0;
  TIFFGetFieldDefaulted(t, TIFFTAG_ROWSPERSTRIP, &rows_per_strip);
  if (rows_per_strip == 0 || rows_per_strip > p.height) rows_per_strip = p.height;
  const std::uint64_t row_bytes = std::uint64_t{p.width} * w;
  const tmsize_t strip_bytes = TIFFStripSize(t);
  if (strip_bytes <= 0 || static_cast<std::uint64_t>(strip_bytes) < row_bytes ||
      static_cast<std::uint64_t>(strip_bytes) > row_bytes * p.height + (std::uint64_t{16} << 20)) {
    detail::bad_file(path, failure("TIFF has a corrupt strip layout"));
  }
  std::vector<unsigned char> buf(static_cast<std::size_t>(strip_bytes));
  const tstrip_t strips = TIFFNumberOfStrips(t);
  std::uint32_t row = 0;
  for (tstrip_t s = 0; s < strips && row < p.height; ++s) {
    const tmsize_t got = TIFFReadEncodedStrip(t, s, buf.data(), strip_bytes);
    if (got < 0) detail::bad_file(path, failure("cannot read TIFF strip " + std::to_string(s)));
    const std::uint64_t rows = std::min<std::uint64_t>(static_cast<std::uint64_t>(got) / row_bytes, p.height - row);
    if (rows == 0) detail::bad_file(path, failure("TIFF strip " + std::to_string(s) + " is short"));
    detail::convert_samples(buf.data(), rows * p.width, type, big, frame.data() + std::size_t{row} * p.width);
    row += static_cast<std::uint32_t>(rows);
  }
  if (row < p.height) detail::bad_file(path, failure("TIFF page holds fewer rows than its height"));
}

/// The pixel size (Å) from the resolution tags (pixels per unit: the ImageJ unit, or centimetres);
/// an inch resolution without vendor metadata is a print resolution, noted and ignored.
void resolution_pixel_size(TIFF* t, const std::map<std::string, std::string>& ij, bool vendor_found, ReadResult& r, double& px, double& py) {
  float xres = 0, yres = 0;
  std::uint16_t res_unit = RESUNIT_INCH;
  const bool has_x = TIFFGetField(t, TIFFTAG_XRESOLUTION, &xres) != 0;
  const bool has_y = TIFFGetField(t, TIFFTAG_YRESOLUTION, &yres) != 0;
  TIFFGetFieldDefaulted(t, TIFFTAG_RESOLUTIONUNIT, &res_unit);
  double unit_angstrom = 0;
  if (!ij.empty() && ij.count("unit")) {
    unit_angstrom = angstrom_per_unit(ij.at("unit"));
  } else if (res_unit == RESUNIT_CENTIMETER) {
    unit_angstrom = 1.0e8;
  }
  if (unit_angstrom > 0 && has_x && xres > 0 && std::isfinite(xres)) {
    px = unit_angstrom / xres;
    py = (has_y && yres > 0 && std::isfinite(yres)) ? unit_angstrom / yres : px;
    // Centimetre resolutions coarser than 1 µm per pixel are print resolutions, not calibrations.
    if (ij.empty() && px > 1.0e4) px = py = 0;
  }
  if (px == 0 && has_x && xres > 0 && std::isfinite(xres) && res_unit == RESUNIT_INCH && !vendor_found) {
    r.notes.push_back("ignored the TIFF resolution of " + std::to_string(std::lround(xres)) +
                      " dpi: a screen/print resolution, not a pixel size");
  }
}

/// A vendor's calibration (when found) over the resolution tags' and ImageJ's, with its refusal,
/// metadata and notes.
void apply_vendor(const Vendor& vendor, ReadResult& r, double& px, double& py, double& dt, std::string& time_kind) {
  r.notes.push_back("calibration from the " + vendor.name + " metadata");
  if (vendor.px > 0) {
    px = vendor.px;
    py = vendor.py > 0 ? vendor.py : vendor.px;
  }
  if (vendor.dt > 0) {
    dt = vendor.dt;
    time_kind = vendor.time_kind;
  }
  r.refusal = vendor.refusal;
  r.metadata = vendor.metadata;
  r.notes.insert(r.notes.end(), vendor.notes.begin(), vendor.notes.end());
}

/// ImageJ's contiguous large stack: n frames stored back to back after the first page's data.
void read_imagej_stack(const std::string& path, TIFF* t, const PageInfo& first, RawType type, std::uint64_t n, std::uint64_t size,
                       const ReadOptions& o, ReadResult& r) {
  using detail::bad_file;
  const std::uint64_t frame_bytes = std::uint64_t{first.width} * first.height * raw_type_bytes(type);
  if (!TIFFSetDirectory(t, 0)) bad_file(path, failure("cannot reread the first TIFF page"));
  toff_t* offsets = nullptr;
  if (!TIFFGetField(t, TIFFTAG_STRIPOFFSETS, &offsets) || !offsets) bad_file(path, failure("TIFF without strip offsets"));
  const std::uint64_t start = offsets[0];
  detail::check_shape(path, first.width, first.height, n, o);
  if (start > size || n * frame_bytes > size - start) {
    bad_file(path, "truncated ImageJ stack: images=" + std::to_string(n) + " frames of " + std::to_string(frame_bytes) +
                       " bytes from byte " + std::to_string(start) + " need more than the file's " + std::to_string(size) +
                       " bytes");
  }
  std::ifstream in(path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(start));
  std::vector<unsigned char> buf(frame_bytes);
  const bool big = TIFFIsBigEndian(t) != 0;
  r.movie.frames.resize(n);
  for (auto& f : r.movie.frames) {
    in.read(reinterpret_cast<char*>(buf.data()), static_cast<std::streamsize>(frame_bytes));
    if (!in) bad_file(path, "read error in the ImageJ stack");
    f.resize(std::size_t{first.width} * first.height);
    detail::convert_samples(buf.data(), f.size(), type, big, f.data());
  }
  r.dataset = std::to_string(n) + " contiguous ImageJ frames";
}

/// Every page of the first page's size and sample type as a frame (the others skipped, noted).
void read_pages(const std::string& path, TIFF* t, const PageInfo& first, RawType type, std::uint64_t pages, double images,
                const ReadOptions& o, ReadResult& r) {
  using detail::bad_file;
  if (images > static_cast<double>(pages)) {
    bad_file(path, "truncated TIFF stack: the ImageJ description says images=" + std::to_string(std::llround(images)) +
                       ", the file has " + std::to_string(pages) + " pages");
  }
  detail::check_shape(path, first.width, first.height, pages, o);
  if (!TIFFSetDirectory(t, 0)) bad_file(path, failure("cannot reread the first TIFF page"));
  std::uint64_t skipped = 0;
  for (std::uint64_t k = 0; k < pages; ++k) {
    if (k > 0 && TIFFReadDirectory(t) != 1) bad_file(path, failure("cannot read TIFF page " + std::to_string(k)));
    const PageInfo p = page_info(t);
    if (!p.same_as(first)) {
      ++skipped;
      continue;
    }
    r.movie.frames.emplace_back();
    read_page(path, t, p, type, r.movie.frames.back());
  }
  if (skipped) r.notes.push_back("skipped " + std::to_string(skipped) + " pages of another size or sample type");
  r.dataset = std::to_string(r.movie.frames.size()) + " pages";
}

}  // namespace

ReadResult read_tiff(const std::string& path, const ReadOptions& o) {
  using detail::bad_file;
  const std::uint64_t size = detail::file_size(path);
  TIFFSetErrorHandler(tiff_error_handler);
  TIFFSetWarningHandler(tiff_warning_handler);
  tiff_error.clear();
  std::unique_ptr<TIFF, TiffCloser> tif(TIFFOpen(path.c_str(), "rm"));  // m: no memory mapping
  if (!tif) bad_file(path, failure("not a readable TIFF file"));
  TIFF* t = tif.get();

  const PageInfo first = page_info(t);
  const RawType type = sample_type(path, first);
  detail::check_shape(path, first.width, first.height, 1, o);

  char* desc_c = nullptr;
  std::string description;
  if (TIFFGetField(t, TIFFTAG_IMAGEDESCRIPTION, &desc_c) && desc_c) description = desc_c;
  const auto ij = imagej_description(description);

  ReadResult r;
  r.format = "tiff";
  const Vendor vendor = vendor_calibration(path, t, description);
  double px = 0, py = 0;
  resolution_pixel_size(t, ij, vendor.found, r, px, py);
  double dt = number_or_zero(ij, "finterval");
  if (dt > 0 && ij.count("tunit")) {
    const double s = seconds_per_unit(ij.at("tunit"));
    dt = s > 0 ? dt * s : 0.0;
  }
  std::string time_kind = "frame interval";
  if (vendor.found) apply_vendor(vendor, r, px, py, dt, time_kind);

  r.movie.nx = static_cast<int>(first.width);
  r.movie.ny = static_cast<int>(first.height);
  r.movie.quantity = "intensity";

  // Count pages first (libtiff detects IFD loops), so the memory check sees the whole stack.
  std::uint64_t pages = 0;
  do {
    ++pages;
  } while (TIFFReadDirectory(t) == 1);
  if (!tiff_error.empty()) bad_file(path, failure("corrupt TIFF page chain after page " + std::to_string(pages)));
  const double images = number_or_zero(ij, "images");
  if (pages == 1 && images > 1 && images < 4.3e9 && first.compression == COMPRESSION_NONE && !TIFFIsTiled(t)) {
    read_imagej_stack(path, t, first, type, static_cast<std::uint64_t>(images), size, o, r);
  } else {
    read_pages(path, t, first, type, pages, images, o, r);
  }
  if (!ij.empty()) r.notes.push_back("ImageJ description read");
  detail::apply_metadata(r, px, py, dt, o, time_kind);
  return r;
}

}  // namespace nanomix::imaging
