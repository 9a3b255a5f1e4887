#pragma once
// The whole INI schema of nanomix: every library's parameter tables in the documented section
// order ([structure] [md] [imaging] [detect] [topology] [compare] [run]). core knows no section;
// this is the one place that assembles them (tests use it too).
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/config.hpp"

namespace nanomix {

std::shared_ptr<const Schema> nanomix_schema();

/// Config::load / Config::parse with nanomix_schema().
Config load_config(const std::string& path, const std::vector<std::pair<std::string, std::string>>& overrides = {});
Config parse_config(const std::string& ini_text, const std::string& name,
                    const std::vector<std::pair<std::string, std::string>>& overrides = {});

}  // namespace nanomix
