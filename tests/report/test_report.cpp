#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "app/report/composition.hpp"
#include "app/report/experiment.hpp"
#include "app/report/html.hpp"
#include "app/report/player.hpp"
#include "core/progress.hpp"
#include <stdexcept>

using namespace nanomix::report;

TEST_CASE("base64 against the RFC 4648 test vectors") {
  auto b = [](const std::string& s) { return base64(std::vector<unsigned char>(s.begin(), s.end())); };
  CHECK(b("") == "");
  CHECK(b("f") == "Zg==");
  CHECK(b("fo") == "Zm8=");
  CHECK(b("foo") == "Zm9v");
  CHECK(b("foob") == "Zm9vYg==");
  CHECK(b("fooba") == "Zm9vYmE=");
  CHECK(b("foobar") == "Zm9vYmFy");
}

TEST_CASE("PNG bytes start with the PNG signature and an IHDR of the right size") {
  const auto png = encode_png_rgb(std::vector<unsigned char>(3 * 5 * 4, 128), 5, 4);
  REQUIRE(png.size() > 33);
  const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  for (int i = 0; i < 8; ++i) CHECK(png[static_cast<std::size_t>(i)] == signature[i]);
  CHECK(std::string(png.begin() + 12, png.begin() + 16) == "IHDR");
  CHECK(png[19] == 5);  // width, big-endian
  CHECK(png[23] == 4);  // height
  CHECK(png[24] == 8);  // bit depth
  CHECK(png[25] == 2);  // colour type: RGB
  const auto grey = encode_png_grey(std::vector<unsigned char>(5 * 4, 128), 5, 4);
  REQUIRE(grey.size() > 33);
  CHECK(grey[25] == 0);  // colour type: grey
  CHECK_THROWS_AS(encode_png_grey(std::vector<unsigned char>(5 * 4 * 3, 128), 5, 4), std::invalid_argument);
}

TEST_CASE("escaping and plots") {
  CHECK(escape("a<b & \"c\">") == "a&lt;b &amp; &quot;c&quot;&gt;");
  PlotStyle style;
  style.title = "title <1>";
  style.x_label = "t (ps)";
  const std::string svg = svg_plot({Series{"T", {0, 1, 2}, {300, 310, INFINITY}}}, style);
  CHECK(svg.rfind("<svg", 0) == 0);
  CHECK(svg.find("title &lt;1&gt;") != std::string::npos);
  CHECK(svg.find("<path d=\"M") != std::string::npos);
  Document d("r");
  d.section("md", "Molecular dynamics");
  d.table({"a"}, {{"<x>"}});
  const std::string html = d.html();
  CHECK(html.find("href=\"#md\"") != std::string::npos);
  CHECK(html.find("&lt;x&gt;") != std::string::npos);
}

TEST_CASE("the player's grey scale is one range for all frames, from the pixels' 0.1 and 99.9 percentiles") {
  // Two frames: 0..999 and 1000..1999 (2000 values) → the 0.1 % and 99.9 % order statistics are
  // values 2 and 1997 (rank round(q·1999)); one frame alone would give another range.
  std::vector<std::vector<float>> frames(2);
  for (int i = 0; i < 1000; ++i) frames[0].push_back(static_cast<float>(i)), frames[1].push_back(static_cast<float>(1000 + i));
  const auto [lo, hi] = nanomix::report::grey_range(frames);
  CHECK(lo == doctest::Approx(2));
  CHECK(hi == doctest::Approx(1997));
  const auto one = nanomix::report::grey_range({frames[0]});
  CHECK(one.second < 1000);
}

TEST_CASE("the player holds every frame of every movie, the controls, and refuses mismatched movies") {
  using namespace nanomix::report;
  PlayerInput in;
  in.pixel_size_angstrom = 0.5;
  for (const char* title : {"a", "b"}) {
    PlayerMovie m;
    m.title = title;
    m.nx = 8;
    m.ny = 4;
    for (int t = 0; t < 3; ++t) m.frames.push_back(std::vector<float>(32, static_cast<float>(t)));
    in.movies.push_back(m);
  }
  in.frames.resize(3);
  in.frames[1].atoms = {1, 2, 53};
  const std::string html = movie_player(in);
  std::size_t uris = 0;
  for (std::size_t at = html.find("data:image/png;base64,"); at != std::string::npos; at = html.find("data:image/png;base64,", at + 1)) ++uris;
  CHECK(uris == 2 * 3);  // every frame once: the first in each panel's <img>, the others in the data
  CHECK(html.find("class=\"slider\"") != std::string::npos);
  CHECK(html.find("show-atoms") != std::string::npos);
  CHECK(html.find("show-columns") != std::string::npos);
  CHECK(html.find(" nm</text>") != std::string::npos);  // the scale bar
  in.movies[1].frames.pop_back();
  CHECK_THROWS_AS(movie_player(in), std::invalid_argument);
}

TEST_CASE("a density diagram counts every finite point once and the infinite ones in the top strip") {
  using namespace nanomix::report;
  PlotStyle style;
  const std::string svg = svg_density({0, 0, 0, 1, 1}, {1, 1, 1, 2, INFINITY}, style, 4);
  CHECK(svg.find("death = ∞") != std::string::npos);
  CHECK(svg.find(">3</text>") != std::string::npos);  // the colour bar's top: the fullest cell holds 3 points (axis ticks end at 2)
}

TEST_CASE("durations are printed rounded, for people") {
  CHECK(nanomix::format_duration(71.305129) == "1 min 11 s");
  CHECK(nanomix::format_duration(12.4) == "12 s");
  CHECK(nanomix::format_duration(0.43) == "0.4 s");
  CHECK(nanomix::format_duration(3725) == "1 h 02 min");
}

TEST_CASE("iodide fraction along and across the tube, on a hand-built frame") {
  // Axis along z through (5, 5). Anions (x, y, z, species) with their distance r from the axis:
  // Cl (5,5,1) r 0; Cl (8,5,2) r 3; Cl (5,9.5,3) r 4.5; I (6,5,4) r 1; I (5,2.5,11) r 2.5;
  // I (8,9,12) r 5; I (5,10.5,13) r 5.5; Cl (12,5,14) r 7; Cl (5,5,35) r 0; plus a Na and a C.
  // Along z over [0, 30) in 3 bins: {Cl Cl Cl I} → 1/4, {I I I Cl} → 3/4, none → NaN (z 35 left out).
  // Across over [0, 6) in 3 bins: r < 2 {Cl I Cl} → 1/3, 2 ≤ r < 4 {Cl I} → 1/2, 4 ≤ r < 6 {Cl I I} → 2/3 (r 7 left out).
  const double rows[][4] = {{5, 5, 1, 17},    {8, 5, 2, 17},  {5, 9.5, 3, 17}, {6, 5, 4, 53}, {5, 2.5, 11, 53}, {8, 9, 12, 53},
                            {5, 10.5, 13, 53}, {12, 5, 14, 17}, {5, 5, 35, 17},  {5, 5, 5, 11}, {5, 5, 6, 6}};
  nanomix::Frame f;
  f.positions_angstrom.resize(11, 3);
  for (int i = 0; i < 11; ++i) {
    f.positions_angstrom.row(i) << rows[i][0], rows[i][1], rows[i][2];
    f.atomic_numbers.push_back(static_cast<int>(rows[i][3]));
  }
  nanomix::sim::TubeAxis axis;
  axis.point_angstrom = Eigen::Vector3d(5, 5, 0);
  axis.axis = 2;
  const auto along = axial_iodide_profile(f, axis, 0, 30, 3);
  REQUIRE(along.fraction.size() == 3);
  CHECK(along.fraction[0] == doctest::Approx(0.25));
  CHECK(along.fraction[1] == doctest::Approx(0.75));
  CHECK(std::isnan(along.fraction[2]));
  CHECK(along.anions == std::vector<int>{4, 4, 0});
  const auto across = radial_iodide_profile(f, axis, 6, 3);
  REQUIRE(across.fraction.size() == 3);
  CHECK(across.fraction[0] == doctest::Approx(1.0 / 3));
  CHECK(across.fraction[1] == doctest::Approx(0.5));
  CHECK(across.fraction[2] == doctest::Approx(2.0 / 3));
  CHECK(across.anions == std::vector<int>{3, 2, 3});
}

TEST_CASE("an experimental movie reduced for the page: block means of every s-th frame, whole blocks only") {
  // 5 frames of 5 x 3 pixels, value = 100 t + 10 j + i; at most 2 px a side and 3 frames:
  // b = 3 (the smallest making both sides <= 2), leaving one whole 3 x 3 block; s = 2.
  std::vector<std::vector<float>> frames(5, std::vector<float>(15));
  for (int t = 0; t < 5; ++t)
    for (int j = 0; j < 3; ++j)
      for (int i = 0; i < 5; ++i) frames[t][j * 5 + i] = static_cast<float>(100 * t + 10 * j + i);
  int nx = 5, ny = 3, bin = 0;
  const auto kept = reduce_for_display(frames, nx, ny, bin, 2, 3);
  CHECK(kept == std::vector<std::size_t>{0, 2, 4});
  CHECK(bin == 3);
  CHECK(nx == 1);
  CHECK(ny == 1);
  // the mean of i = 0..2, j = 0..2: 100 t + 10 + 1
  CHECK(frames.size() == 3);
  CHECK(frames[1][0] == doctest::Approx(211));
  // 2 x 2 blocks of a 5 x 3 frame: 2 x 1 blocks, the last column and row left out
  std::vector<std::vector<float>> one(1, std::vector<float>(15));
  for (int j = 0; j < 3; ++j)
    for (int i = 0; i < 5; ++i) one[0][j * 5 + i] = static_cast<float>(10 * j + i);
  nx = 5, ny = 3;
  reduce_for_display(one, nx, ny, bin, 3, 40);
  CHECK(bin == 2);
  CHECK(nx == 2);
  CHECK(ny == 1);
  CHECK(one[0][0] == doctest::Approx(5.5));  // (0 + 1 + 10 + 11) / 4
  CHECK(one[0][1] == doctest::Approx(7.5));  // (2 + 3 + 12 + 13) / 4
}
