// TIFF stacks through libtiff: one frame per page (IFD) of one sample per pixel, 8/16/32-bit
// unsigned or signed integers or 32/64-bit floats, strips or tiles, any compression libtiff reads,
// classic TIFF or BigTIFF. Pages whose size or type differs from the first are skipped (ImageJ
// thumbnails, previews) with a note.
//
// ImageJ stacks: the description ("ImageJ=…\nimages=N\nunit=nm\nfinterval=0.04\n…") gives the unit
// of the resolution tags and the frame interval (in `tunit`, default seconds); a stack written the
// ImageJ way for large files — one IFD and `images=N` frames stored contiguously after it — is read
// as N frames. Without ImageJ, the pixel size comes from the X/YResolution tags with
// ResolutionUnit inch or centimetre; ResolutionUnit "none" gives no pixel size.
#include <tiffio.h>

#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

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

  // Pixel size from the resolution tags (pixels per unit).
  float xres = 0, yres = 0;
  std::uint16_t res_unit = RESUNIT_INCH;
  const bool has_x = TIFFGetField(t, TIFFTAG_XRESOLUTION, &xres) != 0;
  const bool has_y = TIFFGetField(t, TIFFTAG_YRESOLUTION, &yres) != 0;
  TIFFGetFieldDefaulted(t, TIFFTAG_RESOLUTIONUNIT, &res_unit);
  double unit_angstrom = 0;
  if (!ij.empty() && ij.count("unit")) {
    unit_angstrom = angstrom_per_unit(ij.at("unit"));
  } else if (res_unit == RESUNIT_INCH) {
    unit_angstrom = 2.54e8;
  } else if (res_unit == RESUNIT_CENTIMETER) {
    unit_angstrom = 1.0e8;
  }
  double px = 0, py = 0;
  if (unit_angstrom > 0 && has_x && xres > 0 && std::isfinite(xres)) {
    px = unit_angstrom / xres;
    py = (has_y && yres > 0 && std::isfinite(yres)) ? unit_angstrom / yres : px;
    // Resolution tags defaulted by writers that know no pixel size (72 dpi) are not a pixel size.
    if (ij.empty() && res_unit == RESUNIT_INCH && (xres == 72.0f || xres == 1.0f)) px = py = 0;
  }
  double dt = number_or_zero(ij, "finterval");
  if (dt > 0 && ij.count("tunit")) {
    const double s = seconds_per_unit(ij.at("tunit"));
    dt = s > 0 ? dt * s : 0.0;
  }

  ReadResult r;
  r.format = "tiff";
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
  const std::uint64_t frame_bytes = std::uint64_t{first.width} * first.height * raw_type_bytes(type);

  if (pages == 1 && images > 1 && images < 4.3e9 && first.compression == COMPRESSION_NONE && !TIFFIsTiled(t)) {
    // ImageJ's contiguous large stack: frames stored back to back after the first page's data.
    const auto n = static_cast<std::uint64_t>(images);
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
  } else {
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
  if (!ij.empty()) r.notes.push_back("ImageJ description read");
  detail::apply_metadata(r, px, py, dt, o);
  return r;
}

}  // namespace nanomix::imaging
