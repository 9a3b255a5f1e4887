#include "app/report/player.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>

#include "app/report/html.hpp"
#include "core/elements.hpp"

namespace nanomix::report {

namespace {

std::string num(double v, int digits = 3) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

/// A pixel coordinate (or a species, a class) to a tenth of a pixel: what the marks need.
std::string tenth(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

std::string png_uri(const std::vector<float>& pixels, int nx, int ny, double lo, double hi) {
  std::vector<unsigned char> grey(pixels.size());
  const double scale = hi > lo ? 255.0 / (hi - lo) : 0.0;
  for (std::size_t i = 0; i < pixels.size(); ++i) {
    const double v = std::isfinite(pixels[i]) ? (pixels[i] - lo) * scale : 0.0;
    grey[i] = static_cast<unsigned char>(std::clamp(v, 0.0, 255.0));
  }
  return "data:image/png;base64," + base64(encode_png_grey(grey, nx, ny));
}

/// A vertical grey colour bar, hi at the top, with three labelled ticks.
std::string colour_bar(double lo, double hi, const std::string& unit, int height, const std::string& id) {
  std::ostringstream o;
  const int w = 74, top = 8, bar = height - 16;
  o << "<svg class=\"colourbar\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w << "\" height=\"" << height
    << "\" font-family=\"sans-serif\" font-size=\"10\"><defs><linearGradient id=\"" << id << "\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\"><stop offset=\"0\" stop-color=\"#000\"/>"
    << "<stop offset=\"1\" stop-color=\"#fff\"/></linearGradient></defs>";
  o << "<rect x=\"2\" y=\"" << top << "\" width=\"14\" height=\"" << bar << "\" fill=\"url(#" << id << ")\" stroke=\"#444\"/>";
  for (int k = 0; k <= 2; ++k) {
    const double v = lo + (hi - lo) * k / 2.0;
    const double y = top + bar - bar * k / 2.0;
    o << "<line x1=\"16\" x2=\"20\" y1=\"" << y << "\" y2=\"" << y << "\" stroke=\"#444\"/><text x=\"22\" y=\"" << y + 3 << "\">"
      << num(v) << "</text>";
  }
  o << "<text x=\"22\" y=\"" << top + bar / 2 + 16 << "\" fill=\"#555\">" << escape(unit.empty() ? "I/I₀" : unit) << "</text></svg>";
  return o.str();
}

}  // namespace

std::pair<double, double> grey_range(const std::vector<std::vector<float>>& frames) {
  std::vector<float> all;
  for (const auto& f : frames)
    for (float v : f)
      if (std::isfinite(v)) all.push_back(v);
  if (all.empty()) return {0, 1};
  auto at = [&](double q) {
    const auto k = static_cast<std::size_t>(std::llround(q * static_cast<double>(all.size() - 1)));
    std::nth_element(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end());
    return static_cast<double>(all[k]);
  };
  const double lo = at(0.001), hi = at(0.999);
  return {lo, hi > lo ? hi : lo + 1};
}

namespace {

/// Scale bar: a round length near a fifth of the field of view (length in nm and in pixels;
/// 0 px when the pixel size is unknown).
struct ScaleBar {
  double nm = 0.1, px = 0;
};

ScaleBar scale_bar(int nx, double pixel_size_angstrom) {
  const double fov_nm = nx * pixel_size_angstrom / 10;
  ScaleBar b;
  for (double c : {0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0})
    if (c <= fov_nm / 4) b.nm = c;
  b.px = pixel_size_angstrom > 0 ? b.nm * 10 / pixel_size_angstrom : 0;
  return b;
}

/// One movie's panel: title, first frame, the overlay for marks and scale bar, and a colour bar.
std::string movie_panel(const PlayerMovie& m, std::size_t k, int width, int height, double lo, double hi, const ScaleBar& bar) {
  const int nx = m.nx, ny = m.ny;
  std::ostringstream panels;
  panels << "<div class=\"panel\"><div class=\"ptitle\">" << escape(m.title) << "</div><div class=\"row\"><div class=\"stack\" style=\"width:" << width
         << "px;height:" << height << "px\"><img class=\"frame\" alt=\"" << escape(m.title) << ", frame 0\" width=\"" << width
         << "\" height=\"" << height << "\" src=\"" << png_uri(m.frames[0], nx, ny, lo, hi) << "\"/>"
         << "<svg class=\"overlay\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " << nx << " " << ny << "\" width=\"" << width
         << "\" height=\"" << height << "\" preserveAspectRatio=\"none\"><g class=\"marks\"></g>";
  if (bar.px > 0) {
    const double x0 = nx * 0.05, y0 = ny * 0.93;
    panels << "<rect x=\"" << num(x0, 6) << "\" y=\"" << num(y0, 6) << "\" width=\"" << num(bar.px, 6) << "\" height=\""
           << num(std::max(1.0, ny * 0.012), 6) << "\" fill=\"#ffd400\"/><text x=\"" << num(x0, 6) << "\" y=\""
           << num(y0 - ny * 0.015, 6) << "\" fill=\"#ffd400\" font-family=\"sans-serif\" font-size=\"" << num(std::min(nx, ny) * 0.07, 4) << "\" font-weight=\"bold\">"
           << num(bar.nm) << " nm</text>";
  }
  panels << "</svg></div>" << colour_bar(lo, hi, m.unit, height, "player-grey-" + std::to_string(k)) << "</div></div>";
  return panels.str();
}

/// JSON of every frame's marks: time, MD time, ground-truth atoms and detected columns.
std::string frames_json(const std::vector<PlayerFrame>& frames) {
  std::ostringstream data;
  for (std::size_t t = 0; t < frames.size(); ++t) {
    const auto& f = frames[t];
    data << (t ? "," : "") << "{\"t\":" << num(f.time_s, 6) << ",\"ps\":" << num(f.md_time_ps, 6) << ",\"atoms\":[";
    for (std::size_t i = 0; i < f.atoms.size(); ++i) data << (i ? "," : "") << tenth(f.atoms[i]);
    data << "],\"columns\":[";
    for (std::size_t i = 0; i < f.columns.size(); ++i) data << (i ? "," : "") << tenth(f.columns[i]);
    data << "]}";
  }
  return data.str();
}

/// Style, controls (play, step, slider, overlay switches), the panels and the data.
void player_markup(std::ostream& o, std::size_t nt, const std::string& panels, const std::string& data) {
  o << "<style>.player .panels{display:flex;flex-wrap:wrap;gap:12px}.player .panel{display:flex;flex-direction:column}"
       ".player .row{display:flex;align-items:flex-start;gap:4px}.player .stack{position:relative}"
       ".player .stack img,.player .stack svg{position:absolute;left:0;top:0;image-rendering:pixelated}"
       ".player .ptitle{font-size:13px;margin:2px 0}.player .controls{margin:4px 0}.player .slider{width:260px;vertical-align:middle}"
       "</style>";
  o << "<div class=\"player\">"
    << "<div class=\"controls\"><button type=\"button\" class=\"play\">▶ play</button> "
    << "<button type=\"button\" class=\"prev\" title=\"previous frame\">◀</button>"
    << "<input class=\"slider\" type=\"range\" min=\"0\" max=\"" << (nt ? nt - 1 : 0) << "\" value=\"0\" step=\"1\" aria-label=\"frame\"/>"
    << "<button type=\"button\" class=\"next\" title=\"next frame\">▶|</button> <span class=\"label\">frame 0</span></div>"
    << "<div class=\"controls\"><label><input type=\"checkbox\" class=\"show-atoms\"/> ground-truth ions "
    << "(<span style=\"color:#ff9900\">● Na</span> <span style=\"color:#22dd22\">● Cl</span> "
    << "<span style=\"color:#cc55ff\">● I</span>)</label> <label><input type=\"checkbox\" class=\"show-columns\"/> detected columns "
    << "(<span style=\"color:#ff3030\">○ heavy</span> <span style=\"color:#30c8ff\">○ light</span>)</label></div>"
    << "<div class=\"panels\">" << panels << "</div>"
    << "<script type=\"application/json\" class=\"player-data\">" << data << "</script></div>\n";
}

/// The player's script: shows frame t in every panel and draws the marks chosen.
void player_script(std::ostream& o) {
  o << R"JS(<script>
document.querySelectorAll('div.player').forEach(root => {
  if (root.dataset.bound) return;  // a page may hold several players, each script binds the new ones
  root.dataset.bound = '1';
  const D = JSON.parse(root.querySelector('.player-data').textContent);
  const imgs = root.querySelectorAll('img.frame'), marks = root.querySelectorAll('g.marks');
  const first = Array.from(imgs, img => img.src);  // frame 0 of each movie lives only in its <img>
  const slider = root.querySelector('.slider'), label = root.querySelector('.label');
  const play = root.querySelector('.play'), atoms = root.querySelector('.show-atoms'), cols = root.querySelector('.show-columns');
  const colour = {)JS" << sodium_z << ": '#ff9900', " << chlorine_z << ": '#22dd22', " << iodine_z << R"JS(: '#cc55ff'};
  const NS = 'http://www.w3.org/2000/svg';
  let frame = 0, timer = null;
  function dot(g, x, y, r, fill, stroke) {
    const c = document.createElementNS(NS, 'circle');
    c.setAttribute('cx', x + 0.5); c.setAttribute('cy', y + 0.5); c.setAttribute('r', r);
    c.setAttribute('fill', fill); if (stroke) { c.setAttribute('stroke', stroke); c.setAttribute('stroke-width', r / 3); }
    g.appendChild(c);
  }
  function show(t) {
    frame = (t + D.n) % D.n;
    imgs.forEach((img, k) => { img.src = D.movies[k][frame] || first[k]; img.alt = img.alt.replace(/frame \d+/, 'frame ' + frame); });
    slider.value = frame;
    const f = D.frames[frame];
    label.textContent = 'frame ' + frame + ' of ' + D.n + ', t = ' + f.t.toFixed(2) + ' s' + (f.ps >= 0 ? ' (MD ' + f.ps.toFixed(1) + ' ps)' : '');
    const r = Math.max(imgs[0].naturalWidth || 100, 100) / 120;
    marks.forEach(g => {
      while (g.firstChild) g.removeChild(g.firstChild);
      if (atoms.checked) for (let i = 0; i + 2 < f.atoms.length; i += 3) {
        const c = colour[f.atoms[i + 2]]; if (c) dot(g, f.atoms[i], f.atoms[i + 1], r * 0.6, c, null);
      }
      if (cols.checked) for (let i = 0; i + 2 < f.columns.length; i += 3)
        dot(g, f.columns[i], f.columns[i + 1], r * 1.6, 'none', f.columns[i + 2] > 0.5 ? '#ff3030' : '#30c8ff');
    });
    root.dataset.frame = frame;
  }
  function stop() { if (timer) { clearInterval(timer); timer = null; } play.textContent = '▶ play'; }
  play.addEventListener('click', () => {
    if (timer) return stop();
    timer = setInterval(() => show(frame + 1), 250);
    play.textContent = '❚❚ pause';
  });
  root.querySelector('.prev').addEventListener('click', () => { stop(); show(frame - 1); });
  root.querySelector('.next').addEventListener('click', () => { stop(); show(frame + 1); });
  slider.addEventListener('input', () => { stop(); show(parseInt(slider.value, 10)); });
  atoms.addEventListener('change', () => show(frame));
  cols.addEventListener('change', () => show(frame));
  show(0);
});
</script>
)JS";
}

}  // namespace

std::string movie_player(const PlayerInput& in) {
  if (in.movies.empty()) throw std::invalid_argument("movie_player: no movie");
  const std::size_t nt = in.frames.size();
  for (const auto& m : in.movies) {
    if (m.frames.size() != nt || m.nx != in.movies.front().nx || m.ny != in.movies.front().ny)
      throw std::invalid_argument("movie_player: the movies differ in size or frame count");
  }
  const int nx = in.movies.front().nx, ny = in.movies.front().ny;
  const int width = in.display_width_px, height = static_cast<int>(std::lround(width * static_cast<double>(ny) / nx));
  const ScaleBar bar = scale_bar(nx, in.pixel_size_angstrom);

  std::ostringstream data;  // JSON
  data << "{\"n\":" << nt << ",\"movies\":[";
  std::string panels;
  for (std::size_t k = 0; k < in.movies.size(); ++k) {
    const auto& m = in.movies[k];
    const auto [lo, hi] = grey_range(m.frames);
    data << (k ? "," : "") << "[";
    data << "\"\"";  // frame 0 is the panel's <img> (shown without scripts), not repeated here
    for (std::size_t t = 1; t < nt; ++t) data << ",\"" << png_uri(m.frames[t], nx, ny, lo, hi) << "\"";
    data << "]";
    panels += movie_panel(m, k, width, height, lo, hi, bar);
  }
  data << "],\"frames\":[" << frames_json(in.frames) << "]}";

  std::ostringstream o;
  player_markup(o, nt, panels, data.str());
  player_script(o);
  return o.str();
}

}  // namespace nanomix::report
