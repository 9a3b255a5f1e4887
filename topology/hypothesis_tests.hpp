#pragma once
// Two-sample tests on sets of persistence diagrams.
//
// Permutation test (Robinson & Turner, J. Appl. Comput. Topol. 1, 241 (2017)): for two labelled
//   groups of diagrams the joint loss is
//     F = Σ_groups 1/(2 n_k (n_k − 1)) Σ_{i ≠ j in group k} W_p(D_i, D_j)^p
//   (summed over the homology dimensions used); small F = tight groups. The p-value is
//     (1 + #{permutations with F_perm ≤ F_observed}) / (1 + N)
//   over N random relabellings with the group sizes kept. Distances are computed once.
// Kernel two-sample test (Gretton et al., JMLR 13, 723 (2012)): unbiased MMD² between the
//   groups' persistence-image vectors with the Gaussian kernel k(x, y) = exp(−‖x − y‖²/(2h²)),
//   h = the median of the pairwise distances (median heuristic) unless given; p-value by the
//   same permutation scheme, (1 + #{MMD²_perm ≥ MMD²_obs}) / (1 + N).
// Random streams: Rng(seed, RandomPurpose::permutation_test, stream, permutation) — results do not
// depend on threads.
#include <cstdint>
#include <vector>

namespace nanomix::topology {

struct TestResult {
  double statistic = 0.0;  ///< F (permutation test) or MMD² (kernel test)
  double p_value = 1.0;
  int permutations = 0;
  /// The null distribution the p-value comes from: mean and standard deviation of the statistic
  /// over the random relabellings, and the effect size z = how many null standard deviations the
  /// observed statistic lies on the "groups differ" side (F below, MMD² above the null mean);
  /// z ≈ 0 under the null, z of 2–3 is where p reaches 0.05–0.005 for a normal-like null.
  double null_mean = 0.0, null_sd = 0.0, effect_z = 0.0;
  /// Smallest p the permutation count allows: 1 / (permutations + 1).
  double p_min() const { return 1.0 / (permutations + 1.0); }
};

/// `cost` is the (n1 + n2)² symmetric matrix of W_p^p between diagrams; the first n1 are group 1.
TestResult permutation_test(const std::vector<double>& cost, std::size_t n1, std::size_t n2, int permutations,
                            std::uint64_t seed, std::uint64_t stream = 0);

/// `vectors`: n1 + n2 feature vectors of equal length (persistence images).
TestResult mmd_test(const std::vector<std::vector<double>>& vectors, std::size_t n1, int permutations, std::uint64_t seed,
                    double bandwidth = 0.0, std::uint64_t stream = 1);

/// Robinson–Turner joint loss of a labelling (label[i] in {0, 1}).
double joint_loss(const std::vector<double>& cost, std::size_t n, const std::vector<int>& label);

}  // namespace nanomix::topology
