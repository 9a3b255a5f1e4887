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
  return command.run(inv);
}

}  // namespace nanomix::cli
