#include "core/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include "core/error.hpp"

namespace nanomix {

namespace fs = std::filesystem;

namespace {

fs::path directory_of(const fs::path& path) { return path.has_parent_path() ? path.parent_path() : fs::path("."); }

/// "a directory", "a device", … for a file type that nanomix refuses to write over or read.
std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

/// lstat: false if nothing is there.
bool lstat_path(const fs::path& path, struct stat& st) { return ::lstat(path.c_str(), &st) == 0; }

}  // namespace

AtomicOutput::AtomicOutput(fs::path final_path) : final_(std::move(final_path)) {
  check_output_directory(final_);
  std::string pattern = (directory_of(final_) / ("." + final_.filename().string() + ".tmp-XXXXXX")).string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (!::mkdtemp(buffer.data())) {
    throw RuntimeError("cannot create a temporary directory beside " + final_.string() + ": " + std::strerror(errno));
  }
  temp_dir_ = fs::path(buffer.data());
  temp_ = temp_dir_ / final_.filename();
  const int fd = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) {
    const std::string why = std::strerror(errno);
    std::error_code ec;
    fs::remove_all(temp_dir_, ec);
    throw RuntimeError("cannot create " + temp_.string() + ": " + why);
  }
  ::close(fd);
}

AtomicOutput::~AtomicOutput() {
  std::error_code ec;
  fs::remove_all(temp_dir_, ec);
}

void AtomicOutput::commit() {
  // The target may have changed since the start: never rename over a directory, device or FIFO.
  check_output_directory(final_);
  struct stat st {};
  if (::lstat(temp_.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    throw RuntimeError(temp_.string() + " is no longer the regular file nanomix wrote");
  }
  std::error_code ec;
  fs::rename(temp_, final_, ec);
  if (ec) throw RuntimeError("cannot rename " + temp_.string() + " to " + final_.string() + ": " + ec.message());
  committed_ = true;
  fs::remove_all(temp_dir_, ec);
}

void write_text_file_atomically(const fs::path& path, const std::string& text) {
  AtomicOutput out(path);
  {
    std::ofstream f(out.temp_path(), std::ios::binary | std::ios::trunc);
    if (!f) throw RuntimeError("cannot write " + out.temp_path().string());
    f << text;
    if (!f.flush()) throw RuntimeError("cannot write " + out.temp_path().string());
  }
  out.commit();
}

void check_output_directory(const fs::path& path) {
  const fs::path dir = directory_of(path);
  if (!fs::is_directory(dir)) {
    throw InputError(path.string() + ": the directory " + dir.string() + " does not exist");
  }
  struct stat st {};
  if (lstat_path(path, st) && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
    throw InputError(path.string() + ": is " + kind_of(st.st_mode) + "; nanomix writes only regular files");
  }
}

std::string read_regular_file(const fs::path& path, std::uintmax_t max_bytes, const std::string& what) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; the type is checked on the open file.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) throw InputError(what + " " + path.string() + ": cannot open (" + std::strerror(errno) + ")");
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const std::string kind = kind_of(st.st_mode);
    ::close(fd);
    throw InputError(what + " " + path.string() + ": is " + kind + ", not a regular file");
  }
  if (static_cast<std::uintmax_t>(st.st_size) > max_bytes) {
    ::close(fd);
    throw InputError(what + " " + path.string() + ": " + std::to_string(st.st_size) + " bytes, more than the limit of " +
                     std::to_string(max_bytes));
  }
  std::string text(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  text.resize(got);
  return text;
}

int create_fresh_file(const fs::path& path) {
  struct stat st {};
  if (lstat_path(path, st)) {
    if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
      throw InputError(path.string() + ": is " + kind_of(st.st_mode) + "; nanomix writes only regular files");
    }
    if (::unlink(path.c_str()) != 0) throw RuntimeError("cannot replace " + path.string() + ": " + std::strerror(errno));
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) throw RuntimeError("cannot create " + path.string() + ": " + std::strerror(errno));
  return fd;
}

void check_regular_in_place(const fs::path& path, const std::string& what) {
  struct stat st {};
  if (!lstat_path(path, st)) return;
  if (S_ISLNK(st.st_mode)) throw InputError(what + " " + path.string() + ": is a symlink; nanomix does not write through symlinks");
  if (!S_ISREG(st.st_mode)) throw InputError(what + " " + path.string() + ": is " + kind_of(st.st_mode) + ", not a regular file");
}

namespace {
constexpr std::uint64_t fnv_offset = 14695981039346656037ull, fnv_prime = 1099511628211ull;
void fnv_add(std::uint64_t& h, const char* data, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(data[i]);
    h *= fnv_prime;
  }
}
std::string hex(std::uint64_t h) {
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}
}  // namespace

std::string content_hash(const std::string& bytes) {
  std::uint64_t h = fnv_offset;
  fnv_add(h, bytes.data(), bytes.size());
  return hex(h);
}

std::string file_hash(const fs::path& path, std::uintmax_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return "missing";
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return "missing";
  }
  if (static_cast<std::uintmax_t>(st.st_size) > max_bytes) {
    ::close(fd);
    return "size " + std::to_string(st.st_size) + " mtime " + std::to_string(st.st_mtim.tv_sec) + "." +
           std::to_string(st.st_mtim.tv_nsec);
  }
  std::uint64_t h = fnv_offset;
  std::vector<char> buffer(1 << 20);
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    fnv_add(h, buffer.data(), static_cast<std::size_t>(n));
  }
  ::close(fd);
  return hex(h);
}

}  // namespace nanomix
