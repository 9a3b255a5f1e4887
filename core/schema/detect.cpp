#include "core/config_schema.hpp"

namespace nanomix::schema {

// Keys of [detect]: added with the stage that reads them.
std::vector<KeySpec> detect_keys() { return {}; }

}  // namespace nanomix::schema
