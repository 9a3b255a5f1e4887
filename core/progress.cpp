#include "core/progress.hpp"

#include <unistd.h>

#include <algorithm>
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

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  if (quiet_) return;
  draw(true);
}

void Progress::draw(bool final) {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double fraction = static_cast<double>(done_) / static_cast<double>(total_);
  char tail[96];
  if (final) {
    std::snprintf(tail, sizeof tail, "%lld/%lld in %.1f s", static_cast<long long>(done_),
                  static_cast<long long>(total_), seconds);
  } else {
    const double eta = fraction > 0 ? seconds * (1 - fraction) / fraction : 0;
    std::snprintf(tail, sizeof tail, "%lld/%lld, %.0f s left", static_cast<long long>(done_),
                  static_cast<long long>(total_), eta);
  }
  if (terminal_) {
    constexpr int width = 30;
    const int filled = static_cast<int>(fraction * width);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(width, ' ');
    std::fprintf(stderr, "\r%s [%s] %3.0f%% %s\033[K%s", label_.c_str(), bar.c_str(), 100 * fraction, tail,
                 final ? "\n" : "");
  } else {
    std::fprintf(stderr, "%s: %3.0f%% %s\n", label_.c_str(), 100 * fraction, tail);
  }
  std::fflush(stderr);
}

void log_info(bool quiet, const std::string& message) {
  if (!quiet) std::cerr << message << '\n';
}

}  // namespace nanomix
