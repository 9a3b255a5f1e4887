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
#include "sim/beam_heating.hpp"
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

[[noreturn]] void fail(const std::string& key, const std::string& why) { throw ParamError("md", key, why); }

std::string resolve_potential(const std::string& p, const std::string& key) {
  namespace fs = std::filesystem;
  // Regular files only, of a table's size: /dev/zero or a FIFO would never end.
  auto usable = [&](const fs::path& f) {
    if (!fs::exists(f)) return false;
    if (!fs::is_regular_file(f)) fail(key, "not a regular file");
    if (fs::file_size(f) > max_table_file_bytes) fail(key, "larger than " + std::to_string(max_table_file_bytes) + " bytes");
    return true;
  };
  if (usable(p)) return p;
  if (fs::path(p).is_relative()) {
    const fs::path in_source = fs::path(NANOMIX_SOURCE_DIR) / p;
    if (usable(in_source)) return in_source.string();
  }
  fail(key, "potential file not found (looked in the working directory and " NANOMIX_SOURCE_DIR ")");
}

/// LAMMPS ends the process on a malformed Tersoff file, so it is checked here first: entries of
/// 3 element names and 14 finite numbers (LAMMPS' tersoff format), one of them for C C C.
void check_tersoff_file(const std::string& path) {
  std::istringstream in(read_regular_file(path, max_table_file_bytes, "[md] tersoff_file"));
  std::vector<std::string> words;
  for (std::string line; std::getline(in, line);) {
    if (const auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream ls(line);
    for (std::string w; ls >> w;) words.push_back(w);
  }
  if (words.empty() || words.size() % 17 != 0) {
    fail("tersoff_file", "not a LAMMPS Tersoff file (entries of 3 elements and 14 numbers)");
  }
  bool carbon_entry = false;
  for (std::size_t e = 0; e < words.size(); e += 17) {
    carbon_entry = carbon_entry || (words[e] == "C" && words[e + 1] == "C" && words[e + 2] == "C");
    for (std::size_t k = e + 3; k < e + 17; ++k) {
      char* end = nullptr;
      const double v = std::strtod(words[k].c_str(), &end);
      if (end == words[k].c_str() || *end != '\0' || !std::isfinite(v)) {
        fail("tersoff_file", "entry " + std::to_string(e / 17 + 1) + ": '" + words[k] + "' is not a finite number");
      }
    }
  }
  if (!carbon_entry) fail("tersoff_file", "no C C C entry");
}

/// A piecewise-linear schedule key: blank = no schedule.
AnnealSchedule parse_schedule(const std::string& text, const std::string& key) {
  if (text.find_first_not_of(" \t") == std::string::npos) return {};
  return AnnealSchedule::parse(text, [&](const std::string& why) { fail(key, why); });
}

std::string schedule_text(const AnnealSchedule& s) {
  std::string out;
  for (const auto& [t, k] : s.points) out += (out.empty() ? "" : ", ") + format_config_number(t) + ":" + format_config_number(k);
  return out;
}

}  // namespace

// Keys of [md] (documented in docs/md.md).
// Long: one entry per config key of [md]; splitting would scatter the table.
const ParamTable<MdParams>& MdParams::table() {
  static const ParamTable<MdParams> t = [] {
    ParamTable<MdParams> t("md");
    t.custom(choice_key("", "mechanism", "thermal", {"thermal", "swap_accelerated", "swap_biased_drive", "beam"},
                        "what drives segregation: thermal = MD under the anneal schedule; swap_accelerated = MD + "
                        "Metropolis Cl<->I identity swaps between frames at the MD temperature (detailed balance); "
                        "swap_biased_drive = the same with swaps at swap_temperature_kelvin / swap_schedule (a biased "
                        "drive, no ensemble); beam = MD + electron-beam knock-on kicks"),
             [](MdParams& p, const std::string& m) {
               p.swap_biased_drive = m == "swap_biased_drive";
               p.mechanism = m == "swap_accelerated" || p.swap_biased_drive ? Mechanism::swap_accelerated
                             : m == "beam"                                  ? Mechanism::beam
                                                                            : Mechanism::thermal;
             },
             [](const MdParams& p) -> std::string {
               if (p.mechanism == Mechanism::swap_accelerated) return p.swap_biased_drive ? "swap_biased_drive" : "swap_accelerated";
               return p.mechanism == Mechanism::beam ? "beam" : "thermal";
             });
    t.integer("seed", &MdParams::seed, 1, 0, 2.0e9, "", "random seed of the md stage (velocities, swaps, kicks)");
    t.real("timestep_fs", &MdParams::timestep_fs, 2.0, 0.01, 10.0, "fs", "MD time step (checked against the fastest atom's speed)");
    t.real("temperature_kelvin", &MdParams::temperature_kelvin, 500.0, 1.0, 5000.0, "K",
           "production temperature (used when anneal_schedule is empty)");
    t.custom(string_key("", "anneal_schedule", "",
                        "production temperature against time, piecewise linear: 'time_ps:kelvin, …' starting at 0 "
                        "(e.g. '0:650, 100:500'); empty = constant temperature_kelvin"),
             [](MdParams& p, const std::string& text) { p.schedule = parse_schedule(text, "anneal_schedule"); });
    t.choice("force_field", &MdParams::force_field, "tosi_fumi",
             {{"tosi_fumi", ForceFieldKind::tosi_fumi}, {"core_shell", ForceFieldKind::core_shell}},
             "ion model: rigid-ion Tosi-Fumi (potentials/tosi_fumi_bmh.txt), or the adiabatic core-shell model "
             "(potentials/core_shell.txt; polarisable Cl-/I-) - core_shell runs in the validation and energetics "
             "tools (validation/md/) only, not in nanomix md (docs/md.md)");
    t.choice("thermostat", &MdParams::thermostat, "nose_hoover",
             {{"nose_hoover", Thermostat::nose_hoover}, {"langevin", Thermostat::langevin}, {"berendsen", Thermostat::berendsen}},
             "thermostat of the ions (rigid tube) or of the tube (flexible tube, the heat bath)");
    t.real("thermostat_damping_ps", &MdParams::thermostat_damping_ps, 0.1, 0.001, 100.0, "ps", "thermostat relaxation time");
    t.real("melt_temperature_kelvin", &MdParams::melt_temperature_kelvin, 1200.0, 1.0, 5000.0, "K",
           "melt-quench start: melt at this temperature (1100-1200 K melts the cluster and keeps it in a tube)");
    t.real("melt_ps", &MdParams::melt_ps, 20.0, 0.0, 1.0e5, "ps", "melt duration (0 = no melt-quench: start from the built structure)");
    t.real("quench_ps", &MdParams::quench_ps, 10.0, 0.0, 1.0e5, "ps", "linear quench from the melt to the production start temperature");
    t.integer("frames", &MdParams::frames, 100, 1, 1.0e7, "", "production frames written to the trajectory");
    t.real("frame_interval_ps", &MdParams::frame_interval_ps, 1.0, 0.001, 1.0e5, "ps", "MD time between frames (a whole number of steps)");
    t.integer("checkpoint_every_frames", &MdParams::checkpoint_every_frames, 10, 1, 1.0e7, "", "frames between checkpoints for --resume");
    t.real("experiment_seconds_per_frame", &MdParams::experiment_seconds_per_frame, 0.04, 0.0, 1.0e6, "s",
           "time mapping: experimental seconds one frame stands for (0.04 s = one SMART-EM frame at 25 "
           "frames/s); also the exposure time the beam dose is counted over");
    t.choice("tube", &MdParams::tube, "rigid",
             {{"rigid", TubeModel::rigid}, {"flexible_tersoff", TubeModel::flexible_tersoff}, {"flexible_airebo", TubeModel::flexible_airebo}},
             "tube model: frozen carbon, or a flexible tube (Tersoff / AIREBO) thermostatted as the heat bath");
    t.real("coulomb_cutoff_angstrom", &MdParams::coulomb_cutoff_angstrom, 80.0, 5.0, 10000.0, "Å",
           "plain Coulomb cut-off in the non-periodic box; longer than the cluster = exact (checked)");
    t.real("born_cutoff_angstrom", &MdParams::born_cutoff_angstrom, 9.0, 4.0, 30.0, "Å", "cut-off of the Born-Mayer-Huggins short-range terms");
    t.real("lj_cutoff_angstrom", &MdParams::lj_cutoff_angstrom, 12.0, 4.0, 30.0, "Å", "cut-off of the carbon-ion Lennard-Jones terms");
    t.real("neighbor_skin_angstrom", &MdParams::neighbor_skin_angstrom, 4.0, 0.1, 20.0, "Å", "LAMMPS neighbour-list skin");
    t.path("ion_potential_file", &MdParams::ion_potential_file, "potentials/tosi_fumi_bmh.txt",
           "ion-ion Born-Mayer-Huggins parameters and charges (relative: to the working directory, then the "
           "nanomix source tree)");
    t.path("carbon_ion_potential_file", &MdParams::carbon_ion_potential_file, "potentials/carbon_ion_lj.txt", "carbon-ion Lennard-Jones parameters");
    t.path("tersoff_file", &MdParams::tersoff_file, "potentials/C.tersoff", "tube = flexible_tersoff: LAMMPS Tersoff file with C");
    t.path("airebo_file", &MdParams::airebo_file, "/usr/share/lammps/potentials/CH.airebo", "tube = flexible_airebo: LAMMPS AIREBO file");
    t.real("min_start_distance_angstrom", &MdParams::min_start_distance_angstrom, 1.5, 0.1, 10.0, "Å",
           "refuse a start with two atoms closer than this (overlap), or an ion this close to carbon");
    t.real("swap_sweeps_per_frame", &MdParams::swap_sweeps_per_frame, 20.0, 0.0, 1.0e5, "",
           "swap_accelerated: Cl<->I swap attempts per frame, in units of the number of anions");
    t.integer("swap_batches_per_frame", &MdParams::swap_batches_per_frame, 5, 1, 10000, "",
              "swap_accelerated: the frame's MD is cut into this many pieces, each after a batch of swaps");
    t.boolean("swap_batches_in_run", &MdParams::swap_batches_in_run, true,
              "swap_accelerated: make the batches inside the frame's one LAMMPS run (nanomix stops it after the "
              "pieces' steps) where LAMMPS allows it (one process, nanomix's pair styles); false: one run per piece, "
              "as the saved input does. The same trajectory, bitwise");
    t.custom(string_key("", "swap_schedule", "",
                        "swap_biased_drive: Metropolis temperature of the swaps against production time, piecewise "
                        "linear 'time_ps:kelvin, ...' (e.g. '0:520, 60:520, 61:150'); overrides swap_temperature_kelvin"),
             [](MdParams& p, const std::string& text) { p.swap_schedule = parse_schedule(text, "swap_schedule"); },
             [](const MdParams& p) { return schedule_text(p.swap_schedule); });
    t.real("swap_temperature_kelvin", &MdParams::swap_temperature_kelvin, 0.0, 0.0, 5000.0, "K",
           "swap_biased_drive: Metropolis temperature of the swaps (0 = the current MD temperature)");
    t.real("beam_voltage_kv", &MdParams::beam_voltage_kv, 80.0, 1.0, 3000.0, "kV", "beam: accelerating voltage");
    t.real("dose_rate_e_per_nm2_s", &MdParams::dose_rate_e_per_nm2_s, 1.0e6, 0.0, 1.0e15, "e-/nm²/s", "beam: electron dose rate");
    t.real("kick_min_energy_ev", &MdParams::kick_min_energy_ev, 0.5, 0.01, 100.0, "eV",
           "beam: smallest recoil energy counted as a kick (E_d of the McKinley-Feshbach integral)");
    t.choice("beam_direction", &MdParams::beam_axis, "y", {{"x", 0}, {"y", 1}, {"z", 2}}, "beam: direction of the electron beam");
    t.real("dose_multiplier", &MdParams::dose_multiplier, 1.0, 0.0, 1.0e12, "",
           "beam: acceleration factor on the event rate (1 = the physical rate at the time mapping)");
    t.boolean("beam_heating", &MdParams::beam_heating, false,
              "heating by the imaging beam, any mechanism: the production thermostat runs the steady-state temperature "
              "rise of the illuminated area above the schedule (collision stopping power of a carbon support film, "
              "radial conduction to a sink; docs/md.md); uses dose_rate_e_per_nm2_s x dose_multiplier and beam_voltage_kv");
    t.real("beam_radius_nm", &MdParams::beam_radius_nm, 50.0, 1.0, 1.0e6, "nm", "beam_heating: radius of the illuminated disc");
    t.real("heat_sink_radius_nm", &MdParams::heat_sink_radius_nm, 1000.0, 1.0, 1.0e9, "nm",
           "beam_heating: distance at which the support film is held at the stage temperature (grid bar); > beam_radius_nm");
    t.real("support_conductivity_w_per_m_k", &MdParams::support_conductivity_w_per_m_k, 1.5, 1.0e-3, 1.0e4, "W/m/K",
           "beam_heating: thermal conductivity of the support film (amorphous carbon ~1.5)");
    t.real("tube_vibration_amplitude_angstrom", &MdParams::tube_vibration_amplitude_angstrom, 0.0, 0.0, 5.0, "Å",
           "rigid tube: amplitude of a sideways (perpendicular to the axis) sinusoidal oscillation (0 = off)");
    t.real("tube_vibration_period_ps", &MdParams::tube_vibration_period_ps, 2.0, 0.01, 1.0e5, "ps", "period of the tube oscillation");
    t.real("sro_shell_angstrom", &MdParams::sro_shell_angstrom, 5.4, 2.0, 20.0, "Å",
           "anion-anion neighbour shell of anion_sro (5.4 Å: the first anion shell of NaCl and NaI)");
    t.finish([](MdParams& p, const auto&) {
      if (p.schedule.points.empty()) p.schedule.points = {{0.0, p.temperature_kelvin}};
      if (p.beam_heating) {
        if (p.heat_sink_radius_nm <= p.beam_radius_nm)
          throw ParamError("md", "heat_sink_radius_nm", "must be larger than beam_radius_nm (the sink lies outside the illuminated disc)");
        BeamHeatingModel m;
        m.beam_ev = p.beam_voltage_kv * 1e3;
        m.dose_rate_e_per_nm2_s = p.dose_rate_e_per_nm2_s * p.dose_multiplier;
        m.beam_radius_nm = p.beam_radius_nm;
        m.heat_sink_radius_nm = p.heat_sink_radius_nm;
        m.film_conductivity_w_per_m_k = p.support_conductivity_w_per_m_k;
        p.beam_heating_kelvin = nanomix::sim::beam_heating_kelvin(m);
      }
      p.resolve_files();
    });
    return t;
  }();
  return t;
}

void MdParams::resolve_files() {
  // force_field = core_shell with the default ion file: the core-shell file.
  if (force_field == ForceFieldKind::core_shell && ion_potential_file == "potentials/tosi_fumi_bmh.txt") {
    ion_potential_file = "potentials/core_shell.txt";
  }
  ion_potential_file = resolve_potential(ion_potential_file, "ion_potential_file");
  carbon_ion_potential_file = resolve_potential(carbon_ion_potential_file, "carbon_ion_potential_file");
  if (tube == TubeModel::flexible_tersoff) {
    tersoff_file = resolve_potential(tersoff_file, "tersoff_file");
    check_tersoff_file(tersoff_file);
  }
  if (tube == TubeModel::flexible_airebo) airebo_file = resolve_potential(airebo_file, "airebo_file");
}

void MdParams::validate() const {
  const bool sampler = mechanism == Mechanism::swap_accelerated && !swap_biased_drive;
  const std::string biased =
      "swaps apart from the MD temperature are a biased drive, not a sampler: say so with mechanism = swap_biased_drive";
  if (sampler && swap_temperature_kelvin > 0) fail("swap_temperature_kelvin", biased);
  if (sampler && !swap_schedule.points.empty()) fail("swap_schedule", biased);
  if (mechanism == Mechanism::swap_accelerated && steps_per_frame() % swap_batches_per_frame != 0) {
    fail("swap_batches_per_frame", "must divide the " + std::to_string(steps_per_frame()) + " steps of a frame");
  }
  const double steps = frame_interval_ps * 1000.0 / timestep_fs;
  if (std::abs(steps - std::round(steps)) > 1e-6 * steps || std::round(steps) < 1) {
    fail("frame_interval_ps", "must be a whole number (>= 1) of time steps of " + std::to_string(timestep_fs) + " fs");
  }
  if (tube != TubeModel::rigid && tube_vibration_amplitude_angstrom > 0) {
    fail("tube_vibration_amplitude_angstrom", "tube vibration needs tube = rigid (a flexible tube vibrates by itself)");
  }
}

std::int64_t MdParams::steps_per_frame() const {
  return static_cast<std::int64_t>(std::llround(frame_interval_ps * 1000.0 / timestep_fs));
}

double MdParams::max_temperature_kelvin() const {
  double t = melt_ps > 0 ? melt_temperature_kelvin : 0;
  for (const auto& pt : schedule.points) t = std::max(t, pt.second);
  return t;
}

namespace {

[[noreturn]] void fail_at(const char* section, const std::string& key, const std::string& why) {
  throw ParamError(section, key, why);
}

/// Every atom is a species of the force field.
void check_species(const ForceField& ff, const Frame& f) {
  for (std::size_t i = 0; i < f.size(); ++i) {
    const int z = f.atomic_numbers[i];
    if (!ff.has_species(z)) {
      throw InputError("atom " + std::to_string(i) + " is " +
                       (is_element(z) ? std::string(element(z).symbol) : "Z=" + std::to_string(z)) +
                       ": unknown species for the md force field (C, Na, Cl, I: " + ff.ion_file + ")");
    }
  }
}

/// An open (non-periodic) tube with ions inside its open space.
void check_tube_with_ions(const Structure& s, const Frame& f) {
  if (s.tube.cells == 0 && s.carbon_count == 0) {
    throw InputError("[structure] kind: md needs a tube with ions (kind = tube_cluster)");
  }
  if (f.box.periodic[0] || f.box.periodic[1] || f.box.periodic[2]) {
    fail_at("structure", "tube_periodic", "md sums Coulomb without periodic images: use an open tube (false)");
  }
  const std::size_t ions = f.size() - s.carbon_count;
  if (ions == 0) fail_at("structure", "ion_pairs", "md needs ions in the tube");
  if (const std::size_t out = ions_outside_open_space(s, f); out > 0) {
    fail_at("structure", "wall_clearance_angstrom", std::to_string(out) + " ions start outside the tube's open space");
  }
}

/// Overlaps: any pair closer than the minimum, except carbon–carbon (the tube's own bonds).
void check_overlaps(const MdParams& p, const Frame& f) {
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
  if (!overlap.empty()) fail_at("md", "min_start_distance_angstrom", overlap);
}

/// Temperatures above the boiling point of the cluster's salts (bulk, 1 atm: NaCl 1738 K, NaI
/// 1577 K; CRC Handbook) evaporate the cluster: ions leave the tube and the run would stop.
void check_below_boiling(const MdParams& p, const Frame& f) {
  const bool iodide = f.count(iodine) > 0;
  const double boiling_kelvin = iodide ? 1577.0 : 1738.0;
  const std::string why = "above the boiling point of " + std::string(iodide ? "NaI (1577 K)" : "NaCl (1738 K)") +
                          ": the cluster would evaporate out of the tube";
  if (p.melt_ps > 0 && p.melt_temperature_kelvin > boiling_kelvin) fail_at("md", "melt_temperature_kelvin", why);
  for (const auto& pt : p.schedule.points) {
    if (pt.second > boiling_kelvin) fail_at("md", p.schedule.points.size() > 1 ? "anneal_schedule" : "temperature_kelvin", why);
  }
}

/// Coulomb cut-off: longer than any two ions in the tube can be apart (tube diagonal).
void check_coulomb_cutoff(const MdParams& p, const Structure& s) {
  const double diag = std::hypot(s.tube.length_angstrom, 2 * s.open_radius_angstrom);
  if (p.coulomb_cutoff_angstrom < diag + 1.0) {
    fail_at("md", "coulomb_cutoff_angstrom",
           "must exceed the tube's diagonal " + std::to_string(diag) + " Å + 1 Å (ions further apart would lose their Coulomb interaction)");
  }
}

/// Time step: the fastest atom must move < 0.1 Å per step. Thermal speed: 4 sqrt(kT/m) of the
/// lightest ion at the highest temperature; beam: the recoil speed at the largest T_max.
void check_timestep(const MdParams& p) {
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
    fail_at("md", "timestep_fs", "unsafe: the fastest ion would move " + std::to_string(dx) +
                                    " Å per step (limit 0.1 Å); use <= " + std::to_string(0.1 / v_max * 1e3) + " fs");
  }
}

/// Tube vibration (fix move wiggle): its fastest carbon moves 2 pi A / T; more than 0.1 Å per
/// step tears the ions' neighbour lists and ends LAMMPS. A flexible tube needs a short step.
void check_tube_motion(const MdParams& p) {
  if (p.tube == TubeModel::rigid && p.tube_vibration_amplitude_angstrom > 0) {
    const double step_angstrom =
        2 * M_PI * p.tube_vibration_amplitude_angstrom / p.tube_vibration_period_ps * p.timestep_fs * 1e-3;
    if (step_angstrom > 0.1) {
      fail_at("md", "tube_vibration_period_ps", "too fast for the time step: the tube would move " + std::to_string(step_angstrom) +
                                                   " Å per step (limit 0.1 Å)");
    }
  }
  if (p.tube != TubeModel::rigid && p.timestep_fs > 1.0) {
    fail_at("md", "timestep_fs", "unsafe for a flexible carbon tube: use <= 1 fs");
  }
}

}  // namespace

void check_force_field(const MdParams& p, const ForceField& ff, bool for_md_stage) {
  const bool cs = p.force_field == ForceFieldKind::core_shell;
  if (cs != (ff.kind == ForceFieldKind::core_shell)) {
    fail_at("md", "force_field", std::string(cs ? "core_shell" : "tosi_fumi") + " needs " +
                                     (cs ? "a core-shell file (with 'shell' lines)" : "a rigid-ion file (no 'shell' lines)") +
                                     " but ion_potential_file is " + ff.ion_file);
  }
  if (cs && for_md_stage) {
    fail_at("md", "force_field",
            "core_shell runs in the validation and energetics tools only (validation/md/validate_core_shell, "
            "md_energetics with NANOMIX_FORCE_FIELD=core_shell); nanomix md runs tosi_fumi (docs/md.md)");
  }
}

void validate_md_input(const MdParams& p, const ForceField& ff, const Structure& s) {
  const Frame& f = s.frame;
  check_force_field(p, ff);
  check_species(ff, f);
  check_tube_with_ions(s, f);
  check_overlaps(p, f);
  check_below_boiling(p, f);
  check_coulomb_cutoff(p, s);
  check_timestep(p);
  check_tube_motion(p);
}

}  // namespace nanomix::sim
