#pragma once
// Progress of long work on stderr: a bar redrawn in place on a terminal, plain lines (every 10 %)
// otherwise, nothing at all when quiet. Only one thread (or MPI rank 0) reports.
#include <chrono>
#include <cstdint>
#include <string>

namespace nanomix {

class Progress {
 public:
  Progress(std::string label, std::int64_t total, bool quiet);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// Marks `done` of `total` units complete.
  void update(std::int64_t done);
  void advance(std::int64_t n = 1) { update(done_ + n); }
  /// Final line (also done by the destructor if not called).
  void finish();

 private:
  void draw(bool final);
  std::string label_;
  std::int64_t total_;
  std::int64_t done_ = 0;
  bool quiet_;
  bool terminal_;
  bool finished_ = false;
  int last_decile_ = -1;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

/// One informational line on stderr, unless quiet.
void log_info(bool quiet, const std::string& message);

}  // namespace nanomix
