#pragma once
// Experimental movies in: one entry point, read_movie(path, options), that reads
//   - Berkeley EMD 0.2 (HDF5; /data/<name>/data with dim1..dimN),
//   - Thermo Fisher Velox EMD (HDF5; /Data/Image/<id>/Data with JSON metadata),
//   - TIFF stacks through libtiff (8/16/32-bit integer, 32/64-bit float; ImageJ or plain),
//   - MRC 2014 (modes 0, 1, 2, 6, 12; extended header skipped via nsymbt),
//   - raw binary with an explicit shape and sample type,
// into the shared in-memory Movie. The format is taken from the file's magic bytes (HDF5, TIFF,
// MRC "MAP ") and otherwise from the extension (.raw/.bin/.dat = raw).
//
// Pixel size and frame time come from the file when it has them, else from the options (the
// [detect] config keys); ReadResult says where each came from.
//
// Bad input — truncated or corrupt files, wrong magic, absurd header sizes, a movie larger than
// `max_bytes` — throws InputError with one line naming the file. Sizes are checked against the
// file size and the memory limit before anything is allocated.
#include <cstdint>
#include <string>
#include <vector>

#include "imaging/movie.hpp"

namespace nanomix::imaging {

enum class MovieFormat { automatic, emd, velox, tiff, mrc, raw };
/// Sample types of raw files.
enum class RawType { u8, i8, u16, i16, u32, i32, f32, f64 };

struct ReadOptions {
  MovieFormat format = MovieFormat::automatic;
  /// EMD: the group under /data to read ("" = `counts` if present, else the first group with
  /// emd_group_type = 1). Velox: index of the image under /Data/Image ("" = the first).
  std::string emd_group;

  // Raw binary: shape and type are required (frames = 0: as many whole frames as the file holds).
  int raw_nx = 0;
  int raw_ny = 0;
  int raw_frames = 0;
  RawType raw_type = RawType::f32;
  bool raw_big_endian = false;
  std::uint64_t raw_header_bytes = 0;

  /// Used when the file carries no pixel size / frame time (0 = unknown).
  double pixel_size_angstrom = 0;
  double frame_time_s = 0;
  /// Take pixel size and frame time from the options even when the file has them.
  bool override_file_metadata = false;

  /// Refuse movies whose float32 pixels would need more than this many bytes.
  std::uint64_t max_bytes = std::uint64_t{8} << 30;
  /// HDF5 (EMD, Velox): rehearse the read in a child process first, so that a crash or hang inside
  /// libhdf5 on a damaged file becomes an InputError (costs a second pass over the file).
  bool isolate_hdf5 = true;
  /// Time limit of that rehearsal in seconds (0 = 60 s + 1 s per 20 MiB of file).
  unsigned hdf5_probe_timeout_s = 0;
};

struct ReadResult {
  Movie movie;
  std::string format;             ///< "emd", "velox", "tiff", "mrc", "raw"
  std::string dataset;            ///< what was read inside the file (EMD group, TIFF pages, …)
  std::string pixel_size_source;  ///< "file", "config" or "unknown"
  std::string frame_time_source;  ///< "file", "config" or "unknown"
  std::vector<std::string> notes; ///< things a user may want to know (skipped pages, …)
};

/// Reads a whole movie. Throws InputError (one line, naming the file) on bad input.
ReadResult read_movie(const std::string& path, const ReadOptions& options = {});

/// The format read_movie would use for this file (never `automatic`); InputError if unknown.
MovieFormat detect_movie_format(const std::string& path, const ReadOptions& options = {});

const char* format_name(MovieFormat format);
/// "u8", "i16", … → RawType; InputError for anything else.
RawType parse_raw_type(const std::string& name);
std::size_t raw_type_bytes(RawType type);

/// Å per unit of a length unit as written in files ("nm", "Å", "A", "angstrom", "\\u00C5", "pm",
/// "um", "µm", "micron", "mm", "cm", "m"); 0 if unknown.
double angstrom_per_unit(const std::string& unit);
/// Seconds per unit of a time unit ("s", "sec", "ms", "us", "µs", "ns", "min"); 0 if unknown.
double seconds_per_unit(const std::string& unit);

// Per-format readers (read_movie dispatches to them); exposed for the fuzz harnesses and tests.
ReadResult read_emd(const std::string& path, const ReadOptions& options);
ReadResult read_velox(const std::string& path, const ReadOptions& options);
ReadResult read_tiff(const std::string& path, const ReadOptions& options);
ReadResult read_mrc(const std::string& path, const ReadOptions& options);
ReadResult read_raw(const std::string& path, const ReadOptions& options);

}  // namespace nanomix::imaging
