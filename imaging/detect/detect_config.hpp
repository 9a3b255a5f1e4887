#pragma once
// [detect] config keys → the parameter structs of reading, preprocessing and detection.
#include "core/config.hpp"
#include "imaging/detect/detect_columns.hpp"
#include "imaging/detect/movie_reader.hpp"
#include "imaging/detect/preprocess.hpp"

namespace nanomix::imaging {

ReadOptions read_options_from_config(const Config& config);
PreprocessParams preprocess_params_from_config(const Config& config);
DetectParams detect_params_from_config(const Config& config);

}  // namespace nanomix::imaging
