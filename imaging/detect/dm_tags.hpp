#pragma once
// The tag tree of Gatan DigitalMicrograph files (DM3 and DM4), internal to imaging/detect.
//
// Layout (all header numbers big-endian; the data values in the byte order the header names):
//   DM3: version 3 (u32), file length - 24 (u32), byte order (u32: 1 little, 0 big), root group
//   DM4: version 4 (u32), root length (u64), byte order (u32), root group
//   group: sorted (u8), open (u8), number of entries (u32; DM4 u64)
//   entry: kind (u8: 20 group, 21 data), name length (u16), name; DM4: entry length (u64); then
//     a group, or "%%%%", the info count (u32; DM4 u64), the info words (same width), the value.
//   info[0] = type: 2 i16, 3 i32, 4 u16, 5 u32, 6 f32, 7 f64, 8 bool, 9 i8, 10 u8, 11 i64, 12 u64
//     (simple: one value); 15 struct (info[2] = field count, then a (name length, type) pair per
//     field); 18 string (info[1] = UTF-16 length); 20 array (info[1] = element type; a simple
//     element: info[2] = count; a struct element: its struct info, then the count last).
// Every count and length is checked against the bytes left in the source before anything is
// allocated; depth and entry counts are bounded. Large arrays (image data) are not read: the
// tag records where they are.
#include <cstdint>
#include <istream>
#include <string>
#include <vector>

namespace nanomix::imaging::detail {

struct DmTag {
  std::string name;          ///< "" for unnamed list items (children are then addressed by index)
  bool is_group = false;
  std::vector<DmTag> children;
  int type = 0;              ///< data: 2..12 simple, 15 struct, 18 string, 20 array
  int element_type = 0;      ///< arrays: element type (a simple type, or 15 for structs)
  std::uint64_t count = 0;   ///< arrays: elements
  std::uint64_t offset = 0;  ///< arrays: byte offset of the first element in the source
  std::uint64_t bytes = 0;   ///< arrays: bytes of data
  std::vector<double> values;  ///< simple values, struct fields, and numeric arrays of <= 16 elements
  std::string text;            ///< strings, and u16 arrays of <= 4096 elements read as UTF-16

  /// The child named `name`, or for an all-digit `name` the child at that index; nullptr if none.
  const DmTag* child(const std::string& name) const;
  /// Follows a '/'-separated path of child names/indices; nullptr if any step is missing.
  const DmTag* find(const std::string& path) const;
  /// First value of a data tag, or `fallback`.
  double number(double fallback = 0) const { return values.empty() ? fallback : values.front(); }
};

struct DmFile {
  int version = 0;            ///< 3 or 4
  bool little_endian = true;  ///< byte order of the data values
  DmTag root;
};

/// Size in bytes of a simple DM type (0 if not simple).
std::size_t dm_type_bytes(int type);

/// Parses the tag tree of `size` bytes readable from `in` (a file or a memory blob). Throws
/// InputError "<name>: …" (one line) on anything malformed.
DmFile parse_dm(std::istream& in, std::uint64_t size, const std::string& name);

/// A number at `path` below `tag`, or `fallback`; a text at `path`, or "".
double dm_number(const DmTag& tag, const std::string& path, double fallback = 0);
std::string dm_text(const DmTag& tag, const std::string& path);

}  // namespace nanomix::imaging::detail
