#pragma once
// Atom-column detection in one movie, frame by frame:
//   1. polarity: columns are made bright (dark columns — e.g. HRTEM near Scherzer underfocus with
//      positive Cs — are inverted). `auto` compares, on the average of the first frames, the mean
//      of the strongest 5 % (at least 10) of the Laplacian-of-Gaussian peaks of the image and of its
//      negative, and takes the stronger; the choice is reported.
//   2. noise: σ of a pixel from the median absolute difference of horizontally adjacent pixels
//      (σ = 1.4826 · MAD / √2), propagated through the exact detection filter (its L2 norm).
//   3. candidates: local maxima of the scale-normalised LoG response −σ_c²∇²(G_σc ∗ G_σd ∗ image)
//      (σ_c = column_sigma_angstrom, σ_d = gaussian_sigma_angstrom) within a disc of radius
//      min_separation/2 and with no stronger such maximum within min_separation, above candidate_sigma × the propagated noise and above
//      min_relative_response × the median of the frame's candidate responses; not within
//      edge_margin of the border.
//   4. refinement: a 2D Gaussian + constant background, A·exp(−r²/2s²) + B, fitted by
//      Levenberg–Marquardt to the (polarity-corrected, σ_d-denoised) image in a disc of radius
//      fit_radius_angstrom around each candidate. A fit that fails (centre moved by more than half
//      the radius, s outside [0.25, 3]·σ_c, A <= 0, non-finite χ²) keeps the candidate's
//      parabolic sub-pixel position, its LoG response as intensity and fit_residual = −1.
//      Acceptance: the amplitude of a Gaussian of the expected width sqrt(σ_c² + σ_d²) at the fitted
//      centre, with a constant background, by linear least squares over the disc, must be >=
//      threshold_sigma × its standard error for the frame's pixel noise (the matched-filter
//      significance); an unfitted candidate needs a LoG response >= threshold_sigma × the
//      propagated noise. Columns outside the tube (tube = auto, see tube.hpp) are dropped.
//      The column's intensity: Σ (image − the frame's median) · pixel area within
//      class_radius_angstrom of its centre (integrated column intensity, polarity-corrected).
//      In a frame where a tube was found, tube_threshold_sigma and tube_fit_radius_angstrom replace
//      threshold_sigma and fit_radius_angstrom (the interior is mostly carbon and empty space: a
//      stricter significance and a wider disc keep noise peaks out; validation/detect/RESULTS.md).
//      Columns closer than min_separation/2 after fitting are merged (the stronger kept).
//      Columns whose intensity is below min_relative_intensity × the movie's 90th percentile are
//      dropped (single light atoms, e.g. the tube's front and back walls, at high dose).
//   5. classes (class 1 = heavy: the column holds iodide; class 0 = light). `lattice`: from the
//      rock-salt lattice the columns lie on (lattice_classes.hpp): two domains of different column
//      spacing (NaCl 2.82 Å, NaI 3.235 Å) — the wider one heavy — or one lattice (a solid solution)
//      whose Vegard iodide fraction decides; when neither is found, no classes. `intensity`: the
//      integrated intensities of the whole movie split in two by Otsu's threshold when the two
//      groups are separated by at least class_separation pooled standard deviations. `auto`: the
//      lattice rule, and the intensity rule where no lattice is found. `two`: the intensity split,
//      always. `none`: no classes. class_rule and a note say which rule decided.
#include <cstddef>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "imaging/detect/tube.hpp"
#include "imaging/movie.hpp"

namespace nanomix::imaging {

enum class Polarity { automatic, bright, dark };
enum class ClassMode { automatic, lattice, intensity, two, none };
enum class TubeMode { automatic, off };

struct DetectParams {
  Polarity polarity = Polarity::automatic;
  double column_sigma_angstrom = 0.6;
  double gaussian_sigma_angstrom = 0.0;
  double min_separation_angstrom = 1.5;
  double candidate_sigma = 2.5;
  double threshold_sigma = 3.0;
  double min_relative_response = 0.4;
  double edge_margin_angstrom = 1.0;
  bool fit = true;
  double fit_radius_angstrom = 1.2;
  ClassMode classes = ClassMode::automatic;
  double class_separation = 3.2;
  double class_radius_angstrom = 0.7;  ///< disc over which a column's intensity is integrated
  double min_relative_intensity = 0.12;  ///< drop columns below this × the movie's 90th-percentile intensity
  TubeMode tube = TubeMode::automatic;
  double tube_wall_margin_angstrom = 1.5;  ///< columns kept this far inside the walls and the ends
  double tube_threshold_sigma = 3.5;       ///< threshold_sigma in frames with a tube found (0: threshold_sigma)
  double tube_fit_radius_angstrom = 1.8;   ///< fit_radius_angstrom in frames with a tube found (0: fit_radius_angstrom)
  int tube_window_frames = 9;              ///< the tube is found on the average of this many frames around each
  TubeParams tube_params;
  int threads = 0;  ///< frames are detected over this many threads (0 = all cores); results do not depend on it

  void validate() const;
};

struct Column {
  int frame = 0;
  double x_angstrom = 0, y_angstrom = 0;
  double intensity = 0;     ///< integrated above the frame's median within class_radius (Å² × image units, polarity-corrected)
  int klass = 0;            ///< 1 heavy, 0 light
  double fit_residual = 0;  ///< RMS(data − model)/A over the fit disc; −1 = fit failed
  double sigma_angstrom = 0;  ///< fitted Gaussian width (0 if the fit failed)
};

struct DetectResult {
  std::vector<Column> columns;  ///< ordered by frame
  Polarity polarity_used = Polarity::bright;
  double class_threshold = 0;    ///< intensity (or, lattice: column spacing in Å) separating the classes (NaN if none)
  double class_separation = 0;   ///< measured separation of the two groups (pooled standard deviations)
  bool classes_split = false;     ///< classes decided (by the rule in class_rule); false: every column class 0
  std::string class_rule;        ///< "lattice: two domains", "lattice: solid solution", "intensity", or "none: <why>"
  std::vector<double> column_spacing_angstrom;  ///< per column: the lattice rule's first-shell spacing (NaN: not measured)
  double lattice_iodide_fraction = std::numeric_limits<double>::quiet_NaN();   ///< solid solution: Vegard's x
  double lattice_constant_angstrom = std::numeric_limits<double>::quiet_NaN(); ///< solid solution: 2 × the median spacing
  std::vector<double> noise_sigma;  ///< per frame, image units
  std::vector<Tube> tubes;          ///< per frame (empty with tube = off)
  std::vector<std::string> notes;
  std::vector<std::string> warnings;  ///< also in notes; printed even when quiet
};

/// Detects columns in every frame. Pixel sizes must be known (> 0).
/// `on_frame(done)` is called after each frame (progress), if given.
DetectResult detect_columns(const Movie& movie, const DetectParams& params,
                            const std::function<void(std::size_t)>& on_frame = {});

/// InputError when the movie's pixel size makes a filter or disc of `params` absurdly many pixels
/// wide (called by detect_columns; callers may call it first, before any work or output).
void check_detect_sizes(const Movie& movie, const DetectParams& params);

/// Otsu's two-class split of values: returns the threshold (between the classes) and writes the
/// separation (difference of means over the pooled standard deviation).
double otsu_threshold(std::vector<double> values, double* separation = nullptr);

}  // namespace nanomix::imaging
