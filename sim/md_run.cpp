#include "sim/md_run.hpp"

#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <memory>
#include <sstream>

#include "core/atomic_file.hpp"
#include "core/config_diff.hpp"
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

/// What the md stage's result depends on: the resolved [structure] and [md] sections and the
/// bytes of every file it reads (the potential tables). A checkpoint is used only by a run with
/// the same identity, so a resumed trajectory never mixes two configs.
std::string md_identity(const MdRecord& record, const MdParams& p) {
  std::string id = record.sections_ini;
  id += "# input ion_potential_file " + file_hash(p.ion_potential_file) + "\n";
  id += "# input carbon_ion_potential_file " + file_hash(p.carbon_ion_potential_file) + "\n";
  if (p.tube == TubeModel::flexible_tersoff) id += "# input tersoff_file " + file_hash(p.tersoff_file) + "\n";
  if (p.tube == TubeModel::flexible_airebo) id += "# input airebo_file " + file_hash(p.airebo_file) + "\n";
  return id;
}

struct Checkpoint {
  std::int64_t frames_done = 0, step = 0;
  std::int64_t swaps_attempted = 0, swaps_accepted = 0, kicks = 0;  ///< running totals (observables)
  std::string data_hash;  ///< of T.checkpoint.data as written with this state
  std::string identity;   ///< md_identity of the run that wrote it
};

constexpr const char* checkpoint_magic = "nanomix_md_checkpoint 2";

void write_state(const MdPaths& paths, const Checkpoint& c) {
  write_text_file_atomically(paths.checkpoint_state, std::string(checkpoint_magic) + "\nframes_done " + std::to_string(c.frames_done) +
                                                         "\nstep " + std::to_string(c.step) + "\ncounters " + std::to_string(c.swaps_attempted) + " " +
                                                         std::to_string(c.swaps_accepted) + " " + std::to_string(c.kicks) +
                                                         "\ndata_hash " + c.data_hash +
                                                         "\nidentity\n" + c.identity);
}

/// The checkpoint beside the trajectory, or the reason there is none usable ("" and a message).
std::pair<Checkpoint, std::string> read_state(const MdPaths& paths) {
  Checkpoint c;
  if (!fs::exists(paths.checkpoint_state) || !fs::exists(paths.checkpoint_data)) return {c, "no checkpoint yet"};
  std::string text;
  try {
    text = read_regular_file(paths.checkpoint_state, max_table_file_bytes, "checkpoint");
  } catch (const InputError& e) {
    return {c, e.what()};
  }
  std::istringstream in(text);
  std::string line, key;
  std::getline(in, line);
  if (line != checkpoint_magic) return {c, "checkpoint of another nanomix version"};
  if (!(in >> key >> c.frames_done) || key != "frames_done" || !(in >> key >> c.step) || key != "step" ||
      !(in >> key >> c.swaps_attempted >> c.swaps_accepted >> c.kicks) || key != "counters" ||
      !(in >> key >> c.data_hash) || key != "data_hash" || c.frames_done < 1 || c.step < 0) {
    return {c, "damaged checkpoint " + paths.checkpoint_state};
  }
  std::getline(in, line);
  std::getline(in, line);
  if (line != "identity") return {c, "damaged checkpoint " + paths.checkpoint_state};
  c.identity = text.substr(static_cast<std::size_t>(in.tellg()));
  if (file_hash(paths.checkpoint_data) != c.data_hash) {
    return {c, paths.checkpoint_data + " does not match " + paths.checkpoint_state + " (killed while checkpointing)"};
  }
  return {c, ""};
}

/// LAMMPS parses every command it is given: `$` substitutes a variable, `#` starts a comment,
/// blanks split words, a newline or a trailing `&` ends or joins commands, and `shell` runs a
/// program. A path of the user's is therefore never part of a command: LAMMPS sees files only in a
/// private directory with a plain name (mkdtemp under $TMPDIR, or /tmp), as -var values on its own
/// command line (nmx_in: the data file to start from; nmx_out: where write_data puts a checkpoint;
/// nmx_tersoff / nmx_airebo: copies of the tube potential). nanomix copies files in and out. Its
/// log is the one file LAMMPS writes beside the trajectory, through the descriptor of a file
/// nanomix created itself (/proc/self/fd/N: no name parsed, no symlink followed).
class LammpsWorkDir {
 public:
  /// Rank 0 creates the directory; with `shared` the other ranks learn its name.
  LammpsWorkDir(bool root, bool shared) : owner_(root) {
    std::string name;
    if (root) {
      std::string base = "/tmp";
      if (const char* t = std::getenv("TMPDIR"); t && *t && lammps_plain_word(t) && fs::is_directory(t)) base = t;
      std::string pattern = base + "/nanomix-lammps-XXXXXX";
      if (!::mkdtemp(pattern.data())) throw RuntimeError("cannot create a working directory for LAMMPS under " + base);
      name = pattern;
    }
    if (shared) mpi_broadcast(name);
    dir_ = name;
  }
  ~LammpsWorkDir() {
    std::error_code ec;
    if (owner_ && !dir_.empty()) fs::remove_all(dir_, ec);
  }
  LammpsWorkDir(const LammpsWorkDir&) = delete;
  LammpsWorkDir& operator=(const LammpsWorkDir&) = delete;
  std::string file(const std::string& name) const { return (dir_ / name).string(); }
  std::string dir() const { return dir_.string(); }

 private:
  bool owner_ = false;
  fs::path dir_;
};

/// A file nanomix creates beside the trajectory for LAMMPS to write (its log), held open.
class LogFile {
 public:
  explicit LogFile(const std::string& path) : fd_(create_fresh_file(path)) {}
  ~LogFile() { ::close(fd_); }
  LogFile(const LogFile&) = delete;
  LogFile& operator=(const LogFile&) = delete;
  std::string lammps_name() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_;
};

/// The Debian LAMMPS has no C++ exceptions: on an error it calls exit(1) (Error::all) or MPI_Abort
/// (Error::one) inside our process. While LAMMPS runs, this guard is armed; an exit runs its atexit
/// hook and an MPI_Abort runs the executable's MPI_Abort (app/lammps_abort.cpp, through MPI's
/// profiling interface): both call report_lammps_failure, which prints one nanomix line naming the
/// stage, LAMMPS' error and its log, and moves the partial trajectory aside as T.h5.partial (its
/// checkpoint removed), so that no half-written output is taken for a result. The one piece of
/// process-wide state in nanomix, confined to this file, because exit() gives no other way back.
struct LammpsGuardState {
  bool armed = false;
  bool root = false;
  std::string trajectory, log, checkpoint_state, checkpoint_data, work_dir;
};
LammpsGuardState& guard_state() {
  static LammpsGuardState state;
  return state;
}

void on_lammps_exit() { report_lammps_failure(); }

}  // namespace

void report_lammps_failure() {
  LammpsGuardState& g = guard_state();
  if (!g.armed) return;
  g.armed = false;  // once
  std::error_code ec;
  if (!g.work_dir.empty()) fs::remove_all(g.work_dir, ec);
  if (!g.root) return;
  std::string error_line;
  try {
    std::istringstream log(read_regular_file(g.log, max_table_file_bytes, "LAMMPS log"));
    for (std::string line; std::getline(log, line);) {
      if (line.rfind("ERROR", 0) == 0) error_line = line;
    }
  } catch (const std::exception&) {
  }
  fs::remove(g.checkpoint_state, ec);
  fs::remove(g.checkpoint_data, ec);
  fs::rename(g.trajectory, g.trajectory + ".partial", ec);
  std::fprintf(stderr, "nanomix: failed: md stage: LAMMPS stopped%s%s (LAMMPS log: %s); the partial trajectory is %s.partial\n",
               error_line.empty() ? "" : ": ", error_line.c_str(), g.log.c_str(), g.trajectory.c_str());
  std::fflush(stderr);
}

namespace {

/// Arms the guard for the lifetime of a LAMMPS session.
class LammpsGuard {
 public:
  LammpsGuard(bool root, const MdPaths& paths, const std::string& log, const std::string& work_dir) {
    static const bool registered = (std::atexit(on_lammps_exit), true);
    (void)registered;
    guard_state() = {true, root, paths.trajectory, log, paths.checkpoint_state, paths.checkpoint_data, work_dir};
  }
  ~LammpsGuard() { guard_state().armed = false; }
  LammpsGuard(const LammpsGuard&) = delete;
  LammpsGuard& operator=(const LammpsGuard&) = delete;
};

/// Copies a file into or out of the working directory (bounded; the target replaced atomically).
void copy_file(const std::string& from, const std::string& to, const std::string& what) {
  write_text_file_atomically(to, read_regular_file(from, max_lammps_data_bytes, what));
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

bool lammps_plain_word(const std::string& text) {
  if (text.empty()) return false;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (!(std::isalnum(c) || c == '/' || c == '.' || c == '_' || c == '-' || c == '+' || c == ',' || c == '=' || c == '@' ||
          c == '%' || c == ':')) {
      return false;
    }
  }
  return true;
}

std::string lammps_comment_text(const std::string& text) {
  std::string out = text;
  for (char& ch : out) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f || ch == '&') ch = '?';
  }
  return out;
}

namespace {
/// `variable NAME index DEFAULT` (a -var NAME on LAMMPS' command line wins over it) or, when
/// DEFAULT is not a plain word, a comment saying that -var NAME is needed.
std::string file_variable(const std::string& name, const std::string& default_file) {
  if (lammps_plain_word(default_file)) return "variable " + name + " index " + default_file + "\n";
  return "# " + name + ": pass -var " + name + " FILE to lmp (the file's name is not a plain LAMMPS word)\n";
}
}  // namespace

std::string lammps_setup_commands(const MdParams& p, const ForceField& ff, const std::string& data_file, std::size_t ions) {
  return file_variable("nmx_in", data_file) + lammps_setup_commands_from(p, ff, "nmx_in", ions);
}

std::string lammps_setup_commands_from(const MdParams& p, const ForceField& ff, const std::string& data_variable,
                                       std::size_t ions) {
  std::ostringstream o;
  o << "# force field: " << lammps_comment_text(ff.ion_file) << " (Tosi-Fumi BMH + charges), "
    << lammps_comment_text(ff.carbon_ion_file) << " (C-ion LJ)\n";
  // File names reach LAMMPS only through variables (see lammps_plain_word).
  if (p.tube == TubeModel::flexible_tersoff) o << file_variable("nmx_tersoff", p.tersoff_file);
  if (p.tube == TubeModel::flexible_airebo) o << file_variable("nmx_airebo", p.airebo_file);
  o << "units metal\natom_style charge\natom_modify map array\nboundary s s s\nread_data ${" << data_variable << "}\n";
  o << "group carbon type 1\ngroup ions type 2 3 4\n";
  o << "pair_style hybrid/overlay born " << num(p.born_cutoff_angstrom) << " coul/cut " << num(p.coulomb_cutoff_angstrom)
    << " lj/cut " << num(p.lj_cutoff_angstrom);
  if (p.tube == TubeModel::flexible_tersoff) o << " tersoff";
  if (p.tube == TubeModel::flexible_airebo) o << " airebo 3.0 1 0";
  o << "\n";
  if (p.tube == TubeModel::rigid) o << "pair_coeff 1 1 none\n";
  if (p.tube == TubeModel::flexible_tersoff) o << "pair_coeff * * tersoff ${nmx_tersoff} C NULL NULL NULL\n";
  if (p.tube == TubeModel::flexible_airebo) o << "pair_coeff * * airebo ${nmx_airebo} C NULL NULL NULL\n";
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

MdRunResult run_md(const MdParams& p, const Structure& s, const MdRecord& config_record, const std::string& trajectory,
                   bool resume, bool quiet, bool this_rank_only) {
  const auto wall_start = std::chrono::steady_clock::now();
  const ForceField ff = ForceField::load(p.ion_potential_file, p.carbon_ion_potential_file);
  validate_md_input(p, ff, s);
  // LAMMPS needs MPI: start it before any output file is open (see mpi_ensure_initialised).
  mpi_ensure_initialised();
  const MdPaths paths = MdPaths::beside(trajectory);
  const bool root = mpi_rank() == 0;
  const std::size_t ions = s.frame.size() - s.carbon_count;

  // --resume continues from the last checkpoint only if it was made from this same identity
  // (config sections and input files) and matches its data file; a trajectory from another
  // config is refused (exit 2, naming what changed); with no usable checkpoint yet (killed before
  // the first one, or while writing it) the stage starts over.
  const std::string identity = md_identity(config_record, p);
  std::int64_t first_frame = 0, start_step = 0;
  Checkpoint restored;
  if (resume) {
    check_regular_in_place(trajectory, "--resume");
    const auto [checkpoint, why_not] = read_state(paths);
    if (!why_not.empty()) {
      log_info(quiet || !root, "--resume: " + why_not + " beside " + trajectory + ": md starts over");
      resume = false;
    } else if (checkpoint.identity != identity) {
      std::string change = describe_ini_change(checkpoint.identity, identity);
      throw InputError("--resume: " + trajectory + " was made from another config or input file (" +
                       (change.empty() ? std::string("changed") : change) + "); run without --resume to start over");
    } else {
      first_frame = checkpoint.frames_done;
      start_step = checkpoint.step;
      restored = checkpoint;
    }
  }
  if (resume && first_frame >= p.frames) {
    // Nothing left to run: resuming a finished trajectory leaves it as it is (if it holds them).
    std::size_t held = 0;
    try {
      held = H5mdReader(trajectory).frame_count();
    } catch (const std::exception&) {
    }
    if (held == static_cast<std::size_t>(p.frames)) {
      log_info(quiet || !root, "--resume: " + trajectory + " already holds all " + std::to_string(p.frames) + " frames");
      MdRunResult done;
      done.frames_written = first_frame;
      done.first_frame = first_frame;
      return done;
    }
    log_info(quiet || !root, "--resume: " + trajectory + " holds " + std::to_string(held) + " of " + std::to_string(p.frames) +
                                 " frames although its checkpoint says done: md starts over");
    resume = false;
    first_frame = start_step = 0;
  }
  if (!this_rank_only) mpi_barrier();  // every rank has read the checkpoint before rank 0 removes it
  if (!resume && root) {
    // A checkpoint left by an earlier run must never be taken for this one's.
    std::error_code ec;
    fs::remove(paths.checkpoint_state, ec);
    fs::remove(paths.checkpoint_data, ec);
  }
  // The tube's extent (for ions_outside_tube) from the built carbon.
  TubeExtent tube;
  tube.axis = s.axis;
  tube.axis_point = s.axis_point_angstrom;
  tube.radius = s.tube.radius_angstrom();
  tube.lo = s.frame.positions_angstrom.topRows(static_cast<Eigen::Index>(s.carbon_count)).col(s.axis).minCoeff();
  tube.hi = s.frame.positions_angstrom.topRows(static_cast<Eigen::Index>(s.carbon_count)).col(s.axis).maxCoeff();

  // Files: the trajectory (new or reopened) and the data file, on rank 0, before LAMMPS starts;
  // LAMMPS reads copies in its working directory.
  LammpsWorkDir work(root, !this_rank_only);
  std::unique_ptr<H5mdWriter> writer;
  if (root) {
    if (p.tube == TubeModel::flexible_tersoff) copy_file(p.tersoff_file, work.file("tersoff"), "[md] tersoff_file");
    if (p.tube == TubeModel::flexible_airebo) copy_file(p.airebo_file, work.file("airebo"), "[md] airebo_file");
    if (resume) {
      copy_file(paths.checkpoint_data, work.file("start.data"), "checkpoint");
      writer = H5mdWriter::reopen(trajectory, static_cast<std::size_t>(first_frame));
    } else {
      const std::string data = lammps_data_file(s.frame, ff);
      write_text_file_atomically(paths.data, data);
      write_text_file_atomically(work.file("start.data"), data);
      ::close(create_fresh_file(trajectory));  // a symlink there is replaced, never written through
      // Swaps change species: the file then holds the species of every frame.
      const SpeciesStorage species =
          p.mechanism == Mechanism::swap_accelerated ? SpeciesStorage::per_frame : SpeciesStorage::fixed;
      writer = std::make_unique<H5mdWriter>(trajectory, s.frame, config_record.config_ini, "nanomix user", species);
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
  const std::string log_path = fs::path(paths.script).replace_extension(resume ? ".resume.log" : ".log").string();
  std::unique_ptr<LogFile> log;
  if (root) log = std::make_unique<LogFile>(log_path);
  std::vector<std::string> args = {"-log", root ? log->lammps_name() : "none", "-screen", "none",
                                   "-var", "nmx_in", work.file("start.data"), "-var", "nmx_out", work.file("checkpoint.data")};
  if (p.tube == TubeModel::flexible_tersoff) args.insert(args.end(), {"-var", "nmx_tersoff", work.file("tersoff")});
  if (p.tube == TubeModel::flexible_airebo) args.insert(args.end(), {"-var", "nmx_airebo", work.file("airebo")});
  const LammpsGuard guard(root, paths, log_path, root ? work.dir() : std::string());
  LammpsSession lmp(args, this_rank_only);
  const std::string rerun_name = fs::path(paths.script).filename().string();
  lmp.comment("LAMMPS input generated by nanomix md (LAMMPS " + std::to_string(lmp.version()) + "); rerun: lmp -in " +
              rerun_name + " in the directory of the trajectory");
  lmp.command(file_variable("nmx_out", fs::path(paths.script).filename().replace_extension(".rerun.checkpoint.data").string()));
  lmp.command(file_variable("nmx_in", fs::path(resume ? paths.checkpoint_data : paths.data).filename().string()));
  lmp.command(lammps_setup_commands_from(p, ff, "nmx_in", ions));
  double lammps_seconds = 0;
  auto run = [&](std::int64_t steps) {
    const auto t0 = std::chrono::steady_clock::now();
    lmp.command("run " + std::to_string(steps));
    lammps_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  const double dt_ps = p.timestep_fs / 1000.0;
  const double t_start = p.schedule.kelvin_at(0);
  // Tube vibration: x = x_built + A sin(2 pi t / T) along a direction perpendicular to the axis,
  // t the absolute MD time (step * dt), so that redefining the fix at a checkpoint (at step S0,
  // displacement counted from the positions then) continues the same motion.
  auto vibrate = [&](std::int64_t from_step) {
    if (p.tube != TubeModel::rigid || p.tube_vibration_amplitude_angstrom <= 0) return;
    const std::string w = num(2 * M_PI * dt_ps / p.tube_vibration_period_ps);  // rad per step
    const std::string a = num(p.tube_vibration_amplitude_angstrom);
    // Zero (not NULL) for the other directions: a NULL coordinate would be integrated under the
    // ions' forces, and the rigid tube would drift.
    lmp.command("variable nmx_vib_d equal " + a + "*(sin(" + w + "*step)-sin(" + w + "*" + std::to_string(from_step) + "))\n" +
                "variable nmx_vib_v equal " + a + "*" + w + "/" + num(dt_ps) + "*cos(" + w + "*step)\nvariable nmx_zero equal 0");
    lmp.command(s.axis == 0 ? "fix vib carbon move variable v_nmx_zero v_nmx_vib_d v_nmx_zero v_nmx_zero v_nmx_vib_v v_nmx_zero"
                            : "fix vib carbon move variable v_nmx_vib_d v_nmx_zero v_nmx_zero v_nmx_vib_v v_nmx_zero v_nmx_zero");
  };
  // Continuing from a checkpoint's data file (the variable names it): set-up, the step, the
  // vibration. A resumed run does this once; an uninterrupted one does the same after every
  // checkpoint (clear, then read its own checkpoint back), so both follow bitwise the same path:
  // fresh neighbour lists and atom order from the same file, thermostats defined per frame.
  auto continue_from = [&](std::int64_t step) {
    lmp.command("reset_timestep " + std::to_string(step));
    vibrate(step);
  };
  if (resume) {
    continue_from(start_step);
  } else {
    vibrate(0);
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
    // Paths relative to the script's folder, so the folder can be moved and rerun there with lmp -in.
    std::string text = lmp.transcript();
    const std::string folder = fs::path(paths.script).parent_path().string() + "/";
    for (std::size_t at = text.find(folder); at != std::string::npos; at = text.find(folder, at)) text.erase(at, folder.size());
    write_text_file_atomically(path, text);
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
  std::int64_t swaps_attempted = restored.swaps_attempted, swaps_accepted = restored.swaps_accepted, kicks = restored.kicks;
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
    const auto step = static_cast<std::int64_t>(std::llround(lmp.thermo("step")));
    lmp.comment("checkpoint (nanomix copies it to " + fs::path(paths.checkpoint_data).filename().string() + ")");
    lmp.command("write_data ${nmx_out}");
    if (!this_rank_only) mpi_barrier();
    if (root) {
      copy_file(work.file("checkpoint.data"), paths.checkpoint_data, "checkpoint");
      write_state(paths, {frames_done, step, swaps_attempted, swaps_accepted, kicks, file_hash(paths.checkpoint_data), identity});
    }
    save_script();
    if (frames_done < p.frames) {
      lmp.comment("continue from the checkpoint just written, as --resume would");
      lmp.command("clear");
      lmp.command(lammps_setup_commands_from(p, ff, "nmx_out", ions));
      continue_from(step);
      gather(frames_done - 1);
    }
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
    {  // the live line, as LAMMPS users read thermo output: the ions' temperature and the order
      const double kelvin = lmp.compute_scalar("tI");
      char note[96];
      std::snprintf(note, sizeof note, "T %.0f K, anion order %.2f", kelvin, result.last_anion_sro);
      progress.update(f + 1, note);
    }
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
