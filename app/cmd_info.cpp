// nanomix info FILE: what a nanomix file holds.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "app/commands.hpp"
#include "core/elements.hpp"
#include "core/error.hpp"
#include "core/h5md.hpp"
#include "core/hdf5_util.hpp"
#include "core/xyz.hpp"

namespace nanomix::cli {

namespace {

std::string composition(const std::vector<int>& species) {
  std::map<int, std::size_t> counts;
  for (int z : species) ++counts[z];
  std::string out;
  for (const auto& [z, n] : counts) out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + std::string(element(z).symbol);
  return out;
}

std::string box_text(const Box& box) {
  const Eigen::Vector3d l = box.lengths_angstrom();
  char buf[160];
  std::snprintf(buf, sizeof buf, "%.3f × %.3f × %.3f Å%s, periodic %c%c%c", l[0], l[1], l[2],
                box.is_orthorhombic() ? "" : " (triclinic)", box.periodic[0] ? 'T' : 'F', box.periodic[1] ? 'T' : 'F',
                box.periodic[2] ? 'T' : 'F');
  return buf;
}

void describe_xyz(const std::string& path) {
  const auto frames = read_xyz(path);
  const Frame& f = frames.front();
  std::cout << path << ": extended XYZ structure, " << frames.size() << " frame(s)\n"
            << "  atoms: " << f.size() << " (" << composition(f.atomic_numbers) << ")\n"
            << "  cell:  " << box_text(f.box) << "\n";
}

void describe_h5md(const std::string& path) {
  H5mdReader r(path);
  std::cout << path << ": H5MD trajectory, " << r.frame_count() << " frame(s) of " << r.atom_count() << " atoms ("
            << composition(r.atomic_numbers()) << ")\n";
  if (r.frame_count() > 0) {
    const Frame first = r.frame(0), last = r.frame(r.frame_count() - 1);
    std::cout << "  time:  " << first.time_ps << " … " << last.time_ps << " ps (steps " << first.step << " … "
              << last.step << ")\n"
              << "  box:   " << box_text(first.box) << "\n";
  }
  const auto names = r.observable_names();
  if (!names.empty()) {  // one observable a line: a list on one line ran past any terminal
    std::cout << "  observables (last value):\n";
    for (const auto& n : names) {
      const auto s = r.observable(n);
      std::cout << "    " << n;
      if (!s.values.empty()) std::cout << " = " << s.values.back() << (s.unit.empty() ? "" : " " + s.unit);
      std::cout << "\n";
    }
  }
}

}  // namespace

static void describe_file(const std::string& path);

Command info_command() {
  Command c;
  c.name = "info";
  c.usage = "FILE [FILE ...]";
  c.summary = "what a nanomix file holds (structure, trajectory, movie, columns, diagrams)";
  c.needs_config = false;
  c.positional = "file";
  c.positional_many = true;
  c.add_options = [](po::options_description& o) {
    o.add_options()("file", po::value<std::vector<std::string>>()->composing(), "the files to describe (or give them as the arguments)");
  };
  c.run = [](const Invocation& inv) {
    if (!inv.has("file")) throw InputError("give at least one file to describe");
    const auto paths = inv.options["file"].as<std::vector<std::string>>();
    for (const auto& p : paths) require_input_file(p, "file");  // every name checked before any output
    for (std::size_t k = 0; k < paths.size(); ++k) {
      if (k) std::cout << "\n";
      describe_file(paths[k]);
    }
    return 0;
  };
  return c;
}

static void describe_file(const std::string& path) {
  {
    if (h5::is_hdf5(path)) {
      h5::Id f = h5::open_file(path);
      if (is_h5md(path)) {
        describe_h5md(path);
      } else if (h5::has_attribute(f, "nanomix_format")) {
        std::cout << path << ": nanomix " << h5::read_string_attribute(f, "nanomix_format") << " file";
        if (h5::has_attribute(f, "nanomix_format_version"))
          std::cout << " (format version " << h5::read_double_attribute(f, "nanomix_format_version") << ")";
        std::cout << "\n";
      } else if (h5::has_attribute(f, "version_major")) {
        std::cout << path << ": EMD " << h5::read_double_attribute(f, "version_major") << "."
                  << (h5::has_attribute(f, "version_minor") ? h5::read_double_attribute(f, "version_minor") : 0)
                  << " movie (Berkeley EMD)\n";
      } else if (h5::exists(f, "columns")) {
        std::cout << path << ": nanomix columns file\n";
      } else {
        std::cout << path << ": HDF5 file\n";
      }
      std::cout << "  contents:\n" << h5::describe_tree(f);
      return;
    }
    std::ifstream in(path);
    std::string first;
    std::getline(in, first);
    if (first.find_first_not_of(" \t\r0123456789") == std::string::npos && !first.empty()) {
      describe_xyz(path);
      return;
    }
    throw InputError(path + ": not a file nanomix knows (extended XYZ or HDF5)");
  }
}

}  // namespace nanomix::cli
