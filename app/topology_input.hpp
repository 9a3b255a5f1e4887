#pragma once
// The topology stage's input, read through nanomix's file readers (extended XYZ, the H5MD
// trajectory reader, the columns file module, the movie reader registry) before any computing.
// It lives in app/ because the readers of columns and movies are imaging's: the topology library
// computes from data and depends on core only.
#include <string>

#include "topology/topology_run.hpp"

namespace nanomix::cli {

/// Reads `path` as `source`: the analysed frames of a structure or trajectory (each validated),
/// every frame of a columns file or a movie; InputError naming the file for bad input.
topology::TopologyInput read_topology_input(topology::Source source, const std::string& path, const topology::TopologyParams& params);

}  // namespace nanomix::cli
