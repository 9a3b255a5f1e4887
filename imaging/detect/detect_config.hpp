#pragma once
// The [detect] keys, declared once next to the structs they fill: reading (ReadOptions),
// preprocessing (PreprocessParams) and detection (DetectParams), three tables of one section.
// The app reads them with read_options_table().read(config), …
#include <vector>

#include "core/params.hpp"
#include "imaging/detect/detect_columns.hpp"
#include "imaging/detect/movie_reader.hpp"
#include "imaging/detect/preprocess.hpp"

namespace nanomix::imaging {

const ParamTable<ReadOptions>& read_options_table();
const ParamTable<PreprocessParams>& preprocess_table();
const ParamTable<DetectParams>& detect_table();
/// The three tables' keys in the section's documented order.
std::vector<KeySpec> detect_keys();

}  // namespace nanomix::imaging
