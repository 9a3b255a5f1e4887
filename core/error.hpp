#pragma once
// The two error types of nanomix. Libraries only throw; `main` catches and sets the exit code.
#include <stdexcept>
#include <string>

namespace nanomix {

/// Bad input from the user: a config key, a command-line option, an input file. The message is
/// one line a user can act on (it names the file, line or key and the allowed values).
/// The CLI exits with code 2 and leaves no output behind.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A failure while running (I/O error, a library that failed). The CLI exits with code 1.
class RuntimeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Exit codes of the `nanomix` executable.
inline constexpr int exit_ok = 0;
inline constexpr int exit_runtime_error = 1;
inline constexpr int exit_input_error = 2;

}  // namespace nanomix
