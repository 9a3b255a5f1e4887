#pragma once
// The report's movie player: the noise-free and the noisy movie side by side, inline (frames as
// grey PNG data URIs, each once: frame 0 in the panel's <img>, the others in the data; no
// network), with play/pause, a frame slider, one grey scale per movie for all its frames (with a
// colour bar), a scale bar in nm, and toggles that overlay the ground-truth species
// and the detected columns (by class) on both. A small inline script drives it; without scripts the
// first frame still shows.
#include <string>
#include <vector>

namespace nanomix::report {

struct PlayerFrame {
  double time_s = 0;   ///< on the experiment's clock (the movie's dim3)
  double md_time_ps = -1;  ///< < 0: not from MD
  std::vector<float> atoms;    ///< x_px, y_px, Z per ground-truth atom (pixel-centre units)
  std::vector<float> columns;  ///< x_px, y_px, class per detected column
};

struct PlayerMovie {
  std::string title;               ///< "noise-free intensity", "noisy counts"
  std::string unit;                ///< of the pixel values ("" = relative to vacuum)
  int nx = 0, ny = 0;
  std::vector<std::vector<float>> frames;  ///< frames[t][j * nx + i]
};

struct PlayerInput {
  std::vector<PlayerMovie> movies;  ///< shown side by side, same frame count
  std::vector<PlayerFrame> frames;
  double pixel_size_angstrom = 0;
  int display_width_px = 380;
};

/// The grey scale of a movie: [lo, hi] = the 0.1th and 99.9th percentiles of all its pixels, so one
/// hot pixel does not set it and every frame is shown on the same scale.
std::pair<double, double> grey_range(const std::vector<std::vector<float>>& frames);

/// The player's HTML (a <div class="player"> with its script). Throws std::invalid_argument if the
/// movies disagree in size or frame count.
std::string movie_player(const PlayerInput& input);

}  // namespace nanomix::report
