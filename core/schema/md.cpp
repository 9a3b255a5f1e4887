#include "core/config_schema.hpp"

namespace nanomix::schema {

// Keys of [md]: added with the stage that reads them.
std::vector<KeySpec> md_keys() { return {}; }

}  // namespace nanomix::schema
