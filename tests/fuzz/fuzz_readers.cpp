// libFuzzer harness for the movie readers. Built once per format with -DNANOMIX_FUZZ_FORMAT=<n>
// (0 EMD/Velox, 1 TIFF, 2 MRC, 3 raw, 4 auto = read_movie's dispatch, 5 DM3/DM4, 6 TIA SER,
// 7 HyperSpy HDF5); see tests/fuzz/README.md.
// The input is written to a private temporary file (the readers read files: libtiff and HDF5 open
// paths) and read with a 64 MiB memory limit. The only acceptable failure is an InputError;
// anything else — a crash, a sanitizer report, another exception, a huge allocation — is a finding.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "core/error.hpp"
#include "imaging/detect/movie_reader.hpp"

#ifndef NANOMIX_FUZZ_FORMAT
#define NANOMIX_FUZZ_FORMAT 4
#endif

namespace {

const std::string& scratch_path() {
  static const std::string path = [] {
    const char* dir = std::getenv("NANOMIX_FUZZ_TMP");
    std::string d = dir ? dir : (access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    static const char* ext[] = {".emd", ".tif", ".mrc", ".raw", ".bin", ".dm4", ".ser", ".hspy"};
    return d + "/nanomix_fuzz_" + std::to_string(getpid()) + ext[NANOMIX_FUZZ_FORMAT];
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nanomix::imaging;
  ReadOptions o;
  o.max_bytes = std::uint64_t{64} << 20;
  o.hdf5_probe_timeout_s = 5;  // below libFuzzer's -timeout: a hang inside libhdf5 becomes an InputError
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
  }
  return 0;
}
