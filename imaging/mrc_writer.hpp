#pragma once
// MRC 2014 image stacks (https://www.ccpem.ac.uk/mrc_format/mrc2014.php): mode 2 (float32),
// nx × ny × nt, ISPG = 0 (a stack of 2D images), MX = nx, MY = ny, MZ = 1, cell (nx·dx, ny·dy, dx) Å,
// so the voxel size is (dx, dy, dx); little-endian (MACHST 0x44 0x44), NVERSION 20140, EXTTYP MRCO.
#include <string>

#include "imaging/movie.hpp"

namespace nanomix::imaging {

void write_mrc(const std::string& path, const Movie& movie);

}  // namespace nanomix::imaging
