// Drives a Progress through 1000 steps (for tests/core/progress_test.sh): plain lines when stderr
// is not a terminal, a redrawn bar when it is, nothing with --quiet.
#include <cstring>

#include "core/progress.hpp"

int main(int argc, char** argv) {
  const bool quiet = argc > 1 && std::strcmp(argv[1], "--quiet") == 0;
  nanomix::Progress progress("frames", 1000, quiet);
  for (int i = 0; i < 1000; ++i) progress.advance();
  progress.finish();
  return 0;
}
