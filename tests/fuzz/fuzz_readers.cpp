// libFuzzer harness for every reader of a user-supplied file. Built once per format with
// -DNANOMIX_FUZZ_FORMAT=<n>: movies (0 EMD/Velox, 1 TIFF, 2 MRC, 3 raw, 4 auto = read_movie's
// dispatch, 5 DM3/DM4, 6 TIA SER, 7 HyperSpy HDF5) and nanomix's own HDF5 files (8 columns,
// 9 diagrams, 10 comparison, 11 H5MD trajectory); see tests/fuzz/README.md.
// The input is written to a private temporary file (the readers read files: libtiff and HDF5 open
// paths) and read with a 64 MiB memory limit. The only acceptable failure is an InputError;
// anything else — a crash, a sanitizer report, another exception, a huge allocation — is a finding.
// HDF5 reads are rehearsed in a child process (core/rehearse.hpp): a crash inside libhdf5 there is an
// InputError, but a sanitizer report there (the child exits 1) is a finding like one here.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "core/error.hpp"
#include "core/h5md.hpp"
#include "imaging/detect/columns_file.hpp"
#include "imaging/detect/movie_reader.hpp"
#if NANOMIX_FUZZ_FORMAT == 9 || NANOMIX_FUZZ_FORMAT == 10
#include "topology/comparison_file.hpp"
#include "topology/diagrams_file.hpp"
#endif

#ifndef NANOMIX_FUZZ_FORMAT
#define NANOMIX_FUZZ_FORMAT 4
#endif

namespace {

const std::string& scratch_path() {
  static const std::string path = [] {
    const char* dir = std::getenv("NANOMIX_FUZZ_TMP");
    std::string d = dir ? dir : (access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    static const char* ext[] = {".emd", ".tif", ".mrc", ".raw", ".bin", ".dm4", ".ser", ".hspy", ".h5", ".h5", ".h5", ".h5"};
    return d + "/nanomix_fuzz_" + std::to_string(getpid()) + ext[NANOMIX_FUZZ_FORMAT];
  }();
  return path;
}

/// A reader's failure: an InputError of one line naming the file, nothing else (a child that
/// exited 1 — a sanitizer report during the rehearsal — is a finding too).
template <class Read>
void expect_clean(const std::string& path, Read read) {
  try {
    read();
  } catch (const nanomix::InputError& e) {
    const char* m = e.what();
    if (std::strchr(m, '\n') != nullptr || std::strncmp(m, path.c_str(), path.size()) != 0) __builtin_trap();
    if (std::strstr(m, "the reader failed (exit 1)") != nullptr) __builtin_trap();
  }
}

#if NANOMIX_FUZZ_FORMAT >= 8
/// Reads `path` as a user of the format does (every accessor of the trajectory, every table of a
/// diagrams file), each part on its own so that one clean refusal does not hide the others.
void read_nanomix_file(const std::string& path) {
#if NANOMIX_FUZZ_FORMAT == 8
  expect_clean(path, [&] { (void)nanomix::imaging::read_columns_file(path); });
#elif NANOMIX_FUZZ_FORMAT == 9
  using namespace nanomix::topology;
  // Every reader opens the file as read_diagrams_info does: the others run when it succeeds.
  expect_clean(path, [&] {
    const DiagramsInfo info = read_diagrams_info(path);
    for (const auto& g : info.groups) {
      expect_clean(path, [&] { (void)read_diagrams_file(path, g); });
      for (int d = 0; d <= 2; ++d) expect_clean(path, [&] { (void)read_summary(path, g, d); });
    }
    expect_clean(path, [&] { (void)read_diagrams_file(path, ""); });
    expect_clean(path, [&] { (void)read_local_structures(path); });
    expect_clean(path, [&] { (void)read_lattice(path); });
  });
#elif NANOMIX_FUZZ_FORMAT == 10
  expect_clean(path, [&] { (void)nanomix::topology::read_comparison_file(path); });
#elif NANOMIX_FUZZ_FORMAT == 11
  expect_clean(path, [&] { (void)nanomix::is_h5md(path); });
  expect_clean(path, [&] {
    const nanomix::H5mdReader r(path);
    (void)r.atom_count();
    (void)r.species_per_frame();
    for (std::size_t i = 0; i < r.frame_count(); ++i) expect_clean(path, [&] { (void)r.frame(i); });
    expect_clean(path, [&] {
      for (const auto& n : r.observable_names()) expect_clean(path, [&] { (void)r.observable(n); });
    });
    expect_clean(path, [&] { (void)r.config_ini(); });
    expect_clean(path, [&] { (void)r.parameter("md_experiment_seconds_per_ps", 0); });
    expect_clean(path, [&] { (void)r.parameter_text("stage", ""); });
  });
#endif
}
#endif

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nanomix::imaging;
  ReadOptions o;
  o.max_bytes = std::uint64_t{64} << 20;
  o.hdf5_probe_timeout_s = 5;  // below libFuzzer's -timeout: a hang inside libhdf5 becomes an InputError
  // Likewise for the other files (unless set: the replay ctests use 1 s).
  static const bool short_rehearsals = setenv("NANOMIX_REHEARSAL_TIMEOUT_S", "5", 0) == 0;
  (void)short_rehearsals;
  const std::uint8_t* body = data;
  std::size_t body_size = size;
#if NANOMIX_FUZZ_FORMAT == 3
  // Raw: the first 8 bytes choose shape, type, byte order and header length.
  if (size < 8) return 0;
  o.raw_nx = 1 + data[0] % 64 + (data[1] & 0x80 ? 4096 * (data[1] & 0x7f) : 0);
  o.raw_ny = 1 + data[2] % 64;
  o.raw_frames = data[3] % 8;  // 0: as many as fit
  o.raw_type = static_cast<RawType>(data[4] % 8);
  o.raw_big_endian = data[5] & 1;
  o.raw_header_bytes = static_cast<std::uint64_t>(data[6]) * (data[7] & 0x80 ? 1000000 : 1);
  body += 8;
  body_size -= 8;
#endif
  const std::string& path = scratch_path();
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) __builtin_trap();
  if (body_size) std::fwrite(body, 1, body_size, f);
  std::fclose(f);
#if NANOMIX_FUZZ_FORMAT >= 8
  read_nanomix_file(path);
#else
  try {
#if NANOMIX_FUZZ_FORMAT == 0
    (void)read_emd(path, o);
#elif NANOMIX_FUZZ_FORMAT == 1
    (void)read_tiff(path, o);
#elif NANOMIX_FUZZ_FORMAT == 2
    (void)read_mrc(path, o);
#elif NANOMIX_FUZZ_FORMAT == 3
    o.format = MovieFormat::raw;
    (void)read_movie(path, o);
#elif NANOMIX_FUZZ_FORMAT == 5
    (void)read_dm(path, o);
#elif NANOMIX_FUZZ_FORMAT == 6
    (void)read_ser(path, o);
#elif NANOMIX_FUZZ_FORMAT == 7
    (void)read_hspy(path, o);
#else
    (void)read_movie(path, o);
#endif
  } catch (const nanomix::InputError& e) {
    // Expected for bad input: one line, naming the file.
    const char* m = e.what();
    if (std::strchr(m, '\n') != nullptr || std::strncmp(m, path.c_str(), path.size()) != 0) __builtin_trap();
    if (std::strstr(m, "the reader failed (exit 1)") != nullptr) __builtin_trap();
  }
#endif
  return 0;
}
