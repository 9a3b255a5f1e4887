#include "core/config_schema.hpp"

namespace nanomix::schema {

// Keys of [md] (read by sim/md_params.cpp; documented in docs/md.md).
std::vector<KeySpec> md_keys() {
  const std::string s = "md";
  return {
      choice_key(s, "mechanism", "thermal", {"thermal", "swap_accelerated", "swap_biased_drive", "beam"},
                 "what drives segregation: thermal = MD under the anneal schedule; swap_accelerated = MD + "
                 "Metropolis Cl<->I identity swaps between frames at the MD temperature (detailed balance); "
                 "swap_biased_drive = the same with swaps at swap_temperature_kelvin / swap_schedule (a biased "
                 "drive, no ensemble); beam = MD + electron-beam knock-on kicks"),
      int_key(s, "seed", 1, 0, 2.0e9, "", "random seed of the md stage (velocities, swaps, kicks)"),
      real_key(s, "timestep_fs", 2.0, 0.01, 10.0, "fs", "MD time step (checked against the fastest atom's speed)"),
      real_key(s, "temperature_kelvin", 500.0, 1.0, 5000.0, "K",
               "production temperature (used when anneal_schedule is empty)"),
      string_key(s, "anneal_schedule", "",
                 "production temperature against time, piecewise linear: 'time_ps:kelvin, …' starting at 0 "
                 "(e.g. '0:650, 100:500'); empty = constant temperature_kelvin"),
      choice_key(s, "thermostat", "nose_hoover", {"nose_hoover", "langevin", "berendsen"},
                 "thermostat of the ions (rigid tube) or of the tube (flexible tube, the heat bath)"),
      real_key(s, "thermostat_damping_ps", 0.1, 0.001, 100.0, "ps", "thermostat relaxation time"),
      real_key(s, "melt_temperature_kelvin", 1200.0, 1.0, 5000.0, "K",
               "melt-quench start: melt at this temperature (1100-1200 K melts the cluster and keeps it in a tube)"),
      real_key(s, "melt_ps", 20.0, 0.0, 1.0e5, "ps", "melt duration (0 = no melt-quench: start from the built structure)"),
      real_key(s, "quench_ps", 10.0, 0.0, 1.0e5, "ps", "linear quench from the melt to the production start temperature"),
      int_key(s, "frames", 100, 1, 1.0e7, "", "production frames written to the trajectory"),
      real_key(s, "frame_interval_ps", 1.0, 0.001, 1.0e5, "ps", "MD time between frames (a whole number of steps)"),
      int_key(s, "checkpoint_every_frames", 10, 1, 1.0e7, "", "frames between checkpoints for --resume"),
      real_key(s, "experiment_seconds_per_frame", 0.04, 0.0, 1.0e6, "s",
               "time mapping: experimental seconds one frame stands for (0.04 s = one SMART-EM frame at 25 "
               "frames/s); also the exposure time the beam dose is counted over"),
      choice_key(s, "tube", "rigid", {"rigid", "flexible_tersoff", "flexible_airebo"},
                 "tube model: frozen carbon, or a flexible tube (Tersoff / AIREBO) thermostatted as the heat bath"),
      real_key(s, "coulomb_cutoff_angstrom", 80.0, 5.0, 10000.0, "Å",
               "plain Coulomb cut-off in the non-periodic box; longer than the cluster = exact (checked)"),
      real_key(s, "born_cutoff_angstrom", 9.0, 4.0, 30.0, "Å", "cut-off of the Born-Mayer-Huggins short-range terms"),
      real_key(s, "lj_cutoff_angstrom", 12.0, 4.0, 30.0, "Å", "cut-off of the carbon-ion Lennard-Jones terms"),
      real_key(s, "neighbor_skin_angstrom", 4.0, 0.1, 20.0, "Å", "LAMMPS neighbour-list skin"),
      path_key(s, "ion_potential_file", "potentials/tosi_fumi_bmh.txt",
               "ion-ion Born-Mayer-Huggins parameters and charges (relative: to the working directory, then the "
               "nanomix source tree)"),
      path_key(s, "carbon_ion_potential_file", "potentials/carbon_ion_lj.txt", "carbon-ion Lennard-Jones parameters"),
      path_key(s, "tersoff_file", "potentials/C.tersoff", "tube = flexible_tersoff: LAMMPS Tersoff file with C"),
      path_key(s, "airebo_file", "/usr/share/lammps/potentials/CH.airebo", "tube = flexible_airebo: LAMMPS AIREBO file"),
      real_key(s, "min_start_distance_angstrom", 1.5, 0.1, 10.0, "Å",
               "refuse a start with two atoms closer than this (overlap), or an ion this close to carbon"),
      real_key(s, "swap_sweeps_per_frame", 20.0, 0.0, 1.0e5, "",
               "swap_accelerated: Cl<->I swap attempts per frame, in units of the number of anions"),
      int_key(s, "swap_batches_per_frame", 5, 1, 10000, "",
              "swap_accelerated: the frame's MD is cut into this many pieces, each after a batch of swaps"),
      string_key(s, "swap_schedule", "",
                 "swap_biased_drive: Metropolis temperature of the swaps against production time, piecewise "
                 "linear 'time_ps:kelvin, ...' (e.g. '0:520, 60:520, 61:150'); overrides swap_temperature_kelvin"),
      real_key(s, "swap_temperature_kelvin", 0.0, 0.0, 5000.0, "K",
               "swap_biased_drive: Metropolis temperature of the swaps (0 = the current MD temperature)"),
      real_key(s, "beam_voltage_kv", 80.0, 1.0, 3000.0, "kV", "beam: accelerating voltage"),
      real_key(s, "dose_rate_e_per_nm2_s", 1.0e6, 0.0, 1.0e15, "e-/nm²/s", "beam: electron dose rate"),
      real_key(s, "kick_min_energy_ev", 0.5, 0.01, 100.0, "eV",
               "beam: smallest recoil energy counted as a kick (E_d of the McKinley-Feshbach integral)"),
      choice_key(s, "beam_direction", "y", {"x", "y", "z"}, "beam: direction of the electron beam"),
      real_key(s, "dose_multiplier", 1.0, 0.0, 1.0e12, "",
               "beam: acceleration factor on the event rate (1 = the physical rate at the time mapping)"),
      real_key(s, "tube_vibration_amplitude_angstrom", 0.0, 0.0, 5.0, "Å",
               "rigid tube: amplitude of a sideways (perpendicular to the axis) sinusoidal oscillation (0 = off)"),
      real_key(s, "tube_vibration_period_ps", 2.0, 0.01, 1.0e5, "ps", "period of the tube oscillation"),
      real_key(s, "sro_shell_angstrom", 5.4, 2.0, 20.0, "Å",
               "anion-anion neighbour shell of anion_sro (5.4 Å: the first anion shell of NaCl and NaI)"),
  };
}

}  // namespace nanomix::schema
