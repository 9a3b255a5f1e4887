#include "core/config_schema.hpp"

namespace nanomix::schema {

// Keys of [imaging]: added with the stage that reads them.
std::vector<KeySpec> imaging_keys() { return {}; }

}  // namespace nanomix::schema
