#pragma once
// LAMMPS inside the nanomix process: the private folder it reads and writes in, the log file
// nanomix creates for it, and the guard that reports it when LAMMPS ends the process.
#include <cstdint>
#include <filesystem>
#include <string>

#include "sim/md_checkpoint.hpp"

namespace nanomix::sim {

/// Largest LAMMPS data file (start or checkpoint) nanomix copies (1 GiB).
inline constexpr std::uintmax_t max_lammps_data_bytes = 1ull << 30;

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
  LammpsWorkDir(bool root, bool shared);
  ~LammpsWorkDir();
  LammpsWorkDir(const LammpsWorkDir&) = delete;
  LammpsWorkDir& operator=(const LammpsWorkDir&) = delete;
  std::string file(const std::string& name) const { return (dir_ / name).string(); }
  std::string dir() const { return dir_.string(); }

 private:
  bool owner_ = false;
  std::filesystem::path dir_;
};

/// A file nanomix creates beside the trajectory for LAMMPS to write (its log), held open.
class LogFile {
 public:
  explicit LogFile(const std::string& path);
  ~LogFile();
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
/// checkpoint removed), so that no half-written output is taken for a result. The guard arms the
/// one piece of process-wide state in nanomix (in lammps_process.cpp), because exit() gives no
/// other way back. Armed for the lifetime of a LAMMPS session; `work_dir` is removed if LAMMPS
/// ends the process, and rank 0 alone reports and moves files.
class LammpsGuard {
 public:
  LammpsGuard(bool root, const MdPaths& paths, const std::string& log, const std::string& work_dir);
  ~LammpsGuard();
  LammpsGuard(const LammpsGuard&) = delete;
  LammpsGuard& operator=(const LammpsGuard&) = delete;
};

/// Called when LAMMPS ends the process (its exit(1), or MPI_Abort through app/lammps_abort.cpp)
/// while a LammpsGuard is armed: prints one line naming the md stage, LAMMPS' ERROR line and its
/// log, renames the trajectory T.h5 to T.h5.partial and removes its checkpoint. No-op otherwise.
void report_lammps_failure();

/// Copies a file into or out of the working directory (at most max_lammps_data_bytes; the target
/// replaced atomically; `what` names it in errors).
void copy_file(const std::string& from, const std::string& to, const std::string& what);

}  // namespace nanomix::sim
