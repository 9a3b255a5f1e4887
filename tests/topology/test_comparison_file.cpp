// The comparison file module: read_comparison_file gives back what write_comparison_file wrote
// (every statistic, mechanism, test and alignment row), refuses other files and newer versions.
// The layout itself is checked with h5py in tests/topology/cli_topology.py.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>

#include "core/error.hpp"
#include "core/hdf5_util.hpp"
#include "topology/comparison_file.hpp"

using namespace nanomix;
using namespace nanomix::topology;
namespace fs = std::filesystem;

namespace {

CompareResult result(const std::string& statistic, double shift) {
  CompareResult r;
  r.statistic = statistic;
  r.group = statistic;
  r.unit = "angstrom";
  r.experimental_frames = {0, 3, 6};
  for (int k = 0; k < 2; ++k) {
    MechanismResult m;
    m.path = "sim" + std::to_string(k) + ".h5";
    m.frames = {0, 1, 2, 3};
    m.permutation = {0.5 + shift + k, 0.01 * (k + 1), 99, 0.9, 0.1, 4.0 + k};
    m.kernel = {0.02 * (k + 1), 0.03, 99, 0.001, 0.004, 3.5};
    m.mean_distance = 1.25 + k + shift;
    m.best_frame = {1, 2, 3};
    m.best_distance = {0.1, 0.2, 0.3 + shift};
    m.mean_distance_per_experimental_frame = {1.1, 1.2, 1.3};
    r.mechanisms.push_back(m);
  }
  r.closest = 1;
  r.closest_p_value = 0.04;
  return r;
}

}  // namespace

TEST_CASE("comparison file: written and read back, every statistic") {
  const fs::path dir = fs::temp_directory_path() / ("nanomix_comparison_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string path = (dir / "comparison.h5").string();
  CompareParams params;
  params.permutations = 99;
  params.dimensions = {0, 1};
  const std::vector<CompareResult> written{result("heavy", 0.0), result("light", 0.5)};
  write_comparison_file(path, written, "exp.h5", params, "[compare]\npermutations = 99\n");
  const auto c = read_comparison_file(path);
  CHECK(c.format_version == comparison_format_version);
  CHECK(c.experimental == "exp.h5");
  CHECK(c.dimensions == std::vector<int>{0, 1});
  CHECK(c.permutations == 99);
  CHECK(c.p_min == doctest::Approx(0.01));
  CHECK(c.wasserstein_method == "exact");
  CHECK(c.config_ini == "[compare]\npermutations = 99\n");
  REQUIRE(c.results.size() == 2);
  for (std::size_t s = 0; s < 2; ++s) {
    const auto& w = written[s];
    const auto& r = c.results[s];
    CHECK(r.statistic == w.statistic);
    CHECK(r.unit == "angstrom");
    CHECK(r.closest == 1);
    CHECK(r.closest_p_value == 0.04);
    CHECK(r.experimental_frames == w.experimental_frames);
    REQUIRE(r.mechanisms.size() == 2);
    for (std::size_t k = 0; k < 2; ++k) {
      const auto& a = r.mechanisms[k];
      const auto& b = w.mechanisms[k];
      CHECK(a.path == b.path);
      CHECK(a.frames.size() == b.frames.size());
      CHECK(a.permutation.statistic == b.permutation.statistic);
      CHECK(a.permutation.p_value == b.permutation.p_value);
      CHECK(a.permutation.effect_z == b.permutation.effect_z);
      CHECK(a.kernel.statistic == b.kernel.statistic);
      CHECK(a.kernel.null_sd == b.kernel.null_sd);
      CHECK(a.mean_distance == b.mean_distance);
      CHECK(a.best_frame == b.best_frame);
      CHECK(a.best_distance == b.best_distance);
      CHECK(a.mean_distance_per_experimental_frame == b.mean_distance_per_experimental_frame);
    }
  }
  // A newer version and a file of another kind are refused, naming the file.
  {
    h5::Id f(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
    h5::write_attribute(f, "nanomix_format_version", comparison_format_version + 1);
  }
  CHECK_THROWS_WITH_AS(read_comparison_file(path), doctest::Contains((path + ": comparison format version 2").c_str()), InputError);
  {
    h5::Id f(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
    h5::write_attribute(f, "nanomix_format", std::string("diagrams"));
  }
  CHECK_THROWS_WITH_AS(read_comparison_file(path), doctest::Contains("not a nanomix comparison file"), InputError);
  fs::remove_all(dir);
}
