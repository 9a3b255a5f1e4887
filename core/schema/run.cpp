#include "core/config_schema.hpp"

namespace nanomix::schema {

// Keys of [run]: added with the stage that reads them.
std::vector<KeySpec> run_keys() { return {}; }

}  // namespace nanomix::schema
