#include "sim/md_params.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "core/atomic_file.hpp"
#include "core/elements.hpp"
#include "core/error.hpp"
#include "core/neighbors.hpp"
#include "core/units.hpp"
#include "sim/knock_on.hpp"

#ifndef NANOMIX_SOURCE_DIR
#define NANOMIX_SOURCE_DIR "."
#endif

namespace nanomix::sim {

double AnnealSchedule::kelvin_at(double t) const {
  if (points.size() == 1 || t <= points.front().first) return points.front().second;
  for (std::size_t i = 1; i < points.size(); ++i) {
    if (t <= points[i].first) {
      const auto [t0, k0] = points[i - 1];
      const auto [t1, k1] = points[i];
      return k0 + (k1 - k0) * (t - t0) / (t1 - t0);
    }
  }
  return points.back().second;
}

AnnealSchedule AnnealSchedule::parse(const std::string& text, const std::function<void(const std::string&)>& fail) {
  AnnealSchedule s;
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, ',');) {
    const auto colon = item.find(':');
    if (colon == std::string::npos) fail("entry '" + item + "' is not time_ps:kelvin");
    double t = 0, k = 0;
    try {
      t = std::stod(item.substr(0, colon));
      k = std::stod(item.substr(colon + 1));
    } catch (const std::exception&) {
      fail("entry '" + item + "' is not time_ps:kelvin");
    }
    if (!std::isfinite(t) || !std::isfinite(k)) fail("entry '" + item + "' is not finite");
    if (k <= 0) fail("temperature " + std::to_string(k) + " K must be > 0");
    if (s.points.empty() ? t != 0 : t <= s.points.back().first) fail("times must start at 0 and increase");
    s.points.emplace_back(t, k);
  }
  if (s.points.empty()) fail("no entries");
  return s;
}

namespace {

std::string resolve_potential(const Config& c, const std::string& key) {
  const std::string& p = c.string("md", key);
  namespace fs = std::filesystem;
  // Regular files only, of a table's size: /dev/zero or a FIFO would never end.
  auto usable = [&](const fs::path& f) {
    if (!fs::exists(f)) return false;
    if (!fs::is_regular_file(f)) c.fail("md", key, "not a regular file");
    if (fs::file_size(f) > max_table_file_bytes) c.fail("md", key, "larger than " + std::to_string(max_table_file_bytes) + " bytes");
    return true;
  };
  if (usable(p)) return p;
  if (fs::path(p).is_relative()) {
    const fs::path in_source = fs::path(NANOMIX_SOURCE_DIR) / p;
    if (usable(in_source)) return in_source.string();
  }
  c.fail("md", key, "potential file not found (looked in the working directory and " NANOMIX_SOURCE_DIR ")");
}

/// LAMMPS ends the process on a malformed Tersoff file, so it is checked here first: entries of
/// 3 element names and 14 finite numbers (LAMMPS' tersoff format), one of them for C C C.
void check_tersoff_file(const Config& c, const std::string& path) {
  std::istringstream in(read_regular_file(path, max_table_file_bytes, "[md] tersoff_file"));
  std::vector<std::string> words;
  for (std::string line; std::getline(in, line);) {
    if (const auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream ls(line);
    for (std::string w; ls >> w;) words.push_back(w);
  }
  if (words.empty() || words.size() % 17 != 0) {
    c.fail("md", "tersoff_file", "not a LAMMPS Tersoff file (entries of 3 elements and 14 numbers)");
  }
  bool carbon_entry = false;
  for (std::size_t e = 0; e < words.size(); e += 17) {
    carbon_entry = carbon_entry || (words[e] == "C" && words[e + 1] == "C" && words[e + 2] == "C");
    for (std::size_t k = e + 3; k < e + 17; ++k) {
      char* end = nullptr;
      const double v = std::strtod(words[k].c_str(), &end);
      if (end == words[k].c_str() || *end != '\0' || !std::isfinite(v)) {
        c.fail("md", "tersoff_file", "entry " + std::to_string(e / 17 + 1) + ": '" + words[k] + "' is not a finite number");
      }
    }
  }
  if (!carbon_entry) c.fail("md", "tersoff_file", "no C C C entry");
}

}  // namespace

MdParams MdParams::from_config(const Config& c) {
  const std::string s = "md";
  MdParams p;
  const std::string& m = c.string(s, "mechanism");
  p.swap_biased_drive = m == "swap_biased_drive";
  p.mechanism = m == "swap_accelerated" || p.swap_biased_drive ? Mechanism::swap_accelerated
                : m == "beam"                                  ? Mechanism::beam
                                                               : Mechanism::thermal;
  p.seed = static_cast<std::uint64_t>(c.integer(s, "seed"));
  p.timestep_fs = c.real(s, "timestep_fs");
  const std::string& sched = c.string(s, "anneal_schedule");
  if (sched.find_first_not_of(" \t") == std::string::npos) {
    p.schedule.points = {{0.0, c.real(s, "temperature_kelvin")}};
  } else {
    p.schedule = AnnealSchedule::parse(sched, [&](const std::string& why) { c.fail(s, "anneal_schedule", why); });
  }
  const std::string& th = c.string(s, "thermostat");
  p.thermostat = th == "langevin" ? Thermostat::langevin : th == "berendsen" ? Thermostat::berendsen : Thermostat::nose_hoover;
  p.thermostat_damping_ps = c.real(s, "thermostat_damping_ps");
  p.melt_temperature_kelvin = c.real(s, "melt_temperature_kelvin");
  p.melt_ps = c.real(s, "melt_ps");
  p.quench_ps = c.real(s, "quench_ps");
  p.frames = c.integer(s, "frames");
  p.frame_interval_ps = c.real(s, "frame_interval_ps");
  p.checkpoint_every_frames = c.integer(s, "checkpoint_every_frames");
  p.experiment_seconds_per_frame = c.real(s, "experiment_seconds_per_frame");
  const std::string& tube = c.string(s, "tube");
  p.tube = tube == "flexible_tersoff" ? TubeModel::flexible_tersoff
           : tube == "flexible_airebo" ? TubeModel::flexible_airebo
                                       : TubeModel::rigid;
  p.coulomb_cutoff_angstrom = c.real(s, "coulomb_cutoff_angstrom");
  p.born_cutoff_angstrom = c.real(s, "born_cutoff_angstrom");
  p.lj_cutoff_angstrom = c.real(s, "lj_cutoff_angstrom");
  p.neighbor_skin_angstrom = c.real(s, "neighbor_skin_angstrom");
  p.ion_potential_file = resolve_potential(c, "ion_potential_file");
  p.carbon_ion_potential_file = resolve_potential(c, "carbon_ion_potential_file");
  if (p.tube == TubeModel::flexible_tersoff) {
    p.tersoff_file = resolve_potential(c, "tersoff_file");
    check_tersoff_file(c, p.tersoff_file);
  }
  if (p.tube == TubeModel::flexible_airebo) p.airebo_file = resolve_potential(c, "airebo_file");
  p.min_start_distance_angstrom = c.real(s, "min_start_distance_angstrom");
  p.swap_sweeps_per_frame = c.real(s, "swap_sweeps_per_frame");
  p.swap_temperature_kelvin = c.real(s, "swap_temperature_kelvin");
  const std::string& swap_sched = c.string(s, "swap_schedule");
  if (swap_sched.find_first_not_of(" \t") != std::string::npos) {
    p.swap_schedule = AnnealSchedule::parse(swap_sched, [&](const std::string& why) { c.fail(s, "swap_schedule", why); });
  }
  if (m == "swap_accelerated" && p.swap_temperature_kelvin > 0) {
    c.fail(s, "swap_temperature_kelvin", "swaps apart from the MD temperature are a biased drive, not a sampler: say so with mechanism = swap_biased_drive");
  }
  if (m == "swap_accelerated" && !p.swap_schedule.points.empty()) {
    c.fail(s, "swap_schedule", "swaps apart from the MD temperature are a biased drive, not a sampler: say so with mechanism = swap_biased_drive");
  }
  p.swap_batches_per_frame = c.integer(s, "swap_batches_per_frame");
  if (p.mechanism == Mechanism::swap_accelerated && p.steps_per_frame() % p.swap_batches_per_frame != 0) {
    c.fail(s, "swap_batches_per_frame", "must divide the " + std::to_string(p.steps_per_frame()) + " steps of a frame");
  }
  p.beam_voltage_kv = c.real(s, "beam_voltage_kv");
  p.dose_rate_e_per_nm2_s = c.real(s, "dose_rate_e_per_nm2_s");
  p.kick_min_energy_ev = c.real(s, "kick_min_energy_ev");
  p.dose_multiplier = c.real(s, "dose_multiplier");
  p.beam_axis = c.string(s, "beam_direction")[0] - 'x';
  p.tube_vibration_amplitude_angstrom = c.real(s, "tube_vibration_amplitude_angstrom");
  p.tube_vibration_period_ps = c.real(s, "tube_vibration_period_ps");
  p.sro_shell_angstrom = c.real(s, "sro_shell_angstrom");

  const double steps = p.frame_interval_ps * 1000.0 / p.timestep_fs;
  if (std::abs(steps - std::round(steps)) > 1e-6 * steps || std::round(steps) < 1) {
    c.fail(s, "frame_interval_ps", "must be a whole number (>= 1) of time steps of " + std::to_string(p.timestep_fs) + " fs");
  }
  if (p.tube != TubeModel::rigid && p.tube_vibration_amplitude_angstrom > 0) {
    c.fail(s, "tube_vibration_amplitude_angstrom", "tube vibration needs tube = rigid (a flexible tube vibrates by itself)");
  }
  return p;
}

std::int64_t MdParams::steps_per_frame() const {
  return static_cast<std::int64_t>(std::llround(frame_interval_ps * 1000.0 / timestep_fs));
}

double MdParams::max_temperature_kelvin() const {
  double t = melt_ps > 0 ? melt_temperature_kelvin : 0;
  for (const auto& pt : schedule.points) t = std::max(t, pt.second);
  return t;
}

void validate_md_input(const Config& c, const MdParams& p, const ForceField& ff, const Structure& s) {
  const Frame& f = s.frame;
  for (std::size_t i = 0; i < f.size(); ++i) {
    const int z = f.atomic_numbers[i];
    if (!ff.has_species(z)) {
      throw InputError("atom " + std::to_string(i) + " is " +
                       (is_element(z) ? std::string(element(z).symbol) : "Z=" + std::to_string(z)) +
                       ": unknown species for the md force field (C, Na, Cl, I: " + ff.ion_file + ")");
    }
  }
  if (s.tube.cells == 0 && s.carbon_count == 0) {
    throw InputError("[structure] kind: md needs a tube with ions (kind = tube_cluster)");
  }
  if (f.box.periodic[0] || f.box.periodic[1] || f.box.periodic[2]) {
    c.fail("structure", "tube_periodic", "md sums Coulomb without periodic images: use an open tube (false)");
  }
  const std::size_t ions = f.size() - s.carbon_count;
  if (ions == 0) c.fail("structure", "ion_pairs", "md needs ions in the tube");
  if (const std::size_t out = ions_outside_open_space(s, f); out > 0) {
    c.fail("structure", "wall_clearance_angstrom", std::to_string(out) + " ions start outside the tube's open space");
  }
  // Overlaps: any pair closer than the minimum, except carbon–carbon (the tube's own bonds).
  const double dmin = p.min_start_distance_angstrom;
  std::string overlap;
  for_each_pair_within(f, dmin, [&](int i, int j, double d) {
    if (f.atomic_numbers[i] == carbon && f.atomic_numbers[j] == carbon) return;
    if (overlap.empty()) {
      overlap = "atoms " + std::to_string(i) + " (" + std::string(element(f.atomic_numbers[i]).symbol) + ") and " +
                std::to_string(j) + " (" + std::string(element(f.atomic_numbers[j]).symbol) + ") overlap: " +
                std::to_string(d) + " Å apart";
    }
  });
  if (!overlap.empty()) c.fail("md", "min_start_distance_angstrom", overlap);

  // Temperatures above the boiling point of the cluster's salts (bulk, 1 atm: NaCl 1738 K, NaI
  // 1577 K; CRC Handbook) evaporate the cluster: ions leave the tube and the run would stop.
  {
    const bool iodide = f.count(iodine) > 0;
    const double boiling_kelvin = iodide ? 1577.0 : 1738.0;
    const std::string why = "above the boiling point of " + std::string(iodide ? "NaI (1577 K)" : "NaCl (1738 K)") +
                            ": the cluster would evaporate out of the tube";
    if (p.melt_ps > 0 && p.melt_temperature_kelvin > boiling_kelvin) c.fail("md", "melt_temperature_kelvin", why);
    for (const auto& pt : p.schedule.points) {
      if (pt.second > boiling_kelvin) c.fail("md", p.schedule.points.size() > 1 ? "anneal_schedule" : "temperature_kelvin", why);
    }
  }
  // Coulomb cut-off: longer than any two ions in the tube can be apart (tube diagonal).
  const double diag = std::hypot(s.tube.length_angstrom, 2 * s.open_radius_angstrom);
  if (p.coulomb_cutoff_angstrom < diag + 1.0) {
    c.fail("md", "coulomb_cutoff_angstrom",
           "must exceed the tube's diagonal " + std::to_string(diag) + " Å + 1 Å (ions further apart would lose their Coulomb interaction)");
  }
  // Time step: the fastest atom must move < 0.1 Å per step. Thermal speed: 4 sqrt(kT/m) of the
  // lightest ion at the highest temperature; beam: the recoil speed at the largest T_max.
  double v_max = 0;  // Å/ps
  for (int z : {sodium, chlorine, iodine}) {
    const double m = element(z).mass_amu;
    v_max = std::max(v_max, 4 * std::sqrt(units::boltzmann_ev_per_k * p.max_temperature_kelvin() / m * angstrom2_per_ps2_per_ev_per_amu));
    if (p.mechanism == Mechanism::beam) {
      const double t = max_transfer_ev(p.beam_voltage_kv * 1e3, m);
      v_max = std::max(v_max, std::sqrt(2 * t / m * angstrom2_per_ps2_per_ev_per_amu));
    }
  }
  const double dx = v_max * p.timestep_fs * 1e-3;
  if (dx > 0.1) {
    c.fail("md", "timestep_fs", "unsafe: the fastest ion would move " + std::to_string(dx) +
                                    " Å per step (limit 0.1 Å); use <= " + std::to_string(0.1 / v_max * 1e3) + " fs");
  }
  // Tube vibration (fix move wiggle): its fastest carbon moves 2 pi A / T; more than 0.1 Å per
  // step tears the ions' neighbour lists and ends LAMMPS.
  if (p.tube == TubeModel::rigid && p.tube_vibration_amplitude_angstrom > 0) {
    const double step_angstrom =
        2 * M_PI * p.tube_vibration_amplitude_angstrom / p.tube_vibration_period_ps * p.timestep_fs * 1e-3;
    if (step_angstrom > 0.1) {
      c.fail("md", "tube_vibration_period_ps", "too fast for the time step: the tube would move " + std::to_string(step_angstrom) +
                                                   " Å per step (limit 0.1 Å)");
    }
  }
  if (p.tube != TubeModel::rigid && p.timestep_fs > 1.0) {
    c.fail("md", "timestep_fs", "unsafe for a flexible carbon tube: use <= 1 fs");
  }
}

}  // namespace nanomix::sim
