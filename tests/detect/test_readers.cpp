// Movie readers against files written by independent programs (tifffile, h5py, NumPy byte layouts:
// tests/detect/make_reader_fixtures.py, run by ctest as a fixture), and against damaged files.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "imaging/detect/movie_reader.hpp"

using namespace nanomix;
using namespace nanomix::imaging;
namespace fs = std::filesystem;

namespace {

fs::path fixtures() {
  const char* dir = std::getenv("NANOMIX_DETECT_FIXTURES");
  REQUIRE_MESSAGE(dir != nullptr, "run through ctest (the fixture test writes the files)");
  return fs::path(dir);
}

constexpr int NX = 24, NY = 16, NT = 3;

float expected(int t, int j, int i, bool is_float) {
  return static_cast<float>((i + 2 * j + 3 * t) % 200) + (is_float ? 0.25f : 0.0f);
}

void check_pattern(const ReadResult& r, bool is_float, double pixel_angstrom, double frame_s) {
  REQUIRE(r.movie.nx == NX);
  REQUIRE(r.movie.ny == NY);
  REQUIRE(r.movie.frame_count() == NT);
  int wrong = 0;
  for (int t = 0; t < NT; ++t) {
    for (int j = 0; j < NY; ++j) {
      for (int i = 0; i < NX; ++i) {
        if (r.movie.at(static_cast<std::size_t>(t), i, j) != expected(t, j, i, is_float)) ++wrong;
      }
    }
  }
  CHECK(wrong == 0);
  if (pixel_angstrom > 0) {
    CHECK(r.pixel_size_source == "file");
    CHECK(r.movie.pixel_size_x_angstrom == doctest::Approx(pixel_angstrom).epsilon(1e-5));
    CHECK(r.movie.pixel_size_y_angstrom == doctest::Approx(pixel_angstrom).epsilon(1e-5));
  }
  if (frame_s > 0) {
    CHECK(r.frame_time_source == "file");
    CHECK(r.movie.frame_time_s == doctest::Approx(frame_s).epsilon(1e-9));
  }
}

std::vector<char> bytes_of(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::vector<char>(std::istreambuf_iterator<char>(in), {});
}

fs::path write_bytes(const std::string& name, const std::vector<char>& b) {
  const fs::path p = fs::temp_directory_path() / ("nanomix_test_readers_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(p, std::ios::binary).write(b.data(), static_cast<std::streamsize>(b.size()));
  return p;
}

// Expects a one-line InputError naming the file.
void check_rejected(const fs::path& p, const ReadOptions& o = {}) {
  try {
    (void)read_movie(p.string(), o);
    FAIL("accepted a bad file: " << p.string());
  } catch (const InputError& e) {
    const std::string m = e.what();
    CHECK(m.find(p.string()) == 0);
    CHECK(m.find('\n') == std::string::npos);
    MESSAGE(m);
  }
}

}  // namespace

TEST_CASE("TIFF stacks: ImageJ and plain, every sample type, tiles, byte orders, BigTIFF, deflate") {
  const auto dir = fixtures();
  for (const char* name : {"imagej_uint8", "imagej_uint16"}) {
    CAPTURE(name);
    check_pattern(read_movie((dir / (std::string(name) + ".tif")).string()), false, 0.5, 0.04);
  }
  check_pattern(read_movie((dir / "imagej_float32.tif").string()), true, 0.5, 0.04);
  for (const char* name : {"plain_int8", "plain_int16", "plain_uint32", "plain_int32"}) {
    CAPTURE(name);
    const auto r = read_movie((dir / (std::string(name) + ".tif")).string());
    check_pattern(r, false, 0.5, 0);
    CHECK(r.frame_time_source == "unknown");
  }
  check_pattern(read_movie((dir / "plain_float64.tif").string()), true, 0.5, 0);
  check_pattern(read_movie((dir / "tiled_uint16.tif").string()), false, 0, 0);
  check_pattern(read_movie((dir / "bigendian_int16.tif").string()), false, 0, 0);
  check_pattern(read_movie((dir / "bigtiff_uint16.tif").string()), false, 0, 0);
  if (fs::exists(dir / "deflate_float32.tif")) check_pattern(read_movie((dir / "deflate_float32.tif").string()), true, 0, 0);
  // One IFD, images=3 stored contiguously; finterval 40 in tunit ms.
  const auto r = read_movie((dir / "imagej_contiguous_uint16.tif").string());
  check_pattern(r, false, 0.5, 0.04);
}

TEST_CASE("config values fill in what the file lacks, and can override it") {
  const auto dir = fixtures();
  ReadOptions o;
  o.pixel_size_angstrom = 0.7;
  o.frame_time_s = 0.1;
  auto r = read_movie((dir / "tiled_uint16.tif").string(), o);
  CHECK(r.pixel_size_source == "config");
  CHECK(r.movie.pixel_size_x_angstrom == doctest::Approx(0.7));
  CHECK(r.movie.frame_time_s == doctest::Approx(0.1));
  r = read_movie((dir / "imagej_uint16.tif").string(), o);
  CHECK(r.movie.pixel_size_x_angstrom == doctest::Approx(0.5));  // the file wins
  o.override_file_metadata = true;
  r = read_movie((dir / "imagej_uint16.tif").string(), o);
  CHECK(r.movie.pixel_size_x_angstrom == doctest::Approx(0.7));
  CHECK(r.movie.frame_time_s == doctest::Approx(0.1));
}

TEST_CASE("MRC 2014: modes 0, 1, 2, 6, 12, big-endian, FEI extended header") {
  const auto dir = fixtures();
  check_pattern(read_movie((dir / "mode0.mrc").string()), false, 0.5, 0);
  check_pattern(read_movie((dir / "mode1.mrc").string()), false, 0.5, 0);
  check_pattern(read_movie((dir / "mode2.mrc").string()), true, 0.5, 0);
  check_pattern(read_movie((dir / "mode6.mrc").string()), false, 0.5, 0);
  check_pattern(read_movie((dir / "mode12.mrc").string()), true, 0.5, 0);  // x.25 is exact in float16 below 512
  check_pattern(read_movie((dir / "mode2_bigendian.mrc").string()), true, 0.5, 0);
  const auto r = read_movie((dir / "mode1_fei_ext.mrc").string());
  check_pattern(r, false, 0.5, 0);
  REQUIRE(!r.notes.empty());
  CHECK(r.notes[0].find("FEI1") != std::string::npos);
}

TEST_CASE("EMD 0.2: nanomix's (nx, ny, nt) layout and ncempy's (nt, ny, nx); Velox") {
  const auto dir = fixtures();
  auto r = read_movie((dir / "nanomix_layout.emd.h5").string());
  CHECK(r.dataset == "/data/counts");  // `counts` is preferred
  check_pattern(r, true, 0.5, 0.04);
  ReadOptions o;
  o.emd_group = "intensity";
  r = read_movie((dir / "nanomix_layout.emd.h5").string(), o);
  CHECK(r.movie.at(1, 3, 2) == doctest::Approx(-expected(1, 2, 3, true)));
  o.emd_group = "nothing";
  check_rejected(dir / "nanomix_layout.emd.h5", o);

  r = read_movie((dir / "ncempy_layout.emd").string());
  check_pattern(r, false, 0.5, 0);
  CHECK(r.frame_time_source == "unknown");

  r = read_movie((dir / "velox.emd").string());
  CHECK(r.format == "velox");
  check_pattern(r, false, 0.5, 0.04);  // the first image: HAADF, Scan.FrameTime
  CHECK(r.signal == "HAADF");
  CHECK(r.frame_time_kind == "scan frame time");
  REQUIRE(r.signals.size() == 3);
  CHECK(r.signals[1].name == "BM-Ceta");
  CHECK(r.signals[2].kind == "diffraction");
  // A camera image chosen by its detector name: the exposure, not the camera's frame period.
  o = {};
  o.emd_group = "BM-Ceta";
  r = read_movie((dir / "velox.emd").string(), o);
  CHECK(r.movie.frame_count() == 1);
  CHECK(r.movie.at(0, 3, 2) == doctest::Approx(expected(0, 2, 3, false) + 1000));
  CHECK(r.movie.frame_time_s == doctest::Approx(0.25));
  CHECK(r.frame_time_kind == "exposure");
  // The diffraction pattern (1/m): refused for real-space analysis, described when allowed.
  o.emd_group = "2";
  check_rejected(dir / "velox.emd", o);
  o.allow_non_image = true;
  r = read_movie((dir / "velox.emd").string(), o);
  CHECK(r.pixel_size_source == "unknown");
  CHECK(r.reciprocal_pixel_per_angstrom == doctest::Approx(114429680.2e-10));
  CHECK(r.refusal.find("diffraction") != std::string::npos);
  o = {};
  o.emd_group = "EELS";
  check_rejected(dir / "velox.emd", o);
}

TEST_CASE("DM3/DM4: thumbnails skipped, stacks with a time axis, calibrations in nm and µm, signals by name") {
  const auto dir = fixtures();
  auto r = read_movie((dir / "movie.dm3").string());
  CHECK(r.format == "dm3");
  check_pattern(r, false, 0.5, 0.04);  // the time axis (frame interval) wins over the 0.01 s exposure
  CHECK(r.frame_time_kind == "frame interval");
  CHECK(r.signal == "movie");
  REQUIRE(r.signals.size() == 1);  // the RGB thumbnail is not a signal
  r = read_movie((dir / "image.dm4").string());
  CHECK(r.format == "dm4");
  REQUIRE(r.movie.frame_count() == 1);
  CHECK(r.movie.at(0, 5, 7) == doctest::Approx(expected(0, 7, 5, true)));
  CHECK(r.movie.pixel_size_x_angstrom == doctest::Approx(0.5).epsilon(1e-6));  // 5e-5 µm
  CHECK(r.movie.frame_time_s == doctest::Approx(0.5));
  CHECK(r.frame_time_kind == "exposure");
  REQUIRE(r.signals.size() == 2);
  CHECK(r.signals[1].kind == "spectrum");
  ReadOptions o;
  o.emd_group = "EELS";  // the spectrum: refused for real-space analysis with its reason
  check_rejected(dir / "image.dm4", o);
  o.emd_group = "HRTEM";
  CHECK(read_movie((dir / "image.dm4").string(), o).signal == "HRTEM");
  o.emd_group = "nothing";
  check_rejected(dir / "image.dm4", o);
}

TEST_CASE("TIA SER/EMI: the series from either file, calibration from the .ser, exposure from the .emi") {
  const auto dir = fixtures();
  for (const char* name : {"series_1.ser", "series.emi"}) {
    CAPTURE(name);
    const auto r = read_movie((dir / name).string());
    CHECK(r.format == "ser");
    check_pattern(r, false, 0.5, 0.25);
    CHECK(r.frame_time_kind == "exposure");
    CHECK(r.signal == "Test CCD");
  }
}

TEST_CASE("HyperSpy .hspy written by HyperSpy: navigation axis = frames, scales in their units") {
  const auto dir = fixtures();
  if (!fs::exists(dir / "stack.hspy")) return;  // no HyperSpy where the fixtures were written
  const auto r = read_movie((dir / "stack.hspy").string());
  CHECK(r.format == "hspy");
  check_pattern(r, true, 0.5, 0.04);
  CHECK(r.signal == "stack");
}

TEST_CASE("pre-2014 MRC (no \"MAP \"): read when the header fits the file") {
  const auto dir = fixtures();
  auto b = bytes_of(dir / "mode2.mrc");
  std::memset(b.data() + 208, 0, 4);
  const auto p = write_bytes("old.mrc", b);
  const auto r = read_movie(p.string());
  check_pattern(r, true, 0.5, 0);
  CHECK(!r.notes.empty());
  b.resize(b.size() - 10);  // now the header no longer fits: refused
  check_rejected(write_bytes("old_cut.mrc", b));
}

TEST_CASE("raw binary with explicit shape, type, byte order and header") {
  const auto dir = fixtures();
  ReadOptions o;
  o.raw_nx = NX;
  o.raw_ny = NY;
  o.raw_type = RawType::u16;
  o.raw_big_endian = true;
  o.raw_header_bytes = 64;
  check_pattern(read_movie((dir / "bigendian_u16_h64.raw").string(), o), false, 0, 0);
  ReadOptions f;
  f.raw_nx = NX;
  f.raw_ny = NY;
  f.raw_type = RawType::f32;
  auto r = read_movie((dir / "float32.raw").string(), f);  // frames = 0: as many as fit (3 extra bytes ignored)
  check_pattern(r, true, 0, 0);
  CHECK(!r.notes.empty());
  f.raw_frames = 4;  // more than the file holds
  check_rejected(dir / "float32.raw", f);
  check_rejected(dir / "float32.raw");  // no shape given
}

TEST_CASE("damaged files: truncated, wrong magic, absurd sizes — one-line InputError, no huge allocation") {
  const auto dir = fixtures();
  ReadOptions raw;
  raw.raw_nx = NX;
  raw.raw_ny = NY;
  for (const char* name : {"imagej_uint16.tif", "plain_float64.tif", "tiled_uint16.tif", "mode2.mrc", "mode1_fei_ext.mrc",
                           "nanomix_layout.emd.h5", "ncempy_layout.emd", "velox.emd", "imagej_contiguous_uint16.tif",
                           "movie.dm3", "image.dm4", "series_1.ser", "stack.hspy"}) {
    if (!fs::exists(dir / name)) continue;
    CAPTURE(name);
    auto b = bytes_of(dir / name);
    for (double keep : {0.0, 0.01, 0.2, 0.5, 0.9}) {
      CAPTURE(keep);
      std::vector<char> cut(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(keep * static_cast<double>(b.size())));
      check_rejected(write_bytes(std::string("cut_") + name, cut));
    }
  }
  // Wrong magic with a known extension.
  check_rejected(write_bytes("garbage.tif", std::vector<char>(300, 'x')));
  check_rejected(write_bytes("garbage.mrc", std::vector<char>(2000, 'x')));
  check_rejected(write_bytes("garbage.h5", std::vector<char>(300, 'x')));
  check_rejected(write_bytes("garbage.xyz", std::vector<char>(300, 'x')));
  check_rejected(write_bytes("garbage.dm3", std::vector<char>(300, 'x')));
  check_rejected(write_bytes("garbage.ser", std::vector<char>(300, 'x')));
  check_rejected(write_bytes("garbage.emi", std::vector<char>(300, 'x')));  // no _1.ser beside it
  check_rejected(write_bytes("movie.eer", std::vector<char>(300, 'x')));     // EER named as unsupported
  // DM: a tag group claiming 2^31 entries, an array claiming 2^30 elements (sizes checked first).
  auto dm = bytes_of(dir / "movie.dm3");
  auto dm_patch = [&](std::size_t at, std::uint32_t big_endian) {
    auto c = dm;
    for (int k = 0; k < 4; ++k) c[at + static_cast<std::size_t>(k)] = static_cast<char>((big_endian >> (24 - 8 * k)) & 0xff);
    return c;
  };
  check_rejected(write_bytes("groups.dm3", dm_patch(14, 0x7fffffffu)));
  const std::string data_tag = "Data%%%%";
  const auto at = std::search(dm.begin(), dm.end(), data_tag.begin(), data_tag.end()) - dm.begin();
  check_rejected(write_bytes("array.dm3", dm_patch(static_cast<std::size_t>(at) + 8 + 4 + 8, 0x40000000u)));
  // SER: 2^31 elements; an element offset past the end.
  auto ser = bytes_of(dir / "series_1.ser");
  auto ser_patch = [&](std::size_t where, std::uint32_t v) {
    auto c = ser;
    std::memcpy(c.data() + where, &v, 4);
    return c;
  };
  check_rejected(write_bytes("many_1.ser", ser_patch(14, 0x7fffffffu)));
  std::uint32_t table = 0;
  std::memcpy(&table, ser.data() + 22, 4);
  check_rejected(write_bytes("offset_1.ser", ser_patch(table, 0x7fffff00u)));
  // MRC headers with absurd sizes: nx = 2^30; nz = 2^31-1; negative nsymbt; huge nsymbt; mode 4.
  auto mrc = bytes_of(dir / "mode2.mrc");
  auto patch = [&](std::size_t at, std::int32_t v) {
    auto c = mrc;
    std::memcpy(c.data() + at, &v, 4);
    return c;
  };
  check_rejected(write_bytes("nx.mrc", patch(0, 1 << 30)));
  check_rejected(write_bytes("nz.mrc", patch(8, 0x7fffffff)));
  check_rejected(write_bytes("nxneg.mrc", patch(0, -5)));
  check_rejected(write_bytes("nsym.mrc", patch(92, -1)));
  check_rejected(write_bytes("nsymbig.mrc", patch(92, 0x7fffffff)));
  check_rejected(write_bytes("mode4.mrc", patch(12, 4)));
  // Memory limit: a valid file refused when it would exceed max_bytes.
  ReadOptions tiny;
  tiny.max_bytes = 1000;
  check_rejected(dir / "mode2.mrc", tiny);
  check_rejected(dir / "imagej_uint16.tif", tiny);
  check_rejected(dir / "nanomix_layout.emd.h5", tiny);
  // Raw: absurd shape.
  ReadOptions absurd = raw;
  absurd.raw_nx = 1 << 30;
  check_rejected(dir / "float32.raw", absurd);
  check_rejected(fs::path("/nonexistent/file.tif"));
}
