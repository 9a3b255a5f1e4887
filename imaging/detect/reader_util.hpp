#pragma once
// Helpers shared by the movie readers (internal to imaging/detect).
#include <cstdint>
#include <string>
#include <vector>

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
/// `time_kind` says what the file's frame time is ("exposure", "scan frame time", "frame interval").
void apply_metadata(ReadResult& result, double file_pixel_x_angstrom, double file_pixel_y_angstrom,
                    double file_frame_time_s, const ReadOptions& options,
                    const std::string& time_kind = "frame interval");

/// 1/Å per unit of a reciprocal length unit ("1/nm", "nm^-1", "1/m", "1/Å", …); 0 if not one.
double inverse_angstrom_per_unit(const std::string& unit);

/// Marks a diffraction pattern (pixel size `reciprocal_size` in `unit`): no real-space pixel size,
/// a refusal naming it.
void mark_reciprocal(ReadResult& result, double reciprocal_size, const std::string& unit);

/// Lower case, and trimmed of blanks and quotes.
std::string lower(std::string s);
std::string trim(const std::string& s);
/// UTF-16 code units (little-endian pairs already decoded) → UTF-8.
std::string utf16_to_utf8(const std::vector<std::uint16_t>& units);
/// Text of the first <tag>…</tag> in `xml` at or after `from` ("" if none; at most 4096 chars).
std::string xml_value(const std::string& xml, const std::string& tag, std::size_t from = 0);
/// "%.6g unit" (metadata values).
std::string with_unit(double value, const std::string& unit);
/// A finite number parsed from the start of `text` (after blanks), or `fallback`.
double parse_number(const std::string& text, double fallback = 0);

/// Rejects NaN/inf pixels (a corrupt file or a float stack that is not an image).
void check_finite(const std::string& path, const Movie& movie);

}  // namespace nanomix::imaging::detail
