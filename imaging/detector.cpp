#include "imaging/detector.hpp"

#include <cmath>
#include <fstream>
#include <sstream>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/memory.hpp"
#include "core/random.hpp"

namespace nanomix::imaging {

double MtfParams::operator()(double nu) const {
  switch (kind) {
    case Kind::none:
      return 1.0;
    case Kind::parametric:
      return (1 - floor) / (1 + std::pow(nu / nu0, power)) + floor;
    case Kind::table: {
      auto value = [&](double x) {
        if (x <= table_nu.front()) return table_value.front();
        if (x >= table_nu.back()) return table_value.back();
        std::size_t k = 1;
        while (table_nu[k] < x) ++k;
        const double f = (x - table_nu[k - 1]) / (table_nu[k] - table_nu[k - 1]);
        return table_value[k - 1] + f * (table_value[k] - table_value[k - 1]);
      };
      return value(nu) / value(0.0);
    }
  }
  return 1.0;
}

MtfParams MtfParams::read_table(const std::string& path) {
  std::istringstream in(read_regular_file(path, max_table_file_bytes, "[imaging] mtf_file"));
  MtfParams m;
  m.kind = Kind::table;
  m.source = path;
  std::string line;
  int no = 0;
  while (std::getline(in, line)) {
    ++no;
    if (auto h = line.find('#'); h != std::string::npos) line.erase(h);
    for (char& c : line) if (c == ',') c = ' ';
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::istringstream ls(line);
    double nu, v;
    std::string extra;
    if (!(ls >> nu >> v) || (ls >> extra) || !std::isfinite(nu) || !std::isfinite(v) || nu < 0 || v < 0) {
      throw InputError(path + ":" + std::to_string(no) + ": expected two non-negative numbers 'nu MTF' (nu in units of Nyquist)");
    }
    if (!m.table_nu.empty() && !(nu > m.table_nu.back())) throw InputError(path + ":" + std::to_string(no) + ": nu must increase");
    m.table_nu.push_back(nu);
    m.table_value.push_back(v);
  }
  if (m.table_nu.size() < 2) throw InputError(path + ": an MTF table needs at least two rows");
  if (!(m.table_value.front() > 0) || m.table_nu.front() > 0) throw InputError(path + ": the MTF table must start at nu = 0 with a positive value");
  return m;
}

std::string MtfParams::describe() const {
  std::ostringstream s;
  switch (kind) {
    case Kind::none: return "none";
    case Kind::parametric:
      s << "parametric: MTF(nu) = (1 - c)/(1 + (nu/nu0)^p) + c, nu = q/q_Nyquist, nu0 = " << nu0 << ", p = " << power << ", c = " << floor;
      return s.str();
    case Kind::table: return "table from " + source + " (nu = q/q_Nyquist, linear interpolation, normalised to MTF(0) = 1)";
  }
  return "";
}

std::vector<float> mtf_on_grid(const Grid& g, const MtfParams& mtf) {
  std::vector<float> out(g.size(), 1.0f);
  if (mtf.kind == MtfParams::Kind::none) return out;
  const double qnx = 0.5 / g.dx_angstrom, qny = 0.5 / g.dy_angstrom;
  for (int j = 0; j < g.ny; ++j) {
    for (int i = 0; i < g.nx; ++i) {
      const double nu = std::hypot(g.kx(i) / qnx, g.ky(j) / qny);
      out[static_cast<std::size_t>(j) * g.nx + i] = static_cast<float>(mtf(nu));
    }
  }
  return out;
}

void apply_mtf(const Grid& g, const Fft2d& fft, const std::vector<float>& mtf, FftBuffer& work, std::vector<double>& image) {
  bool identity = true;
  for (float m : mtf) identity = identity && m == 1.0f;
  if (identity) return;
  const std::size_t n = g.size();
  cfloat* w = work.data();
  thread_local FftBuffer spectrum_buffer;  // the transposed spectrum
  if (spectrum_buffer.size() < n) spectrum_buffer = FftBuffer(n);
  cfloat* s = spectrum_buffer.data();
  for (std::size_t i = 0; i < n; ++i) w[i] = cfloat(static_cast<float>(image[i]), 0.0f);
  fft.forward_transposed(w, s);
  const float norm = 1.0f / static_cast<float>(n);
  for (int i = 0; i < g.nx; ++i) {
    cfloat* col = s + transposed_index(g, i, 0);
    for (int j = 0; j < g.ny; ++j) col[j] *= mtf[static_cast<std::size_t>(j) * static_cast<std::size_t>(g.nx) + static_cast<std::size_t>(i)] * norm;
  }
  fft.backward_transposed(s, w);
  for (std::size_t i = 0; i < n; ++i) image[i] = w[i].real();
}

void expose(const Grid& g, const DoseParams& d, std::uint64_t frame, const std::vector<double>& image,
            std::vector<float>& expected, std::vector<float>& counts) {
  const double per_pixel = d.dose_e_per_angstrom2 * g.dx_angstrom * g.dy_angstrom;
  Rng rng(d.seed, RandomPurpose::dose_noise, frame);
  const std::size_t n = g.size();
  expected.clear();
  counts.clear();
  reserve_prefaulted(expected, n);
  reserve_prefaulted(counts, n);
  for (std::size_t i = 0; i < n; ++i) {
    const double mean = per_pixel * (image[i] > 0 ? image[i] : 0.0);
    expected.push_back(static_cast<float>(d.gain_counts_per_electron * mean));
    double c = d.gain_counts_per_electron * static_cast<double>(rng.poisson(mean));
    if (d.read_noise_counts > 0) c += d.read_noise_counts * rng.normal();
    counts.push_back(static_cast<float>(c));
  }
}

}  // namespace nanomix::imaging
