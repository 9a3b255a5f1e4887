#pragma once
// The report's section on the experimental movie of a run with [compare] experimental: what the
// reader found (format, calibration and where it came from, frame time and its kind, the file's
// microscope metadata) and the frames with the columns detected in them.
#include "app/report/html.hpp"
#include "app/report/pipeline_report.hpp"

namespace nanomix::imaging {
struct ColumnsFile;
}

namespace nanomix::report {

/// One sentence for the report on how the detector decided heavy and light in a columns file
/// (/movie class_rule), or that it could not split them (HTML, the rule escaped).
std::string classes_sentence(const imaging::ColumnsFile& cf);

/// Nothing when the run had no experimental movie.
void experiment_section(Document& doc, const RunFiles& files);

/// A movie reduced for the page: b × b block means (b = the smallest integer making both sides
/// ≤ max_side_px) of every s-th frame (s = the smallest making the count ≤ max_frames). Returns
/// the chosen frame indices; `frames`, `nx`, `ny` are replaced by the reduced ones, `bin` set to b.
std::vector<std::size_t> reduce_for_display(std::vector<std::vector<float>>& frames, int& nx, int& ny, int& bin,
                                            int max_side_px, std::size_t max_frames);

}  // namespace nanomix::report
