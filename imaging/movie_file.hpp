#pragma once
// The movie file of `nanomix image`: the EMD contents (data, /microscope with every parameter and
// convention, /ground_truth) assembled from a render.
#include <string>

#include "imaging/emd_writer.hpp"
#include "imaging/render_movie.hpp"

namespace nanomix::imaging {

/// What goes into the EMD file (pointers into `result`, which must outlive the contents).
EmdContents movie_file_contents(const RenderResult& result, const ImagingParams& params, const std::string& source_name,
                                const std::string& config_ini, const std::string& creator);

}  // namespace nanomix::imaging
