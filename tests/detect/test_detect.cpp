// Column detection, preprocessing and scoring on synthetic images whose columns are known:
// Gaussian blobs at known positions (a jittered square lattice), two intensity classes, either
// polarity, Poisson noise at a set dose, known drift.
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "core/error.hpp"
#include "imaging/detect/column_match.hpp"
#include "imaging/detect/detect_columns.hpp"
#include "imaging/detect/preprocess.hpp"

using namespace nanomix;
using namespace nanomix::imaging;

namespace {

struct Truth {
  std::vector<std::array<double, 2>> xy;
  std::vector<int> heavy;
};

constexpr double kPixel = 0.2;   // Å
constexpr int kN = 128;          // pixels a side (25.6 Å)
constexpr double kSigma = 0.6;   // Å, column width

Truth lattice(unsigned seed, double spacing = 2.8) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> jitter(-0.3, 0.3);
  std::bernoulli_distribution heavy(0.35);
  Truth t;
  for (double y = 3.0; y < kN * kPixel - 3.0; y += spacing) {
    for (double x = 3.0; x < kN * kPixel - 3.0; x += spacing) {
      t.xy.push_back({x + jitter(rng), y + jitter(rng)});
      t.heavy.push_back(heavy(rng) ? 1 : 0);
    }
  }
  return t;
}

/// Intensity 1 ± Σ blobs (amplitude 0.25 light, 0.5 heavy), shifted by (dx, dy) Å, Poisson at
/// `dose` e/Å² (0 = noiseless).
std::vector<float> render(const Truth& t, double sign, double dose, unsigned seed, double dx = 0, double dy = 0) {
  std::vector<float> img(static_cast<std::size_t>(kN) * kN);
  std::mt19937_64 rng(seed);
  for (int j = 0; j < kN; ++j) {
    for (int i = 0; i < kN; ++i) {
      double v = 1.0;
      for (std::size_t k = 0; k < t.xy.size(); ++k) {
        const double ex = i * kPixel - (t.xy[k][0] + dx), ey = j * kPixel - (t.xy[k][1] + dy);
        const double r2 = ex * ex + ey * ey;
        if (r2 < 25 * kSigma * kSigma) v += sign * (t.heavy[k] ? 0.5 : 0.25) * std::exp(-r2 / (2 * kSigma * kSigma));
      }
      if (dose > 0) {
        std::poisson_distribution<int> counts(v * dose * kPixel * kPixel);
        v = counts(rng);
      }
      img[static_cast<std::size_t>(j) * kN + static_cast<std::size_t>(i)] = static_cast<float>(v);
    }
  }
  return img;
}

Movie movie_of(std::vector<std::vector<float>> frames) {
  Movie m;
  m.nx = m.ny = kN;
  m.pixel_size_x_angstrom = m.pixel_size_y_angstrom = kPixel;
  m.frame_time_s = 0.04;
  m.frames = std::move(frames);
  return m;
}

std::vector<std::array<double, 2>> frame_positions(const DetectResult& r, int frame) {
  std::vector<std::array<double, 2>> xy;
  for (const auto& c : r.columns) {
    if (c.frame == frame) xy.push_back({c.x_angstrom, c.y_angstrom});
  }
  return xy;
}

}  // namespace

TEST_CASE("matching: a hand-drawn case") {
  // Truth at (0,0), (3,0), (6,0); detections near the first two, one spurious, one matching two.
  const std::vector<std::array<double, 2>> truth = {{0, 0}, {3, 0}, {6, 0}};
  const std::vector<std::array<double, 2>> det = {{0.1, 0}, {2.8, 0}, {3.2, 0.0}, {10, 10}};
  const auto m = match_columns(det, truth, 1.0);
  CHECK(m.true_positives == 2);
  CHECK(m.false_positives == 2);  // (3.2, 0) lost to the closer (2.8, 0)... both 0.2 away: one wins
  CHECK(m.false_negatives == 1);
  CHECK(m.rms_error_angstrom() == doctest::Approx(std::sqrt((0.01 + 0.04) / 2)));
  CHECK(m.precision() == doctest::Approx(0.5));
  CHECK(m.recall() == doctest::Approx(2.0 / 3.0));
  CHECK(m.f1() == doctest::Approx(2 * 0.5 * (2.0 / 3.0) / (0.5 + 2.0 / 3.0)));
}

TEST_CASE("grouping projected atoms into columns") {
  // Two columns of three atoms each (x-y within 0.1 Å) and a lone iodide.
  const std::vector<std::array<double, 2>> xy = {{0, 0}, {0.05, 0}, {0, 0.05}, {3, 0}, {3.05, 0}, {3, 0.05}, {0, 3}};
  const std::vector<int> z = {11, 17, 11, 11, 17, 11, 53};
  const auto cols = group_projected_atoms(xy, z, 0.3);
  REQUIRE(cols.size() == 3);
  int heavy = 0, atoms = 0;
  for (const auto& c : cols) {
    heavy += c.heavy;
    atoms += c.atoms;
  }
  CHECK(heavy == 1);
  CHECK(atoms == 7);
  std::vector<std::array<double, 2>> pos;
  for (const auto& c : cols) pos.push_back({c.x_angstrom, c.y_angstrom});
  // Closest pair: the lone iodide at (0, 3) and the first column's centroid (0.05/3, 0.05/3).
  CHECK(smallest_spacing(pos) == doctest::Approx(std::hypot(0.05 / 3, 3.0 - 0.05 / 3)));
}

TEST_CASE("Otsu splits two separated groups and reports their separation") {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> a(1.0, 0.1), b(2.0, 0.1);
  std::vector<double> v;
  for (int k = 0; k < 300; ++k) v.push_back(a(rng));
  for (int k = 0; k < 100; ++k) v.push_back(b(rng));
  double sep = 0;
  const double th = otsu_threshold(v, &sep);
  CHECK(th > 1.3);
  CHECK(th < 1.7);
  CHECK(sep > 7.0);  // (2 − 1)/0.1 = 10 in expectation
}

TEST_CASE("Gaussian blur keeps the sum and has the requested width") {
  std::vector<float> img(64 * 64, 0.0f);
  img[32 * 64 + 32] = 1.0f;
  const auto b = gaussian_blur(img, 64, 64, 2.0, 3.0);
  double s = 0, vx = 0, vy = 0;
  for (int j = 0; j < 64; ++j) {
    for (int i = 0; i < 64; ++i) {
      const double w = b[static_cast<std::size_t>(j) * 64 + static_cast<std::size_t>(i)];
      s += w;
      vx += w * (i - 32) * (i - 32);
      vy += w * (j - 32) * (j - 32);
    }
  }
  CHECK(s == doctest::Approx(1.0).epsilon(1e-5));
  CHECK(std::sqrt(vx) == doctest::Approx(2.0).epsilon(0.01));  // truncation at 4σ: < 1 % low
  CHECK(std::sqrt(vy) == doctest::Approx(3.0).epsilon(0.01));
}

TEST_CASE("noiseless bright columns: every column found, positions to a few pm") {
  const Truth t = lattice(1);
  const auto r = detect_columns(movie_of({render(t, +1, 0, 0)}), DetectParams{});
  CHECK(r.polarity_used == Polarity::bright);
  const auto m = match_columns(frame_positions(r, 0), t.xy, 0.4 * 2.2);
  CHECK(m.false_negatives == 0);
  CHECK(m.false_positives == 0);
  CHECK(m.rms_error_angstrom() < 0.03);
  MESSAGE("noiseless: " << t.xy.size() << " columns, RMS " << m.rms_error_angstrom() * 100 << " pm");
  // Two classes found, matching the truth.
  CHECK(r.classes_split);
  int right = 0;
  for (const auto& [d, k] : m.pairs) right += r.columns[d].klass == t.heavy[k];
  CHECK(right == static_cast<int>(m.pairs.size()));
}

TEST_CASE("dark columns under Poisson noise: polarity found automatically, F1 and RMS at a SMART-EM-like dose") {
  const Truth t = lattice(2);
  std::vector<std::vector<float>> frames;
  for (unsigned f = 0; f < 3; ++f) frames.push_back(render(t, -1, 2000.0, 10 + f));  // 80 e per pixel
  Movie m = movie_of(frames);
  preprocess(m, PreprocessParams{});
  const auto r = detect_columns(m, DetectParams{});
  CHECK(r.polarity_used == Polarity::dark);
  MatchResult all;
  for (int f = 0; f < 3; ++f) all += match_columns(frame_positions(r, f), t.xy, 0.4 * 2.2);
  MESSAGE("dose 2000 e/Å²: precision " << all.precision() << " recall " << all.recall() << " RMS "
                                      << all.rms_error_angstrom() * 100 << " pm");
  CHECK(all.f1() >= 0.95);
  CHECK(all.rms_error_angstrom() < 0.20);
  int right = 0;
  for (int f = 0; f < 3; ++f) {
    const auto pos = frame_positions(r, f);
    const auto mm = match_columns(pos, t.xy, 0.88);
    std::vector<const Column*> in_frame;
    for (const auto& c : r.columns) {
      if (c.frame == f) in_frame.push_back(&c);
    }
    for (const auto& [d, k] : mm.pairs) {
      right += in_frame[d]->klass == t.heavy[k];
    }
  }
  MESSAGE("classes: split " << r.classes_split << ", separation " << r.class_separation << ", right " << right << " of "
                            << all.true_positives);
  CHECK(r.classes_split);
  CHECK(static_cast<double>(right) / static_cast<double>(all.true_positives) > 0.9);
}

TEST_CASE("frames detected over threads: the columns are bitwise those of one thread, in frame order") {
  const Truth t = lattice(2);
  std::vector<std::vector<float>> frames;
  for (unsigned f = 0; f < 7; ++f) frames.push_back(render(t, -1, 2000.0, 40 + f));  // 7 noisy frames, each its own noise
  Movie m = movie_of(frames);
  preprocess(m, PreprocessParams{});
  DetectParams one;
  one.threads = 1;
  const auto a = detect_columns(m, one);
  REQUIRE(a.noise_sigma.size() == 7);
  for (int threads : {2, 3, 5}) {
    DetectParams p;
    p.threads = threads;
    std::size_t calls = 0, last = 0;
    const auto b = detect_columns(m, p, [&](std::size_t done) {
      ++calls;
      last = done;
    });
    CHECK(calls == 7);  // progress once per frame, ending at the frame count
    CHECK(last == 7);
    REQUIRE(b.columns.size() == a.columns.size());
    bool same = b.noise_sigma == a.noise_sigma && b.class_threshold == a.class_threshold && b.classes_split == a.classes_split;
    for (std::size_t k = 0; k < a.columns.size(); ++k) {
      const Column &x = a.columns[k], &y = b.columns[k];
      same = same && x.frame == y.frame && x.x_angstrom == y.x_angstrom && x.y_angstrom == y.y_angstrom && x.intensity == y.intensity &&
             x.klass == y.klass;
      if (k > 0) CHECK(y.frame >= b.columns[k - 1].frame);  // ordered by frame
    }
    CHECK_MESSAGE(same, threads << " threads");
  }
  // Every frame has its own columns (not one frame's copied): the truth is found in each.
  for (int f = 0; f < 7; ++f) CHECK(match_columns(frame_positions(a, f), t.xy, 0.88).recall() > 0.9);
}

TEST_CASE("detection can fail: pure noise gives (almost) nothing, a wrong polarity gives worse scores") {
  Truth empty;
  const auto noise = detect_columns(movie_of({render(empty, 1, 2000.0, 5)}), DetectParams{});
  // A 3σ significance threshold over the few hundred noise maxima of a 128² frame lets a handful
  // through; a lattice in the same frame has 49 columns.
  CHECK(noise.columns.size() <= 6);
  const Truth t = lattice(4);
  DetectParams wrong;
  wrong.polarity = Polarity::bright;
  const auto r = detect_columns(movie_of({render(t, -1, 2000.0, 6)}), wrong);
  const auto m = match_columns(frame_positions(r, 0), t.xy, 0.88);
  CHECK(m.f1() < 0.5);
}

TEST_CASE("polarity auto: a few strong dark columns on a wide weak carbon sheet are dark (issue 6)") {
  // A side view of a small cluster in a nanotube: a graphene-like sheet (the tube's front and back
  // walls, C-C 1.42 A) fills the frame, and 9 strong dark columns (3 x 3, 2.8 A apart) sit in one
  // corner. In the phase-contrast image the sheet's atoms are narrow weak dark spots and its
  // hexagon centres wider bright ones (weaker than the columns: 0.15 against 0.5), which at the
  // columns' scale make stronger LoG peaks and are most of the frame's maxima: the mean of the
  // stronger half of the maxima took bright. Truth: the columns are dark.
  constexpr double kCC = 1.42, kCarbonSigma = 0.35, kCarbonDepth = 0.08, kHoleHeight = 0.15;
  std::vector<std::array<double, 2>> carbon, holes;
  const double a1x = 1.5 * kCC, a1y = 0.5 * std::sqrt(3.0) * kCC;  // graphene: two atoms per cell, cell vectors a1, a2
  for (int m = -40; m < 40; ++m) {
    for (int n = -40; n < 40; ++n) {
      const double x0 = m * a1x + n * a1x, y0 = m * a1y - n * a1y;
      for (const double ox : {0.0, kCC}) {
        const double x = x0 + ox, y = y0;
        if (x > -2 && x < kN * kPixel + 2 && y > -2 && y < kN * kPixel + 2) carbon.push_back({x, y});
      }
      const double hx = x0 + 2 * kCC, hy = y0;  // the hexagon's centre, kCC beyond the second atom
      if (hx > -2 && hx < kN * kPixel + 2 && hy > -2 && hy < kN * kPixel + 2) holes.push_back({hx, hy});
    }
  }
  Truth cols;
  for (int j = 0; j < 3; ++j) {
    for (int i = 0; i < 3; ++i) {
      cols.xy.push_back({4.0 + 2.8 * i, 4.0 + 2.8 * j});
      cols.heavy.push_back(1);
    }
  }
  std::vector<float> img(static_cast<std::size_t>(kN) * kN);
  std::mt19937_64 rng(31);
  for (int j = 0; j < kN; ++j) {
    for (int i = 0; i < kN; ++i) {
      double v = 1.0;
      for (const auto& c : carbon) {
        const double ex = i * kPixel - c[0], ey = j * kPixel - c[1];
        v -= kCarbonDepth * std::exp(-(ex * ex + ey * ey) / (2 * kCarbonSigma * kCarbonSigma));
      }
      for (const auto& c : holes) {
        const double ex = i * kPixel - c[0], ey = j * kPixel - c[1];
        v += kHoleHeight * std::exp(-(ex * ex + ey * ey) / (2 * kSigma * kSigma));
      }
      for (const auto& c : cols.xy) {
        const double ex = i * kPixel - c[0], ey = j * kPixel - c[1];
        v -= 0.5 * std::exp(-(ex * ex + ey * ey) / (2 * kSigma * kSigma));
      }
      std::poisson_distribution<int> counts(v * 2000.0 * kPixel * kPixel);
      img[static_cast<std::size_t>(j) * kN + static_cast<std::size_t>(i)] = static_cast<float>(counts(rng));
    }
  }
  DetectParams p;
  p.min_separation_angstrom = 2.4;
  const auto r = detect_columns(movie_of({img}), p);
  for (const auto& n : r.notes) {
    if (n.rfind("polarity", 0) == 0) MESSAGE(n);
  }
  CHECK(r.polarity_used == Polarity::dark);
  const auto m = match_columns(frame_positions(r, 0), cols.xy, 0.5);
  MESSAGE("strong columns found: " << m.true_positives << " of " << cols.xy.size());
  CHECK(m.true_positives >= 8);
}

TEST_CASE("drift: phase correlation finds a known sub-pixel shift, and correction aligns the columns") {
  const Truth t = lattice(7);
  const double dx = 1.37, dy = -0.86;  // Å
  std::vector<std::vector<float>> frames = {render(t, 1, 0, 0), render(t, 1, 0, 0, dx, dy)};
  const auto d = phase_correlation_shift(frames[0], frames[1], kN, kN);
  CHECK(d[0] * kPixel == doctest::Approx(dx).epsilon(0.05));
  CHECK(d[1] * kPixel == doctest::Approx(dy).epsilon(0.05));
  Movie m = movie_of(frames);
  PreprocessParams pp;
  pp.drift_correction = true;
  const auto pr = preprocess(m, pp);
  CHECK(pr.drift_angstrom[1][0] == doctest::Approx(dx).epsilon(0.05));
  CHECK(pr.drift_angstrom[1][1] == doctest::Approx(dy).epsilon(0.05));
  const auto r = detect_columns(m, DetectParams{});
  const auto m1 = match_columns(frame_positions(r, 1), t.xy, 0.88);  // frame 1 in frame 0's coordinates
  CHECK(m1.recall() > 0.9);
  CHECK(m1.rms_error_angstrom() < 0.05);
}

TEST_CASE("temporal running average lowers the noise by about sqrt(window)") {
  Truth empty;
  std::vector<std::vector<float>> frames;
  for (unsigned f = 0; f < 9; ++f) frames.push_back(render(empty, 1, 2000.0, 100 + f));
  Movie a = movie_of(frames), b = movie_of(frames);
  preprocess(a, PreprocessParams{});
  PreprocessParams avg;
  avg.temporal_window_frames = 9;
  preprocess(b, avg);
  auto sd = [](const std::vector<float>& f) {
    double s = 0, s2 = 0;
    for (float v : f) {
      s += v;
      s2 += double(v) * v;
    }
    const double n = static_cast<double>(f.size());
    return std::sqrt(s2 / n - (s / n) * (s / n));
  };
  CHECK(sd(b.frames[4]) / sd(a.frames[4]) == doctest::Approx(1.0 / 3.0).epsilon(0.05));
}

TEST_CASE("bad parameters and movies without pixel size are InputErrors") {
  Movie m = movie_of({render(Truth{}, 1, 0, 0)});
  DetectParams p;
  p.column_sigma_angstrom = 0;
  CHECK_THROWS_AS(detect_columns(m, p), InputError);
  m.pixel_size_x_angstrom = 0;
  CHECK_THROWS_AS(detect_columns(m, DetectParams{}), InputError);
}

TEST_CASE("tiny pixel sizes are InputErrors before anything is allocated (issue 16 item 4)") {
  // 1e-9 Å used to overflow the double -> int casts (segfault); 1e-4 ... 1e-6 Å asked for kernels of
  // millions of taps (bad_alloc after minutes). Each must now fail at once with one message.
  for (double px : {1e-12, 1e-9, 1e-6, 1e-5, 1e-4, 1e-3}) {
    CAPTURE(px);
    Movie m = movie_of({render(Truth{}, 1, 0, 0)});
    m.pixel_size_x_angstrom = m.pixel_size_y_angstrom = px;
    CHECK_THROWS_WITH_AS(detect_columns(m, DetectParams{}), doctest::Contains("is too small for [detect]"), InputError);
    PreprocessParams pp;
    pp.normalisation = Normalisation::background;
    CHECK_THROWS_WITH_AS(preprocess(m, pp), doctest::Contains("wider than the frame"), InputError);
    pp.normalisation = Normalisation::vacuum;
    pp.vacuum_region_angstrom = {0, 0, 1e6, 1e6};
    Movie v = m;
    CHECK_NOTHROW(preprocess(v, pp));  // the rectangle covers the frame: clamped, not overflowed
  }
  // A sane pixel size still works (the limit is far from real sampling).
  Movie ok = movie_of({render(Truth{}, 1, 0, 0)});
  ok.pixel_size_x_angstrom = ok.pixel_size_y_angstrom = 0.01;
  CHECK_NOTHROW(detect_columns(ok, DetectParams{}));
}

TEST_CASE("default separation resolves columns 1.95 Å apart (SrTiO3 [001] Sr-O / Ti-O spacing, issue 13 item 5)") {
  // A square grid of columns a/2 = 1.95 Å apart, sharp enough to be resolved (σ 0.4 Å); with the old
  // default min_separation_angstrom = 2.0 every other column was suppressed.
  Truth t;
  for (double y = 3.0; y < kN * kPixel - 3.0; y += 1.95) {
    for (double x = 3.0; x < kN * kPixel - 3.0; x += 1.95) {
      t.xy.push_back({x, y});
      t.heavy.push_back(0);
    }
  }
  std::vector<float> img(static_cast<std::size_t>(kN) * kN, 1.0f);
  for (int j = 0; j < kN; ++j) {
    for (int i = 0; i < kN; ++i) {
      double v = 1.0;
      for (const auto& c : t.xy) {
        const double ex = i * kPixel - c[0], ey = j * kPixel - c[1];
        v += 0.5 * std::exp(-(ex * ex + ey * ey) / (2 * 0.4 * 0.4));
      }
      img[static_cast<std::size_t>(j) * kN + static_cast<std::size_t>(i)] = static_cast<float>(v);
    }
  }
  DetectParams p;
  p.column_sigma_angstrom = 0.4;
  p.polarity = Polarity::bright;
  CHECK(p.min_separation_angstrom < 1.95);
  const auto r = detect_columns(movie_of({img}), p);
  const auto m = match_columns(frame_positions(r, 0), t.xy, 0.5);
  CHECK(m.recall() >= 0.95);
  CHECK(m.precision() >= 0.95);
}

namespace {
/// A side view of a nanotube: two wall lines (Gaussian, σ 0.35 Å) at ±R from an axis at `angle_deg`
/// through the frame centre, over its length `length` Å (vacuum beyond), a weak front/back-wall
/// level between them, optional rows of ion columns 2.8 Å apart inside, Poisson noise.
std::vector<float> tube_image(double angle_deg, double radius, double length, bool ions, double dose, unsigned seed) {
  std::vector<float> img(static_cast<std::size_t>(kN) * kN);
  std::mt19937_64 rng(seed);
  const double c = std::cos(angle_deg * M_PI / 180), s = std::sin(angle_deg * M_PI / 180), cx = 0.5 * (kN - 1) * kPixel;
  for (int j = 0; j < kN; ++j) {
    for (int i = 0; i < kN; ++i) {
      const double x = i * kPixel - cx, y = j * kPixel - cx, t = x * c + y * s, a = -x * s + y * c;
      double v = 1.0;
      if (std::abs(t) <= 0.5 * length) {
        for (double w : {-radius, radius}) v += 0.15 * std::exp(-(a - w) * (a - w) / (2 * 0.35 * 0.35));
        if (std::abs(a) < radius) v += 0.02;
        if (ions && std::abs(t) < 0.3 * length) {
          for (double ra = -radius + 3.5; ra <= radius - 3.5; ra += 2.8) {
            for (double rt = -0.3 * length + 1.4; rt < 0.3 * length; rt += 2.8) {
              v += 0.4 * std::exp(-((a - ra) * (a - ra) + (t - rt) * (t - rt)) / (2 * 0.5 * 0.5));
            }
          }
        }
      }
      if (dose > 0) v = std::poisson_distribution<int>(v * dose * kPixel * kPixel)(rng);
      img[static_cast<std::size_t>(j) * kN + static_cast<std::size_t>(i)] = static_cast<float>(v);
    }
  }
  return img;
}
}  // namespace

TEST_CASE("tube finder: axis, radius and ends of a drawn tube; crystals and noise are not tubes") {
  for (double angle : {0.0, 37.0, 90.0, 151.0}) {
    CAPTURE(angle);
    const auto img = tube_image(angle, 8.0, 18.0, true, 2000, 3);
    const Tube t = find_tube(img, kN, kN, kPixel, kPixel);
    REQUIRE(t.found);
    const double d = std::fmod(std::abs(t.axis_angle_deg - angle) + 90.0, 180.0) - 90.0;  // modulo 180°
    CHECK(std::abs(d) < 1.5);  // walls 18 Å long: 1.5° is 0.24 Å at their ends
    CHECK(t.radius_angstrom == doctest::Approx(8.0).epsilon(0.04));
    CHECK(t.half_length_angstrom == doctest::Approx(9.0).epsilon(0.15));
    CHECK(t.across(12.7, 12.7) < 0.5);  // the frame centre is on the axis
  }
  // Rows of ion columns with vacuum around them (a crystal) and a frame-filling lattice are not tubes.
  const Truth crystal = lattice(5, 2.8);
  CHECK_FALSE(find_tube(render(crystal, 1, 2000, 4), kN, kN, kPixel, kPixel).found);
  Truth small;
  for (double y = 8.0; y < 18.0; y += 2.8) {
    for (double x = 8.0; x < 18.0; x += 2.8) {
      small.xy.push_back({x, y});
      small.heavy.push_back(1);
    }
  }
  CHECK_FALSE(find_tube(render(small, 1, 2000, 5), kN, kN, kPixel, kPixel).found);
  CHECK_FALSE(find_tube(render(Truth{}, 1, 400, 6), kN, kN, kPixel, kPixel).found);
}

TEST_CASE("tube = auto keeps columns inside the tube only; a frame without a tube warns once and uses the whole frame") {
  // Columns inside a horizontal tube and the same columns outside it (vacuum), which must go.
  auto img = tube_image(0.0, 6.0, 30.0, true, 0, 0);
  const double cx = 0.5 * (kN - 1) * kPixel;
  for (int j = 0; j < kN; ++j) {
    for (int i = 0; i < kN; ++i) {
      const double x = i * kPixel - cx, y = j * kPixel - cx;
      for (double px : {-6.0, 0.0, 6.0}) {
        const double ex = x - px, ey = y - 10.0;  // a row 10 Å from the axis: outside the walls at ±6 Å
        img[static_cast<std::size_t>(j) * kN + static_cast<std::size_t>(i)] += static_cast<float>(0.4 * std::exp(-(ex * ex + ey * ey) / 0.5));
      }
    }
  }
  DetectParams p;
  p.polarity = Polarity::bright;
  p.min_separation_angstrom = 2.4;
  const auto on = detect_columns(movie_of({img}), p);
  REQUIRE(on.tubes.size() == 1);
  REQUIRE(on.tubes[0].found);
  CHECK(on.warnings.empty());
  for (const auto& c : on.columns) CHECK(std::abs(c.y_angstrom - cx) < 6.0 - 1.5 + 0.3);
  p.tube = TubeMode::off;
  const auto off = detect_columns(movie_of({img}), p);
  std::size_t outside = 0;
  for (const auto& c : off.columns) outside += std::abs(c.y_angstrom - cx - 10.0) < 0.5;
  CHECK(outside >= 3);  // the vacuum row is found when the tube step is off
  // No tube: one warning, every column of the crystal still found.
  p.tube = TubeMode::automatic;
  const Truth crystal = lattice(5, 2.8);
  const auto r = detect_columns(movie_of({render(crystal, 1, 0, 0), render(crystal, 1, 0, 0)}), p);
  CHECK(r.warnings.size() == 1);
  CHECK(r.warnings[0].find("no nanotube found in 2 of 2 frames") != std::string::npos);
  CHECK(match_columns(frame_positions(r, 0), crystal.xy, 0.5).recall() >= 0.97);
}

TEST_CASE("inside a found tube, tube_threshold_sigma and tube_fit_radius_angstrom keep noise peaks out and the columns in") {
  // Twelve noisy frames of a tube whose middle holds rows of columns (2.8 Å apart) and whose ends
  // hold only the flat front/back-wall level: every detection more than 1 Å from a drawn column is
  // a noise peak. The tube keys (defaults 3.5 σ, 1.8 Å) against the whole-frame values (3 σ, 1.2 Å)
  // in the tube as well: far fewer false columns, the same drawn columns found.
  const double radius = 8.0, length = 24.0, cx = 0.5 * (kN - 1) * kPixel;
  std::vector<std::vector<float>> frames;
  for (unsigned s = 0; s < 12; ++s) frames.push_back(tube_image(0.0, radius, length, true, 400, 40 + s));
  std::vector<std::array<double, 2>> drawn;  // the ion columns of tube_image, frame coordinates
  for (double ra = -radius + 3.5; ra <= radius - 3.5; ra += 2.8) {
    for (double rt = -0.3 * length + 1.4; rt < 0.3 * length; rt += 2.8) drawn.push_back({cx + rt, cx + ra});
  }
  auto score = [&](const DetectParams& p, std::size_t& false_cols, double& recall) {
    const auto r = detect_columns(movie_of(frames), p);
    false_cols = 0;
    recall = 0;
    for (int t = 0; t < static_cast<int>(frames.size()); ++t) {
      REQUIRE(r.tubes[static_cast<std::size_t>(t)].found);
      const auto xy = frame_positions(r, t);
      for (const auto& c : xy) {
        double best = 1e9;
        for (const auto& d : drawn) best = std::min(best, std::hypot(c[0] - d[0], c[1] - d[1]));
        false_cols += best > 1.0;
      }
      recall += match_columns(xy, drawn, 1.0).recall() / static_cast<double>(frames.size());
    }
  };
  DetectParams p;
  p.polarity = Polarity::bright;
  p.min_separation_angstrom = 2.4;
  CHECK(p.tube_threshold_sigma == 3.5);
  CHECK(p.tube_fit_radius_angstrom == 1.8);
  std::size_t fp_tube = 0, fp_frame = 0;
  double rec_tube = 0, rec_frame = 0;
  score(p, fp_tube, rec_tube);
  p.tube_threshold_sigma = p.threshold_sigma;
  p.tube_fit_radius_angstrom = p.fit_radius_angstrom;
  score(p, fp_frame, rec_frame);
  CAPTURE(fp_tube);
  CAPTURE(fp_frame);
  CAPTURE(rec_tube);
  CAPTURE(rec_frame);
  CHECK(fp_frame >= 6);              // the whole-frame thresholds let noise peaks through in the tube
  CHECK(fp_tube * 4 <= fp_frame);    // the tube's keep most of them out
  CHECK(rec_tube >= 0.93);
  CHECK(rec_tube >= rec_frame - 0.02);
  CHECK(rec_frame >= 0.93);
  // 0 = the whole-frame value: the same columns as setting it.
  p.tube_threshold_sigma = 0;
  p.tube_fit_radius_angstrom = 0;
  std::size_t fp_zero = 0;
  double rec_zero = 0;
  score(p, fp_zero, rec_zero);
  CHECK(fp_zero == fp_frame);
  CHECK(rec_zero == rec_frame);
}
