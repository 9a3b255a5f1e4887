// Validation of the imaging physics (ctest label `validation`). Each case prints its measured figure
// (the lines starting with "| ") for validation/imaging/RESULTS.md and fails beyond its tolerance.
// References are closed forms and published numbers, computed here independently of the code
// under test (own χ, own envelopes, Kirkland's formulas written out again).
#include <doctest/doctest.h>

#include <cmath>
#include <complex>
#include <cstdio>
#include <numeric>

#include "core/frame.hpp"
#include "imaging/ctf.hpp"
#include "imaging/electron.hpp"
#include "imaging/image_formation.hpp"
#include "imaging/kirkland.hpp"
#include "imaging/multislice.hpp"
#include "imaging/render_movie.hpp"

using namespace nanomix;
using namespace nanomix::imaging;

namespace {
constexpr double pi = 3.14159265358979323846;
constexpr double a0e = 0.5292 * 14.4;  // Kirkland's a₀·e, V·Å²

double fe_closed(const ScatteringParameters& p, double q) {
  double s = 0;
  for (int i = 0; i < 3; ++i) s += p.a[i] / (q * q + p.b[i]) + p.c[i] * std::exp(-p.d[i] * q * q);
  return s;
}
}  // namespace

TEST_CASE("2D Fourier transform of every tabulated projected potential equals 2π a0e f_e(q)") {
  const auto& table = ScatteringTable::kirkland();
  RadialPotentialOptions o;
  o.core_angstrom = 0.05 / std::sqrt(pi);  // a 0.05 Å pixel
  o.step_angstrom = 0.001;
  double worst = 0;
  int worst_z = 0;
  double worst_q = 0;
  for (int z = 1; z <= 103; ++z) {
    const auto& p = table.at(z);
    const auto t = make_radial_potential(p, o);
    for (double q : {0.0, 0.25, 0.5, 1.0, 1.5, 2.0}) {
      // Hankel transform F(q) = 2π ∫ v(r) J0(2πqr) r dr, trapezoid on a fine grid.
      const double h = 0.0005;
      double s = 0;
      for (double r = 0.5 * h; r < t.cutoff_angstrom; r += h) s += t(r) * std::cyl_bessel_j(0.0, 2 * pi * q * r) * r * h;
      const double ft = 2 * pi * s;
      const double ref = 2 * pi * a0e * fe_closed(p, q);
      const double rel = std::abs(ft - ref) / ref;
      if (rel > worst) {
        worst = rel;
        worst_z = z;
        worst_q = q;
      }
    }
  }
  std::printf("| FT of tabulated v_z vs 2π a0e f_e(q), Z = 1..103, q = 0..2 1/Å | max rel. error %.3g %% (Z = %d, q = %.2f) | 1 %% |\n",
              100 * worst, worst_z, worst_q);
  CHECK(worst < 0.01);
}

TEST_CASE("vacuum stays exactly 1 and the norm is conserved") {
  Frame empty;
  empty.box = Box::orthorhombic(20, 16, 10, {true, true, true});
  empty.positions_angstrom.resize(0, 3);
  ImagingParams p;
  p.pixel_size_angstrom = 0.1;
  p.optics.defocus_angstrom = 80;
  p.optics.cs_angstrom = 2e4;
  p.optics.focal_spread_angstrom = 30;
  p.optics.source_semiangle_mrad = 0.3;
  p.mtf.kind = MtfParams::Kind::parametric;
  p.dose.dose_e_per_angstrom2 = 100;
  p.exit_wave = true;
  p.threads = 1;
  const auto r = render_movie(p, SnapshotSource::frames({empty}, "vacuum"));
  std::size_t off = 0;
  for (std::size_t i = 0; i < r.intensity.frames[0].size(); ++i) {
    off += r.intensity.frames[0][i] != 1.0f;
    off += r.exit_wave[0][i] != cfloat(1.0f, 0.0f);
  }
  std::printf("| vacuum: exit wave and image (%d x %d, MTF on) | %zu pixels differ from exactly 1 | 0 |\n", r.grid.nx, r.grid.ny, off);
  CHECK(off == 0);

  // Norm through 40 slices of iodine atoms: only the band limit may remove intensity.
  Grid g{256, 256, 0.1, 0.1};
  RadialPotentialOptions o;
  o.core_angstrom = 0.1 / std::sqrt(pi);
  Multislice ms(g, 80, 1.0, {make_radial_potential(ScatteringTable::kirkland().at(6), o)});
  Multislice::Workspace ws(g);
  SlicedSpecimen spec;
  spec.slices.resize(40);
  for (int s = 0; s < 40; ++s) spec.slices[static_cast<std::size_t>(s)].push_back({5.0 + 0.3 * s, 12.0, 0});
  ms.exit_spectrum(spec, ws);
  double norm = 0, outside = 0;
  for (std::size_t i = 0; i < g.size(); ++i) norm += std::norm(ws.psi[i]);
  norm *= static_cast<double>(g.size());  // Parseval with our scaling: Σ|ψ(r)|² = N Σ|Ψ(k)|²
  (void)outside;
  const double per_pixel = norm / static_cast<double>(g.size());
  std::printf("| norm after 40 slices with carbon (256², band-limited) | 1 − <|ψ|²> = %.2e | ≥ 0, < 1e-3 |\n", 1 - per_pixel);
  CHECK(per_pixel <= 1.0 + 1e-5);
  CHECK(1 - per_pixel < 1e-3);
  // Pure propagation (a vacuum slice after the atoms): norm unchanged to float rounding.
  FftBuffer w(g.size());
  for (std::size_t i = 0; i < g.size(); ++i) w[i] = ws.psi[i];
  for (int step = 0; step < 20; ++step) {
    ms.fft().backward(w.data());
    ms.fft().forward(w.data());
    const double k = 1.0 / static_cast<double>(g.size());
    for (std::size_t i = 0; i < g.size(); ++i) w[i] *= static_cast<float>(k);
  }
  double n2 = 0;
  for (std::size_t i = 0; i < g.size(); ++i) n2 += std::norm(w[i]);
  n2 *= static_cast<double>(g.size());
  std::printf("| norm after 20 further FFT round trips | rel. change %.2e | < 1e-5 |\n", std::abs(n2 - norm) / norm);
  CHECK(std::abs(n2 - norm) / norm < 1e-5);
}

TEST_CASE("a weak phase object's exit-wave phase is σ·v_z") {
  // One hydrogen atom in a thin slice at 300 kV; σ from Kirkland's published 300 kV value. The grid
  // band-limits the wave at 2/3 Nyquist, so the reference is σ·v_z band-limited the same way,
  // written from the parameterisation: v_BL(r) = 2π a0e ∫₀^{k_b} f_e(q) J0(2πqr) 2πq dq.
  const double sigma_pub = 6.5262e-4;  // rad/(V·Å), Kirkland 2010 (300 kV)
  const int atom_z = 1;                 // hydrogen: a truly weak object (peak phase ≈ 0.05 rad)
  Grid g{400, 400, 0.025, 0.025};
  RadialPotentialOptions o;
  o.core_angstrom = 0.025 / std::sqrt(pi);
  const auto& c = ScatteringTable::kirkland().at(atom_z);
  Multislice ms(g, 300, 0.01, {make_radial_potential(c, o)});
  Multislice::Workspace ws(g);
  SlicedSpecimen spec;
  spec.slices.resize(1);
  const double x0 = 5.0, y0 = 5.0;
  spec.slices[0].push_back({x0, y0, 0});
  ms.exit_spectrum(spec, ws);
  FftBuffer wave(g.size());
  exit_wave_from_spectrum(ms.fft(), ws.psi, wave);
  const double kb = g.band_limit();
  auto v_bl = [&](double r) {
    const double h = kb / 8000;
    double s = 0;
    for (double q = 0.5 * h; q < kb; q += h) s += fe_closed(c, q) * std::cyl_bessel_j(0.0, 2 * pi * q * r) * 2 * pi * q * h;
    return 2 * pi * a0e * s;
  };
  double worst = 0, worst_r = 0, peak = 0, integral = 0;
  for (int j = 0; j < g.ny; ++j) {
    for (int i = 0; i < g.nx; ++i) {
      const double phase = std::arg(wave[static_cast<std::size_t>(j) * g.nx + i]);
      peak = std::max(peak, phase);
      integral += phase * g.dx_angstrom * g.dy_angstrom;
    }
  }
  // Pixels along +x from the atom (every 0.1 Å from 0.2 to 1.2 Å; beyond, the phase is < 1 mrad and
  // point-sampling aliasing reaches ~1 % of it).
  for (int i = 8; i <= 48; i += 4) {
    const double r = i * g.dx_angstrom;
    const double phase = std::arg(wave[static_cast<std::size_t>(200) * g.nx + 200 + i]);
    const double ref = sigma_pub * v_bl(r);
    const double rel = std::abs(phase - ref) / ref;
    if (rel > worst) {
      worst = rel;
      worst_r = r;
    }
  }
  std::printf("| weak phase object (Z = %d, 300 kV, peak phase %.3f rad): arg ψ vs σ v_z (band-limited), 0.2 ≤ r ≤ 1.2 Å | max rel. error %.3g %% (r = %.2f Å) | 1 %% |\n",
              atom_z, peak, 100 * worst, worst_r);
  const double ref_integral = sigma_pub * 2 * pi * a0e * fe_closed(c, 0.0);
  const double rel_integral = std::abs(integral - ref_integral) / ref_integral;
  std::printf("| weak phase object: ∫ arg ψ d²r vs σ · 2π a0e f_e(0) | rel. error %.3g %% | 1 %% |\n", 100 * rel_integral);
  CHECK(worst < 0.01);
  CHECK(rel_integral < 0.01);
}

TEST_CASE("weak-phase image against linear imaging theory (sin χ with envelopes)") {
  const double kv = 300;
  const double lambda = 0.019687;  // Å at 300 kV (published: 1.9687 pm)
  Grid g{256, 256, 0.08, 0.08};
  RadialPotentialOptions o;
  o.core_angstrom = 0.08 / std::sqrt(pi);
  Multislice ms(g, kv, 0.01, {make_radial_potential(ScatteringTable::kirkland().at(1), o)});
  Multislice::Workspace ws(g);
  SlicedSpecimen spec;
  spec.slices.resize(1);
  for (auto [x, y] : {std::pair{5.0, 6.0}, {9.0, 12.5}, {14.2, 8.0}, {11.0, 15.3}}) spec.slices[0].push_back({x, y, 0});
  ms.exit_spectrum(spec, ws);
  OpticsParams op;
  op.voltage_kv = kv;
  op.defocus_angstrom = 120;
  op.cs_angstrom = 5e4;
  op.focal_spread_angstrom = 25;
  op.source_semiangle_mrad = 0.3;
  const double sigma = interaction_parameter_rad_per_volt_angstrom(kv);
  // Linear theory from the sampled object: I = 1 + 2 F⁻¹[Φ(k) sin χ E_t E_s B], Φ = F[σ v].
  std::vector<float> v(g.size());
  ms.slice_potential(spec.slices[0], v.data());
  FftBuffer phi(g.size());
  for (std::size_t i = 0; i < g.size(); ++i) phi[i] = cfloat(static_cast<float>(sigma * v[i]), 0.0f);
  ms.fft().forward(phi.data());
  const double kb = g.band_limit();
  auto run_case = [&](int points, const char* label) {
    op.temporal_coherence = points == 0 ? TemporalCoherence::envelope : TemporalCoherence::defocus_sum;
    op.focal_spread_points = points;
    FftBuffer lin(g.size());
    for (int j = 0; j < g.ny; ++j) {
      for (int i = 0; i < g.nx; ++i) {
        const double kx = g.kx(i), ky = g.ky(j), k2 = kx * kx + ky * ky, k = std::sqrt(k2);
        const std::size_t n = static_cast<std::size_t>(j) * g.nx + i;
        if (k > kb) {
          lin[n] = 0;
          continue;
        }
        const double chi = pi * lambda * k2 * (0.5 * op.cs_angstrom * lambda * lambda * k2 - op.defocus_angstrom);
        const double et = std::exp(-0.5 * std::pow(pi * lambda * op.focal_spread_angstrom * k2, 2));
        const double al = op.source_semiangle_mrad * 1e-3;
        const double es = std::exp(-std::pow(pi * al / lambda, 2) *
                                   std::pow(op.cs_angstrom * lambda * lambda * lambda * k * k2 - op.defocus_angstrom * lambda * k, 2));
        lin[n] = phi[n] * static_cast<float>(std::sin(chi) * et * es / static_cast<double>(g.size()));
      }
    }
    ms.fft().backward(lin.data());
    const auto lens = make_lens_transfer(g, op);
    FftBuffer work(g.size());
    std::vector<double> img(g.size(), 0.0);
    add_image_intensity(g, ms.fft(), ws.psi, lens, 1.0, work, img.data());
    double num = 0, den = 0;
    for (std::size_t i = 0; i < g.size(); ++i) {
      const double l = 1 + 2 * lin[i].real();
      num += (img[i] - l) * (img[i] - l);
      den += (l - 1) * (l - 1);
    }
    const double rel = std::sqrt(num / den);
    std::printf("| weak-phase image (4 H atoms, 300 kV, Δf 120 Å, Cs 5 µm, Δ 25 Å, α 0.3 mrad, %s) vs linear theory | rel. RMS of (I − I_lin) / (I_lin − 1) = %.3g %% | 2 %% |\n",
                label, 100 * rel);
    CHECK(rel < 0.02);
  };
  run_case(0, "envelopes on the wave");
  run_case(12, "defocus integrated, 12 points");
}

TEST_CASE("partial coherence: the default defocus sum vs an exact defocus integral, and the envelope's error") {
  // One NaI column along [001] (I and Na alternating every 3.235 Å, 6 atoms, 19.4 Å) in a 19.4 Å
  // cell, at the default SMART-EM optics: 80 kV, Cs = 1 µm, Δf = 30 Å, focal spread Δ = 30 Å
  // (standard deviation), α = 0.1 mrad. Reference: the image intensity integrated over the Gaussian
  // defocus distribution by the trapezoid rule on 601 points over ±8Δ, each term
  // |F⁻¹[Ψ E_s e^{−iχ(Δf+δ)}]|² with χ and E_s for round aberrations written out here (no cut).
  // Error: rel. RMS = RMS(I − I_exact) / mean(I_exact).
  const double kv = 80, a = 6.47;
  Grid g{192, 192, 3 * a / 192, 3 * a / 192};
  RadialPotentialOptions o;
  o.core_angstrom = g.dx_angstrom / std::sqrt(pi);
  Multislice ms(g, kv, a / 2, {make_radial_potential(ScatteringTable::kirkland().at(11), o), make_radial_potential(ScatteringTable::kirkland().at(53), o)});
  SlicedSpecimen spec;
  spec.slices.resize(6);
  for (int layer = 0; layer < 6; ++layer) spec.slices[static_cast<std::size_t>(layer)].push_back({1.5 * a, 1.5 * a, layer % 2});
  Multislice::Workspace ws(g);
  ms.exit_spectrum(spec, ws);
  OpticsParams op;
  op.voltage_kv = kv;
  op.defocus_angstrom = 30;
  op.cs_angstrom = 1e4;
  op.focal_spread_angstrom = 30;
  op.source_semiangle_mrad = 0.1;
  const double lambda = wavelength_angstrom(kv), kb = g.band_limit(), al = op.source_semiangle_mrad * 1e-3;
  std::vector<double> ref(g.size(), 0.0);
  {
    const int m = 601;
    const double span = 8 * op.focal_spread_angstrom, step = 2 * span / (m - 1);
    FftBuffer w(g.size()), out(g.size());
    double wsum = 0;
    for (int q = 0; q < m; ++q) {
      const double d = -span + q * step;
      const double weight = std::exp(-0.5 * d * d / (op.focal_spread_angstrom * op.focal_spread_angstrom));
      wsum += weight;
      for (int i = 0; i < g.nx; ++i)
        for (int j = 0; j < g.ny; ++j) {
          const double kx = g.kx(i), ky = g.ky(j), k2 = kx * kx + ky * ky, k = std::sqrt(k2);
          const std::size_t n = transposed_index(g, i, j);
          if (k > kb) {
            w[n] = 0;
            continue;
          }
          const double df = op.defocus_angstrom + d;
          const double chi = pi * lambda * k2 * (0.5 * op.cs_angstrom * lambda * lambda * k2 - df);
          const double es = std::exp(-std::pow(pi * al / lambda, 2) * std::pow(op.cs_angstrom * lambda * lambda * lambda * k * k2 - op.defocus_angstrom * lambda * k, 2));
          w[n] = ws.psi[n] * std::complex<float>(static_cast<float>(es * std::cos(chi)), static_cast<float>(-es * std::sin(chi)));
        }
      ms.fft().backward_transposed(w.data(), out.data());
      for (std::size_t n = 0; n < g.size(); ++n) ref[n] += weight * std::norm(out[n]);
    }
    for (double& v : ref) v /= wsum;
  }
  double mean = 0;
  for (double v : ref) mean += v;
  mean /= static_cast<double>(g.size());
  auto error_of = [&](TemporalCoherence mode, int points, int& used) {
    OpticsParams q = op;
    q.temporal_coherence = mode;
    q.focal_spread_points = points;
    const auto lens = make_lens_transfer(g, q);
    used = static_cast<int>(lens.h.size());
    FftBuffer work(g.size());
    std::vector<double> img(g.size(), 0.0);
    add_image_intensity(g, ms.fft(), ws.psi, lens, 1.0, work, img.data());
    double e = 0;
    for (std::size_t n = 0; n < g.size(); ++n) e += (img[n] - ref[n]) * (img[n] - ref[n]);
    return std::sqrt(e / static_cast<double>(g.size())) / mean;
  };
  int used = 0;
  const double e_default = error_of(TemporalCoherence::defocus_sum, 0, used);
  const int default_points = used;
  const double e_env = error_of(TemporalCoherence::envelope, 0, used);
  const double e5 = error_of(TemporalCoherence::defocus_sum, 5, used);
  const double e32 = error_of(TemporalCoherence::defocus_sum, 32, used);
  const double e64 = error_of(TemporalCoherence::defocus_sum, 64, used);
  std::printf("| partial coherence, NaI column [001] 19.4 Å, 80 kV, Cs 1 µm, Δf 30 Å, Δ 30 Å (std. dev.), α 0.1 mrad: RMS(I − I_exact) / mean(I_exact), exact = 601-point defocus integral | envelope approximation %.4f; defocus sum, default (%d points) %.4f; 5 points %.4f; 32 points %.4f; 64 points %.4f | default < envelope / 3 and < 0.01; 64 points < 0.002 |\n",
              e_env, default_points, e_default, e5, e32, e64);
  CHECK(e_default < e_env / 3);
  CHECK(e_default < 0.01);
  CHECK(e64 < 0.002);
}

TEST_CASE("Poisson counts in vacuum: mean and variance = dose × pixel area") {
  Frame empty;
  empty.box = Box::orthorhombic(25.6, 25.6, 5, {true, true, true});
  empty.positions_angstrom.resize(0, 3);
  ImagingParams p;
  p.pixel_size_angstrom = 0.1;
  p.dose.dose_e_per_angstrom2 = 1500;  // 15 e per pixel
  p.threads = 2;
  const auto r = render_movie(p, SnapshotSource::frames({empty, empty, empty, empty}, "vacuum"));
  const double lambda = 1500 * r.grid.dx_angstrom * r.grid.dy_angstrom;
  double n = 0, s = 0, s2 = 0;
  for (const auto& f : r.counts.frames)
    for (float c : f) {
      n += 1;
      s += c;
      s2 += static_cast<double>(c) * c;
    }
  const double mean = s / n, var = (s2 - n * mean * mean) / (n - 1);
  const double z_mean = (mean - lambda) / std::sqrt(lambda / n);
  const double z_var = (var - lambda) / std::sqrt((lambda + 2 * lambda * lambda) / n);
  std::printf("| Poisson counts in vacuum (%.0f pixels, dose × area = %.4g) | mean %.5g (z = %.2f), variance %.5g (z = %.2f) | |z| < 3 |\n", n,
              lambda, mean, z_mean, var, z_var);
  CHECK(std::abs(z_mean) < 3);
  CHECK(std::abs(z_var) < 3);
  CHECK(r.expected_counts.frames[0][17] == doctest::Approx(lambda).epsilon(1e-6));
}
