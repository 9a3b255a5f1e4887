// Reads each file given on the command line with read_movie (non-images allowed, so that their
// refusal reason is reported) and prints one JSON object per line: shape, pixel size and frame
// time as read, or the one-line error. tests/detect/check_realdata.py compares them with the
// truth of ../shared/realdata/truth.json (values from independent readers).
#include <cstdio>
#include <string>

#include "core/error.hpp"
#include "imaging/detect/movie_reader.hpp"

namespace {

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += (c == '\n' || c == '\t') ? ' ' : c;
  }
  return out + "\"";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace nanomix::imaging;
  for (int k = 1; k < argc; ++k) {
    const std::string path = argv[k];
    ReadOptions o;
    o.allow_non_image = true;
    try {
      const ReadResult r = read_movie(path, o);
      std::printf("{\"path\": %s, \"ok\": true, \"format\": %s, \"signal\": %s, \"nx\": %d, \"ny\": %d, \"frames\": %zu, "
                  "\"pixel_x\": %.9g, \"pixel_y\": %.9g, \"pixel_source\": %s, \"frame_time\": %.9g, "
                  "\"frame_time_source\": %s, \"frame_time_kind\": %s, \"reciprocal\": %.9g, \"refusal\": %s, \"signals\": [",
                  quoted(path).c_str(), quoted(r.format).c_str(), quoted(r.signal).c_str(), r.movie.nx, r.movie.ny,
                  r.movie.frame_count(), r.movie.pixel_size_x_angstrom, r.movie.pixel_size_y_angstrom,
                  quoted(r.pixel_size_source).c_str(), r.movie.frame_time_s, quoted(r.frame_time_source).c_str(),
                  quoted(r.frame_time_kind).c_str(), r.reciprocal_pixel_per_angstrom, quoted(r.refusal).c_str());
      for (std::size_t s = 0; s < r.signals.size(); ++s) {
        std::printf("%s{\"name\": %s, \"kind\": %s, \"nx\": %llu, \"ny\": %llu, \"frames\": %llu}", s ? ", " : "",
                    quoted(r.signals[s].name).c_str(), quoted(r.signals[s].kind).c_str(),
                    static_cast<unsigned long long>(r.signals[s].nx), static_cast<unsigned long long>(r.signals[s].ny),
                    static_cast<unsigned long long>(r.signals[s].frames));
      }
      std::printf("]}\n");
    } catch (const nanomix::InputError& e) {
      std::printf("{\"path\": %s, \"ok\": false, \"error\": %s}\n", quoted(path).c_str(), quoted(e.what()).c_str());
    }
  }
  return 0;
}
