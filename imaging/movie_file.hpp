#pragma once
// The movie file of `nanomix image`: the EMD contents (data, /microscope with every parameter and
// convention, /ground_truth) assembled from a render (layout: imaging/emd_writer.hpp), and the
// reader of its ground truth. The images themselves are read by the movie readers
// (imaging/detect/movie_reader.hpp: read_emd), which check the same format version.
#include <hdf5.h>

#include <string>

#include "imaging/emd_writer.hpp"
#include "imaging/render_movie.hpp"

namespace nanomix::imaging {

/// What goes into the EMD file (pointers into `result`, which must outlive the contents).
EmdContents movie_file_contents(const RenderResult& result, const ImagingParams& params, const std::string& source_name,
                                const std::string& config_ini, const std::string& creator);

/// The ground truth of a nanomix movie, as written (shapes in GroundTruth's comments).
struct MovieGroundTruth {
  int format_version = 0;
  std::size_t frames = 0, atoms = 0, snapshots_per_frame = 0;
  GroundTruth truth;
  double exposure_time_s = 0;  ///< /microscope exposure_time_s (0 if absent)
};

/// Oldest movie format whose ground truth this reader reads (2: species per frame).
inline constexpr int oldest_ground_truth_format_version = 2;

/// Reads /ground_truth of a nanomix movie; InputError naming the file if it is not a nanomix movie,
/// its format version is outside oldest_ground_truth_format_version … movie_format_version, or a
/// dataset's shape does not match the frame and atom counts.
MovieGroundTruth read_movie_ground_truth(const std::string& path);

/// The format check shared by every reader of nanomix movies (also read_emd for the images):
/// returns the version, 0 for an EMD file nanomix did not write (no nanomix_movie_format_version).
int check_movie_format_version(hid_t root, const std::string& path, int oldest);

}  // namespace nanomix::imaging
