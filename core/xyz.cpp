#include "core/xyz.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "core/atomic_file.hpp"
#include "core/elements.hpp"
#include "core/error.hpp"

namespace nanomix {

namespace {

/// key=value pairs of the comment line; values may be "double quoted".
std::map<std::string, std::string> parse_info(const std::string& line, const std::string& where) {
  std::map<std::string, std::string> info;
  std::size_t i = 0;
  const std::size_t n = line.size();
  while (i < n) {
    while (i < n && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i >= n) break;
    std::size_t k = i;
    while (k < n && line[k] != '=' && !std::isspace(static_cast<unsigned char>(line[k]))) ++k;
    const std::string key = line.substr(i, k - i);
    if (k >= n || line[k] != '=') {  // a bare word (ASE allows flags): value "T"
      info[key] = "T";
      i = k;
      continue;
    }
    ++k;
    std::string value;
    if (k < n && (line[k] == '"' || line[k] == '\'')) {
      const char quote = line[k];
      const std::size_t end = line.find(quote, k + 1);
      if (end == std::string::npos) throw InputError(where + ": unterminated quote in the comment line");
      value = line.substr(k + 1, end - k - 1);
      i = end + 1;
    } else {
      std::size_t end = k;
      while (end < n && !std::isspace(static_cast<unsigned char>(line[end]))) ++end;
      value = line.substr(k, end - k);
      i = end;
    }
    info[key] = value;
  }
  return info;
}

std::vector<double> parse_numbers(const std::string& text, const std::string& where, const std::string& what) {
  std::istringstream in(text);
  std::vector<double> out;
  std::string word;
  while (in >> word) {
    char* end = nullptr;
    const double v = std::strtod(word.c_str(), &end);
    if (end != word.c_str() + word.size()) throw InputError(where + ": " + what + " has a non-number '" + word + "'");
    out.push_back(v);
  }
  return out;
}

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.8f", v);
  return buf;
}

}  // namespace

std::string format_xyz(const std::vector<Frame>& frames) {
  std::ostringstream out;
  for (const Frame& f : frames) {
    out << f.size() << "\n";
    const auto& e = f.box.edges_angstrom;
    out << "Lattice=\"";
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 3; ++c) out << (r || c ? " " : "") << fmt(e(r, c));
    out << "\" Properties=species:S:1:pos:R:3 pbc=\"" << (f.box.periodic[0] ? "T" : "F") << " "
        << (f.box.periodic[1] ? "T" : "F") << " " << (f.box.periodic[2] ? "T" : "F") << "\""
        << " time_ps=" << fmt(f.time_ps) << " step=" << f.step << " nanomix_xyz_version=" << xyz_format_version
        << "\n";
    for (std::size_t i = 0; i < f.size(); ++i) {
      const auto row = f.positions_angstrom.row(static_cast<Eigen::Index>(i));
      out << element(f.atomic_numbers[i]).symbol << " " << fmt(row[0]) << " " << fmt(row[1]) << " " << fmt(row[2])
          << "\n";
    }
  }
  return out.str();
}

void write_xyz(const std::string& path, const std::vector<Frame>& frames) {
  write_text_file_atomically(path, format_xyz(frames));
}

std::vector<Frame> read_xyz(const std::string& path) {
  return parse_xyz(read_regular_file(path, max_structure_file_bytes, "structure file"), path);
}

namespace {

/// The atom count on a frame's first line.
long parse_atom_count(const std::string& line, const std::string& where) {
  char* end = nullptr;
  const long count = std::strtol(line.c_str(), &end, 10);
  if (end == line.c_str() || count < 0 || line.find_first_not_of(" \t\r", static_cast<std::size_t>(end - line.c_str())) != std::string::npos) {
    throw InputError(where + ": expected the number of atoms, got '" + line + "'");
  }
  if (count > 100000000) throw InputError(where + ": absurd atom count " + std::to_string(count));
  return count;
}

/// Format version, box (Lattice, pbc), time and step from the comment line's key=value pairs.
void apply_frame_info(const std::map<std::string, std::string>& info, const std::string& where, Frame& frame) {
  if (auto v = info.find("nanomix_xyz_version"); v != info.end() && std::atoi(v->second.c_str()) > xyz_format_version) {
    throw InputError(where + ": written by a newer nanomix (format version " + v->second + ")");
  }
  if (auto lat = info.find("Lattice"); lat != info.end()) {
    const auto v = parse_numbers(lat->second, where, "Lattice");
    if (v.size() != 9) throw InputError(where + ": Lattice needs 9 numbers");
    for (int k = 0; k < 9; ++k) frame.box.edges_angstrom(k / 3, k % 3) = v[static_cast<std::size_t>(k)];
    frame.box.periodic = {true, true, true};  // ASE: a Lattice without pbc means periodic
  }
  if (auto pbc = info.find("pbc"); pbc != info.end()) {
    std::istringstream words(pbc->second);
    std::string w;
    for (int k = 0; k < 3; ++k) {
      if (!(words >> w)) throw InputError(where + ": pbc needs three T/F values");
      frame.box.periodic[static_cast<std::size_t>(k)] = (w == "T" || w == "True" || w == "true" || w == "1");
    }
  }
  if (auto t = info.find("time_ps"); t != info.end()) frame.time_ps = std::strtod(t->second.c_str(), nullptr);
  if (auto s = info.find("step"); s != info.end()) frame.step = std::strtoll(s->second.c_str(), nullptr, 10);
}

/// Where each quantity sits on an atom line (column indices; -1: absent).
struct AtomLineLayout {
  int species_col = 0, z_col = -1, pos_col = 1, ncols = 4;
};

/// Column layout from Properties (default: species:S:1:pos:R:3).
AtomLineLayout atom_line_layout(const std::map<std::string, std::string>& info, const std::string& where) {
  AtomLineLayout l;
  auto p = info.find("Properties");
  if (p == info.end()) return l;
  std::vector<std::string> parts;
  std::stringstream ss(p->second);
  std::string part;
  while (std::getline(ss, part, ':')) parts.push_back(part);
  if (parts.size() % 3 != 0) throw InputError(where + ": malformed Properties '" + p->second + "'");
  l.species_col = -1;
  l.pos_col = -1;
  int col = 0;
  for (std::size_t k = 0; k < parts.size(); k += 3) {
    const int width = std::atoi(parts[k + 2].c_str());
    if (width < 1) throw InputError(where + ": malformed Properties '" + p->second + "'");
    if (parts[k] == "species") l.species_col = col;
    if (parts[k] == "Z") l.z_col = col;
    if (parts[k] == "pos") {
      if (width != 3) throw InputError(where + ": pos must have 3 columns");
      l.pos_col = col;
    }
    col += width;
  }
  l.ncols = col;
  if ((l.species_col < 0 && l.z_col < 0) || l.pos_col < 0) {
    throw InputError(where + ": Properties must contain species (or Z) and pos");
  }
  return l;
}

/// Atomic number and position of atom i from its line.
void parse_atom_line(const std::string& line, const AtomLineLayout& l, const std::string& where, long i, Frame& frame) {
  std::istringstream words(line);
  std::vector<std::string> cols;
  std::string w;
  while (words >> w) cols.push_back(w);
  if (static_cast<int>(cols.size()) < l.ncols) {
    throw InputError(where + ": expected " + std::to_string(l.ncols) + " columns, found " + std::to_string(cols.size()));
  }
  if (l.species_col >= 0) {
    try {
      frame.atomic_numbers[static_cast<std::size_t>(i)] = atomic_number(cols[static_cast<std::size_t>(l.species_col)]);
    } catch (const InputError& e) {
      throw InputError(where + ": " + e.what());
    }
  } else {
    frame.atomic_numbers[static_cast<std::size_t>(i)] = std::atoi(cols[static_cast<std::size_t>(l.z_col)].c_str());
  }
  for (int k = 0; k < 3; ++k) {
    const std::string& word = cols[static_cast<std::size_t>(l.pos_col + k)];
    char* e = nullptr;
    const double v = std::strtod(word.c_str(), &e);
    if (e != word.c_str() + word.size() || !std::isfinite(v)) {
      throw InputError(where + ": bad coordinate '" + word + "'");
    }
    frame.positions_angstrom(i, k) = v;
  }
}

}  // namespace

std::vector<Frame> parse_xyz(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::vector<Frame> frames;
  std::string line;
  int number = 0;
  auto where = [&]() { return name + ":" + std::to_string(number); };
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank lines between frames
    const long count = parse_atom_count(line, where());
    if (!std::getline(in, line)) throw InputError(where() + ": missing comment line");
    ++number;
    const auto info = parse_info(line, where());
    Frame frame;
    apply_frame_info(info, where(), frame);
    const AtomLineLayout layout = atom_line_layout(info, where());
    frame.positions_angstrom.resize(count, 3);
    frame.atomic_numbers.resize(static_cast<std::size_t>(count));
    for (long i = 0; i < count; ++i) {
      if (!std::getline(in, line)) {
        throw InputError(name + ": ends after " + std::to_string(i) + " of " + std::to_string(count) + " atoms");
      }
      ++number;
      parse_atom_line(line, layout, where(), i, frame);
    }
    frame.validate(name);
    frames.push_back(std::move(frame));
  }
  if (frames.empty()) throw InputError(name + ": no atoms (empty structure file)");
  return frames;
}

}  // namespace nanomix
