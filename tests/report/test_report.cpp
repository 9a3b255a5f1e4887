#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "app/report/html.hpp"

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
