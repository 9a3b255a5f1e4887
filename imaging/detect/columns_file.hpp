#pragma once
// The columns file (`nanomix detect --out K.h5`), HDF5:
//   /columns            float64 (N, 6): frame, x_angstrom, y_angstrom, intensity, class, fit_residual
//                       attributes: columns (names), units ("", "angstrom", "angstrom",
//                       "angstrom^2 x normalised image units", "", "relative"), nanomix_format ("columns"),
//                       nanomix_format_version (1), and the meaning of class and fit_residual
//   /frames             float64 (T, 4): frame, time_s, drift_x_angstrom, drift_y_angstrom (the shift removed)
//                       + noise_sigma per frame as a separate dataset /frames_noise_sigma
//   /movie              attributes: source path, format, dataset, nx, ny, pixel sizes (Å) and their
//                       source, frame_time_s and its source, polarity used, classes_split, class_rule
//                       (which rule decided the classes), class threshold/separation,
//                       lattice_iodide_fraction and lattice_constant_angstrom (solid solution only)
//   /column_spacing_angstrom  float64 (N): per /columns row, the lattice rule's first-shell column
//                       spacing in Å (NaN where not measured, all NaN with classes = intensity, two or none; absent without columns)
//   /parameters/config  the resolved config (INI text); attribute nanomix_format_version
#include <string>
#include <vector>

#include "imaging/detect/detect_columns.hpp"
#include "imaging/detect/movie_reader.hpp"
#include "imaging/detect/preprocess.hpp"

namespace nanomix::imaging {

inline constexpr int columns_format_version = 1;

struct ColumnsFile {
  std::vector<Column> columns;
  int frame_count = 0;
  double pixel_size_x_angstrom = 0, pixel_size_y_angstrom = 0, frame_time_s = 0;
  std::vector<double> frame_times_s;  ///< /frames column time_s, one per frame (empty without /frames)
  int nx = 0, ny = 0;             ///< the grid detected on (after resampling)
  std::string resampling;         ///< /movie resampling: what the movie was resampled from ("" = not)
  bool classes_split = false;     ///< /movie classes_split: some rule decided heavy/light
  std::string class_rule;         ///< /movie class_rule: which ("" in files older than the rule)
  std::string config_ini;
};

/// Writes `path` (the caller makes it atomic). `read` supplies the movie's metadata (its frames may
/// be empty); the frame count comes from `det`.
void write_columns_file(const std::string& path, const std::string& source, const ReadResult& read,
                        const PreprocessResult& pre, const DetectResult& det, const std::string& config_ini);

/// Reads a columns file; InputError if it is not one, is of a newer format version or names a bad
/// frame number (negative, NaN or above 10⁹).
ColumnsFile read_columns_file(const std::string& path);

}  // namespace nanomix::imaging
