#include "topology/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"

namespace nanomix::topology {

std::vector<double> betti_curve(const Diagram& d, double t_min, double t_max, int n) {
  if (n < 1) throw InputError("Betti curve: need at least one sample");
  std::vector<double> out(static_cast<std::size_t>(n), 0.0);
  const double step = n > 1 ? (t_max - t_min) / (n - 1) : 0.0;
  for (const auto& p : d) {
    // samples k with birth <= t_k < death
    const double lo = step > 0 ? std::ceil((p.birth - t_min) / step - 1e-12) : (p.birth <= t_min ? 0 : n);
    const double hi = !p.finite() ? n : (step > 0 ? std::ceil((p.death - t_min) / step - 1e-12) : (p.death > t_min ? n : 0));
    const int k0 = static_cast<int>(std::clamp(lo, 0.0, static_cast<double>(n)));
    const int k1 = static_cast<int>(std::clamp(hi, 0.0, static_cast<double>(n)));
    for (int k = k0; k < k1; ++k) out[static_cast<std::size_t>(k)] += 1.0;
  }
  return out;
}

void PersistenceImageParams::validate() const {
  if (!(birth_max > birth_min)) throw InputError("persistence image: birth range is empty");
  if (!(persistence_max > 0)) throw InputError("persistence image: persistence range must be > 0");
  if (birth_pixels < 1 || persistence_pixels < 1) throw InputError("persistence image: need at least one pixel");
  if (!(sigma > 0)) throw InputError("persistence image: sigma must be > 0");
  if (!(weight_persistence > 0)) throw InputError("persistence image: weight persistence must be > 0");
}

std::vector<double> persistence_image(const Diagram& d, const PersistenceImageParams& q) {
  q.validate();
  const int nb = q.birth_pixels, np = q.persistence_pixels;
  std::vector<double> img(static_cast<std::size_t>(nb) * static_cast<std::size_t>(np), 0.0);
  const double db = (q.birth_max - q.birth_min) / nb, dp = q.persistence_max / np;
  const double scale = 1.0 / (q.sigma * std::sqrt(2.0));
  std::vector<double> fb(static_cast<std::size_t>(nb)), fp(static_cast<std::size_t>(np));
  for (const auto& pt : d) {
    if (!pt.finite()) continue;
    const double b = pt.birth, p = pt.death - pt.birth;
    const double w = std::min(p / q.weight_persistence, 1.0);
    if (w <= 0) continue;
    // separable: ∫ N(x; b, σ) over each birth column, ∫ N(y; p, σ) over each persistence row
    for (int i = 0; i < nb; ++i) {
      const double x0 = q.birth_min + i * db, x1 = x0 + db;
      fb[static_cast<std::size_t>(i)] = 0.5 * (std::erf((x1 - b) * scale) - std::erf((x0 - b) * scale));
    }
    for (int j = 0; j < np; ++j) {
      const double y0 = j * dp, y1 = y0 + dp;
      fp[static_cast<std::size_t>(j)] = 0.5 * (std::erf((y1 - p) * scale) - std::erf((y0 - p) * scale));
    }
    for (int j = 0; j < np; ++j) {
      const double a = w * fp[static_cast<std::size_t>(j)];
      if (a == 0) continue;
      double* row = img.data() + static_cast<std::size_t>(j) * static_cast<std::size_t>(nb);
      for (int i = 0; i < nb; ++i) row[i] += a * fb[static_cast<std::size_t>(i)];
    }
  }
  return img;
}

std::vector<double> histogram_2d(const Diagram& d, double bmin, double bmax, int nb, double dmin, double dmax, int nd) {
  if (nb < 1 || nd < 1 || !(bmax > bmin) || !(dmax > dmin)) throw InputError("2D histogram: empty range or no bins");
  std::vector<double> h(static_cast<std::size_t>(nb) * static_cast<std::size_t>(nd), 0.0);
  for (const auto& p : d) {
    if (!p.finite()) continue;
    const double fi = (p.birth - bmin) / (bmax - bmin) * nb, fj = (p.death - dmin) / (dmax - dmin) * nd;
    if (fi < 0 || fj < 0 || fi > nb || fj > nd) continue;
    const int i = std::min(static_cast<int>(fi), nb - 1), j = std::min(static_cast<int>(fj), nd - 1);
    h[static_cast<std::size_t>(j) * static_cast<std::size_t>(nb) + static_cast<std::size_t>(i)] += 1.0;
  }
  return h;
}

const std::vector<std::string>& Summary::names() {
  static const std::vector<std::string> n = {"count", "total_persistence", "max_persistence", "mean_birth",
                                             "mean_death", "persistent_entropy", "infinite"};
  return n;
}

std::vector<double> Summary::values() const {
  return {count, total_persistence, max_persistence, mean_birth, mean_death, entropy, infinite};
}

Summary summarize(const Diagram& d) {
  Summary s;
  for (const auto& p : d) {
    if (!p.finite()) {
      s.infinite += 1;
      continue;
    }
    s.count += 1;
    s.total_persistence += p.persistence();
    s.max_persistence = std::max(s.max_persistence, p.persistence());
    s.mean_birth += p.birth;
    s.mean_death += p.death;
  }
  if (s.count > 0) {
    s.mean_birth /= s.count;
    s.mean_death /= s.count;
  }
  if (s.total_persistence > 0)
    for (const auto& p : d)
      if (p.finite() && p.persistence() > 0) {
        const double q = p.persistence() / s.total_persistence;
        s.entropy -= q * std::log(q);
      }
  return s;
}

std::pair<double, double> value_range(const std::vector<const Diagram*>& diagrams) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto* d : diagrams)
    for (const auto& p : *d) {
      lo = std::min(lo, p.birth);
      if (p.finite()) hi = std::max(hi, p.death);
    }
  if (!(hi > lo)) return {0.0, 1.0};
  return {lo, hi};
}

}  // namespace nanomix::topology
