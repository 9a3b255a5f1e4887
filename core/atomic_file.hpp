#pragma once
// Outputs appear complete or not at all: write to a temporary name beside the target, rename on
// success. If the writer is destroyed without commit() (an exception, an error), the temporary
// file is removed and nothing is left behind.
#include <filesystem>

namespace nanomix {

class AtomicOutput {
 public:
  explicit AtomicOutput(std::filesystem::path final_path);
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  /// Where to write now: "<dir>/.<name>.tmp-<pid>".
  const std::filesystem::path& temp_path() const { return temp_; }
  const std::filesystem::path& final_path() const { return final_; }
  /// Renames the temporary file to the final name (atomic on one file system).
  void commit();

 private:
  std::filesystem::path final_;
  std::filesystem::path temp_;
  bool committed_ = false;
};

/// Writes `text` to `path` atomically.
void write_text_file_atomically(const std::filesystem::path& path, const std::string& text);

/// Throws InputError if the directory that would hold `path` does not exist.
void check_output_directory(const std::filesystem::path& path);

}  // namespace nanomix
