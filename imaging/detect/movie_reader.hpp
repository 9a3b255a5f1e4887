#pragma once
// Experimental movies in: one entry point, read_movie(path, options), the reader registry used by
// detect, info, topology --movie and run. It reads
//   - Berkeley EMD 0.2 (HDF5; /data/<name>/data with dim1..dimN; also HyperSpy's EMD),
//   - Thermo Fisher Velox EMD (HDF5; /Data/Image/<id>/Data with JSON metadata),
//   - HyperSpy HDF5 (.hspy/.hdf5; /Experiments/<title>/data with axis-N groups),
//   - TIFF stacks through libtiff (8/16/32-bit integer, 32/64-bit float; ImageJ, FEI/Thermo SEM,
//     JEOL SightX, Gatan-exported and TVIPS calibrations),
//   - MRC 2014 and pre-2014 MRC (modes 0, 1, 2, 6, 12; FEI extended header read for the frame time),
//   - Gatan DigitalMicrograph DM3/DM4 (images, stacks, movies),
//   - FEI/Thermo TIA SER with its EMI (image series),
//   - raw binary with an explicit shape and sample type,
// into the shared in-memory Movie. The format is taken from the file's magic bytes and otherwise
// from the extension (movie_readers() lists them).
//
// Pixel size and frame time come from the file when it has them, else from the options (the
// [detect] config keys); ReadResult says where each came from and what kind of time it is.
// Pixel sizes come only from real calibration fields (never a TIFF screen resolution in dpi).
// Data that is not a real-space image (diffraction patterns in 1/length, spectra, spectrum images)
// is recognised: ReadResult::refusal says why, and read_movie refuses it unless
// ReadOptions::allow_non_image (nanomix info).
//
// Bad input — truncated or corrupt files, wrong magic, absurd header sizes, a movie larger than
// `max_bytes` — throws InputError with one line naming the file. Sizes are checked against the
// file size and the memory limit before anything is allocated.
#include <cstdint>
#include <string>
#include <vector>

#include "imaging/movie.hpp"

namespace nanomix::imaging {

enum class MovieFormat { automatic, emd, velox, tiff, mrc, raw, dm, ser, hspy };
/// Sample types of raw files.
enum class RawType { u8, i8, u16, i16, u32, i32, f32, f64 };

struct ReadOptions {
  MovieFormat format = MovieFormat::automatic;
  /// The signal to read in a multi-signal file ("" = the default one): EMD group under /data
  /// ("" = `counts` if present, else the first group with emd_group_type = 1); Velox detector name
  /// (BinaryResult.Detector, e.g. "HAADF") or image index; DM image name or index among the images
  /// (thumbnails excluded); HyperSpy experiment title or index.
  std::string emd_group;
  /// Return data that is not a real-space image (diffraction, spectra) instead of refusing it;
  /// ReadResult::refusal then says why it cannot be analysed. For `nanomix info`.
  bool allow_non_image = false;

  // Raw binary: shape and type are required (frames = 0: as many whole frames as the file holds).
  int raw_nx = 0;
  int raw_ny = 0;
  std::int64_t raw_frames = 0;
  RawType raw_type = RawType::f32;
  bool raw_big_endian = false;
  std::uint64_t raw_header_bytes = 0;

  /// Used when the file carries no pixel size / frame time (0 = unknown).
  double pixel_size_angstrom = 0;
  double frame_time_s = 0;
  /// Take pixel size and frame time from the options even when the file has them.
  bool override_file_metadata = false;

  /// ParamError (naming the [detect] key) on inconsistent options.
  void validate() const;

  /// Refuse movies whose float32 pixels would need more than this many bytes.
  std::uint64_t max_bytes = std::uint64_t{8} << 30;
  /// HDF5 (EMD, Velox): rehearse the read in a child process first, so that a crash or hang inside
  /// libhdf5 on a damaged file becomes an InputError (costs a second pass over the file).
  bool isolate_hdf5 = true;
  /// Time limit of that rehearsal in seconds (0 = 60 s + 1 s per 20 MiB of file).
  unsigned hdf5_probe_timeout_s = 0;
};

/// One signal (image, stack, spectrum, …) of a file that may hold several.
struct SignalInfo {
  std::string name;   ///< the name to select it by (ReadOptions::emd_group)
  std::string kind;   ///< "image", "image stack", "spectrum", "diffraction", …
  std::uint64_t nx = 0, ny = 0, frames = 0;
};

struct ReadResult {
  Movie movie;
  std::string format;             ///< "emd", "velox", "tiff", "mrc", "raw", "dm3", "dm4", "ser", "hspy"
  std::string dataset;            ///< what was read inside the file (EMD group, TIFF pages, …)
  std::string signal;             ///< name of the signal read (detector, image name), "" if none
  std::string pixel_size_source;  ///< "file", "config" or "unknown"
  std::string frame_time_source;  ///< "file", "config" or "unknown"
  /// What the file's frame time is: "exposure" (camera), "scan frame time" (STEM/SEM scan),
  /// "frame interval" (time between frames); "" when it did not come from the file.
  std::string frame_time_kind;
  /// Reciprocal-space data: size of one pixel in 1/Å (0 = real space or unknown).
  double reciprocal_pixel_per_angstrom = 0;
  /// Non-empty when the data is not a real-space image (diffraction pattern, spectrum, …): why it
  /// cannot be analysed. read_movie throws it unless ReadOptions::allow_non_image.
  std::string refusal;
  std::vector<SignalInfo> signals;  ///< every signal in the file (multi-signal formats)
  std::vector<std::pair<std::string, std::string>> metadata;  ///< microscope, voltage, magnification, …
  std::vector<std::string> notes; ///< things a user may want to know (skipped pages, …)
};

/// A reader in the registry: its name ([detect] format), what it reads, the extensions it claims.
struct ReaderInfo {
  MovieFormat format;
  const char* name;
  const char* description;
  const char* extensions;
};
/// Every reader, in the order read_movie tries magic bytes.
const std::vector<ReaderInfo>& movie_readers();
/// MovieFormat of a [detect] format name ("auto", "emd", …); InputError if unknown.
MovieFormat parse_movie_format(const std::string& name);

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
ReadResult read_dm(const std::string& path, const ReadOptions& options);
ReadResult read_ser(const std::string& path, const ReadOptions& options);  ///< .ser or its .emi
ReadResult read_hspy(const std::string& path, const ReadOptions& options);

}  // namespace nanomix::imaging
