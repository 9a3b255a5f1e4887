#include "sim/forcefield.hpp"

#include <cmath>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/elements.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "sim/rocksalt.hpp"

namespace nanomix::sim {

double BornPair::energy_ev(double r) const {
  const double r2 = r * r, r6 = r2 * r2 * r2;
  return a_ev * std::exp((sigma_angstrom - r) / rho_angstrom) - c_ev_angstrom6 / r6 + d_ev_angstrom8 / (r6 * r2);
}

double LjPair::energy_ev(double r) const {
  const double s = sigma_angstrom / r, s2 = s * s, s6 = s2 * s2 * s2;  // (not std::pow: the swap tables call this ~10⁵ times a batch)
  return 4 * epsilon_ev * (s6 * s6 - s6);
}

double ShellParams::polarisability_angstrom3() const {
  return 14.399645 * shell_e * shell_e / spring_ev_per_angstrom2;  // e²/(4πε0) = 14.399645 eV Å
}

SpeciesPair species_pair(int z1, int z2) { return z1 < z2 ? SpeciesPair{z1, z2} : SpeciesPair{z2, z1}; }

namespace {

int species_of(const std::string& symbol, const std::string& where) {
  try {
    return atomic_number(symbol);
  } catch (const std::exception&) {
    throw InputError(where + ": unknown species '" + symbol + "'");
  }
}

/// Non-comment lines of a potential file as (line number, fields).
std::vector<std::pair<int, std::vector<std::string>>> read_table(const std::string& path) {
  std::istringstream in(read_regular_file(path, max_table_file_bytes, "potential file"));
  std::vector<std::pair<int, std::vector<std::string>>> rows;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream ls(line);
    std::vector<std::string> f;
    for (std::string w; ls >> w;) f.push_back(w);
    if (!f.empty()) rows.emplace_back(n, f);
  }
  return rows;
}

double number(const std::string& text, const std::string& where) {
  try {
    std::size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size() && std::isfinite(v)) return v;
  } catch (const std::exception&) {
  }
  throw InputError(where + ": '" + text + "' is not a finite number");
}

}  // namespace

ForceField ForceField::load(const std::string& ion_file, const std::string& carbon_ion_file) {
  ForceField ff;
  std::map<int, std::string> shell_lines;
  ff.ion_file = ion_file;
  ff.carbon_ion_file = carbon_ion_file;
  for (const auto& [line, f] : read_table(ion_file)) {
    const std::string where = ion_file + ":" + std::to_string(line);
    if (f[0] == "charge") {
      if (f.size() != 3) throw InputError(where + ": expected 'charge <species> <e>'");
      ff.charge_e[species_of(f[1], where)] = number(f[2], where);
      continue;
    }
    if (f[0] == "shell") {
      if (f.size() == 5) throw InputError(where + ": shell line without a shell mass (expected 'shell <species> <core_e> <shell_e> <k_eV/A2> <shell_mass_amu>')");
      if (f.size() != 6) throw InputError(where + ": expected 'shell <species> <core_e> <shell_e> <k_eV/A2> <shell_mass_amu>'");
      const int z = species_of(f[1], where);
      ShellParams sp{number(f[2], where), number(f[3], where), number(f[4], where), number(f[5], where)};
      if (sp.spring_ev_per_angstrom2 <= 0) throw InputError(where + ": spring constant k must be > 0");
      if (sp.shell_mass_amu <= 0 || sp.shell_mass_amu >= element(z).mass_amu) {
        throw InputError(where + ": shell mass must be > 0 and below the ion's mass (" + std::to_string(element(z).mass_amu) + " amu)");
      }
      if (sp.shell_e == 0) throw InputError(where + ": shell charge must be non-zero");
      ff.shells[z] = sp;
      shell_lines[z] = where;
      continue;
    }
    if (f.size() != 7) throw InputError(where + ": expected '<species> <species> A rho sigma C D'");
    BornPair b{number(f[2], where), number(f[3], where), number(f[4], where), number(f[5], where),
               number(f[6], where)};
    if (b.rho_angstrom <= 0) throw InputError(where + ": rho must be > 0");
    ff.born[species_pair(species_of(f[0], where), species_of(f[1], where))] = b;
  }
  for (const auto& [line, f] : read_table(carbon_ion_file)) {
    const std::string where = carbon_ion_file + ":" + std::to_string(line);
    if (f.size() != 4) throw InputError(where + ": expected '<species> <species> epsilon sigma'");
    const int z1 = species_of(f[0], where), z2 = species_of(f[1], where);
    if (z1 != carbon && z2 != carbon) throw InputError(where + ": one species of each pair must be C");
    LjPair lj{number(f[2], where), number(f[3], where)};
    if (lj.epsilon_ev < 0 || lj.sigma_angstrom <= 0) throw InputError(where + ": need epsilon >= 0, sigma > 0");
    ff.carbon_ion[species_pair(z1, z2)] = lj;
  }
  const int ions[] = {sodium, chlorine, iodine};
  for (int a : ions) {
    if (!ff.charge_e.count(a)) {
      throw InputError(ion_file + ": no charge for " + std::string(element(a).symbol));
    }
    if (!ff.carbon_ion.count(species_pair(carbon, a))) {
      throw InputError(carbon_ion_file + ": no C–" + std::string(element(a).symbol) + " pair");
    }
    for (int b : ions) {
      if (!ff.born.count(species_pair(a, b))) {
        throw InputError(ion_file + ": no " + std::string(element(a).symbol) + "–" +
                         std::string(element(b).symbol) + " pair");
      }
    }
  }
  for (const auto& [z, sp] : ff.shells) {
    if (!ff.charge_e.count(z)) throw InputError(shell_lines.at(z) + ": shell for an ion without a charge line");
    const double total = ff.charge_e.at(z);
    if (std::abs(sp.core_e + sp.shell_e - total) > 1e-9) {
      throw InputError(shell_lines.at(z) + ": core + shell charge " + std::to_string(sp.core_e + sp.shell_e) +
                       " e differs from the ion's charge " + std::to_string(total) + " e");
    }
  }
  if (!ff.shells.empty()) ff.kind = ForceFieldKind::core_shell;
  return ff;
}

bool ForceField::has_species(int z) const { return z == carbon || charge_e.count(z) > 0; }

}  // namespace nanomix::sim
