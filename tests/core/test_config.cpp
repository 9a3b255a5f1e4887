#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "app/config_schema.hpp"
#include "core/config.hpp"
#include "core/error.hpp"

using nanomix::Config;
using nanomix::InputError;
using nanomix::parse_config;

namespace {
std::string error_of(const std::string& ini, const std::vector<std::pair<std::string, std::string>>& overrides = {}) {
  try {
    parse_config(ini, "test.ini", overrides);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("defaults come from the schema") {
  const Config c(nanomix::nanomix_schema());
  CHECK(c.integer("structure", "tube_n") == 20);
  CHECK(c.string("structure", "arrangement") == "random_mixed");
  CHECK_FALSE(c.is_set("structure", "tube_n"));
  CHECK(c.origin("structure", "tube_n") == "default");
}

TEST_CASE("values from the file, overrides from the command line win") {
  const std::string ini = "# a comment\n[structure]\ntube_n = 12   # inline comment\ntube_m=8\niodide_fraction = 0.25\n"
                          "tube_periodic = yes\n";
  const Config c = parse_config(ini, "test.ini", {{"structure.tube_m", "3"}});
  CHECK(c.integer("structure", "tube_n") == 12);
  CHECK(c.integer("structure", "tube_m") == 3);
  CHECK(c.real("structure", "iodide_fraction") == doctest::Approx(0.25));
  CHECK(c.boolean("structure", "tube_periodic"));
  CHECK(c.origin("structure", "tube_n") == "test.ini:3");
  CHECK(c.origin("structure", "tube_m") == "command line (--structure.tube_m)");
}

TEST_CASE("bad input gives one line naming file, line and key") {
  std::string e = error_of("[structure]\n\ntube_n = 0\n");
  CHECK(e.find("test.ini:3") != std::string::npos);
  CHECK(e.find("tube_n") != std::string::npos);
  CHECK(e.find("out of range") != std::string::npos);
  CHECK(e.find('\n') == std::string::npos);

  e = error_of("[structure]\ntube_nn = 3\n");
  CHECK(e.find("test.ini:2") != std::string::npos);
  CHECK(e.find("unknown key 'tube_nn'") != std::string::npos);

  e = error_of("[structur]\n");
  CHECK(e.find("unknown section [structur]") != std::string::npos);

  CHECK(error_of("[structure]\niodide_fraction = nan\n").find("not a finite number") != std::string::npos);
  CHECK(error_of("[structure]\niodide_fraction = inf\n").find("not a finite number") != std::string::npos);
  CHECK(error_of("[structure]\niodide_fraction = 0.5x\n").find("not a number") != std::string::npos);
  CHECK(error_of("[structure]\ntube_n = 2.5\n").find("not an integer") != std::string::npos);
  CHECK(error_of("[structure]\ntube_periodic = maybe\n").find("not a boolean") != std::string::npos);
  CHECK(error_of("[structure]\narrangement = stripes\n").find("not one of") != std::string::npos);
  CHECK(error_of("[structure]\ntube_n = 3\ntube_n = 4\n").find("set twice") != std::string::npos);
  CHECK(error_of("tube_n = 3\n").find("outside any [section]") != std::string::npos);
  CHECK(error_of("[structure]\njust words\n").find("expected 'key = value'") != std::string::npos);
  CHECK(error_of("", {{"structure.nope", "1"}}).find("unknown option --structure.nope") != std::string::npos);
  CHECK(error_of("", {{"structure.iodide_fraction", "1.5"}}).find("command line") != std::string::npos);
}

TEST_CASE("fail() names where the value came from") {
  const Config c = parse_config("[structure]\ntube_n = 7\n", "x.ini");
  try {
    c.fail("structure", "tube_n", "too thin for the cluster");
    FAIL("fail() must throw");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()) == "x.ini:2: [structure] tube_n = 7: too thin for the cluster");
  }
}

TEST_CASE("to_ini reads back to the same values") {
  const Config a = parse_config("[structure]\ntube_n = 9\niodide_fraction = 0.125\n", "a.ini");
  const Config b = parse_config(a.to_ini(), "resolved");
  for (const auto& spec : nanomix::nanomix_schema()->keys()) {
    if (spec.type == nanomix::KeyType::real) {
      CHECK(a.real(spec.section, spec.key) == b.real(spec.section, spec.key));
    } else if (spec.type == nanomix::KeyType::integer) {
      CHECK(a.integer(spec.section, spec.key) == b.integer(spec.section, spec.key));
    } else if (spec.type == nanomix::KeyType::boolean) {
      CHECK(a.boolean(spec.section, spec.key) == b.boolean(spec.section, spec.key));
    } else {
      CHECK(a.string(spec.section, spec.key) == b.string(spec.section, spec.key));
    }
  }
}

TEST_CASE("every schema key has help, and units for numbers that carry one in their name") {
  for (const auto& spec : nanomix::nanomix_schema()->keys()) {
    CHECK_MESSAGE(!spec.help.empty(), spec.name());
    const bool named_unit = spec.key.find("_angstrom") != std::string::npos || spec.key.find("_k") == spec.key.size() - 2;
    if (named_unit && (spec.type == nanomix::KeyType::real || spec.type == nanomix::KeyType::integer)) {
      CHECK_MESSAGE(!spec.unit.empty(), spec.name());
    }
  }
}
