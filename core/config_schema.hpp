#pragma once
// The schema of every config section, one file per section in core/schema/ (so that each stage's
// keys live in one place and stay easy to review).
#include <vector>

#include "core/config.hpp"

namespace nanomix::schema {

std::vector<KeySpec> structure_keys();  // core/schema/structure.cpp
std::vector<KeySpec> md_keys();         // core/schema/md.cpp
std::vector<KeySpec> imaging_keys();    // core/schema/imaging.cpp
std::vector<KeySpec> detect_keys();     // core/schema/detect.cpp
std::vector<KeySpec> topology_keys();   // core/schema/topology.cpp
std::vector<KeySpec> compare_keys();    // core/schema/compare.cpp
std::vector<KeySpec> run_keys();        // core/schema/run.cpp

}  // namespace nanomix::schema
