#pragma once
// What every subcommand shares: option parsing (its own options, --config, --quiet, and every
// config key as --section.key=value), the config, and checks of input and output paths.
// Each subcommand lives in its own file (cmd_<name>.cpp) and only parses, calls and writes.
#include <boost/program_options.hpp>
#include <functional>
#include <string>
#include <vector>

#include "app/config_schema.hpp"
#include "core/config.hpp"

namespace nanomix::cli {

namespace po = boost::program_options;

struct Invocation {
  std::string command;
  po::variables_map options;  ///< the command's own options
  Config config{nanomix_schema()};  ///< file + command-line overrides
  bool quiet = false;

  bool has(const std::string& option) const { return options.count(option) > 0; }
  /// Value of a string option; InputError "--name is required" if absent.
  std::string required(const std::string& option) const;
  std::string optional(const std::string& option, const std::string& fallback = "") const;
};

struct Command {
  std::string name;
  std::string usage;                  ///< e.g. "--config C --out structure.xyz"
  std::string summary;                ///< one line
  std::vector<std::string> sections;  ///< config sections it reads, shown by --help
  bool needs_config = true;           ///< false: --config is optional (defaults are used)
  std::string positional;             ///< option that takes a bare argument (e.g. "file"), if any
  bool positional_many = false;       ///< the positional option takes every bare argument (a vector option)
  std::function<void(po::options_description&)> add_options;
  std::function<int(const Invocation&)> run;
};

/// Parses argv (after the command name) and runs the command; returns its exit code. Throws
/// InputError for bad options.
int run_command(const Command& command, const std::vector<std::string>& args);

/// Input file that must exist: InputError "--option FILE: no such file" otherwise.
void require_input_file(const std::string& path, const std::string& option);

/// A file named for what it is ("--out", "--structure", "[md] ion_potential_file", …).
struct NamedPath {
  std::string what, path;
};
/// InputError if an output would replace an input or another output: two names for the same
/// directory entry once symlinks are followed (for an input, the file it resolves to; for an
/// output, the entry that the rename replaces: a symlink there is replaced, not its target).
/// `image --structure s.xyz --out s.xyz` left an EMD file where the structure was, and
/// `--out m.emd --tiff m.emd` kept only the TIFF, both with exit 0.
void check_outputs_apart(const std::vector<NamedPath>& outputs, const std::vector<NamedPath>& inputs);
/// Every input file of an invocation: the config, the file options (--structure, --movie, …) and
/// the config's non-empty path keys.
std::vector<NamedPath> input_files(const po::variables_map& options, const Config& config);

}  // namespace nanomix::cli
