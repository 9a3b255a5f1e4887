#pragma once
// A LAMMPS instance driven through its C library interface (lammps/library.h). The only place in
// nanomix that includes LAMMPS headers is lammps_session.cpp. Every command sent is also appended
// to a transcript, so the exact input can be saved and rerun with plain `lmp`.
//
// The Debian LAMMPS is built without C++ exceptions: an error inside LAMMPS ends the process.
// Callers therefore validate every input before it reaches LAMMPS.
#include <cstdint>
#include <string>
#include <vector>

namespace nanomix::sim {

class LammpsSession {
 public:
  /// Starts LAMMPS on MPI_COMM_WORLD (or on its own without MPI initialised) with the given
  /// command-line arguments (e.g. {"-log", "none", "-screen", "none"}).
  /// `this_rank_only`: under MPI, LAMMPS runs on this rank alone (MPI_COMM_SELF) instead of on all
  /// ranks (MPI_COMM_WORLD).
  explicit LammpsSession(const std::vector<std::string>& args = {"-log", "none", "-screen", "none"},
                         bool this_rank_only = false);
  ~LammpsSession();
  LammpsSession(const LammpsSession&) = delete;
  LammpsSession& operator=(const LammpsSession&) = delete;

  /// Runs one command (or several, one per line) and records it in the transcript.
  void command(const std::string& text);
  /// A comment line in the transcript only (control characters and & become '?').
  void comment(const std::string& text);
  /// Everything sent so far, as a LAMMPS input script.
  const std::string& transcript() const { return transcript_; }

  std::int64_t atom_count() const;
  /// A thermo keyword ("pe", "ke", "temp", "step", "lx", "vol", …) of the current state.
  double thermo(const std::string& keyword) const;
  /// Value of an equal-style LAMMPS variable (evaluated now).
  double variable(const std::string& name) const;
  /// Global scalar of a compute (e.g. a group temperature).
  double compute_scalar(const std::string& compute_id) const;
  /// Per-atom array "x", "v" or "f", ordered by atom ID 1..N, 3 per atom (collective).
  std::vector<double> gather3(const std::string& name) const;
  /// Per-atom integer property "type" ordered by atom ID (collective).
  std::vector<int> gather_types() const;
  /// Overwrites per-atom "x" or "v" for all atoms (collective; transcript not affected).
  void scatter3(const std::string& name, std::vector<double> values);
  /// LAMMPS version date as an integer (e.g. 20210929).
  int version() const;

 private:
  void* handle_ = nullptr;
  std::string transcript_;
};

}  // namespace nanomix::sim
