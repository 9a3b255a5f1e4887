#pragma once
// What a stage's output depends on, as text, and what changed between two such texts: used by
// resume stamps and checkpoints (a stage continues only from a state made with the same config).
#include <string>
#include <vector>

#include "core/config.hpp"

namespace nanomix {

/// The resolved keys of the given sections, as INI text without a header ("[md]\nkey = value\n…").
std::string ini_of_sections(const Config& config, const std::vector<std::string>& sections);

/// What differs between two resolved INI texts (as written by Config::to_ini or ini_of_sections),
/// as "[md] temperature_kelvin = 400 → 1500; …" (empty if nothing does).
std::string describe_ini_change(const std::string& before, const std::string& after);

}  // namespace nanomix
