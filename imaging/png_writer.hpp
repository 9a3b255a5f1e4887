#pragma once
// PNG previews of a movie: one 8-bit greyscale file per frame, DIR/frame_00000.png, …, with one
// grey scale for the whole movie (the 0.1 % and 99.9 % quantiles of all pixels map to 0 and 255),
// so brightness can be compared between frames. Previews only: the numbers are in the EMD file.
#include <string>
#include <vector>

#include "imaging/movie.hpp"

namespace nanomix::imaging {

/// Writes the previews into `directory` (which must exist); returns the file names written.
std::vector<std::string> write_png_previews(const std::string& directory, const Movie& movie);
/// One 8-bit greyscale PNG.
void write_png_gray8(const std::string& path, int width, int height, const std::vector<unsigned char>& pixels);

}  // namespace nanomix::imaging
