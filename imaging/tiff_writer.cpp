#include "imaging/tiff_writer.hpp"

#include <tiffio.h>

#include <cstdio>
#include <memory>

#include "core/error.hpp"

namespace nanomix::imaging {

void write_tiff(const std::string& path, const Movie& m) {
  std::unique_ptr<TIFF, void (*)(TIFF*)> tif(TIFFOpen(path.c_str(), m.pixel_count() * 4 * m.frame_count() > 3.5e9 ? "w8" : "w"), TIFFClose);
  if (!tif) throw RuntimeError(path + ": cannot create the TIFF file");
  const double dx_nm = m.pixel_size_x_angstrom * 0.1, dy_nm = m.pixel_size_y_angstrom * 0.1;
  char desc[512];
  std::snprintf(desc, sizeof desc, "ImageJ=1.11a\n%sunit=nm\nspacing=%.9g\nfinterval=%.9g\nloop=false\nmin=%.9g\nmax=%.9g\n",
                m.frame_count() > 1 ? ("frames=" + std::to_string(m.frame_count()) + "\n").c_str() : "", dx_nm, m.frame_time_s, 0.0, 0.0);
  // min/max: display range of the whole stack.
  float lo = 0, hi = 0;
  bool first = true;
  for (const auto& f : m.frames) {
    for (float v : f) {
      if (first) { lo = hi = v; first = false; }
      lo = v < lo ? v : lo;
      hi = v > hi ? v : hi;
    }
  }
  std::snprintf(desc, sizeof desc, "ImageJ=1.11a\n%sunit=nm\nspacing=%.9g\nfinterval=%.9g\nloop=false\nmin=%.9g\nmax=%.9g\n",
                m.frame_count() > 1 ? ("frames=" + std::to_string(m.frame_count()) + "\n").c_str() : "", dx_nm, m.frame_time_s,
                static_cast<double>(lo), static_cast<double>(hi));
  for (std::size_t t = 0; t < m.frame_count(); ++t) {
    TIFF* p = tif.get();
    TIFFSetField(p, TIFFTAG_IMAGEWIDTH, static_cast<uint32_t>(m.nx));
    TIFFSetField(p, TIFFTAG_IMAGELENGTH, static_cast<uint32_t>(m.ny));
    TIFFSetField(p, TIFFTAG_BITSPERSAMPLE, 32);
    TIFFSetField(p, TIFFTAG_SAMPLESPERPIXEL, 1);
    TIFFSetField(p, TIFFTAG_SAMPLEFORMAT, SAMPLEFORMAT_IEEEFP);
    TIFFSetField(p, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
    TIFFSetField(p, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(p, TIFFTAG_COMPRESSION, COMPRESSION_NONE);
    TIFFSetField(p, TIFFTAG_ROWSPERSTRIP, static_cast<uint32_t>(m.ny));
    TIFFSetField(p, TIFFTAG_RESOLUTIONUNIT, RESUNIT_NONE);
    TIFFSetField(p, TIFFTAG_XRESOLUTION, static_cast<float>(1.0 / dx_nm));
    TIFFSetField(p, TIFFTAG_YRESOLUTION, static_cast<float>(1.0 / dy_nm));
    TIFFSetField(p, TIFFTAG_SOFTWARE, "nanomix");
    if (t == 0) TIFFSetField(p, TIFFTAG_IMAGEDESCRIPTION, desc);
    if (m.frame_count() > 1) {
      TIFFSetField(p, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
      TIFFSetField(p, TIFFTAG_PAGENUMBER, static_cast<uint16_t>(t), static_cast<uint16_t>(m.frame_count()));
    }
    const auto& f = m.frames[t];
    if (TIFFWriteEncodedStrip(p, 0, const_cast<float*>(f.data()), static_cast<tmsize_t>(f.size() * sizeof(float))) < 0 ||
        !TIFFWriteDirectory(p)) {
      throw RuntimeError(path + ": writing TIFF frame " + std::to_string(t) + " failed");
    }
  }
}

}  // namespace nanomix::imaging
