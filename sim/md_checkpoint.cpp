#include "sim/md_checkpoint.hpp"

#include <filesystem>
#include <sstream>

#include "core/atomic_file.hpp"
#include "core/config_diff.hpp"
#include "core/error.hpp"
#include "core/h5md.hpp"
#include "core/progress.hpp"

namespace nanomix::sim {

namespace fs = std::filesystem;

namespace {
constexpr const char* checkpoint_magic = "nanomix_md_checkpoint 3";  // 3: the identity holds the LAMMPS ranks
}  // namespace

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

std::vector<std::pair<std::string, std::string>> MdPaths::companions() const {
  // The log names as md_system.cpp's log_path makes them, the resumed script's as md_recorder's.
  const fs::path s(script);
  return {{"its LAMMPS input", script},
          {"its LAMMPS data file", data},
          {"its checkpoint", checkpoint_state},
          {"its checkpoint data", checkpoint_data},
          {"its LAMMPS log", fs::path(s).replace_extension(".log").string()},
          {"its resumed LAMMPS input", fs::path(s).replace_extension(".resume.lammps").string()},
          {"its resumed LAMMPS log", fs::path(s).replace_extension(".resume.log").string()}};
}

std::string md_identity(const MdRecord& record, const MdParams& p, int lammps_ranks) {
  // A section of its own, so that describe_ini_change names a change ("[lammps] ranks = 1 → 2").
  std::string id = record.sections_ini + "[lammps]\nranks = " + std::to_string(lammps_ranks) + "\n";
  id += "# input ion_potential_file " + file_hash(p.ion_potential_file) + "\n";
  id += "# input carbon_ion_potential_file " + file_hash(p.carbon_ion_potential_file) + "\n";
  if (p.tube == TubeModel::flexible_tersoff) id += "# input tersoff_file " + file_hash(p.tersoff_file) + "\n";
  if (p.tube == TubeModel::flexible_airebo) id += "# input airebo_file " + file_hash(p.airebo_file) + "\n";
  return id;
}

void write_checkpoint_state(const MdPaths& paths, const Checkpoint& c) {
  const DriveCounters& n = c.counters;
  write_text_file_atomically(paths.checkpoint_state,
                             std::string(checkpoint_magic) + "\nframes_done " + std::to_string(c.frames_done) +
                                 "\nstep " + std::to_string(c.step) + "\ncounters " +
                                 std::to_string(n.swaps_attempted) + " " + std::to_string(n.swaps_accepted) + " " +
                                 std::to_string(n.kicks) + "\ndata_hash " + c.data_hash + "\nidentity\n" + c.identity);
}

std::pair<Checkpoint, std::string> read_checkpoint_state(const MdPaths& paths) {
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
      !(in >> key >> c.counters.swaps_attempted >> c.counters.swaps_accepted >> c.counters.kicks) ||
      key != "counters" || !(in >> key >> c.data_hash) || key != "data_hash" || c.frames_done < 1 || c.step < 0) {
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

void remove_checkpoint(const MdPaths& paths) {
  std::error_code ec;
  fs::remove(paths.checkpoint_state, ec);
  fs::remove(paths.checkpoint_data, ec);
}

StartPoint resolve_start(const MdPaths& paths, const MdParams& p, const std::string& identity, bool resume,
                         bool quiet) {
  StartPoint start;
  if (!resume) return start;
  const std::string& trajectory = paths.trajectory;
  check_regular_in_place(trajectory, "--resume");
  const auto [checkpoint, why_not] = read_checkpoint_state(paths);
  if (!why_not.empty()) {
    log_info(quiet, "--resume: " + why_not + " beside " + trajectory + ": md starts over");
    return start;
  }
  if (checkpoint.identity != identity) {
    std::string change = describe_ini_change(checkpoint.identity, identity);
    throw InputError("--resume: " + trajectory + " was made from another config or input file (" +
                     (change.empty() ? std::string("changed") : change) + "); run without --resume to start over");
  }
  if (checkpoint.frames_done >= p.frames) {
    // Nothing left to run: resuming a finished trajectory leaves it as it is (if it holds them).
    std::size_t held = 0;
    try {
      held = H5mdReader(trajectory).frame_count();
    } catch (const std::exception&) {
    }
    if (held != static_cast<std::size_t>(p.frames)) {
      log_info(quiet, "--resume: " + trajectory + " holds " + std::to_string(held) + " of " + std::to_string(p.frames) +
                          " frames although its checkpoint says done: md starts over");
      return start;
    }
    log_info(quiet, "--resume: " + trajectory + " already holds all " + std::to_string(p.frames) + " frames");
    start.finished = true;
  }
  start.resume = true;
  start.first_frame = checkpoint.frames_done;
  start.step = checkpoint.step;
  start.counters = checkpoint.counters;
  return start;
}

}  // namespace nanomix::sim
