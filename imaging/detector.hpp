#pragma once
// The camera: modulation transfer function and electron-dose noise.
//
// MTF(ν), ν = |q|/q_N the spatial frequency in units of the Nyquist frequency q_N = 1/(2·pixel) of
// each axis (ν² = (qx/q_Nx)² + (qy/q_Ny)²), normalised so that MTF(0) = 1 (the mean is kept):
//   none:        1
//   parametric:  (1 − c)/(1 + (ν/ν₀)^p) + c   (ν₀ = mtf_nu0: where it has fallen half way; p = mtf_power; c = mtf_floor)
//   file:        a two-column table "ν MTF" (linear interpolation, the last value beyond the end)
// expected_counts = gain · dose · dx · dy · max(0, F⁻¹[MTF · F[I]]), I the image (vacuum = 1);
// counts = gain · Poisson(dose · dx · dy · max(0, MTF ⊗ I)) + Normal(0, read_noise), one random
// stream per frame: Rng(seed, dose_noise, frame), pixels in storage order.
#include <cstdint>
#include <string>
#include <vector>

#include "imaging/fft.hpp"
#include "imaging/grid.hpp"

namespace nanomix::imaging {

struct MtfParams {
  enum class Kind { none, parametric, table } kind = Kind::none;
  double nu0 = 0.5;
  double power = 2.0;
  double floor = 0.0;
  std::vector<double> table_nu, table_value;
  std::string source;  ///< file name of a table

  /// MTF(ν) normalised to MTF(0) = 1.
  double operator()(double nu) const;
  /// Reads a table file (comment lines '#', two columns). InputError naming file:line.
  static MtfParams read_table(const std::string& path);
  std::string describe() const;
};

/// MTF on the FFT grid (grid.size() values).
std::vector<float> mtf_on_grid(const Grid& grid, const MtfParams& mtf);

/// Applies the MTF to a real image in place (values → F⁻¹[MTF·F[values]]); no-op for Kind::none.
void apply_mtf(const Grid& grid, const Fft2d& fft, const std::vector<float>& mtf, FftBuffer& work, std::vector<double>& image);

struct DoseParams {
  double dose_e_per_angstrom2 = 0;  ///< per frame
  double gain_counts_per_electron = 1;
  double read_noise_counts = 0;     ///< standard deviation
  std::uint64_t seed = 1;
};

/// expected[i] = gain · dose · dx · dy · max(0, image[i]); counts[i] sampled as above for `frame`.
/// Both are replaced by one value per pixel (new storage prefaulted, never zero-filled first).
void expose(const Grid& grid, const DoseParams& dose, std::uint64_t frame, const std::vector<double>& image,
            std::vector<float>& expected, std::vector<float>& counts);

}  // namespace nanomix::imaging
