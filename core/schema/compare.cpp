#include "core/config_schema.hpp"

namespace nanomix::schema {

// Keys of [compare]: added with the stage that reads them.
std::vector<KeySpec> compare_keys() { return {}; }

}  // namespace nanomix::schema
