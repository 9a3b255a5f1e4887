#include "imaging/png_writer.hpp"

#include <png.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "core/atomic_file.hpp"
#include "core/error.hpp"

namespace nanomix::imaging {

void write_png_gray8(const std::string& path, int width, int height, const std::vector<unsigned char>& pixels) {
  std::unique_ptr<FILE, int (*)(FILE*)> fp(std::fopen(path.c_str(), "wb"), std::fclose);
  if (!fp) throw RuntimeError(path + ": cannot create the PNG file");
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!png || !info) {
    png_destroy_write_struct(&png, &info);
    throw RuntimeError("libpng: out of memory");
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    throw RuntimeError(path + ": libpng failed");
  }
  png_init_io(png, fp.get());
  png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 8, PNG_COLOR_TYPE_GRAY,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int j = 0; j < height; ++j) {
    png_write_row(png, const_cast<png_bytep>(pixels.data() + static_cast<std::size_t>(j) * static_cast<std::size_t>(width)));
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
}

std::vector<std::string> write_png_previews(const std::string& directory, const Movie& m) {
  std::vector<float> all;
  const std::size_t stride = std::max<std::size_t>(1, m.pixel_count() * m.frame_count() / 4000000);
  for (const auto& f : m.frames)
    for (std::size_t i = 0; i < f.size(); i += stride) all.push_back(f[i]);
  float lo = 0, hi = 1;
  if (!all.empty()) {
    const std::size_t a = all.size() / 1000, b = all.size() - 1 - all.size() / 1000;
    std::nth_element(all.begin(), all.begin() + static_cast<long>(a), all.end());
    lo = all[a];
    std::nth_element(all.begin(), all.begin() + static_cast<long>(b), all.end());
    hi = all[b];
  }
  if (!(hi > lo)) hi = lo + 1;
  std::vector<std::string> names;
  std::vector<unsigned char> px(m.pixel_count());
  for (std::size_t t = 0; t < m.frame_count(); ++t) {
    for (std::size_t i = 0; i < px.size(); ++i) {
      const double v = (m.frames[t][i] - lo) / (hi - lo) * 255.0;
      px[i] = static_cast<unsigned char>(std::clamp(std::lround(v), 0L, 255L));
    }
    char name[64];
    std::snprintf(name, sizeof name, "frame_%05zu.png", t);
    const std::string path = (std::filesystem::path(directory) / name).string();
    AtomicOutput out(path);
    out.write([&](const std::string& p) { write_png_gray8(p, m.nx, m.ny, px); });
    out.commit();
    names.push_back(path);
  }
  return names;
}

}  // namespace nanomix::imaging
