#include "imaging/mrc_writer.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>

#include "core/error.hpp"

namespace nanomix::imaging {

namespace {
template <class T>
void put(unsigned char* h, int word, T v) {
  static_assert(sizeof(T) == 4);
  std::memcpy(h + 4 * word, &v, 4);
}
}  // namespace

void write_mrc(const std::string& path, const Movie& m) {
  unsigned char h[1024] = {};
  const auto nt = static_cast<std::int32_t>(m.frame_count());
  put<std::int32_t>(h, 0, m.nx);
  put<std::int32_t>(h, 1, m.ny);
  put<std::int32_t>(h, 2, nt);
  put<std::int32_t>(h, 3, 2);  // mode 2: float32
  put<std::int32_t>(h, 7, m.nx);
  put<std::int32_t>(h, 8, m.ny);
  put<std::int32_t>(h, 9, 1);
  put<float>(h, 10, static_cast<float>(m.nx * m.pixel_size_x_angstrom));
  put<float>(h, 11, static_cast<float>(m.ny * m.pixel_size_y_angstrom));
  put<float>(h, 12, static_cast<float>(m.pixel_size_x_angstrom));
  put<float>(h, 13, 90.0f);
  put<float>(h, 14, 90.0f);
  put<float>(h, 15, 90.0f);
  put<std::int32_t>(h, 16, 1);
  put<std::int32_t>(h, 17, 2);
  put<std::int32_t>(h, 18, 3);
  double lo = INFINITY, hi = -INFINITY, sum = 0, sum2 = 0, n = 0;
  for (const auto& f : m.frames) {
    for (float v : f) {
      lo = std::min<double>(lo, v);
      hi = std::max<double>(hi, v);
      sum += v;
      sum2 += static_cast<double>(v) * v;
      n += 1;
    }
  }
  const double mean = n > 0 ? sum / n : 0;
  put<float>(h, 19, static_cast<float>(n > 0 ? lo : 0));
  put<float>(h, 20, static_cast<float>(n > 0 ? hi : 0));
  put<float>(h, 21, static_cast<float>(mean));
  put<std::int32_t>(h, 22, 0);  // ISPG 0: image stack
  put<std::int32_t>(h, 23, 0);  // NSYMBT
  std::memcpy(h + 4 * 26, "MRCO", 4);
  put<std::int32_t>(h, 27, 20140);
  std::memcpy(h + 4 * 52, "MAP ", 4);
  h[4 * 53] = 0x44;
  h[4 * 53 + 1] = 0x44;
  put<float>(h, 54, static_cast<float>(n > 0 ? std::sqrt(std::max(0.0, sum2 / n - mean * mean)) : 0));
  put<std::int32_t>(h, 55, 1);
  const char label[] = "nanomix image: synthetic HRTEM movie (float32 frames, pixel size in cella)";
  std::memcpy(h + 224, label, sizeof label - 1);
  std::ofstream out(path, std::ios::binary);
  if (!out) throw RuntimeError(path + ": cannot create the MRC file");
  out.write(reinterpret_cast<const char*>(h), sizeof h);
  for (const auto& f : m.frames) out.write(reinterpret_cast<const char*>(f.data()), static_cast<std::streamsize>(f.size() * sizeof(float)));
  out.close();
  if (!out) throw RuntimeError(path + ": writing the MRC file failed");
}

}  // namespace nanomix::imaging
