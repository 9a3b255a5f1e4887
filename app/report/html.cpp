#include "app/report/html.hpp"

#include <png.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace nanomix::report {

std::string escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

const char* const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf"};

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string tick_text(double v) {
  char buf[32];
  if (v != 0 && (std::abs(v) >= 1e4 || std::abs(v) < 1e-2)) std::snprintf(buf, sizeof buf, "%.1e", v);
  else std::snprintf(buf, sizeof buf, "%g", std::round(v * 1000) / 1000);
  return buf;
}

/// "Nice" tick positions covering [lo, hi].
std::vector<double> ticks(double lo, double hi) {
  const double span = hi - lo;
  const double raw = span / 5;
  const double mag = std::pow(10, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    step = m * mag;
    if (span / step <= 6) break;
  }
  std::vector<double> out;
  for (double t = std::ceil(lo / step) * step; t <= hi + 1e-9 * span; t += step) out.push_back(std::abs(t) < 1e-12 * span ? 0 : t);
  return out;
}

}  // namespace

namespace {

/// The plot's data ranges and the pixel box they map to.
struct PlotBox {
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  int legend_h = 0, w = 0, h = 0;
  double left = 62, right = 12, top = 26, bottom = 42;
  double px(double x) const { return left + (x - x0) / (x1 - x0) * (w - left - right); }
  double py(double y) const { return h - bottom - (y - y0) / (y1 - y0) * (h - top - bottom); }
};

/// Ranges: the finite data, squared for a diagonal, overridden by the style's limits, never
/// empty, y padded by 4 %; the pixel box grows by the legend when it goes below.
PlotBox plot_box(const std::vector<Series>& series, const PlotStyle& style) {
  PlotBox b;
  double &x0 = b.x0, &x1 = b.x1, &y0 = b.y0, &y1 = b.y1;
  for (const auto& s : series)
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (std::isfinite(s.x[i])) x0 = std::min(x0, s.x[i]), x1 = std::max(x1, s.x[i]);
      if (std::isfinite(s.y[i])) y0 = std::min(y0, s.y[i]), y1 = std::max(y1, s.y[i]);
    }
  if (style.diagonal) {
    x0 = y0 = std::min(x0, y0);
    x1 = y1 = std::max(x1, y1);
  }
  if (std::isfinite(style.x_min)) x0 = style.x_min;
  if (std::isfinite(style.x_max)) x1 = style.x_max;
  if (std::isfinite(style.y_min)) y0 = style.y_min;
  if (std::isfinite(style.y_max)) y1 = style.y_max;
  if (!(x1 > x0)) x0 -= 0.5, x1 += 0.5;
  if (!(y1 > y0)) y0 -= 0.5, y1 += 0.5;
  if (!std::isfinite(x0)) x0 = 0, x1 = 1;
  if (!std::isfinite(y0)) y0 = 0, y1 = 1;
  const double pad = 0.04 * (y1 - y0);
  y0 -= pad;
  y1 += pad;

  std::size_t labelled = 0;
  for (const auto& s : series) labelled += s.label.empty() ? 0 : 1;
  b.legend_h = style.legend_below ? 14 * static_cast<int>(labelled) + 4 : 0;
  b.w = style.width_px;
  b.h = style.height_px + b.legend_h;
  b.bottom = 42 + b.legend_h;
  return b;
}

/// Background, title, grid with tick labels, frame and axis labels, the diagonal if asked.
void plot_axes(std::ostream& o, const PlotBox& b, const PlotStyle& style) {
  const int w = b.w, h = b.h, legend_h = b.legend_h;
  const double left = b.left, right = b.right, top = b.top, bottom = b.bottom;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w << "\" height=\"" << h << "\" viewBox=\"0 0 " << w
    << " " << h << "\" font-family=\"sans-serif\" font-size=\"11\">";
  o << "<rect x=\"0\" y=\"0\" width=\"" << w << "\" height=\"" << h << "\" fill=\"white\"/>";
  o << "<text x=\"" << w / 2 << "\" y=\"16\" text-anchor=\"middle\" font-size=\"13\">" << escape(style.title) << "</text>";
  for (double t : ticks(b.x0, b.x1)) {
    o << "<line x1=\"" << num(b.px(t)) << "\" y1=\"" << num(b.py(b.y0)) << "\" x2=\"" << num(b.px(t)) << "\" y2=\"" << num(b.py(b.y1))
      << "\" stroke=\"#eee\"/>";
    o << "<text x=\"" << num(b.px(t)) << "\" y=\"" << h - bottom + 14 << "\" text-anchor=\"middle\">" << tick_text(t) << "</text>";
  }
  for (double t : ticks(b.y0, b.y1)) {
    o << "<line x1=\"" << num(b.px(b.x0)) << "\" y1=\"" << num(b.py(t)) << "\" x2=\"" << num(b.px(b.x1)) << "\" y2=\"" << num(b.py(t))
      << "\" stroke=\"#eee\"/>";
    o << "<text x=\"" << left - 4 << "\" y=\"" << num(b.py(t) + 4) << "\" text-anchor=\"end\">" << tick_text(t) << "</text>";
  }
  o << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << w - left - right << "\" height=\"" << h - top - bottom
    << "\" fill=\"none\" stroke=\"#444\"/>";
  o << "<text x=\"" << (left + w - right) / 2 << "\" y=\"" << h - 8 - legend_h << "\" text-anchor=\"middle\">" << escape(style.x_label)
    << "</text>";
  o << "<text transform=\"translate(14," << (top + h - bottom) / 2 << ") rotate(-90)\" text-anchor=\"middle\">"
    << escape(style.y_label) << "</text>";
  if (style.diagonal) {
    o << "<line x1=\"" << num(b.px(b.x0)) << "\" y1=\"" << num(b.py(b.x0)) << "\" x2=\"" << num(b.px(b.x1)) << "\" y2=\"" << num(b.py(b.x1))
      << "\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>";
  }
}

/// Labelled vertical dashed lines at the style's marks inside the x range.
void plot_marks(std::ostream& o, const PlotBox& b, const PlotStyle& style) {
  for (const auto& [x, label] : style.marks) {
    if (!(x >= b.x0 && x <= b.x1)) continue;
    o << "<line x1=\"" << num(b.px(x)) << "\" y1=\"" << num(b.py(b.y0)) << "\" x2=\"" << num(b.px(x)) << "\" y2=\"" << num(b.py(b.y1))
      << "\" stroke=\"#999\" stroke-dasharray=\"3 3\"/><text x=\"" << num(b.px(x) + 2) << "\" y=\"" << b.top + 10
      << "\" font-size=\"9\" fill=\"#666\">" << escape(label) << "</text>";
  }
}

/// Each series as points or a line (y clamped to the range, +-inf at the top), with its legend entry.
void plot_series(std::ostream& o, const PlotBox& b, const std::vector<Series>& series, const PlotStyle& style) {
  std::size_t legend_row = 0;
  for (std::size_t k = 0; k < series.size(); ++k) {
    const auto& s = series[k];
    const std::string colour = palette[k % (sizeof palette / sizeof *palette)];
    std::string path;
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.x[i]) || std::isnan(s.y[i])) continue;
      const double y = std::isinf(s.y[i]) ? b.y1 : std::clamp(s.y[i], b.y0, b.y1);
      if (style.points) {
        o << "<circle cx=\"" << num(b.px(s.x[i])) << "\" cy=\"" << num(b.py(y)) << "\" r=\"2.2\" fill=\"" << colour
          << "\" fill-opacity=\"0.7\"/>";
      } else {
        path += (path.empty() ? "M" : " L") + num(b.px(s.x[i])) + " " + num(b.py(y));
      }
    }
    if (!path.empty()) o << "<path d=\"" << path << "\" fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"1.6\"/>";
    if (!s.label.empty()) {
      const double ly = style.legend_below ? b.h - b.legend_h + 10 + 14 * static_cast<double>(legend_row) : b.top + 12 + 14 * static_cast<double>(legend_row);
      const double lx = style.legend_below ? b.left : b.w - b.right - 120;
      ++legend_row;
      o << "<rect x=\"" << lx << "\" y=\"" << num(ly - 8) << "\" width=\"10\" height=\"10\" fill=\"" << colour
        << "\"/><text x=\"" << lx + 14 << "\" y=\"" << num(ly + 1) << "\">" << escape(s.label) << "</text>";
    }
  }
}

}  // namespace

std::string svg_plot(const std::vector<Series>& series, const PlotStyle& style) {
  const PlotBox b = plot_box(series, style);
  std::ostringstream o;
  plot_axes(o, b, style);
  plot_marks(o, b, style);
  plot_series(o, b, series, style);
  o << "</svg>";
  return o.str();
}

namespace {
/// A perceptual-ish sequential colour map (dark blue → green → yellow), f in [0, 1].
std::string map_colour(double f) {
  static const double stops[5][3] = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
  f = std::clamp(f, 0.0, 1.0) * 4;
  const int k = std::min(3, static_cast<int>(f));
  const double u = f - k;
  char buf[16];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", static_cast<int>(stops[k][0] + u * (stops[k + 1][0] - stops[k][0])),
                static_cast<int>(stops[k][1] + u * (stops[k + 1][1] - stops[k][1])),
                static_cast<int>(stops[k][2] + u * (stops[k + 1][2] - stops[k][2])));
  return buf;
}
}  // namespace

std::string svg_density(const std::vector<double>& birth, const std::vector<double>& death, const PlotStyle& style, int bins) {
  double lo = 0, hi = 0;  // weighted alpha values can be negative (radius² − weight)
  for (std::size_t i = 0; i < birth.size() && i < death.size(); ++i) {
    if (std::isfinite(birth[i])) hi = std::max(hi, birth[i]), lo = std::min(lo, birth[i]);
    if (std::isfinite(death[i])) hi = std::max(hi, death[i]), lo = std::min(lo, death[i]);
  }
  if (!(hi > lo)) hi = lo + 1;
  hi += 0.02 * (hi - lo);
  const double span = hi - lo;
  std::vector<int> count(static_cast<std::size_t>(bins * bins), 0);
  std::vector<int> infinite(static_cast<std::size_t>(bins), 0);
  int most = 0;
  for (std::size_t i = 0; i < birth.size() && i < death.size(); ++i) {
    if (!std::isfinite(birth[i]) || std::isnan(death[i])) continue;
    const int bx = std::clamp(static_cast<int>((birth[i] - lo) / span * bins), 0, bins - 1);
    if (std::isinf(death[i])) {
      most = std::max(most, ++infinite[static_cast<std::size_t>(bx)]);
      continue;
    }
    const int by = std::clamp(static_cast<int>((death[i] - lo) / span * bins), 0, bins - 1);
    most = std::max(most, ++count[static_cast<std::size_t>(by * bins + bx)]);
  }
  const int w = style.width_px, h = style.height_px;
  const double left = 62, right = 78, top = 34, bottom = 42;
  const double side = std::min(w - left - right, h - top - bottom), cell = side / bins;
  auto px = [&](double x) { return left + (x - lo) / span * side; };
  auto py = [&](double y) { return top + side - (y - lo) / span * side; };
  const double lmax = std::log1p(std::max(1, most));
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w << "\" height=\"" << h << "\" viewBox=\"0 0 " << w << " " << h
    << "\" font-family=\"sans-serif\" font-size=\"11\"><rect width=\"" << w << "\" height=\"" << h << "\" fill=\"white\"/>";
  o << "<text x=\"" << w / 2 << "\" y=\"16\" text-anchor=\"middle\" font-size=\"13\">" << escape(style.title) << "</text>";
  o << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << num(side) << "\" height=\"" << num(side) << "\" fill=\"#f4f4f4\"/>";
  for (int by = 0; by < bins; ++by)
    for (int bx = 0; bx < bins; ++bx) {
      const int c = count[static_cast<std::size_t>(by * bins + bx)];
      if (c == 0) continue;
      o << "<rect x=\"" << num(left + bx * cell) << "\" y=\"" << num(top + side - (by + 1) * cell) << "\" width=\"" << num(cell + 0.3)
        << "\" height=\"" << num(cell + 0.3) << "\" fill=\"" << map_colour(std::log1p(c) / lmax) << "\"/>";
    }
  for (int bx = 0; bx < bins; ++bx) {  // infinite deaths: a strip above the square
    const int c = infinite[static_cast<std::size_t>(bx)];
    if (c == 0) continue;
    o << "<rect x=\"" << num(left + bx * cell) << "\" y=\"" << num(top - 8) << "\" width=\"" << num(cell + 0.3)
      << "\" height=\"6\" fill=\"" << map_colour(std::log1p(c) / lmax) << "\"/>";
  }
  o << "<text x=\"" << left + side << "\" y=\"" << top - 10 << "\" text-anchor=\"end\" font-size=\"9\" fill=\"#666\">death = ∞</text>";
  o << "<line x1=\"" << num(px(lo)) << "\" y1=\"" << num(py(lo)) << "\" x2=\"" << num(px(hi)) << "\" y2=\"" << num(py(hi))
    << "\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>";
  o << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << num(side) << "\" height=\"" << num(side) << "\" fill=\"none\" stroke=\"#444\"/>";
  for (double t : ticks(lo, hi)) {
    o << "<text x=\"" << num(px(t)) << "\" y=\"" << num(top + side + 14) << "\" text-anchor=\"middle\">" << tick_text(t) << "</text>";
    o << "<text x=\"" << left - 4 << "\" y=\"" << num(py(t) + 4) << "\" text-anchor=\"end\">" << tick_text(t) << "</text>";
  }
  o << "<text x=\"" << num(left + side / 2) << "\" y=\"" << num(top + side + 32) << "\" text-anchor=\"middle\">" << escape(style.x_label) << "</text>";
  o << "<text transform=\"translate(14," << num(top + side / 2) << ") rotate(-90)\" text-anchor=\"middle\">" << escape(style.y_label) << "</text>";
  // Colour bar: counts per cell, log scale.
  const double cx = left + side + 14, steps = 24;
  for (int k = 0; k < steps; ++k) {
    o << "<rect x=\"" << num(cx) << "\" y=\"" << num(top + side - (k + 1) * side / steps) << "\" width=\"12\" height=\"" << num(side / steps + 0.3)
      << "\" fill=\"" << map_colour((k + 0.5) / steps) << "\"/>";
  }
  o << "<text x=\"" << num(cx + 15) << "\" y=\"" << num(top + side) << "\">1</text><text x=\"" << num(cx + 15) << "\" y=\"" << num(top + 9)
    << "\">" << std::max(1, most) << "</text><text transform=\"translate(" << num(cx + 30) << "," << num(top + side / 2)
    << ") rotate(90)\" text-anchor=\"middle\" font-size=\"10\">points per cell (log)</text>";
  o << "</svg>";
  return o.str();
}

std::string svg_heatmap(const Heatmap& map, const PlotStyle& style) {
  PlotBox b;
  b.x0 = map.x0, b.x1 = map.x1 > map.x0 ? map.x1 : map.x0 + 1;
  b.y0 = map.y0, b.y1 = map.y1 > map.y0 ? map.y1 : map.y0 + 1;
  b.w = style.width_px, b.h = style.height_px, b.right = 84;
  std::ostringstream o;
  plot_axes(o, b, style);
  const double cw = (b.px(b.x1) - b.px(b.x0)) / static_cast<double>(std::max<std::size_t>(1, map.cols));
  const double ch = (b.py(b.y0) - b.py(b.y1)) / static_cast<double>(std::max<std::size_t>(1, map.rows));
  const double span = map.v_max > map.v_min ? map.v_max - map.v_min : 1;
  for (std::size_t r = 0; r < map.rows; ++r)
    for (std::size_t c = 0; c < map.cols && r * map.cols + c < map.values.size(); ++c) {
      const double v = map.values[r * map.cols + c];
      o << "<rect x=\"" << num(b.px(b.x0) + static_cast<double>(c) * cw) << "\" y=\"" << num(b.py(b.y0) - static_cast<double>(r + 1) * ch)
        << "\" width=\"" << num(cw + 0.3) << "\" height=\"" << num(ch + 0.3) << "\" fill=\""
        << (std::isnan(v) ? std::string("#dddddd") : map_colour((v - map.v_min) / span)) << "\"/>";
    }
  o << "<rect x=\"" << b.left << "\" y=\"" << b.top << "\" width=\"" << b.w - b.left - b.right << "\" height=\"" << b.h - b.top - b.bottom
    << "\" fill=\"none\" stroke=\"#444\"/>";
  // Colour bar, v_min at the bottom, with three labelled ticks.
  const double cx = b.w - b.right + 10, top = b.top, side = b.h - b.top - b.bottom, steps = 24;
  for (int k = 0; k < steps; ++k)
    o << "<rect x=\"" << num(cx) << "\" y=\"" << num(top + side - (k + 1) * side / steps) << "\" width=\"12\" height=\""
      << num(side / steps + 0.3) << "\" fill=\"" << map_colour((k + 0.5) / steps) << "\"/>";
  for (int k = 0; k <= 2; ++k)
    o << "<text x=\"" << num(cx + 15) << "\" y=\"" << num(top + side - side * k / 2.0 + 4) << "\">" << tick_text(map.v_min + span * k / 2.0)
      << "</text>";
  o << "<text transform=\"translate(" << num(cx + 44) << "," << num(top + side / 2) << ") rotate(90)\" text-anchor=\"middle\" font-size=\"10\">"
    << escape(map.value_label) << "</text></svg>";
  return o.str();
}

namespace {
/// PNG bytes of 8-bit pixels with `channels` bytes each (1: grey, 3: RGB); `unfiltered`: every row
/// with PNG filter "none" (smaller for noise), else libpng's adaptive choice per row.
std::vector<unsigned char> encode_png(const std::vector<unsigned char>& rgb, int width, int height, int channels, bool unfiltered) {
  if (width <= 0 || height <= 0 ||
      rgb.size() != static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * static_cast<std::size_t>(channels)) {
    throw std::invalid_argument("encode_png: size mismatch");
  }
  std::vector<unsigned char> out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    throw std::runtime_error("PNG encoding failed");
  }
  png_set_write_fn(
      png, &out,
      [](png_structp p, png_bytep data, png_size_t n) {
        auto* v = static_cast<std::vector<unsigned char>*>(png_get_io_ptr(p));
        v->insert(v->end(), data, data + n);
      },
      nullptr);
  png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 8,
               channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (unfiltered) png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
  png_write_info(png, info);
  for (int r = 0; r < height; ++r) {
    png_write_row(png, const_cast<png_bytep>(rgb.data() + static_cast<std::size_t>(r) * static_cast<std::size_t>(width) *
                                                            static_cast<std::size_t>(channels)));
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}
}  // namespace

std::vector<unsigned char> encode_png_rgb(const std::vector<unsigned char>& rgb, int width, int height) {
  return encode_png(rgb, width, height, 3, false);
}

std::vector<unsigned char> encode_png_grey(const std::vector<unsigned char>& grey, int width, int height) {
  // Smooth images compress best with libpng's filters, noisy ones (the camera's counts) without.
  auto filtered = encode_png(grey, width, height, 1, false), plain = encode_png(grey, width, height, 1, true);
  return plain.size() < filtered.size() ? plain : filtered;
}

std::string base64(const std::vector<unsigned char>& bytes) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const unsigned v = (bytes[i] << 16) | ((i + 1 < bytes.size() ? bytes[i + 1] : 0) << 8) | (i + 2 < bytes.size() ? bytes[i + 2] : 0);
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? table[(v >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? table[v & 63] : '=';
  }
  return out;
}

std::string image_tag(const std::vector<float>& pixels, int width, int height, const std::string& caption,
                      const std::vector<Marker>& markers, int display_width_px, double range_lo, double range_hi) {
  if (pixels.size() != static_cast<std::size_t>(width) * static_cast<std::size_t>(height)) {
    throw std::invalid_argument("image_tag: size mismatch");
  }
  float lo = INFINITY, hi = -INFINITY;
  for (float v : pixels)
    if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  if (std::isfinite(range_lo) && std::isfinite(range_hi) && range_hi > range_lo) {
    lo = static_cast<float>(range_lo);
    hi = static_cast<float>(range_hi);
  }
  const float scale = hi > lo ? 255.0f / (hi - lo) : 0.0f;
  std::vector<unsigned char> grey(pixels.size());
  for (std::size_t i = 0; i < pixels.size(); ++i) {
    const float v = std::isfinite(pixels[i]) ? (pixels[i] - lo) * scale : 0.0f;
    grey[i] = static_cast<unsigned char>(std::clamp(v, 0.0f, 255.0f));
  }
  // The image as a grey PNG, the markers as rings on an SVG laid over it (pixel units).
  const int display_height = static_cast<int>(std::lround(display_width_px * static_cast<double>(height) / width));
  std::ostringstream o;
  o << "<figure><div style=\"position:relative;width:" << display_width_px << "px;height:" << display_height << "px\"><img alt=\""
    << escape(caption) << "\" width=\"" << display_width_px << "\" height=\"" << display_height
    << "\" style=\"position:absolute;left:0;top:0\" src=\"data:image/png;base64," << base64(encode_png_grey(grey, width, height)) << "\"/>";
  if (!markers.empty()) {
    o << "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " << width << " " << height << "\" width=\"" << display_width_px
      << "\" height=\"" << display_height << "\" preserveAspectRatio=\"none\" style=\"position:absolute;left:0;top:0\">";
    const double r = std::max(3.0, width / 45.0);
    for (const Marker& m : markers) {
      char colour[8];
      std::snprintf(colour, sizeof colour, "#%06x", static_cast<unsigned>(m.rgb & 0xffffffu));
      o << "<circle cx=\"" << num(m.x_px + 0.5) << "\" cy=\"" << num(m.y_px + 0.5) << "\" r=\"" << num(r) << "\" fill=\"none\" stroke=\""
        << colour << "\" stroke-width=\"" << num(r / 4) << "\"/>";
    }
    o << "</svg>";
  }
  o << "</div><figcaption>" << escape(caption) << "</figcaption></figure>";
  return o.str();
}

Document::Document(std::string title) : title_(std::move(title)) {}

void Document::section(const std::string& id, const std::string& heading) {
  if (open_section_) body_ += "</section>\n";
  body_ += "<section id=\"" + escape(id) + "\"><h2>" + escape(heading) + "</h2>\n";
  toc_.emplace_back(id, heading);
  open_section_ = true;
}

void Document::paragraph(const std::string& html) { body_ += "<p>" + html + "</p>\n"; }
void Document::raw(const std::string& html) { body_ += html + "\n"; }
void Document::preformatted(const std::string& text) { body_ += "<pre>" + escape(text) + "</pre>\n"; }

void Document::table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::string t = "<table><thead><tr>";
  for (const auto& h : header) t += "<th>" + escape(h) + "</th>";
  t += "</tr></thead><tbody>";
  for (const auto& row : rows) {
    t += "<tr>";
    for (const auto& c : row) t += "<td>" + escape(c) + "</td>";
    t += "</tr>";
  }
  body_ += t + "</tbody></table>\n";
}

std::string Document::html() const {
  std::string toc;
  for (const auto& [id, heading] : toc_) toc += "<li><a href=\"#" + escape(id) + "\">" + escape(heading) + "</a></li>";
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title_) +
         "</title><style>body{font-family:sans-serif;max-width:1100px;margin:1em auto;padding:0 1em;color:#222}"
         "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}"
         "th{background:#f3f3f3}pre{background:#f7f7f7;padding:.5em;overflow-x:auto;font-size:12px;max-height:24em}"
         "figure{display:inline-block;margin:4px}figcaption{font-size:11px;text-align:center}svg{margin:4px}"
         "section{margin-bottom:2em}</style></head><body>\n<h1>" +
         escape(title_) + "</h1><nav><ol>" + toc + "</ol></nav>\n" + body_ + (open_section_ ? "</section>\n" : "") +
         "</body></html>\n";
}

}  // namespace nanomix::report
