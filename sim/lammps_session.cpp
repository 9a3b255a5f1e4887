#include "sim/lammps_session.hpp"

#define LAMMPS_LIB_MPI 1
#include <library.h>
#include <mpi.h>
#if NANOMIX_LAMMPS_CXX
// LAMMPS' headers name fmt::make_args_checked (fmt ≤ 8; LAMMPS bundles its own fmt and Debian
// does not ship it) in templates nanomix never instantiates. fmt 9 (Debian 12's libfmt-dev) dropped
// it: a declaration lets the headers parse; nothing calls it.
#include <fmt/format.h>
#if FMT_VERSION >= 90000
namespace fmt {
template <typename... Args, typename S>
auto make_args_checked(const S&, const Args&... args) {
  return fmt::make_format_args(args...);
}
}  // namespace fmt
#endif
#include <atom.h>
#include <comm.h>
#include <compute.h>
#include <domain.h>
#include <fix.h>
#include <force.h>
#include <group.h>
#include <lammps.h>
#include <modify.h>
#include <neighbor.h>
#include <pair.h>
#include <timer.h>
#include <update.h>
#endif

#include <algorithm>
#include <cstring>
#include <exception>

#include "core/error.hpp"

namespace nanomix::sim {

LammpsSession::LammpsSession(const std::vector<std::string>& args, bool this_rank_only) {
  std::vector<std::string> owned = {"nanomix"};
  owned.insert(owned.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : owned) argv.push_back(a.data());
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (initialised) {
    handle_ = lammps_open(static_cast<int>(argv.size()), argv.data(), this_rank_only ? MPI_COMM_SELF : MPI_COMM_WORLD, nullptr);
  } else {
    handle_ = lammps_open_no_mpi(static_cast<int>(argv.size()), argv.data(), nullptr);
  }
  if (!handle_) throw RuntimeError("LAMMPS could not be started");
}

LammpsSession::~LammpsSession() {
  if (handle_) lammps_close(handle_);
}

void LammpsSession::command(const std::string& text) {
  transcript_ += text;
  if (text.empty() || text.back() != '\n') transcript_ += '\n';
  lammps_commands_string(handle_, text.c_str());
  if (lammps_has_error(handle_)) throw RuntimeError("LAMMPS failed on: " + text.substr(0, text.find('\n')));
}

void LammpsSession::command_recorded_as(const std::string& text, const std::string& recorded) {
  transcript_ += recorded;
  if (recorded.empty() || recorded.back() != '\n') transcript_ += '\n';
  lammps_commands_string(handle_, text.c_str());
  if (lammps_has_error(handle_)) throw RuntimeError("LAMMPS failed on: " + text.substr(0, text.find('\n')));
}

void LammpsSession::record(const std::string& text) {
  transcript_ += text;
  if (!text.empty() && text.back() != '\n') transcript_ += '\n';
}

void LammpsSession::run_unrecorded(const std::string& text) {
  lammps_commands_string(handle_, text.c_str());
  if (lammps_has_error(handle_)) throw RuntimeError("LAMMPS failed on: " + text.substr(0, text.find('\n')));
}

#if !NANOMIX_LAMMPS_CXX
bool LammpsSession::can_change_types_in_run(const std::vector<int>&) const { return false; }
void LammpsSession::run_with_stops(const std::string&, const std::string&, std::int64_t, std::int64_t, std::int64_t,
                                   const std::function<void(std::int64_t)>&) {
  throw RuntimeError("internal: run_with_stops needs LAMMPS' C++ classes");
}
void LammpsSession::change_types_in_run(const std::vector<int>&, int, double) {
  throw RuntimeError("internal: change_types_in_run needs LAMMPS' C++ classes");
}
void LammpsSession::zero_linear_momentum_in_run(const std::string&) {
  throw RuntimeError("internal: zero_linear_momentum_in_run needs LAMMPS' C++ classes");
}
void LammpsSession::refresh_forces_in_run(const std::vector<int>&, std::int64_t, std::int64_t, const std::vector<int>&) {
  throw RuntimeError("internal: refresh_forces_in_run needs LAMMPS' C++ classes");
}
bool LammpsSession::refresh_forces(const std::vector<int>&, const std::vector<int>&, std::int64_t, std::int64_t,
                                   const std::vector<int>&) {
  return false;
}
#else
namespace {

/// The cheap form of the refresh, where it is exact: one process without ghost atoms, LAMMPS'
/// forces of this step still those of the old types (and, with `tally_energy`, its pair energies,
/// which must then have been tallied at this step; no fix that adds forces), the pair style nanomix's own hybrid of born + coul/cut + lj/cut,
/// two exchanged types with equal charges per atom (`set type` keeps q, so the Coulomb terms do not
/// change). Then only the Born and LJ terms of pairs with a changed atom differ: each is taken out
/// with the old types and put back with the new ones (the pair styles' own single()), O(changed × N)
/// instead of a full force computation. Returns false (nothing changed) where it does not apply.
/// The set-up the cheap refresh needs, apart from the atoms: one process, two exchanged types,
/// nanomix's pair styles (born, coul/cut and lj/cut with single(), no many-body carbon), no fix
/// that adds forces.
bool pair_terms_apply(LAMMPS_NS::LAMMPS* lmp, const std::vector<int>& exchanged) {
  LAMMPS_NS::Force* force = lmp->force;
  LAMMPS_NS::Modify* modify = lmp->modify;
  if (lmp->comm->nprocs != 1 || exchanged.size() != 2) return false;
  if (modify->n_pre_force || modify->n_pre_reverse || modify->n_post_force) return false;
  LAMMPS_NS::Pair* born = force->pair_match("born", 1);
  LAMMPS_NS::Pair* lj = force->pair_match("lj/cut", 1);
  if (!force->pair || !born || !lj || !force->pair_match("coul/cut", 1) || !born->single_enable || !lj->single_enable) return false;
  return !force->pair_match("tersoff", 0) && !force->pair_match("airebo", 0);
}

bool pair_terms_of_changed_atoms(LAMMPS_NS::LAMMPS* lmp, const std::vector<int>& exchanged,
                                 const std::vector<int>& changed_ids, bool tally_energy) {
  LAMMPS_NS::Atom* atom = lmp->atom;
  LAMMPS_NS::Force* force = lmp->force;
  if (atom->nghost != 0 || changed_ids.empty() || !pair_terms_apply(lmp, exchanged)) return false;
  LAMMPS_NS::Pair* born = force->pair_match("born", 1);
  LAMMPS_NS::Pair* lj = force->pair_match("lj/cut", 1);
  const int n = atom->nlocal;
  std::vector<char> changed(static_cast<std::size_t>(n), 0);
  std::vector<int> local;
  for (const int id : changed_ids) {
    const int i = atom->map(id);
    if (i < 0 || i >= n || (atom->type[i] != exchanged[0] && atom->type[i] != exchanged[1])) return false;
    if (!changed[static_cast<std::size_t>(i)]) local.push_back(i);
    changed[static_cast<std::size_t>(i)] = 1;
  }
  auto old_type = [&](int i) {
    const int t = atom->type[i];
    return !changed[static_cast<std::size_t>(i)] ? t : t == exchanged[0] ? exchanged[1] : exchanged[0];
  };
  double** x = atom->x;
  double** f = atom->f;
  double de = 0;
  // sign = -1: take a term out (old types), +1: put it back (new types). Same convention as the
  // pair styles' compute(): del = x_i - x_j, f_i += del * fforce, f_j -= del * fforce.
  auto term = [&](int i, int j, int ti, int tj, double rsq, const double del[3], double sign) {
    const int a = std::min(ti, tj), b = std::max(ti, tj);
    for (LAMMPS_NS::Pair* style : {born, lj}) {
      if (!style->setflag[a][b] || !(rsq < style->cutsq[a][b])) continue;
      double fforce = 0;
      de += sign * style->single(i, j, ti, tj, rsq, 1.0, 1.0, fforce);
      for (int k = 0; k < 3; ++k) {
        f[i][k] += sign * del[k] * fforce;
        f[j][k] -= sign * del[k] * fforce;
      }
    }
  };
  for (const int i : local) {
    for (int j = 0; j < n; ++j) {
      if (j == i || (changed[static_cast<std::size_t>(j)] && j < i)) continue;  // a pair of two changed atoms once
      const double del[3] = {x[i][0] - x[j][0], x[i][1] - x[j][1], x[i][2] - x[j][2]};
      const double rsq = del[0] * del[0] + del[1] * del[1] + del[2] * del[2];
      term(i, j, old_type(i), old_type(j), rsq, del, -1.0);
      term(i, j, atom->type[i], atom->type[j], rsq, del, +1.0);
    }
  }
  if (tally_energy) force->pair->eng_vdwl += de;
  return true;
}

/// While it lives, LAMMPS' update holds what a dynamics set-up at the current step would see,
/// inside a run [begin_step, end_step] (whichflag, first and last step = now, the ramp's start and
/// stop: a fix's setup() reads them, a Nosé–Hoover target is 0/0 without them; the virial marked as
/// not tallied); the values before come back after.
class SetupSteps {
 public:
  SetupSteps(LAMMPS_NS::Update* u, std::int64_t begin_step, std::int64_t end_step)
      : u_(u), which_(u->whichflag), first_(u->firststep), last_(u->laststep), begin_(u->beginstep), end_(u->endstep) {
    u->whichflag = 1;
    u->firststep = u->laststep = u->ntimestep;
    u->beginstep = begin_step;
    u->endstep = end_step;
    u->setupflag = 1;
    if (u->vflag_global == u->ntimestep) u->vflag_global = -1;
  }
  ~SetupSteps() {
    u_->setupflag = 0;
    u_->whichflag = which_;
    u_->firststep = first_;
    u_->laststep = last_;
    u_->beginstep = begin_;
    u_->endstep = end_;
  }
  SetupSteps(const SetupSteps&) = delete;
  SetupSteps& operator=(const SetupSteps&) = delete;

 private:
  LAMMPS_NS::Update* u_;
  int which_;
  LAMMPS_NS::bigint first_, last_, begin_, end_;
};

/// The neighbour lists were built with per-type-pair cut-offs: they still hold every pair the new
/// types need only if the exchanged types have the same cut-off against every type.
bool same_neighbour_cutoffs(LAMMPS_NS::LAMMPS* lmp, const std::vector<int>& exchanged) {
  const int ntypes = lmp->atom->ntypes;
  for (const int t : exchanged) {
    if (t < 1 || t > ntypes) return false;
    for (int u = 1; u <= ntypes; ++u) {
      if (lmp->neighbor->cutneighsq[t][u] != lmp->neighbor->cutneighsq[exchanged.front()][u]) return false;
    }
  }
  return true;
}

}  // namespace

bool LammpsSession::refresh_forces(const std::vector<int>& types_by_id, const std::vector<int>& exchanged_types,
                                   std::int64_t begin_step, std::int64_t end_step, const std::vector<int>& changed_ids) {
  auto* lmp = static_cast<LAMMPS_NS::LAMMPS*>(handle_);
  LAMMPS_NS::Atom* atom = lmp->atom;
  LAMMPS_NS::Force* force = lmp->force;
  LAMMPS_NS::Update* update = lmp->update;
  LAMMPS_NS::Neighbor* neighbor = lmp->neighbor;
  // Only the pair forces of one dynamics set-up are redone here: anything else that a set-up
  // computes (kspace, bonds) or a list that no longer fits calls for the full one.
  if (!update->first_update || !force->pair || !force->pair->compute_flag || force->kspace || atom->molecular ||
      !neighbor->cutneighsq || exchanged_types.empty() || static_cast<std::int64_t>(types_by_id.size()) != atom_count()) {
    return false;
  }
  const int n = atom->nlocal + atom->nghost;
  int ok = 1;
  for (int i = 0; i < n && ok; ++i) {
    const int t = types_by_id[static_cast<std::size_t>(atom->tag[i] - 1)];
    if (t < 1 || t > atom->ntypes) ok = 0;
    if (i < atom->nlocal && atom->type[i] != t) ok = 0;  // `set` was not sent: nanomix and LAMMPS disagree
  }
  // (nanomix's input gives Cl and I the same sub-styles with global cut-offs, so they have the
  // same neighbour cut-offs; the hybrid style's per-style skip lists then select the same pairs too.)
  if (!same_neighbour_cutoffs(lmp, exchanged_types)) ok = 0;
  int all_ok = 0;  // every rank takes the same branch (the force step below is collective)
  MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, lmp->world);
  if (!all_ok) return false;
  // Owned atoms only changed types where nanomix asked for it, but which ones are ghosts of
  // changed atoms is known only from their IDs: every rank holds the full table.
  for (int i = atom->nlocal; i < n; ++i) atom->type[i] = types_by_id[static_cast<std::size_t>(atom->tag[i] - 1)];

  // The force part of a dynamics set-up at the current step, energies on (the next run's first
  // thermo line reads them), the virial marked as not tallied (no nanomix thermo output uses it;
  // a compute that did would stop with LAMMPS' error instead of reading an old one).
  constexpr int energy_global = 1, no_virial = 0;
  const bool energies_current = update->eflag_global == update->ntimestep;  // this step's, of the old types
  {
    const SetupSteps steps(update, begin_step, end_step);
    update->eflag_global = update->ntimestep;
    // The cheap form updates the pair energies by the change: only where they were tallied.
    if (!energies_current || !pair_terms_of_changed_atoms(lmp, exchanged_types, changed_ids, true)) {
      const int cleared = atom->nlocal + (force->newton ? atom->nghost : 0);
      if (cleared > 0) std::memset(&atom->f[0][0], 0, sizeof(double) * 3 * static_cast<std::size_t>(cleared));
      lmp->modify->setup_pre_force(no_virial);
      force->pair->compute(energy_global, no_virial);
      lmp->modify->setup_pre_reverse(energy_global, no_virial);
      if (force->newton) lmp->comm->reverse_comm();
    }
    lmp->modify->setup(no_virial);
  }
  // Between runs LAMMPS answers the thermo keyword pe from its compute's value at this step, which
  // the last run's final thermo line left for the old species: recompute it.
  const int pe = lmp->modify->find_compute("thermo_pe");
  if (pe >= 0) lmp->modify->compute[pe]->compute_scalar();
  return true;
}
namespace {

/// nanomix/stops: calls nanomix back at the end of chosen steps of a run (LammpsSession::run_with_stops).
class StopsFix final : public LAMMPS_NS::Fix {
 public:
  StopsFix(LAMMPS_NS::LAMMPS* lmp, int narg, char** arg) : Fix(lmp, narg, arg) { nevery = 1; }
  int setmask() override { return LAMMPS_NS::FixConst::END_OF_STEP; }
  void end_of_step() override {
    const auto step = static_cast<std::int64_t>(update->ntimestep);
    if (!hook || failure || step < first || step > last || (step - first) % every != 0) return;
    try {
      (*hook)(step);
    } catch (...) {
      failure = std::current_exception();
      timer->force_timeout();  // the run ends after this step
    }
  }
  const std::function<void(std::int64_t)>* hook = nullptr;
  std::int64_t first = 0, every = 1, last = -1;
  std::exception_ptr failure;
};

LAMMPS_NS::Fix* create_stops_fix(LAMMPS_NS::LAMMPS* lmp, int narg, char** arg) { return new StopsFix(lmp, narg, arg); }

}  // namespace

bool LammpsSession::can_change_types_in_run(const std::vector<int>& exchanged) const {
  auto* lmp = static_cast<LAMMPS_NS::LAMMPS*>(handle_);
  if (lmp->atom->molecular || lmp->force->kspace) return false;
  if (lmp->domain->xperiodic || lmp->domain->yperiodic || lmp->domain->zperiodic) return false;  // ghost atoms
  return pair_terms_apply(lmp, exchanged);
}

void LammpsSession::run_with_stops(const std::string& text, const std::string& recorded, std::int64_t first_stop,
                                   std::int64_t every, std::int64_t last_stop,
                                   const std::function<void(std::int64_t)>& at_stop) {
  auto* lmp = static_cast<LAMMPS_NS::LAMMPS*>(handle_);
  (*lmp->modify->fix_map)["nanomix/stops"] = &create_stops_fix;
  run_unrecorded("fix nmx_stops all nanomix/stops");
  auto* fix = static_cast<StopsFix*>(lmp->modify->fix[lmp->modify->find_fix("nmx_stops")]);
  fix->hook = &at_stop;
  fix->first = first_stop;
  fix->every = std::max<std::int64_t>(every, 1);
  fix->last = last_stop;
  command_recorded_as(text, recorded);
  const std::exception_ptr failure = fix->failure;
  run_unrecorded("unfix nmx_stops");
  if (failure) std::rethrow_exception(failure);
}

void LammpsSession::change_types_in_run(const std::vector<int>& ids, int type, double velocity_factor) {
  auto* lmp = static_cast<LAMMPS_NS::LAMMPS*>(handle_);
  LAMMPS_NS::Atom* atom = lmp->atom;
  for (const int id : ids) {
    const int i = atom->map(id);
    if (i < 0 || i >= atom->nlocal) throw RuntimeError("internal: atom " + std::to_string(id) + " is not on this process");
    atom->type[i] = type;
    for (int k = 0; k < 3; ++k) atom->v[i][k] = atom->v[i][k] * velocity_factor;  // as the variable vx*f
  }
}

void LammpsSession::zero_linear_momentum_in_run(const std::string& group) {
  auto* lmp = static_cast<LAMMPS_NS::LAMMPS*>(handle_);
  LAMMPS_NS::Group* groups = lmp->group;
  const int g = groups->find(group);
  if (g < 0) throw RuntimeError("internal: no LAMMPS group " + group);
  // As `velocity G zero linear`: the group's centre-of-mass velocity subtracted from its atoms'.
  const double mass = groups->mass(g);
  double vcm[3];
  groups->vcm(g, mass, vcm);
  LAMMPS_NS::Atom* atom = lmp->atom;
  const int bit = groups->bitmask[g];
  for (int i = 0; i < atom->nlocal; ++i) {
    if (!(atom->mask[i] & bit)) continue;
    for (int k = 0; k < 3; ++k) atom->v[i][k] -= vcm[k];
  }
}

void LammpsSession::refresh_forces_in_run(const std::vector<int>& exchanged, std::int64_t begin_step,
                                          std::int64_t end_step, const std::vector<int>& changed_ids) {
  if (changed_ids.empty()) return;
  auto* lmp = static_cast<LAMMPS_NS::LAMMPS*>(handle_);
  if (!same_neighbour_cutoffs(lmp, exchanged)) throw RuntimeError("internal: exchanged types with different neighbour cut-offs");
  // The same force step as refresh_forces between runs, its fixes' set-up seeing the same steps,
  // without energies.
  constexpr int no_virial = 0;
  const SetupSteps steps(lmp->update, begin_step, end_step);
  if (!pair_terms_of_changed_atoms(lmp, exchanged, changed_ids, false))
    throw RuntimeError("internal: the in-run force refresh does not apply");
  lmp->modify->setup(no_virial);
}
#endif

void LammpsSession::comment(const std::string& text) {
  // A newline or a trailing & would end or continue the comment into a command when the
  // transcript is rerun: both become '?'.
  std::string line = text;
  for (char& ch : line) {
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f || ch == '&') ch = '?';
  }
  transcript_ += "# " + line + "\n";
}

std::int64_t LammpsSession::atom_count() const { return static_cast<std::int64_t>(lammps_get_natoms(handle_)); }

double LammpsSession::thermo(const std::string& keyword) const { return lammps_get_thermo(handle_, keyword.c_str()); }

double LammpsSession::variable(const std::string& name) const {
  auto* v = static_cast<double*>(lammps_extract_variable(handle_, name.c_str(), nullptr));
  if (!v) throw RuntimeError("LAMMPS variable '" + name + "' is not an equal-style variable");
  const double value = *v;
  lammps_free(v);
  return value;
}

double LammpsSession::compute_scalar(const std::string& id) const {
  auto* v = static_cast<double*>(lammps_extract_compute(handle_, id.c_str(), 0, 0));
  if (!v) throw RuntimeError("LAMMPS compute '" + id + "' has no global scalar");
  return *v;
}

std::vector<double> LammpsSession::gather3(const std::string& name) const {
  std::vector<double> out(static_cast<std::size_t>(atom_count()) * 3);
  std::string n = name;
  lammps_gather_atoms(handle_, n.data(), 1, 3, out.data());
  return out;
}

std::vector<int> LammpsSession::gather_types() const {
  std::vector<int> out(static_cast<std::size_t>(atom_count()));
  std::string n = "type";
  lammps_gather_atoms(handle_, n.data(), 0, 1, out.data());
  return out;
}

void LammpsSession::scatter3(const std::string& name, std::vector<double> values) {
  std::string n = name;
  lammps_scatter_atoms(handle_, n.data(), 1, 3, values.data());
}

int LammpsSession::version() const { return lammps_version(handle_); }

}  // namespace nanomix::sim
