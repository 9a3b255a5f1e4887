#pragma once
// A LAMMPS instance driven through its C library interface (lammps/library.h), plus one step that
// the input language does not offer (refresh_forces, through LAMMPS' C++ classes). The only place
// in nanomix that includes LAMMPS headers is lammps_session.cpp. Every command sent is also
// appended to a transcript, so the input can be saved and rerun with plain `lmp`.
//
// The Debian LAMMPS is built without C++ exceptions: an error inside LAMMPS ends the process.
// Callers therefore validate every input before it reaches LAMMPS.
#include <cstdint>
#include <functional>
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
  /// Runs `text` but records `recorded` in the transcript: for a run that continues after
  /// refresh_forces, which plain `lmp` can only reproduce with a full set-up (same physics, not
  /// bitwise the same arithmetic).
  void command_recorded_as(const std::string& text, const std::string& recorded);

  /// Between two runs, after atom types changed and nothing else that a run's set-up reads
  /// (positions, charges, box, fixes, pair coefficients): recomputes the forces and the pair
  /// energies of the current step for the new types on the neighbour lists LAMMPS already holds
  /// (no neighbour build, no atom sort), and redoes the fixes' set-up (a Nosé–Hoover fix re-reads
  /// the temperature, a Langevin fix adds its forces), as a run's set-up would. A following
  /// `run … pre no` then starts from forces that belong to the new types. `types_by_id[k]` is the
  /// LAMMPS type of atom ID k + 1, the same on every rank: it sets the ghost atoms' types, which
  /// `set` does not reach. `exchanged_types`: the types atoms changed between (e.g. Cl and I).
  /// `begin_step`, `end_step`: the `start` and `stop` of the run that follows (a fix's ramp reads
  /// them at its set-up, as it would in that run's).
  /// Returns false, having changed nothing, where the lists cannot be kept: no run yet, a kspace
  /// style, bonds, neighbour cut-offs that differ between the exchanged types, or owned atoms
  /// whose types differ from the table (then a full set-up is needed). Collective.
  /// `changed_ids`: the atoms whose type changed (IDs); on one process, with nanomix's pair styles
  /// and no fix adding forces, only their Born and LJ terms are recomputed (old out, new in),
  /// otherwise all pair forces.
  bool refresh_forces(const std::vector<int>& types_by_id, const std::vector<int>& exchanged_types,
                      std::int64_t begin_step, std::int64_t end_step, const std::vector<int>& changed_ids);
  /// Text for the transcript alone (commands that ran in another form, e.g. inside a run).
  void record(const std::string& text);

  /// Whether `run_with_stops` and the in-run type changes below apply: LAMMPS' C++ classes
  /// reachable, one process, no periodic axis (no ghost atoms), nanomix's pair styles (born,
  /// coul/cut, lj/cut) without kspace or bonds, no fix adding forces, and the exchanged types with
  /// the same neighbour cut-offs (LammpsSession::refresh_forces).
  bool can_change_types_in_run(const std::vector<int>& exchanged_types) const;
  /// Runs `text` (one `run` command) with `at_stop(step)` called inside it after every step
  /// first_stop + k·every ≤ last_stop, at the end of the step (after its final integration, where
  /// a run split there would end). Through nanomix's own fix (style nanomix/stops, defined for this
  /// run alone and not in the transcript; `recorded` goes to the transcript instead of `text`).
  /// An exception thrown by `at_stop` stops the run at its next step and is rethrown here.
  void run_with_stops(const std::string& text, const std::string& recorded, std::int64_t first_stop,
                      std::int64_t every, std::int64_t last_stop, const std::function<void(std::int64_t)>& at_stop);
  /// Inside a stop: what `set group G type T` and `velocity G set v_x v_y v_z` with v = v·factor
  /// do for the atoms `ids` (LAMMPS IDs), with the same arithmetic. Not in the transcript.
  void change_types_in_run(const std::vector<int>& ids, int type, double velocity_factor);
  /// Inside a stop: what `velocity GROUP zero linear` does (the group's centre-of-mass velocity
  /// subtracted from its atoms'). Not in the transcript.
  void zero_linear_momentum_in_run(const std::string& group);
  /// Inside a stop, after change_types_in_run: the forces of this step for the new types, as
  /// refresh_forces computes them between runs (the changed atoms' Born and LJ terms, old out and
  /// new in, then the fixes' set-up), but without the energies (none were tallied at this step).
  void refresh_forces_in_run(const std::vector<int>& exchanged_types, std::int64_t begin_step, std::int64_t end_step,
                             const std::vector<int>& changed_ids);

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
  void run_unrecorded(const std::string& text);

  void* handle_ = nullptr;
  std::string transcript_;
};

}  // namespace nanomix::sim
