#pragma once
// Berkeley EMD 0.2 (https://emdatasets.com/format/) movie files, as HyperSpy and ncempy open them:
//   /                     version_major = 0, version_minor = 2, nanomix_movie_format_version
//   /data/<quantity>      emd_group_type = 1; data float32 (nx, ny, nt) — x slowest, t fastest;
//                         dim1 = x, dim2 = y (pixel centres i·dx, j·dy in nm), dim3 = t (s: each
//                         frame's time on the experiment's clock, see render_movie.hpp), each
//                         with `name` and `units` (EMD's notation: "[n_m]", "[s]"); `units` of the values and a `description`
//   /4DSTEM_simulation    an empty marker group (with `description`): HyperSpy's and RosettaSciIO's
//                         Berkeley-EMD reader makes every axis a signal axis except in files it
//                         takes for Prismatic multislice output (a root group of this name), where
//                         dim1, dim2 are the signal and dim3 navigates. With it `hyperspy.load(path)`
//                         gives each /data group as a 2D signal navigated by time, (t | x, y); a
//                         side effect of that reader is that it shortens the signal titles by four
//                         characters ("counts" → "co"). ncempy and h5py ignore the group.
//   /data/exit_wave       the same with complex64 ({r, i}) values, when asked
//   /microscope           attributes: every optics, camera and dose parameter and the conventions
//   /ground_truth         what the caller gives (datasets)
//   /parameters           config = the resolved INI text
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "imaging/grid.hpp"
#include "imaging/movie.hpp"

namespace nanomix::imaging {

inline constexpr int movie_format_version = 2;  ///< nanomix's layout inside EMD (2: ground-truth species per frame)

struct EmdAttribute {
  std::string name;
  bool is_text = false;
  double number = 0;
  std::string text;
};

struct EmdDataset {
  std::string name;
  std::vector<std::uint64_t> dims;
  std::vector<float> f32;
  std::vector<double> f64;
  std::vector<std::int64_t> i64;
  std::vector<std::int32_t> i32;
  std::vector<std::uint8_t> u8;
  std::string unit;
  std::string description;
};

struct EmdContents {
  std::vector<const Movie*> movies;                         ///< each → /data/<movie.quantity>
  std::vector<std::string> descriptions;                    ///< one per movie
  const std::vector<std::vector<cfloat>>* exit_wave = nullptr;  ///< optional (nt frames of nx·ny)
  std::vector<double> frame_times_s;  ///< dim3 values (empty: k × movie.frame_time_s)
  std::vector<EmdAttribute> microscope;
  std::vector<EmdDataset> ground_truth;
  std::string config_ini;
  std::string creator;  ///< "nanomix 0.1.0"
};

/// Writes `path` (truncating). RuntimeError on HDF5 failures.
void write_emd(const std::string& path, const EmdContents& contents);

}  // namespace nanomix::imaging
