#pragma once
// Reading a damaged file without dying: libhdf5 1.10 is not hardened against damaged or hostile
// files (fuzzing finds out-of-bounds reads, crashes and endless loops inside it: global heaps,
// object headers, B-trees). Every reader of a user-supplied HDF5 file (movies, trajectories,
// columns, diagrams and comparison files, `nanomix info`) therefore first does its whole read in a
// forked child process, which keeps nothing; only when the child finishes cleanly does the caller
// read for real. A crash, a hang or any exception in the child becomes one InputError line naming
// the file, so the caller's process never sees libhdf5 fail.
//
// The rehearsal is sound because the real read runs the same code on the same bytes (a file
// changed between the two reads by someone else is not covered). Its cost is a fork and a second
// read of the file, mostly from the page cache (measured in tests/fuzz/README.md).
#include <exception>
#include <functional>
#include <string>

#include "core/error.hpp"

namespace nanomix {

/// Runs `read` in a child process (stdout and stderr discarded, default signal handlers, address
/// space capped at its size now + 2 GiB + 8 × the file's size) and
/// returns if it ends without an exception. Otherwise throws InputError: the child's InputError
/// message (with "PATH: " in front unless it names the file); "PATH: …" for another exception, a signal (a crash inside a library) or a run
/// past `timeout_s` (0: 60 s + 1 s per 20 MiB of the file, at most an hour; the environment
/// variable NANOMIX_REHEARSAL_TIMEOUT_S overrides the default, as the fuzz harnesses do).
/// When no child can be made (fork or pipe fails), `read` is not rehearsed and this returns.
/// A child that exits with another code (a sanitizer's report: exit 1) gives "PATH: the reader
/// failed (exit N)"; the fuzz harnesses treat that one as a finding. In fuzz builds only
/// (NANOMIX_FUZZ_BUILD, set by tests/fuzz/build_fuzzers.sh), NANOMIX_FUZZ_NO_REHEARSAL=1 makes this
/// return at once, so that the fuzzer exercises the caller's read itself.
void rehearse_read(const std::string& path, const std::function<void()>& read, unsigned timeout_s = 0);

/// Calls `read`; any other exception becomes InputError "PATH: damaged KIND file (WHAT)", and an
/// InputError that does not name the file gets "PATH: " in front, so that a reader's only failure
/// is one line naming the file.
template <class Read>
auto as_input_error(const std::string& path, const std::string& kind, Read read) -> decltype(read()) {
  try {
    return read();
  } catch (const InputError& e) {
    if (std::string(e.what()).compare(0, path.size(), path) == 0) throw;
    throw InputError(path + ": " + e.what());
  } catch (const std::exception& e) {
    throw InputError(path + ": damaged " + kind + " file (" + e.what() + ")");
  }
}

/// The usual use of both: `read` (a reader of a KIND file at `path`) rehearsed in a child, then run
/// here; its only failure is an InputError naming the file.
template <class Read>
auto read_rehearsed(const std::string& path, const std::string& kind, Read read) -> decltype(read()) {
  const auto guarded = [&] { return as_input_error(path, kind, read); };
  rehearse_read(path, [&] { (void)guarded(); });
  return guarded();
}

}  // namespace nanomix
