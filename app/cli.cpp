#include "app/cli.hpp"

#include <filesystem>
#include <iostream>

#include "core/error.hpp"

namespace nanomix::cli {

std::string Invocation::required(const std::string& option) const {
  if (!options.count(option)) throw InputError("nanomix " + command + ": --" + option + " is required");
  return options[option].as<std::string>();
}

std::string Invocation::optional(const std::string& option, const std::string& fallback) const {
  return options.count(option) ? options[option].as<std::string>() : fallback;
}

void require_input_file(const std::string& path, const std::string& option) {
  if (!std::filesystem::is_regular_file(path)) throw InputError("--" + option + " " + path + ": no such file");
}

namespace {

namespace fs = std::filesystem;

/// The directory entry a path names, its directory's symlinks resolved; with `follow`, the final
/// component's too (an input is read through a symlink; an output's rename replaces the link).
fs::path entry_of(const std::string& path, bool follow) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(path, ec).lexically_normal();
  if (follow) {
    const fs::path resolved = fs::weakly_canonical(absolute, ec);
    if (!ec) return resolved;
  }
  const fs::path dir = fs::weakly_canonical(absolute.parent_path(), ec);
  return ec ? absolute : dir / absolute.filename();
}

}  // namespace

void check_outputs_apart(const std::vector<NamedPath>& outputs, const std::vector<NamedPath>& inputs) {
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const fs::path out = entry_of(outputs[i].path, false);
    for (std::size_t j = 0; j < i; ++j) {
      if (entry_of(outputs[j].path, false) == out)
        throw InputError(outputs[i].what + " " + outputs[i].path + ": the same file as " + outputs[j].what + " " + outputs[j].path +
                         "; each output needs a file of its own");
    }
    for (const auto& in : inputs) {
      if (entry_of(in.path, true) == out)
        throw InputError(outputs[i].what + " " + outputs[i].path + ": is " + in.what + " " + in.path +
                         ", which writing the output would replace");
    }
  }
}

std::vector<NamedPath> input_files(const po::variables_map& options, const Config& config) {
  std::vector<NamedPath> inputs;
  for (const char* name : {"config", "structure", "trajectory", "movie", "columns", "experimental", "simulated", "file"}) {
    if (!options.count(name)) continue;
    const auto& value = options[name].value();
    if (const auto* one = boost::any_cast<std::string>(&value)) inputs.push_back({std::string("--") + name, *one});
    if (const auto* many = boost::any_cast<std::vector<std::string>>(&value))
      for (const auto& p : *many) inputs.push_back({std::string("--") + name, p});
  }
  for (const auto& spec : config.schema().keys()) {
    if (spec.type != KeyType::path) continue;
    const std::string& value = config.string(spec.section, spec.key);
    if (!value.empty()) inputs.push_back({"[" + spec.section + "] " + spec.key, value});
  }
  return inputs;
}

int run_command(const Command& command, const std::vector<std::string>& args) {
  po::options_description own("Options of 'nanomix " + command.name + "'");
  own.add_options()("help,h", "print this help, with every config key the command reads")(
      "config", po::value<std::string>(), "INI config file (one file describes the whole experiment)")(
      "quiet,q", "no progress output");
  if (command.add_options) command.add_options(own);

  po::options_description keys;
  for (const auto& spec : nanomix_schema()->keys()) keys.add_options()(spec.name().c_str(), po::value<std::string>());
  po::options_description all;
  all.add(own).add(keys);

  po::variables_map vm;
  try {
    po::positional_options_description positional;
    if (!command.positional.empty()) positional.add(command.positional.c_str(), command.positional_many ? -1 : 1);
    po::store(po::command_line_parser(args)
                  .options(all)
                  .positional(positional)
                  .style(po::command_line_style::unix_style ^ po::command_line_style::allow_guessing)
                  .run(),
              vm);
  } catch (const po::error& e) {
    throw InputError("nanomix " + command.name + ": " + e.what() + " (see 'nanomix " + command.name + " --help')");
  }
  if (vm.count("help")) {
    std::cout << "Usage: nanomix " << command.name << " " << command.usage << "\n\n"
              << command.summary << "\n\n"
              << own << "\nConfig keys (in the INI file, or on the command line as --section.key=value; the command "
                        "line wins):\n"
              << nanomix_schema()->describe(command.sections);
    return exit_ok;
  }
  Invocation inv;
  inv.command = command.name;
  inv.quiet = vm.count("quiet") > 0;
  std::vector<std::pair<std::string, std::string>> overrides;
  for (const auto& spec : nanomix_schema()->keys()) {
    if (vm.count(spec.name())) overrides.emplace_back(spec.name(), vm[spec.name()].as<std::string>());
  }
  std::string config_path;
  if (vm.count("config")) {
    config_path = vm["config"].as<std::string>();
    require_input_file(config_path, "config");
  } else if (command.needs_config) {
    throw InputError("nanomix " + command.name + ": --config is required");
  }
  inv.config = load_config(config_path, overrides);
  for (const auto& option : own.options()) {
    const std::string& name = option->long_name();
    if (vm.count(name)) inv.options.insert({name, vm[name]});
  }
  // Files written (not `run`'s --out, a folder of fixed names) apart from every file read.
  if (command.name != "run") {
    std::vector<NamedPath> outputs;
    for (const char* name : {"out", "tiff", "mrc"})
      if (inv.has(name)) outputs.push_back({std::string("--") + name, inv.options[name].as<std::string>()});
    check_outputs_apart(outputs, input_files(inv.options, inv.config));
  }
  return command.run(inv);
}

}  // namespace nanomix::cli
