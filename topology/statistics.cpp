#include "topology/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "core/error.hpp"

namespace nanomix::topology {

std::vector<double> betti_curve(const Diagram& d, double t_min, double t_max, int n) {
  if (n < 1) throw InputError("Betti curve: need at least one sample");
  // each pair adds 1 to the samples k0 … k1 − 1: +1 at k0 and −1 at k1 of a difference array, then
  // a running sum (whole numbers: exact in double)
  std::vector<double> step_at(static_cast<std::size_t>(n) + 1, 0.0);
  const double step = n > 1 ? (t_max - t_min) / (n - 1) : 0.0;
  for (const auto& p : d) {
    // samples k with birth <= t_k < death
    const double lo = step > 0 ? std::ceil((p.birth - t_min) / step - 1e-12) : (p.birth <= t_min ? 0 : n);
    const double hi = !p.finite() ? n : (step > 0 ? std::ceil((p.death - t_min) / step - 1e-12) : (p.death > t_min ? n : 0));
    const int k0 = static_cast<int>(std::clamp(lo, 0.0, static_cast<double>(n)));
    const int k1 = static_cast<int>(std::clamp(hi, 0.0, static_cast<double>(n)));
    if (k0 >= k1) continue;
    step_at[static_cast<std::size_t>(k0)] += 1.0;
    step_at[static_cast<std::size_t>(k1)] -= 1.0;
  }
  std::vector<double> out(static_cast<std::size_t>(n));
  double count = 0.0;
  for (std::size_t k = 0; k < out.size(); ++k) out[k] = count += step_at[k];
  return out;
}

void PersistenceImageParams::validate() const {
  if (!(birth_max > birth_min)) throw InputError("persistence image: birth range is empty");
  if (!(persistence_max > 0)) throw InputError("persistence image: persistence range must be > 0");
  if (birth_pixels < 1 || persistence_pixels < 1) throw InputError("persistence image: need at least one pixel");
  if (!(sigma > 0)) throw InputError("persistence image: sigma must be > 0");
  if (!(weight_persistence > 0)) throw InputError("persistence image: weight persistence must be > 0");
}

namespace {

/// erf from a table of Taylor expansions about the nodes t_j = j/64 on [−6, 6]:
///   erf(t_j + δ) = erf(t_j) + Σ_{n=1}^{7} a_jn δ^n,  a_jn = (2/√π) e^{−t_j²} (−1)^{n−1} H_{n−1}(t_j) / n!
/// (the derivatives of erf; H the physicists' Hermite polynomials), |δ| ≤ 1/128: by Cramér's bound
/// on e^{−t²/2}|H_n(t)| the first dropped term is < 3e-19. Outside [−6, 6] erf rounds to ±1
/// (erfc(6) = 2.2e-17, under half an ulp of 1). Measured within 1 ulp of long-double erfl over 2e6
/// points and twice as fast as glibc's erf (which takes two exp() for 1.25 < |u| < 6); the images
/// it makes are checked against the definition by test_statistics.
class ErfTable {
 public:
  static constexpr int per_unit = 64, half_nodes = 6 * per_unit, terms = 7;

  ErfTable() : value_(2 * half_nodes + 1), coef_(value_.size() * terms) {
    const double two_over_sqrt_pi = 2.0 / std::sqrt(std::acos(-1.0));
    for (int j = -half_nodes; j <= half_nodes; ++j) {
      const double t = static_cast<double>(j) / per_unit;
      const auto row = static_cast<std::size_t>(j + half_nodes);
      value_[row] = std::erf(t);
      const double g = two_over_sqrt_pi * std::exp(-t * t);
      double h_prev = 0.0, h = 1.0, factorial = 1.0;  // H_{n−2}, H_{n−1}, n!
      for (int n = 1; n <= terms; ++n) {
        factorial *= n;
        coef_[row * terms + static_cast<std::size_t>(n - 1)] = (n % 2 ? 1.0 : -1.0) * g * h / factorial;
        const double h_next = 2.0 * t * h - 2.0 * (n - 1) * h_prev;  // H_n = 2t H_{n−1} − 2(n−1) H_{n−2}
        h_prev = h;
        h = h_next;
      }
    }
  }

  double operator()(double u) const {
    if (!(u > -6.0 && u < 6.0)) return u >= 6.0 ? 1.0 : u <= -6.0 ? -1.0 : u;  // NaN stays NaN
    const int row = static_cast<int>(u * per_unit + (half_nodes + 0.5));  // nearest node (argument > 0)
    const double delta = u - static_cast<double>(row - half_nodes) / per_unit;  // exact, |δ| ≤ 1/128
    const double* a = coef_.data() + static_cast<std::size_t>(row) * terms;
    double sum = a[terms - 1];
    for (int n = terms - 2; n >= 0; --n) sum = sum * delta + a[n];
    return value_[static_cast<std::size_t>(row)] + sum * delta;
  }

 private:
  std::vector<double> value_, coef_;
};

const ErfTable& fast_erf() {
  static const ErfTable table;
  return table;
}

/// Mass of N(x; centre, σ) in each of the n cells [x_0 + i h, x_0 + (i + 1) h] (i = 0 … n − 1) into
/// `mass`: ½ (erf(u_{i+1}) − erf(u_i)), u_i = (x_0 + i h − centre) / (σ√2), one erf per cell edge.
void cell_masses(double x0, double h, int n, double centre, double scale, double* mass) {
  const ErfTable& erf = fast_erf();
  double left = erf((x0 - centre) * scale);
  for (int i = 0; i < n; ++i) {
    const double right = erf((x0 + (i + 1) * h - centre) * scale);
    mass[i] = 0.5 * (right - left);
    left = right;
  }
}

}  // namespace

std::vector<double> persistence_image(const Diagram& d, const PersistenceImageParams& q) {
  q.validate();
  const int nb = q.birth_pixels, np = q.persistence_pixels;
  std::vector<double> img(static_cast<std::size_t>(nb) * static_cast<std::size_t>(np), 0.0);
  const double db = (q.birth_max - q.birth_min) / nb, dp = q.persistence_max / np;
  const double scale = 1.0 / (q.sigma * std::sqrt(2.0));
  // separable: image = Σ_k w_k (∫ N(y; p_k, σ) over each persistence row) ⊗ (∫ N(x; b_k, σ) over
  // each birth column), summed as matrix products over blocks of pairs
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  constexpr int block = 64;
  Eigen::MatrixXd rows(np, block);  // column k: w × the persistence-row masses of the block's pair k
  RowMajor cols(block, nb);          // row k: the birth-column masses of pair k
  Eigen::Map<RowMajor> image(img.data(), np, nb);
  Eigen::RowVectorXd last_cols(nb);
  double last_birth = std::numeric_limits<double>::quiet_NaN();  // pairs come sorted by birth: reuse
  int k = 0;
  for (const auto& pt : d) {
    if (!pt.finite()) continue;
    const double b = pt.birth, p = pt.death - pt.birth;
    const double w = std::min(p / q.weight_persistence, 1.0);
    if (w <= 0) continue;
    if (!(b == last_birth)) {
      cell_masses(q.birth_min, db, nb, b, scale, last_cols.data());
      last_birth = b;
    }
    cols.row(k) = last_cols;
    cell_masses(0.0, dp, np, p, scale, rows.col(k).data());
    rows.col(k) *= w;
    if (++k == block) {
      image.noalias() += rows * cols;
      k = 0;
    }
  }
  if (k > 0) image.noalias() += rows.leftCols(k) * cols.topRows(k);
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
