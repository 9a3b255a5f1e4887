#include "imaging/ctf.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/units.hpp"
#include "imaging/electron.hpp"
#include "imaging/fft.hpp"

namespace nanomix::imaging {

namespace {
constexpr double pi = units::pi;
constexpr double deg = pi / 180.0;
}  // namespace

void OpticsParams::validate() const {
  auto finite = [](double v, const char* name) {
    if (!std::isfinite(v)) throw InputError(std::string("[imaging] ") + name + " must be a finite number");
  };
  finite(defocus_angstrom, "defocus_angstrom");
  finite(cs_angstrom, "cs_angstrom");
  finite(c5_angstrom, "c5_angstrom");
  finite(c12_angstrom, "c12_angstrom");
  finite(c21_angstrom, "c21_angstrom");
  finite(c23_angstrom, "c23_angstrom");
  if (!(voltage_kv > 0)) throw InputError("[imaging] voltage_kv must be positive");
  if (!(aperture_mrad >= 0)) throw InputError("[imaging] aperture_mrad must be >= 0");
  if (!(focal_spread_angstrom >= 0)) throw InputError("[imaging] focal_spread_angstrom must be >= 0");
  if (!(source_semiangle_mrad >= 0)) throw InputError("[imaging] source_semiangle_mrad must be >= 0");
  if (focal_spread_points == 1 || focal_spread_points < 0 || focal_spread_points > 64) {
    throw InputError("[imaging] focal_spread_points must be 0 (chosen per grid) or 2..64");
  }
}

double aberration_phase(const OpticsParams& p, double lambda, double kx, double ky, double extra_defocus) {
  const double k2 = kx * kx + ky * ky;
  const double k = std::sqrt(k2);
  const double t = lambda * k, t2 = t * t;
  const double phi = std::atan2(ky, kx);
  const double c10 = -(p.defocus_angstrom + extra_defocus);
  double s = 0.5 * t2 * (c10 + p.c12_angstrom * std::cos(2 * (phi - p.phi12_deg * deg)));
  s += t2 * t / 3.0 * (p.c21_angstrom * std::cos(phi - p.phi21_deg * deg) + p.c23_angstrom * std::cos(3 * (phi - p.phi23_deg * deg)));
  s += 0.25 * t2 * t2 * p.cs_angstrom + t2 * t2 * t2 / 6.0 * p.c5_angstrom;
  return 2 * pi / lambda * s;
}

void aberration_gradient(const OpticsParams& p, double lambda, double kx, double ky, double& gx, double& gy) {
  // χ = (2π/λ) Σ terms in θ = λk and φ: ∂/∂k and (1/k)∂/∂φ, then rotate to x, y.
  const double k = std::hypot(kx, ky);
  if (k == 0) {
    // Only the linear-in-k terms would survive; none here (no C01 image shift).
    gx = gy = 0;
    return;
  }
  const double phi = std::atan2(ky, kx);
  const double l = lambda;
  const double c10 = -p.defocus_angstrom;
  const double a12 = 2 * (phi - p.phi12_deg * deg), a21 = phi - p.phi21_deg * deg, a23 = 3 * (phi - p.phi23_deg * deg);
  // χ = 2π [ ½λk²(C10 + C12 cos a12) + ⅓λ²k³(C21 cos a21 + C23 cos a23) + ¼λ³k⁴C30 + ⅙λ⁵k⁶C50 ]
  const double dk = 2 * pi * (l * k * (c10 + p.c12_angstrom * std::cos(a12)) +
                              l * l * k * k * (p.c21_angstrom * std::cos(a21) + p.c23_angstrom * std::cos(a23)) +
                              l * l * l * k * k * k * p.cs_angstrom + l * l * l * l * l * k * k * k * k * k * p.c5_angstrom);
  const double dphi_over_k = 2 * pi * (0.5 * l * k * (-2 * p.c12_angstrom * std::sin(a12)) +
                                       l * l * k * k / 3.0 * (-p.c21_angstrom * std::sin(a21) - 3 * p.c23_angstrom * std::sin(a23)));
  const double c = kx / k, s = ky / k;
  gx = dk * c - dphi_over_k * s;
  gy = dk * s + dphi_over_k * c;
}

double temporal_envelope(const OpticsParams& p, double lambda, double k) {
  const double a = pi * lambda * p.focal_spread_angstrom * k * k;
  return std::exp(-0.5 * a * a);
}

double spatial_envelope(const OpticsParams& p, double lambda, double kx, double ky) {
  if (p.source_semiangle_mrad <= 0) return 1.0;
  double gx, gy;
  aberration_gradient(p, lambda, kx, ky, gx, gy);
  const double alpha = p.source_semiangle_mrad * 1e-3;
  return std::exp(-alpha * alpha * (gx * gx + gy * gy) / (4 * lambda * lambda));
}

void gauss_hermite(int n, std::vector<double>& nodes, std::vector<double>& weights) {
  // Golub–Welsch: eigenvalues of the Jacobi matrix with off-diagonal sqrt(i/2).
  Eigen::MatrixXd j = Eigen::MatrixXd::Zero(n, n);
  for (int i = 1; i < n; ++i) j(i, i - 1) = j(i - 1, i) = std::sqrt(i / 2.0);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(j);
  nodes.resize(static_cast<std::size_t>(n));
  weights.resize(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    nodes[static_cast<std::size_t>(i)] = es.eigenvalues()(i);
    const double v0 = es.eigenvectors()(0, i);
    weights[static_cast<std::size_t>(i)] = std::sqrt(pi) * v0 * v0;
  }
}

int focal_points_for(const Grid& g, const OpticsParams& p) {
  if (p.temporal_coherence == TemporalCoherence::envelope || !(p.focal_spread_angstrom > 0)) return 1;
  if (p.focal_spread_points >= 2) return p.focal_spread_points;
  // N points resolve the defocus phase a = πλk²Δ√2 while a ≤ √(2N): N = (πλΔk²)² at the highest
  // frequency transferred (band limit or aperture), but at most 16 (E_t < exp(−8) beyond the cut).
  const double lambda = wavelength_angstrom(p.voltage_kv);
  double k = g.band_limit();
  if (p.aperture_mrad > 0) k = std::min(k, p.aperture_mrad * 1e-3 / lambda);
  const double a = pi * lambda * p.focal_spread_angstrom * k * k;
  return static_cast<int>(std::clamp(std::ceil(a * a - 1e-9), 2.0, 16.0));
}

cfloat LensTransfer::at(std::size_t n, std::size_t index) const {
  std::size_t offset = 0;
  for (const auto& [begin, end] : runs) {
    if (index < begin) break;
    if (index < end) return h[n][offset + (index - begin)];
    offset += end - begin;
  }
  return cfloat(0.0f, 0.0f);
}

LensTransfer make_lens_transfer(const Grid& g, const OpticsParams& p) {
  p.validate();
  const double lambda = wavelength_angstrom(p.voltage_kv);
  const double kmax = g.band_limit();
  const double kap = p.aperture_mrad > 0 ? p.aperture_mrad * 1e-3 / lambda : INFINITY;
  LensTransfer out;
  const int points = focal_points_for(g, p);
  const bool integrate = points >= 2;
  if (integrate) {
    std::vector<double> x, w;
    gauss_hermite(points, x, w);
    for (std::size_t n = 0; n < x.size(); ++n) {
      out.defocus_angstrom.push_back(p.defocus_angstrom + std::sqrt(2.0) * p.focal_spread_angstrom * x[n]);
      out.weights.push_back(w[n] / std::sqrt(pi));
    }
  } else {
    out.defocus_angstrom.push_back(p.defocus_angstrom);
    out.weights.push_back(1.0);
  }
  // The frequencies transferred at all: not beyond the band limit or the aperture, nor (defocus
  // sum) where N Gauss–Hermite points no longer resolve the defocus phase πλk²Δ√2·x, i.e. above
  // √(2N): there E_t < exp(−N/2) and the quadrature would alias, so those frequencies are cut.
  auto transferred = [&](int i, int j) {
    const double kx = g.kx(i), ky = g.ky(j);
    const double k = std::sqrt(kx * kx + ky * ky);
    if (k > kmax || k > kap) return false;
    return !(integrate && units::pi * lambda * k * k * p.focal_spread_angstrom * std::sqrt(2.0) > std::sqrt(2.0 * points));
  };
  for (int i = 0; i < g.nx; ++i) {
    for (int j = 0; j < g.ny; ++j) {
      if (!transferred(i, j)) continue;
      const std::size_t index = transposed_index(g, i, j);
      if (!out.runs.empty() && out.runs.back().second == index) {
        ++out.runs.back().second;
      } else {
        out.runs.emplace_back(index, index + 1);
      }
    }
  }
  for (double df : out.defocus_angstrom) {
    std::vector<cfloat> h;
    for (const auto& [begin, end] : out.runs) {
      for (std::size_t index = begin; index < end; ++index) {
        const int i = static_cast<int>(index / static_cast<std::size_t>(g.ny)), j = static_cast<int>(index % static_cast<std::size_t>(g.ny));
        const double kx = g.kx(i), ky = g.ky(j);
        const double k = std::sqrt(kx * kx + ky * ky);
        double env = spatial_envelope(p, lambda, kx, ky);
        if (!integrate) env *= temporal_envelope(p, lambda, k);
        const double chi = aberration_phase(p, lambda, kx, ky, df - p.defocus_angstrom);
        h.emplace_back(static_cast<float>(env * std::cos(chi)), static_cast<float>(-env * std::sin(chi)));
      }
    }
    out.h.push_back(std::move(h));
  }
  return out;
}

}  // namespace nanomix::imaging
