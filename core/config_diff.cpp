#include "core/config_diff.hpp"

#include <algorithm>
#include <map>
#include <sstream>

namespace nanomix {

std::string ini_of_sections(const Config& config, const std::vector<std::string>& sections) {
  std::istringstream in(config.to_ini());
  std::string line, out;
  bool keep = false;
  while (std::getline(in, line)) {
    if (!line.empty() && line.front() == '[') {
      keep = std::find(sections.begin(), sections.end(), line.substr(1, line.find(']') - 1)) != sections.end();
    }
    if (keep && !line.empty()) out += line + "\n";
  }
  return out;
}

std::string describe_ini_change(const std::string& before, const std::string& after) {
  // "[section] key" -> value, for each text.
  auto entries = [](const std::string& ini) {
    std::map<std::string, std::string> out;
    std::istringstream in(ini);
    std::string line, section;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      if (line[0] == '[') {
        section = line;
        continue;
      }
      const auto eq = line.find(" = ");
      if (eq != std::string::npos) out[section + " " + line.substr(0, eq)] = line.substr(eq + 3);
    }
    return out;
  };
  const auto a = entries(before), b = entries(after);
  std::string out;
  auto add = [&](const std::string& key, const std::string& from, const std::string& to) {
    out += (out.empty() ? "" : "; ") + key + " = " + from + " → " + to;
  };
  for (const auto& [key, value] : b) {
    const auto it = a.find(key);
    if (it == a.end()) add(key, "(none)", value);
    else if (it->second != value) add(key, it->second, value);
  }
  for (const auto& [key, value] : a)
    if (!b.count(key)) add(key, value, "(none)");
  return out;
}

}  // namespace nanomix
