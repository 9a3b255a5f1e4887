#pragma once
// One INI file describes a whole experiment. Every key has a schema entry (type, unit, default,
// allowed range, one line of help); unknown sections or keys, unparsable values, NaN and values
// out of range are InputErrors naming the file, line and key. Every key `[section] key = v` is also
// the command-line option `--section.key=v`, and the command line wins. The keys are declared next
// to the parameter structs they fill (core/params.hpp); this file knows no section.
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nanomix {

enum class KeyType { integer, real, boolean, string, choice, path };

struct KeySpec {
  std::string section;
  std::string key;
  KeyType type = KeyType::string;
  std::string default_value;  ///< as it would be written in the INI file
  std::string unit;           ///< "Å", "K", "ps", … ("" for dimensionless)
  double min = -std::numeric_limits<double>::infinity();  ///< inclusive, integer and real keys
  double max = std::numeric_limits<double>::infinity();   ///< inclusive
  std::vector<std::string> choices;                       ///< for choice keys
  std::string help;                                       ///< one line

  std::string name() const { return section + "." + key; }
};

// Builders that keep the schema tables short.
KeySpec int_key(std::string section, std::string key, long long default_value, double min, double max,
                std::string unit, std::string help);
KeySpec real_key(std::string section, std::string key, double default_value, double min, double max,
                 std::string unit, std::string help);
KeySpec bool_key(std::string section, std::string key, bool default_value, std::string help);
KeySpec string_key(std::string section, std::string key, std::string default_value, std::string help);
KeySpec path_key(std::string section, std::string key, std::string default_value, std::string help);
KeySpec choice_key(std::string section, std::string key, std::string default_value,
                   std::vector<std::string> choices, std::string help);

/// A number as the schema and to_ini() write it (12 significant digits).
std::string format_config_number(double v);
/// A boolean key's text (true|false|yes|no|on|off|1|0, already checked) as a bool.
bool config_boolean(const std::string& text);

/// Every key of every section, in the order they are documented. core knows no section: the app
/// assembles the schema from the libraries' parameter tables (core/params.hpp,
/// app/config_schema.cpp); a test may assemble a smaller one.
class Schema {
 public:
  Schema() = default;
  /// Appends keys; a section is known from its first key on. A default that breaks its own key's
  /// rules, or a key given twice, is a programming error (std::logic_error).
  void add(const std::vector<KeySpec>& keys);
  const std::vector<std::string>& sections() const { return sections_; }
  const std::vector<KeySpec>& keys() const { return keys_; }
  /// The entry of section.key, or nullptr.
  const KeySpec* find(std::string_view section, std::string_view key) const;
  /// Help text: every key of the given sections with type, default, range, unit and help.
  std::string describe(const std::vector<std::string>& sections) const;

 private:
  std::vector<std::string> sections_;
  std::vector<KeySpec> keys_;
};

class Config {
 public:
  /// Defaults only (no file).
  explicit Config(std::shared_ptr<const Schema> schema);
  /// Reads `path` (empty: defaults only) and applies `overrides` ("section.key", value) from the
  /// command line on top. Throws InputError with file:line and key on any problem.
  static Config load(std::shared_ptr<const Schema> schema, const std::string& path,
                     const std::vector<std::pair<std::string, std::string>>& overrides = {});
  /// Parses INI text as if it came from a file named `name` (for tests and for configs stored
  /// inside nanomix files).
  static Config parse(std::shared_ptr<const Schema> schema, const std::string& ini_text, const std::string& name,
                      const std::vector<std::pair<std::string, std::string>>& overrides = {});

  const Schema& schema() const { return *schema_; }

  long long integer(std::string_view section, std::string_view key) const;
  double real(std::string_view section, std::string_view key) const;
  bool boolean(std::string_view section, std::string_view key) const;
  /// String, choice and path keys.
  const std::string& string(std::string_view section, std::string_view key) const;
  /// Any key's value as it was given (already checked against its type and range).
  const std::string& text(std::string_view section, std::string_view key) const;
  /// Whether the key was set in the file or on the command line (not left at its default).
  bool is_set(std::string_view section, std::string_view key) const;

  /// Where the value came from: "demo.ini:12", "command line (--md.seed)" or "default".
  std::string origin(std::string_view section, std::string_view key) const;
  /// Throws InputError "origin: [section] key = value: why" (for checks that involve several keys
  /// or need the value in context).
  [[noreturn]] void fail(std::string_view section, std::string_view key, const std::string& why) const;

  /// Every key of every section with its resolved value, as INI text (stored in outputs, so a
  /// result says exactly how it was made; Config::parse reads it back).
  std::string to_ini() const;
  /// The config file's path ("" if none).
  const std::string& path() const { return path_; }

 private:
  struct Value {
    std::string text;
    std::string origin;
    bool set = false;
  };
  const Value& value(std::string_view section, std::string_view key, KeyType expected) const;
  void assign(const KeySpec& spec, const std::string& text, const std::string& origin);

  const KeySpec& spec(std::string_view section, std::string_view key) const;

  std::shared_ptr<const Schema> schema_;
  std::string path_;
  std::map<std::string, Value, std::less<>> values_;
};

}  // namespace nanomix
