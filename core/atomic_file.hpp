#pragma once
// Files in and out, safely.
// Outputs appear complete or not at all: each is written inside a private temporary directory
// beside the target (mode 0700, unpredictable name from mkdtemp; the file itself created with
// O_EXCL|O_NOFOLLOW) and renamed onto the target on success. rename() replaces a symlink at the
// target, never what it points to. Targets that are not regular files (directories, devices,
// FIFOs, sockets) are refused as bad input. If the writer is destroyed without commit() (an
// exception, an error), the temporary directory is removed and nothing is left behind.
// Inputs read whole are read through read_regular_file: regular files only, size checked first.
#include <cstdint>
#include <filesystem>
#include <string>

#include "core/error.hpp"

namespace nanomix {

class AtomicOutput {
 public:
  explicit AtomicOutput(std::filesystem::path final_path);
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  /// Where to write now: "<dir>/.<name>.tmp-XXXXXX/<name>" (XXXXXX random; the file exists, empty).
  const std::filesystem::path& temp_path() const { return temp_; }
  const std::filesystem::path& final_path() const { return final_; }
  /// Renames the temporary file to the final name (atomic on one file system).
  void commit();
  /// Runs `write(temp_path().string())`; a RuntimeError (a write that failed: a full disk, a file
  /// size limit) is rethrown naming the final path, so the message says which output was lost.
  template <class Write>
  void write(Write&& write_to) {
    try {
      write_to(temp_.string());
    } catch (const RuntimeError& e) {
      throw RuntimeError("cannot write " + final_.string() + ": " + e.what());
    }
  }

 private:
  std::filesystem::path final_;
  std::filesystem::path temp_dir_;
  std::filesystem::path temp_;
  bool committed_ = false;
};

/// Writes `text` to `path` atomically.
void write_text_file_atomically(const std::filesystem::path& path, const std::string& text);

/// Throws InputError if the directory that would hold `path` does not exist, or if `path` exists
/// and is not a regular file or a symlink (a directory, a device, a FIFO, a socket): nanomix writes
/// regular files only, and replaces a symlink rather than writing through it.
void check_output_directory(const std::filesystem::path& path);

/// The whole of a regular file, refused (InputError naming `what` and the path) if it is missing,
/// not a regular file (a device such as /dev/zero, a FIFO, a directory) or larger than `max_bytes`.
std::string read_regular_file(const std::filesystem::path& path, std::uintmax_t max_bytes, const std::string& what);

/// Opens `path` for writing in place as a new empty regular file: an existing regular file or
/// symlink there is removed first (a symlink is never followed), then the file is created with
/// O_CREAT|O_EXCL|O_NOFOLLOW. Returns the open descriptor (the caller closes it). InputError if
/// something else (a directory, device, FIFO) is there.
int create_fresh_file(const std::filesystem::path& path);

/// Throws InputError if `path` is a symlink or exists and is not a regular file (for files that
/// are reopened and extended in place, such as a trajectory being resumed).
void check_regular_in_place(const std::filesystem::path& path, const std::string& what);

/// A 64-bit FNV-1a hash of `bytes` as 16 hex digits (to notice a changed input, not a
/// cryptographic digest).
std::string content_hash(const std::string& bytes);
/// content_hash of a regular file's bytes, read in pieces; "missing" if it cannot be opened as a
/// regular file. A file larger than `max_bytes` is not read: "size N mtime S.NS" stands for it (a
/// sparse file of terabytes named by a path key that a stage never reads took hours to hash).
std::string file_hash(const std::filesystem::path& path, std::uintmax_t max_bytes = UINTMAX_MAX);

/// Size limit of a text input such as a potential table or an MTF file (64 MiB).
inline constexpr std::uintmax_t max_table_file_bytes = 64ull << 20;
/// Size limit of a structure file (extended XYZ) read whole (1 GiB).
inline constexpr std::uintmax_t max_structure_file_bytes = 1ull << 30;

}  // namespace nanomix
