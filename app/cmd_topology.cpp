// nanomix topology --config C (--structure S.xyz | --trajectory T.h5 | --movie M | --columns K.h5) --out diagrams.h5
#include <cstdio>

#include "app/commands.hpp"
#include "app/topology_input.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/progress.hpp"
#include "topology/diagrams_file.hpp"

namespace nanomix::cli {

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
    using topology::Source;
    int given = 0;
    Source source = Source::structure;
    std::string input;
    for (const auto& [opt, src] : {std::pair{"structure", Source::structure}, std::pair{"trajectory", Source::trajectory},
                                   std::pair{"movie", Source::movie}, std::pair{"columns", Source::columns}}) {
      if (inv.has(opt)) {
        ++given;
        source = src;
        input = inv.required(opt);
        require_input_file(input, opt);
      }
    }
    if (given != 1) throw InputError("give exactly one of --structure, --trajectory, --movie, --columns");
    const std::string out = inv.required("out");
    check_output_directory(out);
    const auto params = topology::TopologyParams::from_config(inv.config);
    const auto data = read_topology_input(source, input, params);
    topology::TopologyResult result;
    {
      bool sized = false;
      std::unique_ptr<Progress> bar;
      result = topology::compute_topology(data, params, [&](std::size_t done, std::size_t total) {
        if (!sized) {
          bar = std::make_unique<Progress>("topology", static_cast<std::int64_t>(total), inv.quiet || mpi_rank() != 0);
          sized = true;
        }
        bar->update(static_cast<std::int64_t>(std::min(done, total)));
      });
    }
    if (mpi_rank() != 0) return 0;
    for (const auto& n : result.notes) log_info(inv.quiet, "  note: " + n);
    AtomicOutput output(out);
    topology::write_diagrams_file(output.temp_path().string(), result, params, inv.config.to_ini());
    output.commit();
    std::string summary = "diagrams of " + std::to_string(result.frame_index.size()) + " frames (" + result.filtration + ")";
    for (const auto& g : result.groups) {
      std::size_t pairs = 0;
      for (const auto& f : g.frames)
        for (const auto& d : f.dims) pairs += d.size();
      summary += ", " + g.name + ": " + std::to_string(pairs) + " pairs";
    }
    log_info(inv.quiet, summary + " → " + out);
    return 0;
  };
  return c;
}

}  // namespace nanomix::cli
