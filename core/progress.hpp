#pragma once
// Progress of long work on stderr: a bar redrawn in place on a terminal, plain lines (every 10 %)
// otherwise, nothing at all when quiet. Only one thread (or MPI rank 0) reports.
#include <chrono>
#include <cstdint>
#include <algorithm>
#include <string>

namespace nanomix {

class Progress {
 public:
  Progress(std::string label, std::int64_t total, bool quiet);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// Marks `done` of `total` units complete; `note` (e.g. "T 570 K, order 0.31") is shown after
  /// the counts until the next note.
  void update(std::int64_t done);
  void update(std::int64_t done, const std::string& note);
  /// Changes the total (work whose size is known only once it starts).
  void set_total(std::int64_t total) { total_ = std::max<std::int64_t>(total, 1); }
  void advance(std::int64_t n = 1) { update(done_ + n); }
  /// Final line (also done by the destructor if not called).
  void finish();

 private:
  void draw(bool final);
  std::string label_;
  std::string note_;
  std::int64_t total_;
  std::int64_t done_ = 0;
  bool quiet_;
  bool terminal_;
  bool finished_ = false;
  int last_decile_ = -1;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

/// A duration for people: "0.4 s", "12 s", "3 min 05 s", "1 h 02 min".
std::string format_duration(double seconds);

/// One informational line on stderr, unless quiet.
void log_info(bool quiet, const std::string& message);

}  // namespace nanomix
