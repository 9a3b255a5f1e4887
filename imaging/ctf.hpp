#pragma once
// The objective lens: aberration function χ(k), aperture, partial-coherence envelopes.
//
// Conventions (written into every movie's /microscope):
//  * k is the spatial frequency in Å⁻¹ (no 2π), θ = λ|k|, φ its azimuth from +x towards +y.
//  * χ(k) = (2π/λ)[ ½θ²(C10 + C12 cos 2(φ−φ12)) + ⅓θ³(C21 cos(φ−φ21) + C23 cos 3(φ−φ23))
//                 + ¼θ⁴ C30 + ⅙θ⁶ C50 ]   (Krivanek's coefficients; all in Å)
//    with C10 = −Δf: `defocus_angstrom` Δf > 0 is underfocus; C30 = Cs, C50 = C5.
//    So for round aberrations χ = πλk²(½Csλ²k² − Δf) (Kirkland 2010, eq. 3.42).
//  * The image wave is ψ_i(k) = ψ_e(k) · A(k) · E(k) · exp(−iχ(k)), with the FFT e^{−2πi k·r} and
//    waves e^{+2πi k·r} (so a weak phase object images as 1 + 2σ v_z ⊗ F⁻¹[sin χ · E]).
//  * A(k): objective aperture, 1 for θ ≤ α_ap (aperture_mrad; 0 = none).
//  * Temporal envelope from a Gaussian spread of defocus with standard deviation Δ
//    (`focal_spread_angstrom`): E_t(k) = exp(−½(πλΔ)²k⁴).
//  * Spatial envelope from a Gaussian distribution of illumination angles ∝ exp(−θ²/α²)
//    (`source_semiangle_mrad` = α, the 1/e half-width): E_s(k) = exp(−α²|∇_k χ|²/(4λ²)),
//    i.e. exp[−(πα/λ)²(Csλ³k³ − Δfλk)²] for round aberrations (Kirkland 2010, eq. 3.50).
//  * Temporal coherence, `temporal_coherence`:
//      defocus_sum (default, exact for the focal spread): the image intensities of N defocus values
//        are summed with Gauss–Hermite weights, I = Σ w_n |F⁻¹[ψ_e H(k; Δf + √2 Δ x_n)]|², and only
//        E_s multiplies the wave. N = `focal_spread_points`, or with 0 chosen per grid: the fewest
//        points that resolve the defocus phase (πλk²Δ√2 ≤ √(2N)) out to the band limit or the
//        aperture, at most 16 (beyond, where E_t < exp(−8) ≈ 3e-4, frequencies are cut).
//      envelope (fast approximation, one transfer): E_t multiplies the wave (quasi-coherent);
//        its error against the defocus sum is in docs/imaging.md.
#include <utility>
#include <vector>

#include "imaging/grid.hpp"

namespace nanomix::imaging {

enum class TemporalCoherence { defocus_sum, envelope };

struct OpticsParams {
  double voltage_kv = 80;
  double defocus_angstrom = 0;       ///< Δf = −C10, > 0 underfocus
  double cs_angstrom = 0;            ///< C30
  double c5_angstrom = 0;            ///< C50
  double c12_angstrom = 0;           ///< twofold astigmatism
  double phi12_deg = 0;
  double c21_angstrom = 0;           ///< axial coma
  double phi21_deg = 0;
  double c23_angstrom = 0;           ///< threefold astigmatism
  double phi23_deg = 0;
  double aperture_mrad = 0;          ///< 0 = no objective aperture
  double focal_spread_angstrom = 0;  ///< standard deviation of the defocus spread
  TemporalCoherence temporal_coherence = TemporalCoherence::defocus_sum;
  int focal_spread_points = 0;       ///< Gauss–Hermite points of the defocus sum; 0 = chosen per grid
  double source_semiangle_mrad = 0;  ///< α, 1/e half-width of the illumination angles

  void validate() const;  ///< InputError on a value out of range
};

/// χ(k) in rad at frequency (kx, ky) Å⁻¹ for a wavelength λ (Å), with defocus Δf added to the params' one.
double aberration_phase(const OpticsParams& p, double lambda_angstrom, double kx, double ky, double extra_defocus_angstrom = 0);
/// ∇_k χ in rad·Å (analytic derivative of each term).
void aberration_gradient(const OpticsParams& p, double lambda_angstrom, double kx, double ky, double& gx, double& gy);
double temporal_envelope(const OpticsParams& p, double lambda_angstrom, double k);
double spatial_envelope(const OpticsParams& p, double lambda_angstrom, double kx, double ky);

/// Gauss–Hermite nodes and weights for ∫ exp(−x²) f(x) dx (weights sum to √π).
void gauss_hermite(int n, std::vector<double>& nodes, std::vector<double>& weights);

/// The lens transfer on a grid: one or several (defocus points) arrays H_n(k), with weights w_n that
/// sum to 1: I = Σ w_n |F⁻¹[ψ_e H_n]|². The 2/3-Nyquist band limit is applied too. H_n live in the
/// transposed spectral layout (fft.hpp), like the multislice's exit spectrum, and are stored only on
/// the frequencies the lens transfers at all (inside the band limit, the aperture and the defocus
/// sum's cut, the same for every n): elsewhere every H_n is 0. At 0.05 Å pixels the defocus sum's
/// cut leaves ~1 % of the grid.
struct LensTransfer {
  std::vector<std::pair<std::size_t, std::size_t>> runs;    ///< [begin, end) of the transferred frequencies, increasing
  std::vector<std::vector<cfloat>> h;                       ///< H_n on the runs, one run after the other
  std::vector<double> weights;
  std::vector<double> defocus_angstrom;  ///< Δf of each point
  /// H_n at transposed index `index` (0 off the runs).
  cfloat at(std::size_t n, std::size_t index) const;
};
LensTransfer make_lens_transfer(const Grid& grid, const OpticsParams& p);
/// The number of defocus points the defocus sum uses on this grid (1 for the envelope or Δ = 0).
int focal_points_for(const Grid& grid, const OpticsParams& p);

}  // namespace nanomix::imaging
