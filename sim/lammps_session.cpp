#include "sim/lammps_session.hpp"

#define LAMMPS_LIB_MPI 1
#include <library.h>
#include <mpi.h>

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
