#pragma once
// The subcommands, one file each (cmd_<name>.cpp).
#include <vector>

#include "app/cli.hpp"

namespace nanomix::cli {

Command build_command();  // cmd_build.cpp
Command md_command();     // cmd_md.cpp
Command info_command();   // cmd_info.cpp
Command run_command();    // cmd_run.cpp
Command detect_command();  // cmd_detect.cpp
Command image_command();  // cmd_image.cpp
Command topology_command();  // cmd_topology.cpp
Command compare_command();  // cmd_compare.cpp

/// Every subcommand, in the order `nanomix --help` lists them.
inline std::vector<Command> all_commands() { return {build_command(), md_command(), image_command(), detect_command(), topology_command(), compare_command(), run_command(), info_command()}; }

}  // namespace nanomix::cli
