#include "topology/comparison_file.hpp"

#include "core/error.hpp"
#include "core/hdf5_util.hpp"
#include "core/rehearse.hpp"

namespace nanomix::topology {

namespace {

/// Frame counts and indices read back are refused beyond this (a damaged file must not size a vector).
constexpr double max_frames = 1e8;

void write_test(hid_t g, const std::string& name, const TestResult& t) {
  h5::write_attribute(g, name + "_p_value", t.p_value);
  h5::write_attribute(g, name + "_null_mean", t.null_mean);
  h5::write_attribute(g, name + "_null_sd", t.null_sd);
  h5::write_attribute(g, name + "_effect_z", t.effect_z);
}

TestResult read_test(hid_t g, const std::string& name, const std::string& statistic_attribute, int permutations) {
  TestResult t;
  t.statistic = h5::read_double_attribute(g, statistic_attribute);
  t.p_value = h5::read_double_attribute(g, name + "_p_value");
  t.null_mean = h5::read_double_attribute(g, name + "_null_mean");
  t.null_sd = h5::read_double_attribute(g, name + "_null_sd");
  t.effect_z = h5::read_double_attribute(g, name + "_effect_z");
  t.permutations = permutations;
  return t;
}

void write_mechanism(hid_t f, std::size_t m, const CompareResult& r) {
  const auto& mr = r.mechanisms[m];
  h5::Id g = h5::require_group(f, "mechanisms/" + std::to_string(m));
  h5::write_attribute(g, "simulated", mr.path);
  h5::write_attribute(g, "frames_simulated", static_cast<int>(mr.frames.size()));
  h5::write_attribute(g, "frames_experimental", static_cast<int>(r.experimental_frames.size()));
  h5::write_attribute(g, "permutation_loss", mr.permutation.statistic);
  write_test(g, "permutation", mr.permutation);
  h5::write_attribute(g, "mmd2", mr.kernel.statistic);
  write_test(g, "mmd", mr.kernel);
  h5::write_attribute(g, "p_min", mr.permutation.p_min());
  h5::write_attribute(g, "mean_distance", mr.mean_distance);
  h5::write_attribute(g, "energy_distance", mr.energy_distance);
  if (!r.null_pair_energy_distance.empty()) h5::write_attribute(g, "run_level_p_value", mr.run_level_p_value);
  std::vector<double> rows;
  for (std::size_t i = 0; i < mr.best_frame.size(); ++i)
    rows.insert(rows.end(), {static_cast<double>(r.experimental_frames[i]), static_cast<double>(mr.best_frame[i]), mr.best_distance[i],
                             mr.mean_distance_per_experimental_frame[i]});
  h5::write_dataset(g, "alignment", rows.data(), {mr.best_frame.size(), 4});
  h5::Id a = h5::open_dataset(g, "alignment");
  h5::write_attribute(a, "columns", std::vector<std::string>{"experimental_frame", "best_simulated_frame", "distance", "mean_distance"});
  h5::write_attribute(a, "unit", r.unit);
}

void write_result(hid_t f, const CompareResult& r) {
  h5::write_attribute(f, "statistic", r.statistic);
  h5::write_attribute(f, "group", r.group);
  h5::write_attribute(f, "unit", r.unit);
  std::vector<std::string> paths;
  for (const auto& m : r.mechanisms) paths.push_back(m.path);
  h5::write_attribute(f, "simulated", paths);
  h5::write_attribute(f, "closest", r.mechanisms[static_cast<std::size_t>(r.closest)].path);
  h5::write_attribute(f, "closest_index", r.closest);
  h5::write_attribute(f, "closest_p_value", r.closest_p_value);
  h5::write_attribute(f, "closest_test",
                      std::string("one-sided paired sign-flip test on per-experimental-frame mean distance, closest vs runner-up"));
  std::vector<double> ef(r.experimental_frames.begin(), r.experimental_frames.end());
  h5::write_dataset(f, "experimental_frames", ef.data(), {ef.size()});
  if (!r.null_pair_energy_distance.empty()) {
    h5::write_attribute(f, "run_level_test", std::string(run_level_test_text));
    h5::write_attribute(f, "null_pairs", r.null_pairs);
    h5::write_dataset(f, "null_pairs_energy_distance", r.null_pair_energy_distance.data(), {r.null_pair_energy_distance.size()});
  }
  for (std::size_t m = 0; m < r.mechanisms.size(); ++m) write_mechanism(f, m, r);
}

MechanismResult read_mechanism(hid_t g, int permutations) {
  MechanismResult mr;
  mr.path = h5::read_string_attribute(g, "simulated");
  mr.frames.resize(static_cast<std::size_t>(h5::whole_number(h5::read_double_attribute(g, "frames_simulated"), "frames_simulated", 0, max_frames)));
  for (std::size_t i = 0; i < mr.frames.size(); ++i) mr.frames[i] = i;
  mr.permutation = read_test(g, "permutation", "permutation_loss", permutations);
  mr.kernel = read_test(g, "mmd", "mmd2", permutations);
  mr.mean_distance = h5::read_double_attribute(g, "mean_distance");
  if (h5::has_attribute(g, "energy_distance")) mr.energy_distance = h5::read_double_attribute(g, "energy_distance");
  if (h5::has_attribute(g, "run_level_p_value")) mr.run_level_p_value = h5::read_double_attribute(g, "run_level_p_value");
  std::vector<hsize_t> dims;
  const auto rows = h5::read_doubles(g, "alignment", &dims);
  const std::size_t n = dims.size() == 2 && dims[1] == 4 ? static_cast<std::size_t>(dims[0]) : 0;
  for (std::size_t i = 0; i < n; ++i) {
    mr.best_frame.push_back(static_cast<std::size_t>(h5::whole_number(rows[4 * i + 1], "alignment best_simulated_frame", 0, max_frames)));
    mr.best_distance.push_back(rows[4 * i + 2]);
    mr.mean_distance_per_experimental_frame.push_back(rows[4 * i + 3]);
  }
  return mr;
}

CompareResult read_result(hid_t g, int permutations) {
  CompareResult r;
  r.statistic = h5::read_string_attribute(g, "statistic");
  r.group = h5::read_string_attribute(g, "group");
  r.unit = h5::read_string_attribute(g, "unit");
  r.closest = static_cast<int>(h5::whole_number(h5::read_double_attribute(g, "closest_index"), "closest_index", -1, max_frames));
  r.closest_p_value = h5::read_double_attribute(g, "closest_p_value");
  for (double f : h5::read_doubles(g, "experimental_frames"))
    r.experimental_frames.push_back(static_cast<std::size_t>(h5::whole_number(f, "experimental_frames", 0, max_frames)));
  if (h5::exists(g, "null_pairs_energy_distance")) {
    r.null_pair_energy_distance = h5::read_doubles(g, "null_pairs_energy_distance");
    if (r.null_pair_energy_distance.size() > max_frames) throw InputError("null_pairs_energy_distance is too long");
    if (h5::has_attribute(g, "null_pairs")) r.null_pairs = h5::read_string_array_attribute(g, "null_pairs");
  }
  const auto simulated = h5::read_string_array_attribute(g, "simulated");
  for (std::size_t k = 0; k < simulated.size(); ++k) {
    h5::Id mg = h5::open_group(g, "mechanisms/" + std::to_string(k));
    r.mechanisms.push_back(read_mechanism(mg, permutations));
  }
  for (const auto& m : r.mechanisms)
    if (!m.best_frame.empty() && m.best_frame.size() != r.experimental_frames.size())
      throw InputError("an alignment has " + std::to_string(m.best_frame.size()) + " rows for " +
                       std::to_string(r.experimental_frames.size()) + " experimental frames");
  if (r.closest < 0 || static_cast<std::size_t>(r.closest) >= r.mechanisms.size())
    throw InputError("closest_index " + std::to_string(r.closest) + " names none of the " + std::to_string(r.mechanisms.size()) +
                     " simulated inputs");
  return r;
}

}  // namespace

void write_comparison_file(const std::string& path, const std::vector<CompareResult>& results, const std::string& experimental_path,
                           const CompareParams& params, const std::string& config_ini) {
  if (results.empty()) throw RuntimeError("compare: no statistic to write");
  h5::Id f = h5::create_file(path);
  h5::write_attribute(f, "nanomix_format", std::string("comparison"));
  h5::write_attribute(f, "nanomix_format_version", comparison_format_version);
  h5::write_attribute(f, "experimental", experimental_path);
  h5::write_attribute(f, "wasserstein_p", params.p);
  h5::write_attribute(f, "wasserstein_method", std::string(params.method == WassersteinMethod::hera ? "hera" : "exact"));
  h5::write_attribute(f, "dimensions", params.dimensions);
  h5::write_attribute(f, "permutations", params.permutations);
  h5::write_attribute(f, "p_min", 1.0 / (params.permutations + 1.0));
  h5::write_attribute(f, "null_hypothesis", std::string(null_hypothesis_text));
  h5::write_attribute(f, "interpretation", std::string(interpretation_text));
  std::vector<std::string> names;
  for (const auto& r : results) names.push_back(r.statistic);
  h5::write_attribute(f, "statistics", names);
  write_result(f, results.front());
  for (const auto& r : results) {
    h5::Id g = h5::require_group(f, "statistics/" + r.statistic);
    write_result(g, r);
  }
  h5::Id par = h5::require_group(f, "parameters");
  h5::write_string_dataset(par, "config", config_ini);
  h5::flush_file(f);
}

namespace {

ComparisonFile read_comparison_here(const std::string& path) {
  h5::Id f = h5::open_file(path);
  if (!h5::has_attribute(f, "nanomix_format") || h5::read_string_attribute(f, "nanomix_format") != "comparison")
    throw InputError(path + ": not a nanomix comparison file (its nanomix_format is not 'comparison')");
  ComparisonFile c;
  c.format_version = h5::check_format_version(f, path, "comparison", "nanomix_format_version", 1, comparison_format_version);
  try {
    c.experimental = h5::read_string_attribute(f, "experimental");
    c.wasserstein_p = h5::read_double_attribute(f, "wasserstein_p");
    c.wasserstein_method = h5::read_string_attribute(f, "wasserstein_method");
    for (double d : h5::read_double_array_attribute(f, "dimensions"))
      c.dimensions.push_back(static_cast<int>(h5::whole_number(d, "dimensions", 0, 2)));
    c.permutations = static_cast<int>(h5::whole_number(h5::read_double_attribute(f, "permutations"), "permutations", 0, 1e9));
    c.p_min = h5::read_double_attribute(f, "p_min");
    c.null_hypothesis = h5::read_string_attribute(f, "null_hypothesis");
    c.interpretation = h5::read_string_attribute(f, "interpretation");
    c.config_ini = h5::read_string_dataset(f, "parameters/config");
    for (const auto& name : h5::read_string_array_attribute(f, "statistics")) {
      h5::Id g = h5::open_group(f, "statistics/" + name);
      c.results.push_back(read_result(g, c.permutations));
    }
  } catch (const std::exception& e) {
    throw InputError(path + ": damaged comparison file: " + e.what());
  }
  return c;
}

}  // namespace

ComparisonFile read_comparison_file(const std::string& path) {
  // libhdf5 may crash or hang on a damaged file: the read is rehearsed in a child (core/rehearse.hpp).
  return read_rehearsed(path, "comparison", [&] { return read_comparison_here(path); });
}

}  // namespace nanomix::topology
