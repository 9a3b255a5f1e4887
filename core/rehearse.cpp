#include "core/rehearse.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>

namespace nanomix {

namespace {

unsigned default_timeout_s(const std::string& path) {
  if (const char* env = std::getenv("NANOMIX_REHEARSAL_TIMEOUT_S")) {
    const long s = std::strtol(env, nullptr, 10);
    if (s > 0) return static_cast<unsigned>(std::min(s, 3600L));
  }
  struct stat st {};
  const std::uint64_t size = stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
  return static_cast<unsigned>(std::min<std::uint64_t>(3600, 60 + size / (20u << 20)));
}

void write_all(int fd, const std::string& text) {
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = write(fd, p, left);
    if (n <= 0) break;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

/// Caps the child's address space at what it has now + 2 GiB + 8 × the file's size (never above
/// an inherited limit): libhdf5 sizes some allocations from the file (a damaged variable-length
/// string made it allocate and clear 3 GB), and a read that needs more than that from a small file
/// is refused (the allocation fails inside the child) instead of being repeated in the caller.
void cap_memory(const std::string& path) {
  std::FILE* statm = std::fopen("/proc/self/statm", "r");
  unsigned long long pages = 0;
  if (!statm) return;
  const bool got = std::fscanf(statm, "%llu", &pages) == 1;
  std::fclose(statm);
  if (!got) return;
  struct stat st {};
  const std::uint64_t size = stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
  const long double want = static_cast<long double>(pages) * static_cast<long double>(sysconf(_SC_PAGESIZE)) +
                           2.0L * 1024 * 1024 * 1024 + 8.0L * static_cast<long double>(size);
  rlimit now{};
  if (getrlimit(RLIMIT_AS, &now) != 0) return;
  rlim_t limit = want >= static_cast<long double>(RLIM_INFINITY) ? RLIM_INFINITY : static_cast<rlim_t>(want);
  if (now.rlim_cur != RLIM_INFINITY) limit = std::min(limit, now.rlim_cur);
  const rlimit capped{limit, now.rlim_max};
  setrlimit(RLIMIT_AS, &capped);
}

/// The child: quiet, default signal handlers (no crash handlers of MPI or a sanitizer that print
/// or linger), an alarm; exit 0 done, 3 InputError, 4 another exception (message on the pipe).
[[noreturn]] void child(int fd, const std::string& path, const std::function<void()>& read, unsigned seconds) {
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGALRM}) std::signal(sig, SIG_DFL);
  const int devnull = open("/dev/null", O_WRONLY);
  if (devnull >= 0) {
    dup2(devnull, 1);  // what the parent had buffered for stdout is never flushed here (_exit)
    dup2(devnull, 2);
  }
  cap_memory(path);
  alarm(seconds);
  int code = 0;
  try {
    read();
  } catch (const InputError& e) {
    write_all(fd, e.what());
    code = 3;
  } catch (const std::exception& e) {
    write_all(fd, path + ": damaged or unreadable file (" + e.what() + ")");
    code = 4;
  }
  _exit(code);
}

}  // namespace

void rehearse_read(const std::string& path, const std::function<void()>& read, unsigned timeout_s) {
#ifdef NANOMIX_FUZZ_BUILD
  // Fuzz builds only (tests/fuzz/build_fuzzers.sh defines NANOMIX_FUZZ_BUILD; CMake never does, so
  // the shipped binary has no way to skip the rehearsal): NANOMIX_FUZZ_NO_REHEARSAL=1 skips it, so
  // that the fuzzer sees the caller's own read — its slow paths and large allocations — instead of
  // a child's "did not finish" or capped allocation (validation/fuzz/run_fuzz.sh --no-rehearsal).
  if (const char* off = std::getenv("NANOMIX_FUZZ_NO_REHEARSAL"); off != nullptr && std::string(off) == "1") {
    static const bool said = std::fputs("nanomix fuzz build: rehearsal skipped (NANOMIX_FUZZ_NO_REHEARSAL=1)\n", stderr) >= 0;
    (void)said;
    return;
  }
#endif
  int fds[2];
  if (pipe(fds) != 0) return;  // cannot isolate: the caller reads directly
  const unsigned seconds = timeout_s > 0 ? timeout_s : default_timeout_s(path);
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return;
  }
  if (pid == 0) {
    close(fds[0]);
    child(fds[1], path, read, seconds);
  }
  close(fds[1]);
  std::string message;
  char buffer[512];
  for (;;) {
    const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n > 0) {
      if (message.size() < 4096) message.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (message.find('\n') != std::string::npos) message.resize(message.find('\n'));
  if (WIFSIGNALED(status)) {
    if (WTERMSIG(status) == SIGALRM)
      throw InputError(path + ": reading it did not finish in " + std::to_string(seconds) + " s (damaged HDF5 structure?)");
    throw InputError(path + ": the HDF5 library failed on this file (signal " + std::to_string(WTERMSIG(status)) +
                     "): damaged, or not the kind of file expected");
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    if (!message.empty()) throw InputError(message.compare(0, path.size(), path) == 0 ? message : path + ": " + message);
    throw InputError(path + ": the reader failed (exit " + std::to_string(WEXITSTATUS(status)) + ")");
  }
}

}  // namespace nanomix
