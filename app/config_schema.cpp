#include "app/config_schema.hpp"

#include "app/run_params.hpp"
#include "imaging/detect/detect_config.hpp"
#include "imaging/render_movie.hpp"
#include "sim/md_params.hpp"
#include "sim/structure.hpp"
#include "topology/compare.hpp"
#include "topology/topology_run.hpp"

namespace nanomix {

std::shared_ptr<const Schema> nanomix_schema() {
  static const std::shared_ptr<const Schema> schema = [] {
    auto s = std::make_shared<Schema>();
    s->add(sim::StructureParams::table().keys());
    s->add(sim::MdParams::table().keys());
    s->add(imaging::ImagingParams::table().keys());
    s->add(imaging::detect_keys());
    s->add(topology::TopologyParams::table().keys());
    s->add(cli::RunCompareInputs::table().keys());
    s->add(topology::CompareParams::table().keys());
    s->add(cli::RunParams::table().keys());
    return std::shared_ptr<const Schema>(std::move(s));
  }();
  return schema;
}

Config load_config(const std::string& path, const std::vector<std::pair<std::string, std::string>>& overrides) {
  return Config::load(nanomix_schema(), path, overrides);
}

Config parse_config(const std::string& ini_text, const std::string& name,
                    const std::vector<std::pair<std::string, std::string>>& overrides) {
  return Config::parse(nanomix_schema(), ini_text, name, overrides);
}

}  // namespace nanomix
