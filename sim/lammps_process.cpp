#include "sim/lammps_process.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/parallel.hpp"
#include "sim/lammps_input.hpp"

namespace nanomix::sim {

namespace fs = std::filesystem;

LammpsWorkDir::LammpsWorkDir(bool root, bool shared) : owner_(root) {
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

LammpsWorkDir::~LammpsWorkDir() {
  std::error_code ec;
  if (owner_ && !dir_.empty()) fs::remove_all(dir_, ec);
}

LogFile::LogFile(const std::string& path) : fd_(create_fresh_file(path)) {}
LogFile::~LogFile() { ::close(fd_); }

namespace {

/// The state the guard arms (see LammpsGuard): the one piece of process-wide state in nanomix,
/// confined to this file, because exit() gives no other way back.
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
  std::fprintf(stderr,
               "nanomix: failed: md stage: LAMMPS stopped%s%s (LAMMPS log: %s); the partial trajectory is %s.partial\n",
               error_line.empty() ? "" : ": ", error_line.c_str(), g.log.c_str(), g.trajectory.c_str());
  std::fflush(stderr);
}

LammpsGuard::LammpsGuard(bool root, const MdPaths& paths, const std::string& log, const std::string& work_dir) {
  static const bool registered = (std::atexit(on_lammps_exit), true);
  (void)registered;
  guard_state() = {true, root, paths.trajectory, log, paths.checkpoint_state, paths.checkpoint_data, work_dir};
}

LammpsGuard::~LammpsGuard() { guard_state().armed = false; }

void copy_file(const std::string& from, const std::string& to, const std::string& what) {
  write_text_file_atomically(to, read_regular_file(from, max_lammps_data_bytes, what));
}

}  // namespace nanomix::sim
