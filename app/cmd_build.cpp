// nanomix build --config C --out structure.xyz
#include "app/commands.hpp"
#include "app/stages.hpp"
#include "core/atomic_file.hpp"
#include "core/elements.hpp"
#include "core/parallel.hpp"
#include "core/progress.hpp"
#include "core/xyz.hpp"
#include "sim/structure.hpp"

namespace nanomix::cli {

void run_stage(const BuildStage& stage, const Config& config, bool quiet) {
  check_output_directory(stage.out);
  const auto params = sim::StructureParams::table().read(config);
  const auto structure = sim::build_structure(params);
  if (mpi_rank() != 0) return;  // every rank builds the same structure; rank 0 writes it
  write_xyz(stage.out, {structure.frame});
  std::string summary = "built " + std::to_string(structure.frame.size()) + " atoms";
  for (int z : {6, 11, 17, 53}) {
    if (auto n = structure.frame.count(z)) summary += ", " + std::to_string(n) + " " + std::string(element(z).symbol);
  }
  log_info(quiet, summary + " → " + stage.out);
}

Command build_command() {
  Command c;
  c.name = "build";
  c.usage = "--config C --out structure.xyz";
  c.summary = "build the starting structure ([structure]): a nanotube with an ion cluster, or a bulk crystal";
  c.sections = {"structure"};
  c.add_options = [](po::options_description& o) {
    o.add_options()("out,o", po::value<std::string>(), "output structure (extended XYZ)");
  };
  c.run = [](const Invocation& inv) {
    run_stage(BuildStage{inv.required("out")}, inv.config, inv.quiet);
    return 0;
  };
  return c;
}

}  // namespace nanomix::cli
