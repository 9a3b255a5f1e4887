#include "core/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

namespace nanomix {

Progress::Progress(std::string label, std::int64_t total, bool quiet)
    : label_(std::move(label)),
      total_(std::max<std::int64_t>(total, 1)),
      quiet_(quiet),
      terminal_(::isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() { finish(); }

void Progress::update(std::int64_t done) {
  done_ = std::clamp<std::int64_t>(done, 0, total_);
  if (quiet_ || finished_) return;
  const auto now = std::chrono::steady_clock::now();
  if (terminal_) {
    if (now - last_draw_ > std::chrono::milliseconds(100) || done_ == total_) {
      last_draw_ = now;
      draw(false);
    }
  } else {
    const int decile = static_cast<int>(10 * done_ / total_);
    if (decile > last_decile_) {
      last_decile_ = decile;
      draw(false);
    }
  }
}

void Progress::update(std::int64_t done, const std::string& note) {
  note_ = note;
  update(done);
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  if (quiet_) return;
  draw(true);
}

void Progress::draw(bool final) {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double fraction = static_cast<double>(done_) / static_cast<double>(total_);
  char counts[64];
  std::snprintf(counts, sizeof counts, "%lld/%lld", static_cast<long long>(done_), static_cast<long long>(total_));
  std::string tail = counts;
  if (final) {
    tail += " in " + format_duration(seconds);
  } else if (fraction >= 0.1 && seconds >= 1) {
    // The remaining time once there is enough to extrapolate from (not "0 s left" at 5 %).
    tail += ", about " + format_duration(seconds * (1 - fraction) / fraction) + " left";
  } else if (done_ < total_) {
    tail += ", estimating the time left";
  }
  if (!note_.empty()) tail += " | " + note_;
  if (terminal_) {
    constexpr int width = 30;
    const int filled = static_cast<int>(fraction * width);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(width, ' ');
    std::fprintf(stderr, "\r%s [%s] %3.0f%% %s\033[K%s", label_.c_str(), bar.c_str(), 100 * fraction, tail.c_str(),
                 final ? "\n" : "");
  } else {
    std::fprintf(stderr, "%s: %3.0f%% %s\n", label_.c_str(), 100 * fraction, tail.c_str());
  }
  std::fflush(stderr);
}

std::string format_duration(double seconds) {
  char buf[48];
  if (!(seconds >= 0)) seconds = 0;
  if (seconds < 9.95) std::snprintf(buf, sizeof buf, "%.1f s", seconds);
  else if (seconds < 59.5) std::snprintf(buf, sizeof buf, "%.0f s", seconds);
  else if (seconds < 3599.5) {
    const long s = std::lround(seconds);
    std::snprintf(buf, sizeof buf, "%ld min %02ld s", s / 60, s % 60);
  } else {
    const long m = std::lround(seconds / 60);
    std::snprintf(buf, sizeof buf, "%ld h %02ld min", m / 60, m % 60);
  }
  return buf;
}

void log_info(bool quiet, const std::string& message) {
  if (!quiet) std::cerr << message << '\n';
}

}  // namespace nanomix
