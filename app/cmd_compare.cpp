// nanomix compare --config C --simulated A.h5 [--simulated B.h5 …] --experimental E.h5 --out comparison.h5
#include <algorithm>
#include <cstdio>

#include "app/commands.hpp"
#include "app/stages.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/progress.hpp"
#include "topology/compare.hpp"
#include "topology/comparison_file.hpp"

namespace nanomix::cli {

void run_stage(const CompareStage& stage, const Config& config, bool quiet) {
  if (stage.simulated.empty()) throw InputError("--simulated is required");
  const auto& sims = stage.simulated;
  const std::string& exp_path = stage.experimental;
  const std::string& out = stage.out;
  for (const auto& s : sims) require_input_file(s, "simulated");
  require_input_file(exp_path, "experimental");
  for (const auto& [a, b] : stage.null_pairs) {
    require_input_file(a, "null-pair");
    require_input_file(b, "null-pair");
  }
  check_output_directory(out);
  const auto params = topology::CompareParams::table().read(config);
  if (mpi_rank() != 0) return;  // the tests run on rank 0 (threads inside)
  std::vector<topology::CompareResult> results;
  for (const auto& statistic : params.statistics) {
    const auto experimental = topology::read_diagrams_file(exp_path, statistic);
    std::vector<topology::DiagramsRead> simulated;
    for (const auto& s : sims) simulated.push_back(topology::read_diagrams_file(s, experimental.group));
    Progress bar("compare " + experimental.group, 1, quiet);
    results.push_back(topology::compare(simulated, sims, experimental, params, [&](std::size_t done, std::size_t total) {
      bar.set_total(static_cast<std::int64_t>(total));
      bar.update(static_cast<std::int64_t>(done));
    }));
    // The run-level test: the same comparison on each null pair (two runs of one process).
    auto& result = results.back();
    for (const auto& [a, b] : stage.null_pairs) {
      const auto pair_b = topology::read_diagrams_file(b, experimental.group);
      const auto pair_a = topology::read_diagrams_file(a, experimental.group);
      const auto r = topology::compare({pair_a}, {a}, pair_b, params);
      result.null_pairs.push_back(a + "," + b);
      result.null_pair_energy_distance.push_back(r.mechanisms.front().energy_distance);
    }
    for (auto& m : result.mechanisms) m.run_level_p_value = topology::run_level_p_value(result.null_pair_energy_distance, m.energy_distance);
  }
  AtomicOutput output(out);
  output.write([&](const std::string& path) { topology::write_comparison_file(path, results, exp_path, params, config.to_ini()); });
  output.commit();
  for (const auto& result : results) {
    for (const auto& m : result.mechanisms) {
      char line[640];
      std::snprintf(line, sizeof line, "[%s] %s: permutation p = %.4g (effect z = %.2f), kernel (MMD) p = %.4g (z = %.2f), p_min = %.3g, mean W%g distance %.4g %s",
                    result.statistic.c_str(), m.path.c_str(), m.permutation.p_value, m.permutation.effect_z, m.kernel.p_value,
                    m.kernel.effect_z, m.permutation.p_min(), params.p, m.mean_distance, result.unit.c_str());
      log_info(quiet, line);
      if (!result.null_pair_energy_distance.empty()) {
        const auto& null = result.null_pair_energy_distance;
        const auto [lo, hi] = std::minmax_element(null.begin(), null.end());
        std::snprintf(line, sizeof line, "[%s] %s: run-level p = %.4g (energy distance %.4g against %zu same-process pairs' %.4g … %.4g; p_min = %.3g)",
                      result.statistic.c_str(), m.path.c_str(), m.run_level_p_value, m.energy_distance, null.size(), *lo, *hi,
                      1.0 / (1.0 + static_cast<double>(null.size())));
        log_info(quiet, line);
      }
    }
    if (result.mechanisms.size() > 1) {
      char line[512];
      std::snprintf(line, sizeof line, "[%s] closest to experiment: %s (p = %.4g against the runner-up)", result.statistic.c_str(),
                    result.mechanisms[static_cast<std::size_t>(result.closest)].path.c_str(), result.closest_p_value);
      log_info(quiet, line);
    }
  }
  log_info(quiet, "A large p is no evidence of sameness; null hypothesis and p_min are in " + out);
  log_info(quiet, "→ " + out);
}

Command compare_command() {
  Command c;
  c.name = "compare";
  c.usage = "--config C --simulated A.h5 [--simulated B.h5 ...] --experimental E.h5 --out comparison.h5";
  c.summary = "simulated vs experimental diagrams ([compare]): permutation and kernel tests, time alignment, closest mechanism";
  c.sections = {"compare"};
  c.add_options = [](po::options_description& o) {
    o.add_options()("simulated", po::value<std::vector<std::string>>()->composing(), "diagrams file of a simulated mechanism (repeatable)")(
        "experimental", po::value<std::string>(), "diagrams file of the experiment")("out,o", po::value<std::string>(), "output comparison file (HDF5)")(
        "null-pair", po::value<std::vector<std::string>>()->composing(),
        "A.h5,B.h5: diagrams files of two runs of ONE process that differ only in their seeds (repeatable); adds the run-level "
        "test, whose p ranks each mechanism's effect z among the pairs' (docs/topology.md)");
  };
  c.run = [](const Invocation& inv) {
    if (!inv.has("simulated")) throw InputError("--simulated is required");
    CompareStage stage{inv.options["simulated"].as<std::vector<std::string>>(), inv.required("experimental"), inv.required("out"), {}};
    if (inv.has("null-pair")) {
      for (const auto& pair : inv.options["null-pair"].as<std::vector<std::string>>()) {
        const auto comma = pair.find(',');
        if (comma == std::string::npos || comma == 0 || comma + 1 == pair.size() || pair.find(',', comma + 1) != std::string::npos)
          throw InputError("--null-pair " + pair + ": give two diagrams files separated by one comma, A.h5,B.h5");
        stage.null_pairs.emplace_back(pair.substr(0, comma), pair.substr(comma + 1));
      }
    }
    run_stage(stage, inv.config, inv.quiet);
    return 0;
  };
  return c;
}

}  // namespace nanomix::cli
