#include "sim/md_run.hpp"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <memory>
#include <sstream>

#include "core/atomic_file.hpp"
#include "core/elements.hpp"
#include "core/error.hpp"
#include "core/h5md.hpp"
#include "core/parallel.hpp"
#include "core/progress.hpp"
#include "core/random.hpp"
#include "sim/knock_on.hpp"
#include "sim/lammps_session.hpp"
#include "sim/md_observables.hpp"
#include "sim/rocksalt.hpp"
#include "sim/swap_mc.hpp"

namespace nanomix::sim {

namespace fs = std::filesystem;

namespace {

constexpr int type_carbon = 1, type_na = 2, type_cl = 3, type_i = 4;
int type_of(int z) { return z == carbon ? type_carbon : z == sodium ? type_na : z == chlorine ? type_cl : type_i; }
int species_of_type(int t) { return t == type_carbon ? carbon : t == type_na ? sodium : t == type_cl ? chlorine : iodine; }

std::string num(double v) {
  std::ostringstream o;
  o << std::setprecision(10) << v;
  return o.str();
}

/// A positive LAMMPS seed from a derived stream seed (<= 9e8: the Marsaglia generator of fix
/// langevin refuses larger ones).
long lammps_seed(std::uint64_t s) { return static_cast<long>(s % 899999999ULL) + 1; }

std::string thermostat_fix(const MdParams& p, double t0, double t1, std::uint64_t seed) {
  const std::string group = p.tube == TubeModel::rigid ? "ions" : "carbon";
  const std::string damp = num(p.thermostat_damping_ps);
  switch (p.thermostat) {
    case Thermostat::nose_hoover:
      return "fix th " + group + " nvt temp " + num(t0) + " " + num(t1) + " " + damp + "\n";
    case Thermostat::langevin:
      return "fix nve_th " + group + " nve\nfix th " + group + " langevin " + num(t0) + " " + num(t1) + " " + damp + " " +
             std::to_string(lammps_seed(seed)) + " zero yes\n";
    case Thermostat::berendsen:
      return "fix nve_th " + group + " nve\nfix th " + group + " temp/berendsen " + num(t0) + " " + num(t1) + " " + damp + "\n";
  }
  return {};
}

std::string unfix_thermostat(const MdParams& p) {
  return p.thermostat == Thermostat::nose_hoover ? "unfix th\n" : "unfix th\nunfix nve_th\n";
}

/// Commands that turn the atoms `ids` (LAMMPS ids) into `type` and multiply their velocities by
/// `velocity_factor`: `set` and `velocity` on a temporary group, chunked.
std::string set_types_commands(const std::vector<int>& ids, int type, double velocity_factor) {
  if (ids.empty()) return {};
  std::string out;
  for (std::size_t k = 0; k < ids.size(); k += 200) {
    out += "group nmx_set id";
    for (std::size_t i = k; i < std::min(ids.size(), k + 200); ++i) out += " " + std::to_string(ids[i]);
    out += "\n";
  }
  const std::string f = num(velocity_factor);
  out += "set group nmx_set type " + std::to_string(type) + "\nvariable nmx_vx atom vx*" + f + "\nvariable nmx_vy atom vy*" + f +
         "\nvariable nmx_vz atom vz*" + f + "\nvelocity nmx_set set v_nmx_vx v_nmx_vy v_nmx_vz units box\ngroup nmx_set delete\n";
  return out;
}

struct TubeExtent {
  Eigen::Vector3d axis_point;
  int axis = 2;
  double radius = 0, lo = 0, hi = 0;
};

std::size_t ions_outside_tube(const TubeExtent& t, const Frame& f) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f.atomic_numbers[i] == carbon) continue;
    Eigen::Vector3d d = f.positions_angstrom.row(static_cast<Eigen::Index>(i)).transpose() - t.axis_point;
    const double along = f.positions_angstrom(static_cast<Eigen::Index>(i), t.axis);
    d[t.axis] = 0;
    if (d.norm() > t.radius || along < t.lo || along > t.hi) ++n;
  }
  return n;
}

void write_state(const MdPaths& paths, std::int64_t frames_done, std::int64_t step) {
  write_text_file_atomically(paths.checkpoint_state, "nanomix_md_checkpoint 1\nframes_done " + std::to_string(frames_done) +
                                                         "\nstep " + std::to_string(step) + "\n");
}

std::pair<std::int64_t, std::int64_t> read_state(const MdPaths& paths) {
  std::ifstream in(paths.checkpoint_state);
  std::string key;
  int version = 0;
  std::int64_t frames = -1, step = -1;
  if (!(in >> key >> version) || key != "nanomix_md_checkpoint" || version != 1 || !(in >> key >> frames) ||
      !(in >> key >> step) || frames < 1 || step < 0 || !fs::exists(paths.checkpoint_data)) {
    throw InputError("--resume: no usable checkpoint beside " + paths.trajectory + " (" + paths.checkpoint_state + ")");
  }
  return {frames, step};
}

}  // namespace

std::string swap_species_commands(const std::vector<int>& to_cl, const std::vector<int>& to_i) {
  // Types carry the masses. Without the scaling and the zeroing each swapped pair changes the
  // ions' momentum by (m_I - m_Cl)(v_a - v_b) and the cluster random-walks along the frictionless
  // tube (measured: 24 Å in 90 ps for 300 ions under swaps at 570 K; with them, 0.0 Å).
  const double m_cl = element(chlorine).mass_amu, m_i = element(iodine).mass_amu;
  return set_types_commands(to_cl, type_cl, std::sqrt(m_i / m_cl)) + set_types_commands(to_i, type_i, std::sqrt(m_cl / m_i)) +
         "velocity ions zero linear\n";
}

MdPaths MdPaths::beside(const std::string& trajectory) {
  fs::path base = fs::absolute(trajectory);
  MdPaths p;
  p.trajectory = trajectory;
  p.script = fs::path(base).replace_extension(".lammps").string();
  p.data = fs::path(base).replace_extension(".data").string();
  p.checkpoint_data = fs::path(base).replace_extension(".checkpoint.data").string();
  p.checkpoint_state = fs::path(base).replace_extension(".checkpoint").string();
  return p;
}

std::string lammps_data_file(const Frame& f, const ForceField& ff) {
  std::ostringstream o;
  o << std::setprecision(12);
  o << "LAMMPS data file written by nanomix md (types: 1 C, 2 Na, 3 Cl, 4 I)\n\n" << f.size() << " atoms\n4 atom types\n\n";
  Eigen::Vector3d lo = f.positions_angstrom.colwise().minCoeff().transpose();
  Eigen::Vector3d hi = f.positions_angstrom.colwise().maxCoeff().transpose();
  const char* axes[] = {"x", "y", "z"};
  for (int k = 0; k < 3; ++k) o << lo[k] - 1 << " " << hi[k] + 1 << " " << axes[k] << "lo " << axes[k] << "hi\n";
  o << "\nMasses\n\n";
  for (int z : {carbon, sodium, chlorine, iodine}) o << type_of(z) << " " << element(z).mass_amu << "  # " << element(z).symbol << "\n";
  o << "\nAtoms # charge\n\n";
  for (std::size_t i = 0; i < f.size(); ++i) {
    const int z = f.atomic_numbers[i];
    const double q = z == carbon ? 0.0 : ff.charge_e.at(z);
    o << i + 1 << " " << type_of(z) << " " << q << " " << f.positions_angstrom(static_cast<Eigen::Index>(i), 0) << " "
      << f.positions_angstrom(static_cast<Eigen::Index>(i), 1) << " " << f.positions_angstrom(static_cast<Eigen::Index>(i), 2) << "\n";
  }
  return o.str();
}

std::string lammps_setup_commands(const MdParams& p, const ForceField& ff, const std::string& data_file, std::size_t ions) {
  std::ostringstream o;
  o << "# force field: " << ff.ion_file << " (Tosi-Fumi BMH + charges), " << ff.carbon_ion_file << " (C-ion LJ)\n";
  o << "variable data index " << data_file << "\n";
  o << "units metal\natom_style charge\natom_modify map array\nboundary s s s\nread_data ${data}\n";
  o << "group carbon type 1\ngroup ions type 2 3 4\n";
  o << "pair_style hybrid/overlay born " << num(p.born_cutoff_angstrom) << " coul/cut " << num(p.coulomb_cutoff_angstrom)
    << " lj/cut " << num(p.lj_cutoff_angstrom);
  if (p.tube == TubeModel::flexible_tersoff) o << " tersoff";
  if (p.tube == TubeModel::flexible_airebo) o << " airebo 3.0 1 0";
  o << "\n";
  if (p.tube == TubeModel::rigid) o << "pair_coeff 1 1 none\n";
  if (p.tube == TubeModel::flexible_tersoff) o << "pair_coeff * * tersoff " << p.tersoff_file << " C NULL NULL NULL\n";
  if (p.tube == TubeModel::flexible_airebo) o << "pair_coeff * * airebo " << p.airebo_file << " C NULL NULL NULL\n";
  const int ion_z[] = {sodium, chlorine, iodine};
  for (int a = 0; a < 3; ++a) {
    for (int b = a; b < 3; ++b) {
      const BornPair& bp = ff.born.at(species_pair(ion_z[a], ion_z[b]));
      o << "pair_coeff " << type_of(ion_z[a]) << " " << type_of(ion_z[b]) << " born " << num(bp.a_ev) << " "
        << num(bp.rho_angstrom) << " " << num(bp.sigma_angstrom) << " " << num(bp.c_ev_angstrom6) << " "
        << num(bp.d_ev_angstrom8) << "\n";
    }
  }
  o << "pair_coeff 2*4 2*4 coul/cut\n";
  for (int z : ion_z) {
    const LjPair& lj = ff.carbon_ion.at(species_pair(carbon, z));
    o << "pair_coeff 1 " << type_of(z) << " lj/cut " << num(lj.epsilon_ev) << " " << num(lj.sigma_angstrom) << "\n";
  }
  const std::size_t one = std::max<std::size_t>(10000, 2 * ions + 2000);
  o << "neighbor " << num(p.neighbor_skin_angstrom) << " bin\n";
  o << "neigh_modify every 1 delay 0 check yes one " << one << " page " << 20 * one
    << (p.tube == TubeModel::rigid ? " exclude type 1 1" : "") << "\n";
  o << "comm_modify cutoff " << num(p.coulomb_cutoff_angstrom + p.neighbor_skin_angstrom) << "\n";
  o << "timestep " << num(p.timestep_fs / 1000.0) << "\n";
  o << "compute tI ions temp\n";
  o << "thermo_style custom step c_tI pe etotal\nthermo_modify temp tI lost error norm no\n";
  o << "thermo " << p.steps_per_frame() << "\n";
  if (p.tube == TubeModel::rigid) {
    o << "velocity carbon set 0 0 0\n";
  } else {
    o << "fix nve_ions ions nve\nfix mom all momentum 100 linear 1 1 1 angular\n";
  }
  o << "balance 1.0 shift xyz 10 1.0\n";
  return o.str();
}

MdRunResult run_md(const Config& config, const MdParams& p, const Structure& s, const std::string& trajectory,
                   bool resume, bool quiet, bool this_rank_only) {
  const auto wall_start = std::chrono::steady_clock::now();
  const ForceField ff = ForceField::load(p.ion_potential_file, p.carbon_ion_potential_file);
  validate_md_input(config, p, ff, s);
  const MdPaths paths = MdPaths::beside(trajectory);
  const bool root = mpi_rank() == 0;
  const std::size_t ions = s.frame.size() - s.carbon_count;

  std::int64_t first_frame = 0, start_step = 0;
  if (resume) std::tie(first_frame, start_step) = read_state(paths);
  if (resume && first_frame >= p.frames) {
    // Nothing left to run: resuming a finished trajectory leaves it as it is.
    log_info(quiet || !root, "--resume: " + trajectory + " already holds all " + std::to_string(p.frames) + " frames");
    MdRunResult done;
    done.frames_written = first_frame;
    done.first_frame = first_frame;
    return done;
  }
  // The tube's extent (for ions_outside_tube) from the built carbon.
  TubeExtent tube;
  tube.axis = s.axis;
  tube.axis_point = s.axis_point_angstrom;
  tube.radius = s.tube.radius_angstrom();
  tube.lo = s.frame.positions_angstrom.topRows(static_cast<Eigen::Index>(s.carbon_count)).col(s.axis).minCoeff();
  tube.hi = s.frame.positions_angstrom.topRows(static_cast<Eigen::Index>(s.carbon_count)).col(s.axis).maxCoeff();

  // Files: the trajectory (new or reopened) and the data file, on rank 0, before LAMMPS starts.
  std::unique_ptr<H5mdWriter> writer;
  if (root) {
    if (resume) {
      writer = H5mdWriter::reopen(trajectory, static_cast<std::size_t>(first_frame));
    } else {
      write_text_file_atomically(paths.data, lammps_data_file(s.frame, ff));
      writer = std::make_unique<H5mdWriter>(trajectory, s.frame, config.to_ini());
      const char* mech[] = {"thermal", "swap_accelerated", "beam"};
      writer->write_parameter("md_mechanism", p.swap_biased_drive ? "swap_biased_drive" : mech[static_cast<int>(p.mechanism)]);
      if (p.mechanism == Mechanism::swap_accelerated) {
        // The time axis of a swap run: MD time plus swap sweeps (attempts per anion) between MD pieces.
        writer->write_parameter("md_swap_sweeps_per_ps", p.swap_sweeps_per_frame / p.frame_interval_ps);
        writer->write_parameter("md_time_axis", std::string("MD time (ps) with ") + num(p.swap_sweeps_per_frame / p.frame_interval_ps) +
                                                    " Cl<->I swap sweeps per ps between MD pieces, " +
                                                    (p.swap_biased_drive ? "at the swap schedule's temperature (biased drive)"
                                                                         : "at the MD temperature (detailed balance)"));
      }
      writer->write_parameter("md_experiment_seconds_per_frame", p.experiment_seconds_per_frame);
      writer->write_parameter("md_experiment_seconds_per_ps", p.experiment_seconds_per_frame / p.frame_interval_ps);
      writer->write_parameter("md_time_mapping",
                              std::string("experiment_time_s = frame_index * md_experiment_seconds_per_frame; MD time "
                                          "(ps) is /particles/all/position/time, production starts at 0"));
      writer->write_parameter("md_frame_interval_ps", p.frame_interval_ps);
      writer->write_parameter("md_timestep_fs", p.timestep_fs);
      writer->write_parameter("md_lammps_script", paths.script);
    }
  }
  if (!this_rank_only) mpi_barrier();

  // LAMMPS' own log beside the trajectory: if LAMMPS ends the process, its last lines say why.
  LammpsSession lmp({"-log", fs::path(paths.script).replace_extension(resume ? ".resume.log" : ".log").string(), "-screen", "none"},
                    this_rank_only);
  lmp.comment("LAMMPS input generated by nanomix md (LAMMPS " + std::to_string(lmp.version()) + "); rerun: lmp -in " +
              fs::path(paths.script).filename().string());
  lmp.command(lammps_setup_commands(p, ff, resume ? paths.checkpoint_data : paths.data, ions));
  double lammps_seconds = 0;
  auto run = [&](std::int64_t steps) {
    const auto t0 = std::chrono::steady_clock::now();
    lmp.command("run " + std::to_string(steps));
    lammps_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  const double dt_ps = p.timestep_fs / 1000.0;
  const double t_start = p.schedule.kelvin_at(0);
  if (p.tube == TubeModel::rigid && p.tube_vibration_amplitude_angstrom > 0) {
    const int side = s.axis == 0 ? 1 : 0;  // a direction perpendicular to the tube axis
    double a[3] = {0, 0, 0};
    a[side] = p.tube_vibration_amplitude_angstrom;
    lmp.command("fix vib carbon move wiggle " + num(a[0]) + " " + num(a[1]) + " " + num(a[2]) + " " + num(p.tube_vibration_period_ps));
  }
  if (resume) {
    lmp.command("reset_timestep " + std::to_string(start_step));
  } else {
    const long vseed = lammps_seed(derive_seed(p.seed, RandomPurpose::velocities, 0, 0));
    if (p.tube != TubeModel::rigid) {  // the heat bath starts at the production temperature
      lmp.command("velocity carbon create " + num(t_start) + " " +
                  std::to_string(lammps_seed(derive_seed(p.seed, RandomPurpose::velocities, 0, 1))) +
                  " mom yes rot yes dist gaussian");
    }
    if (p.melt_ps > 0) {
      lmp.comment("melt-quench: melt at " + num(p.melt_temperature_kelvin) + " K, quench to " + num(t_start) + " K");
      lmp.command("velocity ions create " + num(p.melt_temperature_kelvin) + " " + std::to_string(vseed) + " mom yes rot yes dist gaussian");
      lmp.command(thermostat_fix(p, p.melt_temperature_kelvin, p.melt_temperature_kelvin, derive_seed(p.seed, RandomPurpose::velocities, 1, 1)));
      run(std::llround(p.melt_ps / dt_ps));
      lmp.command(unfix_thermostat(p));
      if (p.quench_ps > 0) {
        lmp.command(thermostat_fix(p, p.melt_temperature_kelvin, t_start, derive_seed(p.seed, RandomPurpose::velocities, 2, 1)));
        run(std::llround(p.quench_ps / dt_ps));
        lmp.command(unfix_thermostat(p));
      }
    } else {
      lmp.command("velocity ions create " + num(t_start) + " " + std::to_string(vseed) + " mom yes rot yes dist gaussian");
    }
    lmp.command("run 0");
    lmp.comment("production: frame 0 is the state above");
    start_step = static_cast<std::int64_t>(std::llround(lmp.thermo("step")));
  }
  const std::int64_t spf = p.steps_per_frame();

  auto save_script = [&] {
    if (!root) return;
    const std::string path = resume ? fs::path(paths.script).replace_extension(".resume.lammps").string() : paths.script;
    write_text_file_atomically(path, lmp.transcript());
  };

  Frame frame;
  frame.box = s.frame.box;
  frame.atomic_numbers = s.frame.atomic_numbers;
  const auto n_atoms = static_cast<Eigen::Index>(s.frame.size());
  auto gather = [&](std::int64_t f) {
    const std::vector<double> x = lmp.gather3("x");
    const std::vector<int> types = lmp.gather_types();
    frame.positions_angstrom = Eigen::Map<const Positions>(x.data(), n_atoms, 3);
    for (std::size_t i = 0; i < types.size(); ++i) frame.atomic_numbers[i] = species_of_type(types[i]);
    frame.step = static_cast<std::int64_t>(std::llround(lmp.thermo("step")));
    frame.time_ps = static_cast<double>(f) * p.frame_interval_ps;
  };
  MdRunResult result;
  result.first_frame = first_frame;
  std::int64_t swaps_attempted = 0, swaps_accepted = 0, kicks = 0;
  auto record = [&](std::int64_t f) {
    gather(f);
    const double temp = lmp.compute_scalar("tI");
    const double pe = lmp.thermo("pe");
    if (!root) return;
    const double sro = anion_sro(frame, p.sro_shell_angstrom);
    const Crystallinity cr = crystallinity(frame);
    writer->write_frame(frame);
    const auto st = frame.step;
    const double t = frame.time_ps;
    writer->write_observable("temperature", st, t, temp, "K");
    writer->write_observable("potential_energy", st, t, pe, "eV");
    writer->write_observable("anion_sro", st, t, sro);
    writer->write_observable("crystallinity", st, t, cr.total);
    writer->write_observable("crystallinity_nacl", st, t, cr.nacl);
    writer->write_observable("crystallinity_nai", st, t, cr.nai);
    writer->write_observable("ions_outside_tube", st, t, static_cast<double>(ions_outside_tube(tube, frame)));
    writer->write_observable("experiment_time", st, t, static_cast<double>(f) * p.experiment_seconds_per_frame, "s");
    writer->write_observable("target_temperature", st, t, p.schedule.kelvin_at(t), "K");
    if (p.mechanism == Mechanism::swap_accelerated) {
      writer->write_observable("swap_acceptance", st, t, swaps_attempted ? double(swaps_accepted) / double(swaps_attempted) : 0.0);
    }
    if (p.mechanism == Mechanism::beam) writer->write_observable("kicks", st, t, static_cast<double>(kicks));
    writer->flush();
    result.last_anion_sro = sro;
    result.last_crystallinity = cr.total;
  };
  auto checkpoint = [&](std::int64_t frames_done) {
    const std::string tmp = paths.checkpoint_data + ".tmp";
    lmp.comment("checkpoint (nanomix writes " + paths.checkpoint_data + " here)");
    lmp.command("write_data " + tmp);
    if (!this_rank_only) mpi_barrier();
    if (root) {
      fs::rename(tmp, paths.checkpoint_data);
      write_state(paths, frames_done, static_cast<std::int64_t>(std::llround(lmp.thermo("step"))));
    }
    save_script();
  };
  // write_data is recorded in the transcript by LammpsSession; keep it (it costs the same in lmp).
  // Ions beyond the tube's wall or past its ends (e.g. knock-on at a raised dose melting the
  // cluster): the model no longer describes a cluster in a tube. Stop with a RuntimeError (exit 1)
  // before writing the frame, so the trajectory ends at the last good frame and the LAMMPS input
  // that ran is saved.
  auto stop_if_ions_left = [&](std::int64_t f) {
    gather(f);
    const std::size_t outside = ions_outside_tube(tube, frame);
    if (outside == 0) return;
    save_script();
    if (root) writer->close();
    throw RuntimeError("md: " + std::to_string(outside) + " ions left the tube at frame " + std::to_string(f) + " (" +
                       std::to_string(frame.time_ps) + " ps); the trajectory ends at the last good frame " + std::to_string(f - 1) +
                       " (" + trajectory + ")");
  };

  if (resume) {
    gather(first_frame - 1);
  } else {
    record(0);
    checkpoint(1);
    first_frame = 1;
  }
  Progress progress("md", p.frames, quiet || !root);
  progress.update(first_frame);
  const Eigen::Vector3d beam = Eigen::Vector3d::Unit(p.beam_axis);
  for (std::int64_t f = first_frame; f < p.frames; ++f) {
    const double t0 = static_cast<double>(f - 1) * p.frame_interval_ps, t1 = static_cast<double>(f) * p.frame_interval_ps;
    const double k0 = p.schedule.kelvin_at(t0), k1 = p.schedule.kelvin_at(t1);
    auto swap_batch = [&](std::uint64_t batch, double kelvin, double time_ps, double sweeps) {
      // Every rank makes the same draws from the same gathered state.
      Frame state = frame;
      Rng rng(p.seed, RandomPurpose::md_swaps, static_cast<std::uint64_t>(f), batch);
      const std::size_t anions = state.count(chlorine) + state.count(iodine);
      const double kt = !p.swap_schedule.points.empty() ? p.swap_schedule.kelvin_at(time_ps)
                        : p.swap_temperature_kelvin > 0 ? p.swap_temperature_kelvin
                                                        : kelvin;
      const SwapStats st = swap_anions(state, ff, p.born_cutoff_angstrom, p.lj_cutoff_angstrom, kt,
                                       std::llround(sweeps * static_cast<double>(anions)), rng);
      swaps_attempted += st.attempts;
      swaps_accepted += st.accepted;
      std::vector<int> to_cl, to_i;
      for (std::size_t i = 0; i < state.size(); ++i) {
        if (state.atomic_numbers[i] == frame.atomic_numbers[i]) continue;
        (state.atomic_numbers[i] == chlorine ? to_cl : to_i).push_back(static_cast<int>(i) + 1);
      }
      frame.atomic_numbers = state.atomic_numbers;
      if (!to_cl.empty() || !to_i.empty()) lmp.command(swap_species_commands(to_cl, to_i));
    };
    if (p.mechanism == Mechanism::beam) {
      Rng rng(p.seed, RandomPurpose::beam_kicks, static_cast<std::uint64_t>(f));
      const double e = p.beam_voltage_kv * 1e3;
      const double exposure_per_nm2 = p.dose_rate_e_per_nm2_s * p.experiment_seconds_per_frame * p.dose_multiplier;
      std::string cmds;
      for (int z : {sodium, chlorine, iodine}) {
        std::vector<int> atoms;
        for (std::size_t i = 0; i < frame.size(); ++i) {
          if (frame.atomic_numbers[i] == z) atoms.push_back(static_cast<int>(i));
        }
        if (atoms.empty()) continue;
        const double m = element(z).mass_amu;
        const double sigma_barn = mckinley_feshbach_barn(z, m, e, p.kick_min_energy_ev);
        const double mean = sigma_barn * 1e-28 * exposure_per_nm2 * 1e18 * static_cast<double>(atoms.size());
        const std::uint64_t events = rng.poisson(mean);
        for (std::uint64_t k = 0; k < events; ++k) {
          const int atom = atoms[rng.below(atoms.size())];
          const Recoil r = sample_recoil(z, m, e, p.kick_min_energy_ev, beam, rng);
          const Eigen::Vector3d v = std::sqrt(2 * r.energy_ev / m * angstrom2_per_ps2_per_ev_per_amu) * r.direction;
          cmds += "set atom " + std::to_string(atom + 1) + " vx " + num(v[0]) + " vy " + num(v[1]) + " vz " + num(v[2]) + "\n";
          ++kicks;
        }
      }
      if (!cmds.empty()) lmp.command(cmds);
    }
    // The frame's MD, in pieces when swaps come between them.
    const std::int64_t pieces = p.mechanism == Mechanism::swap_accelerated ? p.swap_batches_per_frame : 1;
    for (std::int64_t k = 0; k < pieces; ++k) {
      const double ka = k0 + (k1 - k0) * static_cast<double>(k) / static_cast<double>(pieces);
      const double kb = k0 + (k1 - k0) * static_cast<double>(k + 1) / static_cast<double>(pieces);
      if (p.mechanism == Mechanism::swap_accelerated && p.swap_sweeps_per_frame > 0) {
        if (k > 0) gather(f - 1);  // current positions (the time stamp is not used)
        swap_batch(static_cast<std::uint64_t>(k), ka, t0 + (t1 - t0) * static_cast<double>(k) / static_cast<double>(pieces),
                   p.swap_sweeps_per_frame / static_cast<double>(pieces));
      }
      lmp.command(thermostat_fix(p, ka, kb,
                                 derive_seed(p.seed, RandomPurpose::velocities, 10 + static_cast<std::uint64_t>(f),
                                             1 + static_cast<std::uint64_t>(k))));
      run(spf / pieces);
      lmp.command(unfix_thermostat(p));
    }
    stop_if_ions_left(f);
    record(f);
    progress.update(f + 1);
    if ((f + 1) % p.checkpoint_every_frames == 0 || f + 1 == p.frames) checkpoint(f + 1);
  }
  progress.finish();
  save_script();
  if (root) {
    result.frames_written = static_cast<std::int64_t>(writer->frame_count());
    writer->close();
  }
  result.lammps_seconds = lammps_seconds;
  result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return result;
}

}  // namespace nanomix::sim
