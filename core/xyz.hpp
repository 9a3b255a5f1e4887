#pragma once
// Extended XYZ, the ASE convention: line 1 the atom count, line 2
//   Lattice="ax ay az bx by bz cx cy cz" Properties=species:S:1:pos:R:3 pbc="T T F" time_ps=… step=…
// then one line per atom "Symbol x y z" in Å. Several frames may follow each other.
#include <string>
#include <vector>

#include "core/frame.hpp"

namespace nanomix {

/// Format version written as `nanomix_xyz_version=` and checked when read (absent = a file from
/// another program, read as plain extended XYZ).
inline constexpr int xyz_format_version = 1;

/// Writes the frames to `path` atomically (temporary name, then rename).
void write_xyz(const std::string& path, const std::vector<Frame>& frames);
/// Writes to a string (one frame after the other).
std::string format_xyz(const std::vector<Frame>& frames);

/// Reads every frame. InputError naming file and line on any malformed line.
std::vector<Frame> read_xyz(const std::string& path);
std::vector<Frame> parse_xyz(const std::string& text, const std::string& name);

}  // namespace nanomix
