// nanomix info FILE: what a nanomix file holds.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <iostream>
#include <map>
#include <sstream>

#include "app/commands.hpp"
#include "core/elements.hpp"
#include "core/error.hpp"
#include "core/h5md.hpp"
#include "core/hdf5_util.hpp"
#include "core/rehearse.hpp"
#include "core/xyz.hpp"
#include "imaging/detect/columns_file.hpp"
#include "imaging/detect/movie_reader.hpp"

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
  std::cout << path << ": H5MD trajectory, " << r.frame_count() << " frame(s) of " << r.atom_count() << " atoms";
  if (r.frame_count() > 0) {
    std::cout << " (" << composition(r.atomic_numbers(0)) << (r.species_per_frame() ? " at frame 0; species stored per frame" : "")
              << ")";
  }
  std::cout << "\n";
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

/// Any experimental or simulated movie, through the reader registry: format, signals, size,
/// calibration with its source, frame time with its kind, microscope metadata; data that is not a
/// real-space image is described with the reason it cannot be analysed.
void describe_movie(const std::string& path) {
  imaging::ReadOptions o;
  o.allow_non_image = true;
  o.isolate_hdf5 = false;  // an HDF5 file's whole description is rehearsed in a child already (describe_file)
  const imaging::MovieFormat format = imaging::detect_movie_format(path, o);
  const auto r = imaging::read_movie(path, o);
  std::string description;
  for (const auto& reader : imaging::movie_readers()) {
    if (reader.format == format || (format == imaging::MovieFormat::emd && reader.name == r.format)) description = reader.description;
  }
  static const std::map<std::string, std::string> labels = {
      {"emd", "EMD 0.2"}, {"velox", "Velox EMD"}, {"hspy", "HyperSpy HDF5"}, {"tiff", "TIFF"}, {"mrc", "MRC"},
      {"dm3", "DM3"},     {"dm4", "DM4"},         {"ser", "TIA SER"},         {"raw", "raw"}};
  const auto label = labels.count(r.format) ? labels.at(r.format) : r.format;
  std::cout << path << ": " << label << (r.refusal.empty() ? " movie" : " file") << " (" << description << ")\n";
  if (r.signals.size() > 1 || (!r.signals.empty() && !r.signals.front().name.empty())) {
    std::cout << "  signals:\n";
    for (const auto& sg : r.signals) {
      std::cout << "    " << (sg.name == r.signal ? "* " : "  ") << sg.name << " (" << sg.kind;
      if (sg.nx > 0) std::cout << ", " << sg.nx << " × " << sg.ny << " px, " << sg.frames << " frame(s)";
      std::cout << ")\n";
    }
  }
  std::cout << "  read:   " << r.dataset << (r.signal.empty() ? "" : " (signal " + r.signal + ")") << "\n";
  if (!r.refusal.empty()) std::cout << "  not a real-space image: " << r.refusal << "\n";
  std::cout << "  size:   " << r.movie.nx << " × " << r.movie.ny << " px, " << r.movie.frame_count() << " frame(s)\n";
  char buf[200];
  if (r.reciprocal_pixel_per_angstrom > 0) {
    std::snprintf(buf, sizeof buf, "%.6g 1/Å per pixel (reciprocal space)", r.reciprocal_pixel_per_angstrom);
  } else if (r.pixel_size_source == "unknown") {
    std::snprintf(buf, sizeof buf, "none in the file ([detect] pixel_size_angstrom)");
  } else {
    std::snprintf(buf, sizeof buf, "%.6g × %.6g Å (%s)", r.movie.pixel_size_x_angstrom, r.movie.pixel_size_y_angstrom,
                  r.pixel_size_source.c_str());
  }
  std::cout << "  pixel:  " << buf << "\n";
  if (r.frame_time_source == "unknown") {
    std::snprintf(buf, sizeof buf, "none in the file");
  } else {
    std::snprintf(buf, sizeof buf, "%.6g s (%s, %s)", r.movie.frame_time_s, r.frame_time_kind.c_str(), r.frame_time_source.c_str());
  }
  std::cout << "  frame time: " << buf << "\n";
  for (const auto& [k, v] : r.metadata) std::cout << "  " << k << ": " << v << "\n";
  for (const auto& n : r.notes) std::cout << "  note: " << n << "\n";
}

}  // namespace

static void describe_file(const std::string& path);

Command info_command() {
  Command c;
  c.name = "info";
  c.usage = "FILE [FILE ...]";
  c.summary = "what files hold (structure, trajectory, columns, diagrams; movies in every format nanomix reads)";
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

/// The columns file as its module reads it, or nothing if it is not one.
static std::optional<imaging::ColumnsFile> columns_file_or_none(const std::string& path) {
  try {
    return imaging::read_columns_file(path);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

/// Whether one of the movie readers takes the file.
static bool movie_reader_knows(const std::string& path) {
  try {
    imaging::detect_movie_format(path);
    return true;
  } catch (const InputError&) {
    return false;
  }
}

/// An HDF5 file: trajectory, nanomix file, columns, movie or plain HDF5, with its tree.
static void describe_hdf5(const std::string& path) {
  h5::Id f = h5::open_file(path);
  if (is_h5md(path)) {
    describe_h5md(path);
  } else if (h5::has_attribute(f, "nanomix_format")) {
    std::cout << path << ": nanomix " << h5::read_string_attribute(f, "nanomix_format") << " file";
    if (h5::has_attribute(f, "nanomix_format_version"))
      std::cout << " (format version " << h5::read_double_attribute(f, "nanomix_format_version") << ")";
    std::cout << "\n";
  } else if (const auto columns = columns_file_or_none(path)) {
    std::cout << path << ": nanomix columns file, " << columns->columns.size() << " columns in " << columns->frame_count
              << " frames\n";
  } else if (movie_reader_knows(path)) {
    describe_movie(path);  // EMD (nanomix, ncempy, HyperSpy), Velox, HyperSpy HDF5: through the movie readers
    return;
  } else {
    std::cout << path << ": HDF5 file\n";
  }
  std::cout << "  contents:\n" << h5::describe_tree(f);
}

static void describe_file(const std::string& path) {
  {
    if (h5::is_hdf5(path)) {
      // libhdf5 may crash or hang on a damaged file: the whole description is rehearsed in a child
      // first (output discarded; core/rehearse.hpp), so that info ends in one line naming the file.
      read_rehearsed(path, "HDF5", [&] { describe_hdf5(path); });
      return;
    }
    std::ifstream in(path);
    std::string first;
    std::getline(in, first);
    if (first.find_first_not_of(" \t\r0123456789") == std::string::npos && !first.empty()) {
      describe_xyz(path);
      return;
    }
    describe_movie(path);  // TIFF, MRC, DM3/DM4, SER/EMI, …; one-line InputError if no reader knows it
  }
}

}  // namespace nanomix::cli
