#pragma once
// ImageJ-ready TIFF stacks: one float32 page per frame (rows = y from the top, columns = x), and on
// the first page the ImageJ description "ImageJ=1.11a / frames=N / unit=nm / finterval=… / spacing=…"
// with XResolution/YResolution in pixels per nm, so ImageJ/Fiji shows the pixel size and the frame
// interval. No `images=` key: each frame has its own IFD, and `images=` would make readers expect the
// frames stored back to back after the first.
#include <string>

#include "imaging/movie.hpp"

namespace nanomix::imaging {

void write_tiff(const std::string& path, const Movie& movie);

}  // namespace nanomix::imaging
