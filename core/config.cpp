#include "core/config.hpp"
#include "core/params.hpp"

#include <boost/program_options.hpp>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "core/atomic_file.hpp"
#include "core/error.hpp"

namespace nanomix {

namespace po = boost::program_options;

// ---------------------------------------------------------------------------------------------
// Schema builders and look-up.

namespace {

std::string type_name(KeyType t) {
  switch (t) {
    case KeyType::integer: return "integer";
    case KeyType::real: return "real";
    case KeyType::boolean: return "true|false";
    case KeyType::string: return "text";
    case KeyType::choice: return "choice";
    case KeyType::path: return "path";
  }
  return "?";
}

std::string range_text(const KeySpec& s) {
  if (s.type == KeyType::choice) {
    std::string r;
    for (const auto& c : s.choices) r += (r.empty() ? "" : " | ") + c;
    return r;
  }
  if (s.type != KeyType::integer && s.type != KeyType::real) return "";
  const std::string lo = std::isinf(s.min) ? "-inf" : format_config_number(s.min);
  const std::string hi = std::isinf(s.max) ? "inf" : format_config_number(s.max);
  return lo + " … " + hi + (s.unit.empty() ? "" : " " + s.unit);
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

/// Checks `text` against the key's type and range; returns an error message or "".
std::string check_value(const KeySpec& s, const std::string& text) {
  switch (s.type) {
    case KeyType::integer: {
      long long v = 0;
      const char* first = text.data();
      const char* last = first + text.size();
      if (!text.empty() && *first == '+') ++first;
      auto [ptr, ec] = std::from_chars(first, last, v);
      if (text.empty() || ec != std::errc() || ptr != last) return "not an integer";
      if (static_cast<double>(v) < s.min || static_cast<double>(v) > s.max) {
        return "out of range, allowed " + range_text(s);
      }
      return "";
    }
    case KeyType::real: {
      if (text.empty()) return "not a number";
      char* end = nullptr;
      const double v = std::strtod(text.c_str(), &end);
      if (end != text.c_str() + text.size()) return "not a number";
      if (!std::isfinite(v)) return "not a finite number";
      if (v < s.min || v > s.max) return "out of range, allowed " + range_text(s);
      return "";
    }
    case KeyType::boolean: {
      static const std::set<std::string> ok = {"true", "false", "yes", "no", "on", "off", "1", "0"};
      return ok.count(text) ? "" : "not a boolean (true or false)";
    }
    case KeyType::choice:
      for (const auto& c : s.choices)
        if (c == text) return "";
      return "not one of " + range_text(s);
    case KeyType::string:
    case KeyType::path:
      return "";
  }
  return "";
}

}  // namespace

std::string format_config_number(double v) {
  std::ostringstream s;
  s.precision(12);
  s << v;
  return s.str();
}

bool config_boolean(const std::string& t) { return t == "true" || t == "yes" || t == "on" || t == "1"; }

static KeySpec make_key(std::string section, std::string key, KeyType type, std::string def,
                        std::string unit, std::string help) {
  KeySpec s;
  s.section = std::move(section);
  s.key = std::move(key);
  s.type = type;
  s.default_value = std::move(def);
  s.unit = std::move(unit);
  s.help = std::move(help);
  return s;
}

KeySpec int_key(std::string section, std::string key, long long def, double min, double max, std::string unit,
                std::string help) {
  KeySpec s = make_key(std::move(section), std::move(key), KeyType::integer, std::to_string(def), std::move(unit),
                       std::move(help));
  s.min = min;
  s.max = max;
  return s;
}

KeySpec real_key(std::string section, std::string key, double def, double min, double max, std::string unit,
                 std::string help) {
  KeySpec s = make_key(std::move(section), std::move(key), KeyType::real, format_config_number(def), std::move(unit),
                       std::move(help));
  s.min = min;
  s.max = max;
  return s;
}

KeySpec bool_key(std::string section, std::string key, bool def, std::string help) {
  return make_key(std::move(section), std::move(key), KeyType::boolean, def ? "true" : "false", "", std::move(help));
}

KeySpec string_key(std::string section, std::string key, std::string def, std::string help) {
  return make_key(std::move(section), std::move(key), KeyType::string, std::move(def), "", std::move(help));
}

KeySpec path_key(std::string section, std::string key, std::string def, std::string help) {
  return make_key(std::move(section), std::move(key), KeyType::path, std::move(def), "", std::move(help));
}

KeySpec choice_key(std::string section, std::string key, std::string def, std::vector<std::string> choices,
                   std::string help) {
  KeySpec s = make_key(std::move(section), std::move(key), KeyType::choice, std::move(def), "", std::move(help));
  s.choices = std::move(choices);
  return s;
}

void Schema::add(const std::vector<KeySpec>& keys) {
  for (const auto& s : keys) {
    // A schema entry whose default breaks its own rules is a programming error.
    const std::string why = check_value(s, s.default_value);
    if (!why.empty()) throw std::logic_error("schema default of " + s.name() + ": " + why);
    if (find(s.section, s.key)) throw std::logic_error("schema: " + s.name() + " declared twice");
    bool known = false;
    for (const auto& section : sections_) known = known || section == s.section;
    if (!known) sections_.push_back(s.section);
    keys_.push_back(s);
  }
}

const KeySpec* Schema::find(std::string_view section, std::string_view key) const {
  for (const auto& s : keys_)
    if (s.section == section && s.key == key) return &s;
  return nullptr;
}

std::string Schema::describe(const std::vector<std::string>& sections) const {
  std::ostringstream out;
  for (const auto& section : sections) {
    out << "\n[" << section << "]  (INI section; each key is also --" << section << ".KEY=VALUE)\n";
    for (const auto& s : keys_) {
      if (s.section != section) continue;
      out << "  " << s.key << " = " << (s.default_value.empty() ? "\"\"" : s.default_value);
      out << "  (" << type_name(s.type);
      const std::string r = range_text(s);
      if (!r.empty()) out << ": " << r;
      else if (!s.unit.empty()) out << ", " << s.unit;
      out << ")\n      " << s.help << "\n";
    }
  }
  return out.str();
}

// ---------------------------------------------------------------------------------------------
// Config.

Config::Config(std::shared_ptr<const Schema> schema) : schema_(std::move(schema)) {
  if (!schema_) throw std::logic_error("config: no schema");
  for (const auto& s : schema_->keys()) values_[s.name()] = Value{s.default_value, "default", false};
}

void Config::assign(const KeySpec& spec, const std::string& text, const std::string& origin) {
  const std::string why = check_value(spec, text);
  if (!why.empty()) {
    throw InputError(origin + ": [" + spec.section + "] " + spec.key + " = " + text + ": " + why);
  }
  values_[spec.name()] = Value{text, origin, true};
}

Config Config::load(std::shared_ptr<const Schema> schema, const std::string& path,
                    const std::vector<std::pair<std::string, std::string>>& overrides) {
  if (path.empty()) return parse(std::move(schema), "", "", overrides);
  return parse(std::move(schema), read_regular_file(path, max_table_file_bytes, "config file"), path, overrides);
}

namespace {

/// Refuses a section header that is malformed or names no section of the schema; returns the section.
std::string checked_section(const std::string& t, const Schema& known_keys, const std::string& where) {
  if (t.back() != ']') throw InputError(where + ": malformed section header '" + t + "'");
  const std::string section = trim(t.substr(1, t.size() - 2));
  bool known = false;
  for (const auto& s : known_keys.sections()) known = known || s == section;
  if (!known) {
    std::string list;
    for (const auto& s : known_keys.sections()) list += (list.empty() ? "" : ", ") + s;
    throw InputError(where + ": unknown section [" + section + "] (sections: " + list + ")");
  }
  return section;
}

/// Refuses a key line that has no '=', no section, a '#' glued inside its value, or repeats a key;
/// records the key's line number.
void record_key_line(const std::string& t, const std::string& section, int number, const std::string& where,
                     std::map<std::string, int>& line_of) {
  const auto eq = t.find('=');
  if (eq == std::string::npos) {
    throw InputError(where + ": expected 'key = value', got '" + t + "'");
  }
  if (section.empty()) {
    throw InputError(where + ": key '" + trim(t.substr(0, eq)) + "' outside any [section]");
  }
  // INI comments start at '#', also after a value ("key = 3  # why"); a '#' glued to a value
  // ("file = run#3.emd") would silently cut it, so it is refused.
  if (const auto hash = t.find('#', eq); hash != std::string::npos && hash > eq + 1 &&
                                          !std::isspace(static_cast<unsigned char>(t[hash - 1]))) {
    throw InputError(where + ": [" + section + "] " + trim(t.substr(0, eq)) +
                     ": '#' inside a value (it would start a comment); give the value on the command line instead");
  }
  const std::string full = section + "." + trim(t.substr(0, eq));
  if (line_of.count(full)) {
    throw InputError(where + ": [" + section + "] " + trim(t.substr(0, eq)) + " is set twice (first on line " +
                     std::to_string(line_of[full]) + ")");
  }
  line_of[full] = number;
}

/// Pass 1 (ours): line numbers of keys ("section.key"), and sections that do not exist (Boost
/// would accept an empty unknown section silently).
std::map<std::string, int> key_lines(const std::string& ini_text, const Schema& known_keys, const std::string& name) {
  std::map<std::string, int> line_of;
  std::istringstream in(ini_text);
  std::string line, section;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    const std::string where = name + ":" + std::to_string(number);
    if (t.front() == '[') {
      section = checked_section(t, known_keys, where);
      continue;
    }
    record_key_line(t, section, number, where, line_of);
  }
  return line_of;
}

/// Pass 2: Boost.Program_options parses the file; every schema key is a string option.
po::parsed_options boost_parse(const std::string& ini_text, const Schema& known_keys, const std::string& name,
                               po::options_description& description) {
  for (const auto& s : known_keys.keys()) description.add_options()(s.name().c_str(), po::value<std::string>());
  std::istringstream in(ini_text);
  try {
    return po::parse_config_file(in, description, /*allow_unregistered=*/true);
  } catch (const po::error& e) {
    throw InputError(name + ": " + e.what());
  }
}

}  // namespace

Config Config::parse(std::shared_ptr<const Schema> schema, const std::string& ini_text, const std::string& name,
                     const std::vector<std::pair<std::string, std::string>>& overrides) {
  Config config(std::move(schema));
  const Schema& known_keys = *config.schema_;
  config.path_ = name;
  std::map<std::string, int> line_of = key_lines(ini_text, known_keys, name);

  // Types and ranges are checked against the schema so that the message can name the line.
  po::options_description description;
  const po::parsed_options parsed = boost_parse(ini_text, known_keys, name, description);
  for (const auto& option : parsed.options) {
    const auto dot = option.string_key.find('.');
    const std::string section = option.string_key.substr(0, dot);
    const std::string key = dot == std::string::npos ? option.string_key : option.string_key.substr(dot + 1);
    const std::string where = name + ":" + std::to_string(line_of.count(option.string_key) ? line_of[option.string_key] : 0);
    const KeySpec* spec = known_keys.find(section, key);
    if (option.unregistered || !spec) {
      throw InputError(where + ": unknown key '" + key + "' in [" + section + "] (see 'nanomix <command> --help')");
    }
    config.assign(*spec, option.value.empty() ? "" : trim(option.value.front()), where);
  }

  for (const auto& [full, text] : overrides) {
    const auto dot = full.find('.');
    const KeySpec* spec = dot == std::string::npos ? nullptr : known_keys.find(full.substr(0, dot), full.substr(dot + 1));
    if (!spec) throw InputError("command line: unknown option --" + full);
    config.assign(*spec, trim(text), "command line (--" + full + ")");
  }
  return config;
}

const KeySpec& Config::spec(std::string_view section, std::string_view key) const {
  const KeySpec* spec = schema_->find(section, key);
  if (!spec) throw std::logic_error("config: no key " + std::string(section) + "." + std::string(key));
  return *spec;
}

const Config::Value& Config::value(std::string_view section, std::string_view key, KeyType expected) const {
  const KeySpec& s = spec(section, key);
  const bool text_like = expected == KeyType::string;
  const bool matches = s.type == expected ||
                       (text_like && (s.type == KeyType::choice || s.type == KeyType::path));
  if (!matches) throw std::logic_error("config: key " + s.name() + " read as the wrong type");
  return values_.find(s.name())->second;
}

long long Config::integer(std::string_view section, std::string_view key) const {
  const std::string& t = value(section, key, KeyType::integer).text;
  return std::stoll(t[0] == '+' ? t.substr(1) : t);
}

double Config::real(std::string_view section, std::string_view key) const {
  return std::strtod(value(section, key, KeyType::real).text.c_str(), nullptr);
}

bool Config::boolean(std::string_view section, std::string_view key) const {
  return config_boolean(value(section, key, KeyType::boolean).text);
}

const std::string& Config::string(std::string_view section, std::string_view key) const {
  return value(section, key, KeyType::string).text;
}

const std::string& Config::text(std::string_view section, std::string_view key) const {
  return values_.find(spec(section, key).name())->second.text;
}

bool Config::is_set(std::string_view section, std::string_view key) const {
  return values_.find(spec(section, key).name())->second.set;
}

std::string Config::origin(std::string_view section, std::string_view key) const {
  return values_.find(spec(section, key).name())->second.origin;
}

void Config::fail(std::string_view section, std::string_view key, const std::string& why) const {
  const KeySpec& s = spec(section, key);
  const Value& v = values_.find(s.name())->second;
  const std::string where = v.set ? v.origin : (path_.empty() ? std::string("config") : path_) + " (default)";
  throw InputError(where + ": [" + s.section + "] " + s.key + " = " + v.text + ": " + why);
}

std::string Config::to_ini() const {
  std::ostringstream out;
  out << "# nanomix " << "resolved configuration" << (path_.empty() ? "" : " (from " + path_ + ")") << "\n";
  for (const auto& section : schema_->sections()) {
    out << "\n[" << section << "]\n";
    for (const auto& s : schema_->keys()) {
      if (s.section == section) out << s.key << " = " << values_.find(s.name())->second.text << "\n";
    }
  }
  return out.str();
}

}  // namespace nanomix

namespace nanomix {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::string w;
  for (char c : text + " ") {
    if (c == ' ' || c == ',' || c == '\t') {
      if (!w.empty()) out.push_back(w);
      w.clear();
    } else {
      w += c;
    }
  }
  return out;
}

}  // namespace nanomix
