// nanomix: simulate, render and measure the segregation of a NaCl–NaI nanomixture in a carbon
// nanotube as filmed by SMART-EM. This file only dispatches to a subcommand and turns exceptions
// into exit codes (2: bad input, 1: runtime failure).
#include <iostream>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "core/error.hpp"
#include "core/hdf5_util.hpp"
#include "core/parallel.hpp"
#include "nanomix/version.hpp"

namespace {

void print_help(const std::vector<nanomix::cli::Command>& commands) {
  std::cout << "nanomix " << nanomix::version_string
            << ": NaCl–NaI nanomixtures in carbon nanotubes — molecular dynamics (LAMMPS), synthetic\n"
               "SMART-EM movies (multislice TEM) and persistent homology (GUDHI).\n\n"
               "Usage: nanomix <command> [options]     nanomix <command> --help for its options and config keys\n\n"
               "Commands:\n";
  for (const auto& c : commands) {
    std::string pad(std::max<std::size_t>(2, 10 - c.name.size()), ' ');
    std::cout << "  " << c.name << pad << c.summary << "\n";
  }
  std::cout << "\nOptions:\n  -h, --help     this help\n  --version      print the version\n"
               "\nEvery INI key [section] key = v is also the option --section.key=v (the command line wins).\n"
               "Exit codes: 0 success, 1 runtime failure, 2 bad input (nothing written).\n";
}

}  // namespace

int main(int argc, char** argv) {
  nanomix::h5::skip_library_cleanup_at_exit();
  nanomix::MpiSession mpi(&argc, &argv);  // `mpirun -np N nanomix …` splits work over ranks
  const auto commands = nanomix::cli::all_commands();
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
      print_help(commands);
      return args.empty() ? nanomix::exit_input_error : nanomix::exit_ok;
    }
    if (args[0] == "--version" || args[0] == "-V") {
      std::cout << "nanomix " << nanomix::version_string << "\n";
      return nanomix::exit_ok;
    }
    for (const auto& c : commands) {
      if (c.name == args[0]) return nanomix::cli::run_command(c, {args.begin() + 1, args.end()});
    }
    throw nanomix::InputError("unknown command '" + args[0] + "' (see 'nanomix --help')");
  } catch (const nanomix::InputError& e) {
    // Bad input is found alike on every rank (the same files and options): said once, by rank 0.
    if (nanomix::mpi_rank() == 0) std::cerr << "nanomix: error: " << e.what() << "\n";
    return nanomix::exit_input_error;
  } catch (const std::exception& e) {
    std::cerr << "nanomix: failed: " << e.what() << "\n";
    return nanomix::exit_runtime_error;
  }
}
