#include "core/atomic_file.hpp"

#include <unistd.h>

#include <fstream>
#include <string>
#include <system_error>

#include "core/error.hpp"

namespace nanomix {

namespace fs = std::filesystem;

AtomicOutput::AtomicOutput(fs::path final_path) : final_(std::move(final_path)) {
  check_output_directory(final_);
  const fs::path dir = final_.has_parent_path() ? final_.parent_path() : fs::path(".");
  temp_ = dir / ("." + final_.filename().string() + ".tmp-" + std::to_string(::getpid()));
}

AtomicOutput::~AtomicOutput() {
  if (!committed_) {
    std::error_code ec;
    fs::remove(temp_, ec);
  }
}

void AtomicOutput::commit() {
  std::error_code ec;
  fs::rename(temp_, final_, ec);
  if (ec) throw RuntimeError("cannot rename " + temp_.string() + " to " + final_.string() + ": " + ec.message());
  committed_ = true;
}

void write_text_file_atomically(const fs::path& path, const std::string& text) {
  AtomicOutput out(path);
  {
    std::ofstream f(out.temp_path(), std::ios::binary);
    if (!f) throw RuntimeError("cannot write " + out.temp_path().string());
    f << text;
    if (!f.flush()) throw RuntimeError("cannot write " + out.temp_path().string());
  }
  out.commit();
}

void check_output_directory(const fs::path& path) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  if (!fs::is_directory(dir)) {
    throw InputError(path.string() + ": the directory " + dir.string() + " does not exist");
  }
}

}  // namespace nanomix
