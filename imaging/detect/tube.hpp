#pragma once
// Finding a carbon nanotube in a (polarity-corrected: atoms bright) frame, so that column detection
// looks only where the ions can be.
//
// A nanotube seen from the side projects as two straight, parallel lines (its side walls, where the
// beam runs tangent to the graphene) with the front and back walls' carbon between them. The finder:
//   1. orientation: for axis angles θ = 0°, 1°, …, 179° the frame (binned to ≈ 0.4 Å pixels) is
//      averaged along the axis into a profile across it (0.25 Å bins); the profile minus its
//      Gaussian smoothing (σ = 2.5 Å) keeps sharp lines. θ's score is the best pair of local maxima
//      of that high-passed profile 2·min_radius … 2·max_radius apart (the weaker of the two); the
//      best θ is refined in 0.1° steps on the full-resolution frame;
//   2. walls: among pairs at least half as strong as the best one, the outermost (ion rows lie
//      inside the walls, never outside); positions refined by a parabola through the peak bins;
//   3. acceptance: each wall must be a continuous line, not a row of atom columns: the amplitude of
//      the strongest Fourier component of the signal along the wall (±0.5 Å across) with a period
//      of 2.6–6 Å (atom column spacings), noise power subtracted, must stay below
//      max_wall_modulation × the line's mean (a row of columns measures ~0.5–1); no line 2.5–8 Å
//      outside the walls may reach half a wall's strength (a lattice filling the frame has such
//      rows); the weaker wall must stand min_wall_sigma noise σ above the profile;
//   4. extent along the axis: where both walls' signal (smoothed over 2 Å) exceeds a third of its
//      median over the frame — the ends of a tube shorter than the frame are vacuum.
// Coordinates: pixel (i, j) is centred at (i·px, j·py) Å.
#include <string>
#include <vector>

namespace nanomix::imaging {

struct TubeParams {
  double min_radius_angstrom = 3.0;   ///< smallest tube radius looked for
  double max_radius_angstrom = 40.0;  ///< largest
  double max_wall_modulation = 0.3;   ///< along-wall modulation at atom-column periods, over the mean
  double min_wall_sigma = 4.5;        ///< weaker wall peak over the profile noise (σ of the smoothed profile)
};

struct Tube {
  bool found = false;
  double axis_angle_deg = 0;               ///< axis direction (cos θ, sin θ) in image coordinates, θ in [0, 180)
  double centre_x_angstrom = 0, centre_y_angstrom = 0;  ///< a point on the axis (midway between the ends)
  double radius_angstrom = 0;              ///< half the distance between the wall lines
  double half_length_angstrom = 0;         ///< half the tube's visible length along the axis
  double wall_modulation = 0;              ///< the larger of the two walls' modulation at 2.6–6 Å periods
  double outside_lines = 0;                ///< strongest line 2.5–8 Å outside the walls, over the weaker wall
  double wall_sigma = 0;                   ///< the weaker wall's peak over the profile noise
  std::string reason;                      ///< why no tube was accepted (empty when found)

  /// Distance of (x, y) from the axis and along it from the centre (both >= 0), Å.
  double across(double x, double y) const;
  double along(double x, double y) const;
  /// Inside the tube, `margin` Å in from the walls and the ends.
  bool contains(double x, double y, double margin_angstrom) const;
};

/// Finds the tube in one frame (atoms bright). Never throws on image content: `found` says.
Tube find_tube(const std::vector<float>& image, int nx, int ny, double px, double py, const TubeParams& params = {});

/// One-line description of a tube (or of why none was found).
std::string describe(const Tube& tube);

}  // namespace nanomix::imaging
