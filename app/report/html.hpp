#pragma once
// A self-contained HTML report: inline SVG plots and PNG images as data URIs, no network, no
// scripts. Used by `nanomix run` (report.html).
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace nanomix::report {

/// Escapes &, <, >, " for HTML text and attributes.
std::string escape(const std::string& text);

struct Series {
  std::string label;
  std::vector<double> x;
  std::vector<double> y;
};

struct PlotStyle {
  std::string title;
  std::string x_label;
  std::string y_label;
  int width_px = 520;
  int height_px = 300;
  bool points = false;          ///< markers instead of lines
  bool diagonal = false;        ///< draw y = x (persistence diagrams)
  double y_min = std::numeric_limits<double>::quiet_NaN();  ///< fixed range if finite
  double y_max = std::numeric_limits<double>::quiet_NaN();
  double x_min = std::numeric_limits<double>::quiet_NaN();  ///< fixed range if finite (shared axes)
  double x_max = std::numeric_limits<double>::quiet_NaN();
  /// Vertical marks (x, label), e.g. stages on a timeline; drawn dashed with the label at the top.
  std::vector<std::pair<double, std::string>> marks;
  bool legend_below = false;  ///< the legend under the plot (long labels never cover the data)
};

/// An SVG plot of one or more series with axes, ticks, labels and a legend. Non-finite values are
/// skipped (an infinite death in a diagram is drawn at the top edge).
std::string svg_plot(const std::vector<Series>& series, const PlotStyle& style);

/// A persistence diagram as a density: the (birth, death) points binned on a bins × bins grid over
/// [0, max]², each cell coloured by its count (log scale, a colour bar beside it), the diagonal
/// dashed, points with an infinite death counted in a strip along the top. Points on or near the
/// diagonal are short-lived; far above it, long-lived.
std::string svg_density(const std::vector<double>& birth, const std::vector<double>& death, const PlotStyle& style, int bins = 40);

/// A heat map (a kymograph): values[r * cols + c] as cells, column c spanning an equal share of
/// [x0, x1], row r of [y0, y1] (row 0 at the bottom), coloured on [v_min, v_max] by the densities'
/// sequential map with a colour bar labelled `value_label`; NaN cells light grey.
struct Heatmap {
  std::vector<double> values;
  std::size_t rows = 0, cols = 0;
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1, v_min = 0, v_max = 1;
  std::string value_label;
};
std::string svg_heatmap(const Heatmap& map, const PlotStyle& style);

/// A grayscale image (row-major, width × height, any range: scaled min→black, max→white) with
/// optional coloured markers: an inline grey PNG with the markers as rings on an SVG laid over it.
struct Marker {
  double x_px, y_px;  ///< pixel coordinates (column, row)
  std::uint32_t rgb;  ///< 0xRRGGBB
};
/// `lo`, `hi`: a grey range shared by several images (NaN: this image's min and max).
std::string image_tag(const std::vector<float>& pixels, int width, int height, const std::string& caption,
                      const std::vector<Marker>& markers = {}, int display_width_px = 240,
                      double lo = std::numeric_limits<double>::quiet_NaN(), double hi = std::numeric_limits<double>::quiet_NaN());

/// PNG bytes of an 8-bit RGB image (row-major, 3 bytes per pixel).
std::vector<unsigned char> encode_png_rgb(const std::vector<unsigned char>& rgb, int width, int height);
/// PNG bytes of an 8-bit grey image (one byte per pixel): a third of the raw bytes of the same grey
/// as RGB, half the PNG size or less on the movies. Encoded with and without row filters, the
/// smaller kept (noise compresses better unfiltered).
std::vector<unsigned char> encode_png_grey(const std::vector<unsigned char>& grey, int width, int height);
std::string base64(const std::vector<unsigned char>& bytes);

/// Builds the page section by section.
class Document {
 public:
  explicit Document(std::string title);
  void section(const std::string& id, const std::string& heading);
  void paragraph(const std::string& html);
  void raw(const std::string& html);
  void preformatted(const std::string& text);
  /// A table; cells are plain text (escaped).
  void table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);
  std::string html() const;

 private:
  std::string title_;
  std::string body_;
  std::vector<std::pair<std::string, std::string>> toc_;
  bool open_section_ = false;
};

}  // namespace nanomix::report
