// nanomix topology --config C (--structure S.xyz | --trajectory T.h5 | --movie M | --columns K.h5) --out diagrams.h5
#include <cstdio>

#include "app/commands.hpp"
#include "app/stages.hpp"
#include "app/topology_input.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/progress.hpp"
#include "topology/diagrams_file.hpp"

namespace nanomix::cli {

void run_stage(const TopologyStage& stage, const Config& config, bool quiet) {
  using topology::Source;
  int given = 0;
  Source source = Source::structure;
  std::string input;
  for (const auto& [opt, src, path] : {std::tuple{"structure", Source::structure, &stage.structure},
                                       std::tuple{"trajectory", Source::trajectory, &stage.trajectory},
                                       std::tuple{"movie", Source::movie, &stage.movie}, std::tuple{"columns", Source::columns, &stage.columns}}) {
    if (!path->empty()) {
      ++given;
      source = src;
      input = *path;
      require_input_file(input, opt);
    }
  }
  if (given != 1) throw InputError("give exactly one of --structure, --trajectory, --movie, --columns");
  const std::string& out = stage.out;
  check_output_directory(out);
  const auto params = topology::TopologyParams::table().read(config);
  const auto data = read_topology_input(source, input, params);
  topology::TopologyResult result;
  {
    bool sized = false;
    std::unique_ptr<Progress> bar;
    result = topology::compute_topology(data, params, [&](std::size_t done, std::size_t total) {
      if (!sized) {
        bar = std::make_unique<Progress>("topology", static_cast<std::int64_t>(total), quiet || mpi_rank() != 0);
        sized = true;
      }
      bar->update(static_cast<std::int64_t>(std::min(done, total)));
    });
  }
  if (mpi_rank() != 0) return;
  for (const auto& n : result.notes) log_info(quiet, "  note: " + n);
  AtomicOutput output(out);
  output.write([&](const std::string& path) { topology::write_diagrams_file(path, result, params, config.to_ini()); });
  output.commit();
  std::string summary = "diagrams of " + std::to_string(result.frame_index.size()) + " frames (" + result.filtration + ")";
  for (const auto& g : result.groups) {
    std::size_t pairs = 0;
    for (const auto& f : g.frames)
      for (const auto& d : f.dims) pairs += d.size();
    summary += ", " + g.name + ": " + std::to_string(pairs) + " pairs";
  }
  log_info(quiet, summary + " → " + out);
}

Command topology_command() {
  Command c;
  c.name = "topology";
  c.usage = "--config C (--structure S.xyz | --trajectory T.h5 | --movie M.h5 | --columns K.h5) --out diagrams.h5";
  c.summary = "persistence diagrams ([topology]): weighted 3D alpha complexes of ions, 2D alpha of columns, cubical of images; statistics";
  c.sections = {"topology"};
  c.add_options = [](po::options_description& o) {
    o.add_options()("structure", po::value<std::string>(), "input structure (extended XYZ; every frame)")(
        "trajectory", po::value<std::string>(), "input trajectory (H5MD)")("movie", po::value<std::string>(), "input movie (any format nanomix reads: EMD, Velox, HyperSpy, TIFF, MRC, DM3/DM4, SER; docs/detect.md)")(
        "columns", po::value<std::string>(), "input detected columns (nanomix detect output)")(
        "out,o", po::value<std::string>(), "output diagrams file (HDF5)");
  };
  c.run = [](const Invocation& inv) {
    TopologyStage stage;
    stage.structure = inv.optional("structure");
    stage.trajectory = inv.optional("trajectory");
    stage.movie = inv.optional("movie");
    stage.columns = inv.optional("columns");
    stage.out = inv.required("out");
    run_stage(stage, inv.config, inv.quiet);
    return 0;
  };
  return c;
}

}  // namespace nanomix::cli
