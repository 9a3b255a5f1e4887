#pragma once
// Helpers shared by the movie readers (internal to imaging/detect).
#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "imaging/detect/movie_reader.hpp"

namespace nanomix::imaging::detail {

/// Size of a regular file in bytes; InputError if it cannot be opened.
std::uint64_t file_size(const std::string& path);

/// InputError "<path>: <why>" (the one-line form every reader uses).
[[noreturn]] void bad_file(const std::string& path, const std::string& why);

/// Refuses shapes that are empty, absurd (a side above 2^20 pixels) or larger than
/// options.max_bytes as float32, before anything is allocated.
void check_shape(const std::string& path, std::uint64_t nx, std::uint64_t ny, std::uint64_t frames,
                 const ReadOptions& options);

/// Applies pixel size and frame time: the file's values (0 = none) unless overridden, else the
/// options'; records the source in the result.
void apply_metadata(ReadResult& result, double file_pixel_x_angstrom, double file_pixel_y_angstrom,
                    double file_frame_time_s, const ReadOptions& options);

/// Rejects NaN/inf pixels (a corrupt file or a float stack that is not an image).
void check_finite(const std::string& path, const Movie& movie);

}  // namespace nanomix::imaging::detail
