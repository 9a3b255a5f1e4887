#pragma once
// Parameters of `nanomix md` (config section [md]), with units in the field names, and the checks
// that must pass before LAMMPS sees anything (the Debian LAMMPS ends the process on an error).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/params.hpp"
#include "sim/forcefield.hpp"
#include "sim/structure.hpp"

namespace nanomix::sim {

enum class Mechanism { thermal, swap_accelerated, beam };
enum class Thermostat { nose_hoover, langevin, berendsen };
enum class TubeModel { rigid, flexible_tersoff, flexible_airebo };

/// Piecewise-linear temperature against production time: (time_ps, kelvin), times increasing from 0.
struct AnnealSchedule {
  std::vector<std::pair<double, double>> points;
  double kelvin_at(double time_ps) const;
  /// Parses "0:650, 100:500"; InputError (via `fail`) on a bad entry.
  static AnnealSchedule parse(const std::string& text, const std::function<void(const std::string&)>& fail);
};

struct MdParams {
  Mechanism mechanism = Mechanism::thermal;
  std::uint64_t seed = 1;
  double timestep_fs = 2.0;
  double temperature_kelvin = 500;        ///< production temperature when anneal_schedule is empty
  AnnealSchedule schedule;                ///< production temperature (from anneal_schedule or temperature_kelvin)
  ForceFieldKind force_field = ForceFieldKind::tosi_fumi;  ///< `force_field`; core_shell: validation tools only
  Thermostat thermostat = Thermostat::nose_hoover;
  double thermostat_damping_ps = 0.1;
  double melt_temperature_kelvin = 1200;
  double melt_ps = 20, quench_ps = 10;
  std::int64_t frames = 100;
  double frame_interval_ps = 1.0;
  std::int64_t checkpoint_every_frames = 10;
  double experiment_seconds_per_frame = 0.04;
  TubeModel tube = TubeModel::rigid;
  double coulomb_cutoff_angstrom = 80, born_cutoff_angstrom = 9, lj_cutoff_angstrom = 12;
  double neighbor_skin_angstrom = 4;
  /// As given; resolved by resolve_files() (read() does it) against the working directory, then
  /// the source tree. tersoff_file and airebo_file only for their tube model.
  std::string ion_potential_file = "potentials/tosi_fumi_bmh.txt", carbon_ion_potential_file = "potentials/carbon_ion_lj.txt";
  std::string tersoff_file = "potentials/C.tersoff", airebo_file = "/usr/share/lammps/potentials/CH.airebo";
  double min_start_distance_angstrom = 1.5;
  double swap_sweeps_per_frame = 20;
  std::int64_t swap_batches_per_frame = 5;
  bool swap_batches_in_run = true;        ///< the batches inside the frame's one LAMMPS run (false: a run per batch)
  bool swap_biased_drive = false;         ///< mechanism = swap_biased_drive: swaps at their own temperature
  double swap_temperature_kelvin = 0;     ///< 0 = the MD temperature
  AnnealSchedule swap_schedule;           ///< swap temperature against production time (empty: not used)
  double beam_voltage_kv = 80, dose_rate_e_per_nm2_s = 1e6, kick_min_energy_ev = 0.5, dose_multiplier = 1;
  int beam_axis = 1;                      ///< 0 x, 1 y, 2 z
  /// Heating by the imaging beam (sim/beam_heating.hpp), any mechanism: the production thermostat
  /// runs beam_heating_kelvin above the schedule. Computed from the dose rate (× dose_multiplier),
  /// the beam voltage and the film model's keys when beam_heating is on; 0 otherwise.
  bool beam_heating = false;
  double beam_radius_nm = 50, heat_sink_radius_nm = 1000, support_conductivity_w_per_m_k = 1.5;
  double beam_heating_kelvin = 0;
  double tube_vibration_amplitude_angstrom = 0, tube_vibration_period_ps = 2;
  double sro_shell_angstrom = 5.4;

  /// The [md] keys (sim/md_params.cpp). table().read(config) fills the struct, resolves the
  /// potential files and validates.
  static const ParamTable<MdParams>& table();
  /// Resolves the potential paths the tube model needs (missing or unusable file: ParamError).
  void resolve_files();
  /// Checks across keys (ParamError naming the key): swaps apart from the MD temperature only as
  /// swap_biased_drive, whole steps per frame and per swap batch, tube vibration only on a rigid tube.
  void validate() const;
  std::int64_t steps_per_frame() const;
  double max_temperature_kelvin() const;  ///< over melt and schedule
  /// The production thermostat's target at production time t: the schedule + beam_heating_kelvin.
  double production_kelvin_at(double t_ps) const { return schedule.kelvin_at(t_ps) + beam_heating_kelvin; }
};

/// The ion file read matches `force_field` (a core–shell file has `shell` lines), and nanomix md
/// runs the model: core_shell is refused there (ParamError on [md] force_field, exit 2) — it runs
/// in validation/md/ (validate_core_shell, md_energetics) only. `for_md_stage` false: only the match.
void check_force_field(const MdParams& params, const ForceField& ff, bool for_md_stage = true);

/// Every check that must pass before LAMMPS starts: species with force-field parameters, no
/// overlapping atoms, every ion inside the tube's open space and clear of the carbon, a safe time
/// step, a Coulomb cut-off longer than the cluster can become, an open (non-periodic) tube.
/// Throws ParamError naming the [md] or [structure] key at fault (InputError where no key is).
void validate_md_input(const MdParams& params, const ForceField& ff, const Structure& s);

}  // namespace nanomix::sim
