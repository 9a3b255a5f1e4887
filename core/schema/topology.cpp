#include "core/config_schema.hpp"

namespace nanomix::schema {

// Keys of [topology]: added with the stage that reads them.
std::vector<KeySpec> topology_keys() { return {}; }

}  // namespace nanomix::schema
