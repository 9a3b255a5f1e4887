// Unit tests of the imaging stage: parameter table, radial potentials, FFT grid, multislice
// invariants (vacuum, norm), lens transfer, MTF, dose noise, rendering determinism and geometry.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstring>
#include <numeric>

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/frame.hpp"
#include "core/random.hpp"
#include "imaging/ctf.hpp"
#include "imaging/detector.hpp"
#include "imaging/electron.hpp"
#include "imaging/image_formation.hpp"
#include "imaging/kirkland.hpp"
#include "imaging/multislice.hpp"
#include "imaging/render_movie.hpp"

using namespace nanomix;
using namespace nanomix::imaging;

namespace {

Frame crystal_frame(double a, int cells, const std::vector<int>& species_pair) {
  // Rock salt viewed along [001]: columns every a/2; two atomic layers per cell.
  Frame f;
  const double L = a * cells;
  f.box = Box::orthorhombic(L, L, a, {true, true, true});
  std::vector<std::array<double, 3>> pos;
  for (int i = 0; i < cells; ++i)
    for (int j = 0; j < cells; ++j)
      for (int k = 0; k < 2; ++k)
        for (int m = 0; m < 2; ++m)
          for (int n = 0; n < 2; ++n) {
            const int s = (k + m + n) % 2;
            pos.push_back({(i + 0.5 * k) * a, (j + 0.5 * m) * a, 0.5 * n * a + 0.25});
            f.atomic_numbers.push_back(species_pair[static_cast<std::size_t>(s)]);
          }
  f.positions_angstrom.resize(static_cast<Eigen::Index>(pos.size()), 3);
  for (std::size_t i = 0; i < pos.size(); ++i)
    for (int c = 0; c < 3; ++c) f.positions_angstrom(static_cast<Eigen::Index>(i), c) = pos[i][static_cast<std::size_t>(c)];
  return f;
}

ImagingParams small_params() {
  ImagingParams p;
  p.pixel_size_angstrom = 0.1;
  p.optics.voltage_kv = 80;
  p.optics.defocus_angstrom = 30;
  p.optics.cs_angstrom = 1e4;
  p.optics.aperture_mrad = 0;
  p.optics.focal_spread_angstrom = 30;
  p.dose.dose_e_per_angstrom2 = 500;
  p.threads = 1;
  return p;
}

}  // namespace

TEST_CASE("the compiled-in Kirkland table holds Z = 1..103 and carbon's check value") {
  const auto& t = ScatteringTable::kirkland();
  CHECK(t.size() == 103);
  // Reference README: carbon f_e(0) = Σ a/b + Σ c = 2.51 Å.
  CHECK(t.at(6).fe(0.0) == doctest::Approx(2.51).epsilon(0.005));
  CHECK_THROWS_AS(t.at(104), InputError);
  CHECK_THROWS_AS(ScatteringTable::parse("6 1 2 3\n", "bad"), InputError);
  const auto one = ScatteringTable::parse("# comment\n 11 1 1 1 1 1 1 1 1 1 1 1 1 # Na\n", "one");
  CHECK(one.has(11));
  CHECK_FALSE(one.has(53));
  CHECK_THROWS_WITH_AS(one.at(53), doctest::Contains("Z = 53 (I)"), InputError);
}

TEST_CASE("radial tables follow Kirkland's closed form away from the core and vanish beyond the cutoff") {
  const auto& p = ScatteringTable::kirkland().at(53);
  RadialPotentialOptions o;
  const auto t = make_radial_potential(p, o);
  CHECK(t.cutoff_angstrom > 1.0);
  CHECK(t.cutoff_angstrom <= o.max_cutoff_angstrom);
  const double shift = p.projected_potential_volt_angstrom(t.cutoff_angstrom);
  for (double r : {0.1, 0.3, 0.77, 1.5}) {
    CHECK(t(r) == doctest::Approx(p.projected_potential_volt_angstrom(r) - shift).epsilon(2e-3));
  }
  CHECK(t(t.cutoff_angstrom + 0.01) == 0.0);
  // Inside the core: the disc mean, finite and larger than the value at the core's edge.
  CHECK(std::isfinite(t(0.0)));
  CHECK(t(0.0) > t(o.core_angstrom * 1.01));
}

TEST_CASE("an atom's potential on the grid wraps periodically and sums to its integral") {
  const auto& p = ScatteringTable::kirkland().at(11);
  RadialPotentialOptions o;
  o.core_angstrom = 0.05 / std::sqrt(3.14159265);
  o.step_angstrom = 0.001;
  const auto t = make_radial_potential(p, o);
  const int n = 256;
  const double dx = 0.05;
  std::vector<float> a(n * n, 0.0f), b(n * n, 0.0f);
  add_atom_potential(a.data(), n, n, dx, dx, t, 0.0, 0.0);          // at a corner: wraps
  add_atom_potential(b.data(), n, n, dx, dx, t, n * dx / 2, n * dx / 2);  // in the middle
  const double sa = std::accumulate(a.begin(), a.end(), 0.0) * dx * dx;
  const double sb = std::accumulate(b.begin(), b.end(), 0.0) * dx * dx;
  CHECK(sa == doctest::Approx(sb).epsilon(1e-5));
  // ∫ v_z d²r = 2π a₀e f_e(0) (the FT at q = 0), less the tail (< 0.1 %) and the shift.
  const double expect = 2 * 3.14159265358979 * 0.5292 * 14.4 * p.fe(0.0);
  CHECK(sb == doctest::Approx(expect).epsilon(0.01));
}

TEST_CASE("vacuum stays exactly 1 through slices, lens and camera") {
  Grid g{60, 48, 0.1, 0.1};  // not a power of two
  Multislice ms(g, 80, 1.0, {});
  Multislice::Workspace ws(g);
  SlicedSpecimen empty;
  empty.slices.resize(5);
  ms.exit_spectrum(empty, ws);
  CHECK(ws.psi[0] == cfloat(1, 0));
  for (std::size_t i = 1; i < g.size(); ++i) REQUIRE(ws.psi[i] == cfloat(0, 0));
  OpticsParams o;
  o.defocus_angstrom = 100;
  o.cs_angstrom = 1e5;
  o.focal_spread_angstrom = 40;
  o.source_semiangle_mrad = 0.2;
  const auto lens = make_lens_transfer(g, o);
  FftBuffer work(g.size());
  std::vector<double> img(g.size(), 0.0);
  add_image_intensity(g, ms.fft(), ws.psi, lens, 1.0, work, img.data());
  for (double v : img) REQUIRE(v == 1.0);
  // Through the FFT path too: a power-of-two grid with an empty wave propagated.
  Grid g2{64, 64, 0.1, 0.1};
  Multislice ms2(g2, 80, 2.0, {});
  FftBuffer psi(g2.size());
  for (std::size_t i = 0; i < g2.size(); ++i) psi[i] = 1.0f;
  ms2.fft().forward(psi.data());
  for (std::size_t i = 0; i < g2.size(); ++i) psi[i] *= 1.0f / static_cast<float>(g2.size());
  ms2.fft().backward(psi.data());
  for (std::size_t i = 0; i < g2.size(); ++i) REQUIRE(psi[i] == cfloat(1, 0));
}

TEST_CASE("propagation conserves the norm of a band-limited wave") {
  Grid g{128, 96, 0.08, 0.1};
  const auto& tab = ScatteringTable::kirkland().at(53);
  RadialPotentialOptions o;
  Multislice ms(g, 80, 1.5, {make_radial_potential(tab, o)});
  Multislice::Workspace ws(g);
  SlicedSpecimen spec;
  spec.slices.resize(3);
  spec.slices[0].push_back({3.0, 4.0, 0});
  spec.slices[2].push_back({6.0, 5.0, 0});
  ms.exit_spectrum(spec, ws);
  // Parseval: Σ|Ψ(k)|²·N = Σ|ψ(r)|²; the norm per pixel is ≤ 1 (the band limit removes only what
  // scattered beyond it) and close to 1 for two atoms.
  double s = 0;
  for (std::size_t i = 0; i < g.size(); ++i) s += std::norm(ws.psi[i]);
  const double norm = s * static_cast<double>(g.size()) / static_cast<double>(g.size());
  CHECK(norm <= 1.0 + 1e-5);
  CHECK(norm > 0.98);
  // A pure propagation step (no atoms after the wave is formed) keeps the norm to float rounding.
  FftBuffer w(g.size()), t(g.size());
  for (std::size_t i = 0; i < g.size(); ++i) t[i] = ws.psi[i];
  ms.fft().backward_transposed(t.data(), w.data());
  double before = 0;
  for (std::size_t i = 0; i < g.size(); ++i) before += std::norm(w[i]);
  SlicedSpecimen one;
  one.slices.resize(1);
  one.slices[0].push_back({1.0, 1.0, 0});
  ms.exit_spectrum(one, ws);
  double after = 0;
  for (std::size_t i = 0; i < g.size(); ++i) after += std::norm(ws.psi[i]);
  after *= static_cast<double>(g.size());
  CHECK(before / static_cast<double>(g.size()) == doctest::Approx(norm).epsilon(1e-5));
  CHECK(after / static_cast<double>(g.size()) <= 1.0 + 1e-5);
}

TEST_CASE("slice potentials carried over between frames give the same floats as summed anew") {
  // Frames of a slice whose first atoms stay (a frozen tube's carbon) while the rest move; one frame
  // moves a "carbon" atom (the shared run shortens), one drops atoms, one is empty, the last two
  // hold only the frozen atoms in one slice (the cache serves it without a copy). The exit wave
  // through a cached workspace must equal, bitwise, the one through a workspace without cache, and
  // the cache must have been used (an atom computed once less is the only way the floats could
  // differ, so the check also needs the frames that reuse it).
  Grid g{96, 80, 0.15, 0.15};
  RadialPotentialOptions o;
  Multislice ms(g, 80, 1.0, {make_radial_potential(ScatteringTable::kirkland().at(6), o),
                              make_radial_potential(ScatteringTable::kirkland().at(53), o)});
  Multislice::Workspace cached(g, 1 << 24), plain(g);
  Rng rng(3);
  std::vector<SliceAtom> carbon;
  for (int k = 0; k < 40; ++k) carbon.push_back({rng.uniform(0, 14.4), rng.uniform(0, 12), 0});
  auto frame = [&](int m) {
    SlicedSpecimen spec;
    spec.slices.resize(3);
    for (int s = 0; s < 3; ++s) {
      std::vector<SliceAtom>& a = spec.slices[static_cast<std::size_t>(s)];
      if (m == 5 && s == 1) continue;  // an empty slice
      a.assign(carbon.begin() + 10 * s, carbon.begin() + 10 * s + 14);
      if (m == 3 && s == 0) a[6].x_angstrom += 0.01;  // a "carbon" moved: the shared run is 6 atoms
      if (m == 4 && s == 2) a.resize(5);              // fewer atoms than the cached run
      if (m >= 6 && s == 0) continue;  // only the frozen atoms: the cache is used as it is, not copied
      for (int i = 0; i < 3; ++i) a.push_back({rng.uniform(0, 14.4), rng.uniform(0, 12), 1});  // ions move
    }
    return spec;
  };
  for (int m = 0; m < 8; ++m) {
    const SlicedSpecimen spec = frame(m);
    ms.exit_spectrum(spec, cached);
    ms.exit_spectrum(spec, plain);
    CHECK(std::equal(cached.psi.data(), cached.psi.data() + g.size(), plain.psi.data()));
    CHECK(std::equal(cached.potential.begin(), cached.potential.end(), plain.potential.begin()));
  }
  REQUIRE(cached.slices.size() == 3);
  CHECK(cached.slices[0].prefix == 14);  // frames 6–7 share all 14 again
  CHECK(cached.cache_bytes == 3 * g.size() * sizeof(float));
  CHECK(plain.cache_bytes == 0);
  // A budget smaller than one slice: nothing is cached, the same floats.
  Multislice::Workspace tight(g, g.size() * sizeof(float) - 1);
  const SlicedSpecimen spec = frame(7);
  ms.exit_spectrum(spec, tight);
  ms.exit_spectrum(spec, plain);
  CHECK(std::equal(tight.psi.data(), tight.psi.data() + g.size(), plain.psi.data()));
  CHECK(tight.cache_bytes == 0);
}

TEST_CASE("aberration function: defocus sign, Scherzer form, gradient") {
  OpticsParams o;
  o.defocus_angstrom = 50;  // underfocus
  o.cs_angstrom = 1e7;
  const double l = wavelength_angstrom(200);
  const double k = 0.3;
  // Kirkland: χ = πλk²(½Csλ²k² − Δf).
  const double expect = 3.14159265358979 * l * k * k * (0.5 * o.cs_angstrom * l * l * k * k - o.defocus_angstrom);
  CHECK(aberration_phase(o, l, k, 0) == doctest::Approx(expect).epsilon(1e-12));
  CHECK(aberration_phase(o, l, 0, k) == doctest::Approx(expect).epsilon(1e-12));
  o.c12_angstrom = 20;
  o.phi12_deg = 30;
  o.c21_angstrom = 3000;
  o.phi21_deg = 10;
  o.c23_angstrom = 500;
  o.phi23_deg = -40;
  o.c5_angstrom = 1e8;
  for (double kx : {0.1, -0.4}) {
    for (double ky : {0.2, 0.33}) {
      double gx, gy;
      aberration_gradient(o, l, kx, ky, gx, gy);
      const double h = 1e-6;
      CHECK(gx == doctest::Approx((aberration_phase(o, l, kx + h, ky) - aberration_phase(o, l, kx - h, ky)) / (2 * h)).epsilon(1e-5));
      CHECK(gy == doctest::Approx((aberration_phase(o, l, kx, ky + h) - aberration_phase(o, l, kx, ky - h)) / (2 * h)).epsilon(1e-5));
    }
  }
  std::vector<double> x, w;
  gauss_hermite(5, x, w);
  double s0 = 0, s2 = 0, s4 = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    s0 += w[i];
    s2 += w[i] * x[i] * x[i];
    s4 += w[i] * std::pow(x[i], 4);
  }
  CHECK(s0 == doctest::Approx(std::sqrt(3.14159265358979)));
  CHECK(s2 == doctest::Approx(std::sqrt(3.14159265358979) / 2));
  CHECK(s4 == doctest::Approx(3 * std::sqrt(3.14159265358979) / 4));
}

TEST_CASE("the lens transfer is stored only where it transfers: equal to the full H_n written out") {
  // 0.05 Å pixels with the defocus sum (its cut at k ≈ 1 Å⁻¹ leaves ~1 % of the grid); 0.3 Å pixels
  // with the envelope, cut by the band limit (1.0 Å⁻¹, where H is still ~1e-3) or by an aperture
  // (0.6 Å⁻¹); astigmatism and coma so that H is not symmetric.
  struct Case {
    double pixel;
    TemporalCoherence mode;
    double aperture_mrad;
  };
  for (const Case c : {Case{0.05, TemporalCoherence::defocus_sum, 0.0}, Case{0.3, TemporalCoherence::envelope, 0.0},
                       Case{0.3, TemporalCoherence::envelope, 25.0}}) {
    const Grid g{90, 64, c.pixel, c.pixel * 1.1};
    OpticsParams o;
    o.voltage_kv = 80;
    o.defocus_angstrom = 30;
    o.cs_angstrom = 1e4;
    o.focal_spread_angstrom = 30;
    o.source_semiangle_mrad = 0.1;
    o.c12_angstrom = 15;
    o.phi12_deg = 20;
    o.c21_angstrom = 2000;
    o.phi21_deg = -35;
    o.temporal_coherence = c.mode;
    o.aperture_mrad = c.aperture_mrad;
    const LensTransfer lens = make_lens_transfer(g, o);
    const double l = wavelength_angstrom(o.voltage_kv);
    const int points = static_cast<int>(lens.h.size());
    std::size_t stored = 0, previous_end = 0;
    for (const auto& [begin, end] : lens.runs) {
      CHECK(begin >= previous_end);
      CHECK(end > begin);
      CHECK(end <= g.size());
      previous_end = end;
      stored += end - begin;
    }
    for (const auto& h : lens.h) CHECK(h.size() == stored);
    std::size_t nonzero = 0;
    for (int n = 0; n < points; ++n) {
      for (int i = 0; i < g.nx; ++i) {
        for (int j = 0; j < g.ny; ++j) {
          // Written out: band limit, aperture, the defocus sum's cut, then env·exp(−iχ).
          const double kx = g.kx(i), ky = g.ky(j), k = std::hypot(kx, ky);
          bool cut = k > g.band_limit() || (c.aperture_mrad > 0 && k > c.aperture_mrad * 1e-3 / l);
          if (c.mode == TemporalCoherence::defocus_sum)
            cut = cut || 3.14159265358979 * l * k * k * o.focal_spread_angstrom * std::sqrt(2.0) > std::sqrt(2.0 * points);
          std::complex<double> ref = 0;
          if (!cut) {
            double env = spatial_envelope(o, l, kx, ky);
            if (c.mode == TemporalCoherence::envelope) env *= temporal_envelope(o, l, k);
            ref = env * std::exp(std::complex<double>(0, -aberration_phase(o, l, kx, ky, lens.defocus_angstrom[static_cast<std::size_t>(n)] - o.defocus_angstrom)));
          }
          const cfloat got = lens.at(static_cast<std::size_t>(n), transposed_index(g, i, j));
          CHECK(std::abs(std::complex<double>(got) - ref) < 2e-7);
          if (got != cfloat(0.0f, 0.0f)) ++nonzero;
        }
      }
    }
    CHECK(nonzero > 0);
    MESSAGE("pixel " << c.pixel << " Å: " << stored << " of " << g.size() << " frequencies stored per H_n, " << points << " H_n");
  }
}

TEST_CASE("MTF: parametric half point, table interpolation, normalisation") {
  MtfParams m;
  m.kind = MtfParams::Kind::parametric;
  m.nu0 = 0.4;
  m.power = 2;
  CHECK(m(0.0) == 1.0);
  CHECK(m(0.4) == doctest::Approx(0.5));
  m.table_nu = {0, 0.5, 1.0};
  m.table_value = {0.8, 0.4, 0.2};
  m.kind = MtfParams::Kind::table;
  CHECK(m(0.0) == doctest::Approx(1.0));
  CHECK(m(0.25) == doctest::Approx(0.75));
  CHECK(m(2.0) == doctest::Approx(0.25));
}

TEST_CASE("dose noise depends on seed and frame only") {
  Grid g{16, 16, 0.5, 0.5};
  DoseParams d;
  d.dose_e_per_angstrom2 = 40;
  std::vector<double> img(g.size(), 1.0);
  std::vector<float> e1, c1, e2, c2, c3(5, -1.0f);  // c3: old contents are replaced
  expose(g, d, 3, img, e1, c1);
  expose(g, d, 3, img, e2, c2);
  CHECK(c1 == c2);
  REQUIRE(c1.size() == g.size());
  CHECK(e1[0] == doctest::Approx(10.0f));
  expose(g, d, 4, img, e2, c3);
  REQUIRE(c3.size() == g.size());
  CHECK(c1 != c3);
}

TEST_CASE("rendering a crystal: geometry, ground truth, and bitwise the same with 1 or 3 threads") {
  Frame f = crystal_frame(5.64, 2, {11, 17});
  auto src = SnapshotSource::frames({f, f, f}, "nacl");
  ImagingParams p = small_params();
  p.frame_stride = 1;
  p.exit_wave = true;
  const auto r1 = render_movie(p, src);
  p.threads = 3;
  const auto r3 = render_movie(p, src);
  REQUIRE(r1.intensity.frame_count() == 3);
  CHECK(r1.grid.nx == 120);  // 11.28 Å / 0.1 → 113 → 120 = 2³·3·5
  CHECK(r1.grid.dx_angstrom == doctest::Approx(11.28 / 120));
  CHECK(r1.slice_count == 4);  // atoms at z = 0.25 and 3.07: slices [0,1), …, [3,4)
  CHECK(r1.defocus_reference_z_angstrom == doctest::Approx(4.0));
  for (std::size_t t = 0; t < 3; ++t) {
    CHECK(r1.intensity.frames[t] == r3.intensity.frames[t]);
    CHECK(r1.counts.frames[t] == r3.counts.frames[t]);
    CHECK(r1.exit_wave[t] == r3.exit_wave[t]);
  }
  // Same atoms, different frames: same image, different noise.
  CHECK(r1.intensity.frames[0] == r1.intensity.frames[1]);
  CHECK(r1.counts.frames[0] != r1.counts.frames[1]);
  // Ground truth: 16 atoms per cell face… every atom, projected positions equal the inputs.
  CHECK(r1.truth.atomic_numbers.size() == 3 * f.size());  // (frames, atoms)
  CHECK(r1.truth.projected_positions_angstrom[2] == doctest::Approx(f.positions_angstrom(1, 0)));
  CHECK(r1.truth.projected_positions_angstrom[3] == doctest::Approx(f.positions_angstrom(1, 1)));
  // The mean of the image is close to 1 (the band limit removes a little).
  double mean = 0;
  for (float v : r1.intensity.frames[0]) mean += v;
  mean /= static_cast<double>(r1.intensity.frames[0].size());
  CHECK(mean == doctest::Approx(1.0).epsilon(0.05));
}

TEST_CASE("Fft2d matches a direct DFT, in the standard and the transposed layout") {
  const int nx = 12, ny = 10;  // not square, not powers of two
  Grid g{nx, ny, 0.1, 0.1};
  Fft2d fft(nx, ny);
  FftBuffer a(g.size()), spec(g.size()), back(g.size());
  std::vector<std::complex<double>> in(g.size());
  for (std::size_t n = 0; n < g.size(); ++n) in[n] = {std::sin(0.7 * static_cast<double>(n)), std::cos(1.3 * static_cast<double>(n * n % 17))};
  double worst = 0, scale = 0;
  for (std::size_t n = 0; n < g.size(); ++n) a[n] = cfloat(static_cast<float>(in[n].real()), static_cast<float>(in[n].imag()));
  fft.forward_transposed(a.data(), spec.data());
  FftBuffer b(g.size());
  for (std::size_t n = 0; n < g.size(); ++n) b[n] = cfloat(static_cast<float>(in[n].real()), static_cast<float>(in[n].imag()));
  fft.forward(b.data());
  for (int q = 0; q < ny; ++q) {
    for (int p = 0; p < nx; ++p) {
      std::complex<double> s = 0;  // Σ f(i, j) e^{−2πi (p i / nx + q j / ny)}
      for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) s += in[static_cast<std::size_t>(j * nx + i)] * std::polar(1.0, -2 * M_PI * (double(p * i) / nx + double(q * j) / ny));
      scale = std::max(scale, std::abs(s));
      const std::complex<double> t(spec[transposed_index(g, p, q)].real(), spec[transposed_index(g, p, q)].imag());
      const std::complex<double> st(b[static_cast<std::size_t>(q * nx + p)].real(), b[static_cast<std::size_t>(q * nx + p)].imag());
      worst = std::max({worst, std::abs(t - s), std::abs(st - s)});
    }
  }
  CHECK(worst / scale < 1e-5);
  // Backward (unnormalised) of the transposed spectrum gives N × the input; so does the standard pair.
  fft.backward_transposed(spec.data(), back.data());
  fft.backward(b.data());
  for (std::size_t n = 0; n < g.size(); ++n) {
    REQUIRE(std::abs(std::complex<double>(back[n]) / double(g.size()) - in[n]) < 1e-5);
    REQUIRE(std::abs(std::complex<double>(b[n]) / double(g.size()) - in[n]) < 1e-5);
  }
}

TEST_CASE("band-limited transforms are the full ones on the band's rows, bit for bit, and zero elsewhere") {
  // Odd and even sizes, the demo's and the 1536 x 512 benchmark's grids, unequal pixels, FFTW threads.
  struct Case {
    Grid g;
    int threads;
  };
  for (const Case& c : {Case{{12, 10, 0.1, 0.1}, 1}, Case{{33, 47, 0.1, 0.13}, 1}, Case{{25, 64, 0.2, 0.1}, 1},
                        Case{{315, 540, 0.15, 0.15}, 1}, Case{{1536, 512, 0.05, 0.05}, 1}, Case{{96, 80, 0.1, 0.1}, 2}}) {
    const Grid& g = c.g;
    CAPTURE(g.nx);
    CAPTURE(g.ny);
    const KxBand band = band_rows(g);
    // The band's rows are exactly the kx with kx² ≤ k_band² (a third of them or so are outside).
    const double kmax = g.band_limit();
    int kept = 0;
    for (int i = 0; i < g.nx; ++i) {
      const bool in = i < band.low_end || i >= band.high_begin;
      CHECK(in == (std::abs(g.kx(i)) <= kmax));
      kept += in;
    }
    if (g.nx >= 25) CHECK(kept < g.nx);
    Fft2d fft(g.nx, g.ny, c.threads, band);
    const std::size_t n = g.size(), ny = static_cast<std::size_t>(g.ny);
    const std::size_t low = static_cast<std::size_t>(band.low_end) * ny, high = static_cast<std::size_t>(band.high_begin) * ny;
    FftBuffer a(n), b(n), full(n), banded(n);
    for (std::size_t q = 0; q < n; ++q) a[q] = b[q] = cfloat(std::sin(0.37f * static_cast<float>(q % 1013)), std::cos(1.3f * static_cast<float>(q % 977)));
    fft.forward_transposed(a.data(), full.data());
    fft.forward_transposed_band(b.data(), banded.data());
    bool same = true, zero = true;
    for (std::size_t q = 0; q < n; ++q) {
      if (q < low || q >= high) same = same && std::memcmp(&full[q], &banded[q], sizeof(cfloat)) == 0;
      else zero = zero && banded[q] == cfloat(0.0f, 0.0f);
    }
    CHECK(same);
    CHECK(zero);
    // Backward: a spectrum zero outside the band; the banded transform must not read those rows.
    for (std::size_t q = low; q < high; ++q) full[q] = 0.0f;
    for (std::size_t q = 0; q < n; ++q) banded[q] = (q < low || q >= high) ? full[q] : cfloat(1e30f, -1e30f);
    fft.backward_transposed(full.data(), a.data());
    fft.backward_transposed_band(banded.data(), b.data());
    bool equal = true;  // == : zeros of either sign are the same number
    for (std::size_t q = 0; q < n; ++q) equal = equal && a[q] == b[q];
    CHECK(equal);
  }
}

TEST_CASE("one frame with FFTW threads inside it (2 or 4) is bitwise the frame of one thread") {
  Frame f = crystal_frame(5.64, 4, {11, 53});  // 22.56 Å: 240 x 240 pixels
  auto src = SnapshotSource::frames({f}, "nai");
  ImagingParams p = small_params();
  p.exit_wave = true;
  p.threads = 1;
  const auto r1 = render_movie(p, src);
  for (int t : {2, 4}) {
    p.threads = t;
    const auto rt = render_movie(p, src);
    CHECK(r1.intensity.frames[0] == rt.intensity.frames[0]);
    CHECK(r1.exit_wave[0] == rt.exit_wave[0]);
    CHECK(r1.counts.frames[0] == rt.counts.frames[0]);
  }
}

TEST_CASE("bad input: atoms outside a non-periodic view, a missing element, coarse pixels, huge grids") {
  Frame f = crystal_frame(5.64, 1, {11, 17});
  f.box.periodic = {false, false, false};
  f.positions_angstrom(0, 0) = -1.0;
  ImagingParams p = small_params();
  CHECK_THROWS_WITH_AS(render_movie(p, SnapshotSource::frames({f}, "s")), doctest::Contains("outside the field of view"), InputError);
  p.drop_outside_atoms = true;
  const auto r = render_movie(p, SnapshotSource::frames({f}, "s"));
  CHECK(r.truth.in_field_of_view[0] == 0);
  CHECK(r.truth.in_field_of_view[1] == 1);
  // Periodic: wraps.
  f.box.periodic = {true, true, true};
  p.drop_outside_atoms = false;
  const auto w = render_movie(p, SnapshotSource::frames({f}, "s"));
  CHECK(w.truth.projected_positions_angstrom[0] == doctest::Approx(5.64 - 1.0));
  // Aperture beyond the band limit.
  p.optics.aperture_mrad = 40;
  p.pixel_size_angstrom = 0.5;
  CHECK_THROWS_WITH_AS(render_movie(p, SnapshotSource::frames({f}, "s")), doctest::Contains("use pixels of at most"), InputError);
  // Grid too large.
  p = small_params();
  p.pixel_size_angstrom = 0.001;
  p.max_memory_mib = 100;
  CHECK_THROWS_WITH_AS(render_movie(p, SnapshotSource::frames({f}, "s")), doctest::Contains("MiB"), InputError);
  // Envelope still strong at the band limit.
  p = small_params();
  p.pixel_size_angstrom = 0.8;
  p.optics.focal_spread_angstrom = 1;
  CHECK_THROWS_WITH_AS(render_movie(p, SnapshotSource::frames({f}, "s")), doctest::Contains("band limit"), InputError);
}

TEST_CASE("species that change between frames (Cl<->I swaps) are rendered and recorded per frame") {
  const Frame f = crystal_frame(5.64, 2, {11, 17});
  Frame g = f;
  for (int& z : g.atomic_numbers) z = z == 17 ? 53 : z;  // every Cl swapped to I, same positions
  ImagingParams p = small_params();
  p.frame_stride = 1;
  const auto both = render_movie(p, SnapshotSource::frames({f, g}, "swapped"));
  const auto only_g = render_movie(p, SnapshotSource::frames({g}, "iodide"));
  REQUIRE(both.intensity.frame_count() == 2);
  // Frame 1 is the iodide crystal, pixel for pixel as rendered on its own; frame 0 is not.
  CHECK(both.intensity.frames[1] == only_g.intensity.frames[0]);
  CHECK(both.intensity.frames[0] != both.intensity.frames[1]);
  // Ground truth: the species of each frame.
  const std::size_t n = f.size();
  REQUIRE(both.truth.atomic_numbers.size() == 2 * n);
  CHECK(std::equal(f.atomic_numbers.begin(), f.atomic_numbers.end(), both.truth.atomic_numbers.begin()));
  CHECK(std::equal(g.atomic_numbers.begin(), g.atomic_numbers.end(), both.truth.atomic_numbers.begin() + static_cast<std::ptrdiff_t>(n)));
}
