// Parameter tables (core/params.hpp): keys declared once next to their struct generate the schema
// and fill the struct. A small table of its own tests the mechanism; the real tables of every
// library are checked for binding each key to its own field and for their documented defaults.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/config_schema.hpp"
#include "app/run_params.hpp"
#include "core/config.hpp"
#include "core/params.hpp"
#include "imaging/detect/detect_config.hpp"
#include "imaging/render_movie.hpp"
#include "sim/md_params.hpp"
#include "sim/structure.hpp"
#include "topology/compare.hpp"
#include "topology/topology_run.hpp"

using namespace nanomix;

namespace {

enum class Shape { round, square };

struct Toy {
  int count = 0;
  int limit = 0;
  double length_angstrom = 0;
  Shape shape = Shape::round;
  std::vector<int> dims;
  std::vector<std::string> names;
  void validate() const {
    if (count > 5 && shape == Shape::round) throw ParamError("toy", "count", "more than 5 needs shape = square");
  }
};

const ParamTable<Toy>& toy_table() {
  static const ParamTable<Toy> t = [] {
    ParamTable<Toy> t("toy");
    t.integer("count", &Toy::count, 1, 0, 10, "", "how many");
    t.integer("limit", &Toy::limit, 3, 0, 10, "", "at most");
    t.real("length_angstrom", &Toy::length_angstrom, 2.5, 0.0, 100.0, "Å", "how long");
    t.choice("shape", &Toy::shape, "round", {{"round", Shape::round}, {"square", Shape::square}}, "which shape");
    t.integers("dims", &Toy::dims, "0 1", ListRule{{"0", "1", "2"}, "name a dimension", {}}, "dimensions");
    t.words("names", &Toy::names, "a", ListRule{{"a", "b"}, "", {}, true}, "names");
    return t;
  }();
  return t;
}

Config toy_config(const std::string& ini) {
  auto schema = std::make_shared<Schema>();
  schema->add(toy_table().keys());
  return Config::parse(schema, ini, "toy.ini");
}

std::string toy_error(const std::string& ini) {
  try {
    toy_table().read(toy_config(ini));
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

/// A valid value of the key other than its default (as INI text).
std::string other_value(const KeySpec& s) {
  static const std::map<std::string, std::string> lists = {
      {"topology.subsets", "Na"}, {"compare.dimensions", "2"}, {"compare.statistic", "heavy"},
      {"md.swap_schedule", "0:300"}, {"topology.local_subset", "Cl"}, {"run.stages", "md"}, {"compare.ground_truth_dimensions", "1"}, {"toy.dims", "2"}, {"toy.names", "b"}};
  if (lists.count(s.name())) return lists.at(s.name());
  switch (s.type) {
    case KeyType::integer: {
      const double d = std::stod(s.default_value);
      return std::to_string(static_cast<long long>(d + 1 <= s.max ? d + 1 : d - 1));
    }
    case KeyType::real: {
      const double d = std::stod(s.default_value);
      return format_config_number(d + 1 <= s.max ? d + 1 : (s.min + d) / 2);
    }
    case KeyType::boolean: return s.default_value == "true" ? "false" : "true";
    case KeyType::choice:
      for (const auto& c : s.choices)
        if (c != s.default_value) return c;
      return s.default_value;
    case KeyType::string:
    case KeyType::path: return "other_value";
  }
  return "";
}

/// Every key with a getter reaches its own field and no other: set one key to another value and
/// only that key's field changes; the struct's fields read from defaults equal the declared defaults.
template <class P>
void check_bindings(const ParamTable<P>& table) {
  auto defaults = [&] {
    P p;
    for (const auto& b : table.bindings()) b.set(p, b.spec.default_value);
    return p;
  };
  const P base = defaults();
  for (const auto& b : table.bindings()) {
    if (b.get) CHECK_MESSAGE(b.get(base) == b.spec.default_value, b.spec.name());
  }
  for (const auto& changed : table.bindings()) {
    if (!changed.get) continue;
    P p = defaults();
    const std::string v = other_value(changed.spec);
    changed.set(p, v);
    CHECK_MESSAGE(changed.get(p) != changed.spec.default_value, std::string(changed.spec.name() + " = " + v));
    for (const auto& other : table.bindings()) {
      if (&other == &changed || !other.get) continue;
      CHECK_MESSAGE(other.get(p) == other.get(base), std::string(changed.spec.name() + " also moved " + other.spec.name()));
    }
  }
}

}  // namespace

TEST_CASE("a table generates the schema entries of its keys") {
  const auto keys = toy_table().keys();
  REQUIRE(keys.size() == 6);
  CHECK(keys[0].name() == "toy.count");
  CHECK(keys[0].type == KeyType::integer);
  CHECK(keys[0].default_value == "1");
  CHECK(keys[2].unit == "Å");
  CHECK(keys[2].default_value == "2.5");
  CHECK(keys[3].type == KeyType::choice);
  CHECK(keys[3].choices == std::vector<std::string>{"round", "square"});
  CHECK(keys[4].type == KeyType::string);  // lists are text in the INI file
  CHECK(keys[4].default_value == "0 1");
}

TEST_CASE("read() fills the struct: numbers, enums and lists written with spaces or commas") {
  Toy t = toy_table().read(toy_config(""));
  CHECK(t.count == 1);
  CHECK(t.length_angstrom == 2.5);
  CHECK(t.shape == Shape::round);
  CHECK(t.dims == std::vector<int>{0, 1});
  CHECK(t.names == std::vector<std::string>{"a"});
  t = toy_table().read(toy_config("[toy]\ncount = 7\nshape = square\ndims = 2,0\nnames = b, a,b\n"));
  CHECK(t.count == 7);
  CHECK(t.shape == Shape::square);
  CHECK(t.dims == std::vector<int>{2, 0});
  CHECK(t.names == std::vector<std::string>{"b", "a"});  // unique: the repeated b is kept once
  CHECK(toy_table().read(toy_config("[toy]\ndims = 1 2\n")).dims == std::vector<int>{1, 2});
}

TEST_CASE("a table's errors name the file, line, key and value") {
  CHECK(toy_error("[toy]\ncount = 11\n") == "toy.ini:2: [toy] count = 11: out of range, allowed 0 … 10");
  CHECK(toy_error("[toy]\nshape = oval\n") == "toy.ini:2: [toy] shape = oval: not one of round | square");
  CHECK(toy_error("[toy]\ndims = 0 3\n") == "toy.ini:2: [toy] dims = 0 3: unknown item '3' (allowed: 0, 1, 2)");
  CHECK(toy_error("[toy]\ndims = 0,x\n") == "toy.ini:2: [toy] dims = 0,x: unknown item 'x' (allowed: 0, 1, 2)");
  CHECK(toy_error("[toy]\ndims = ,\n") == "toy.ini:2: [toy] dims = ,: name a dimension");
  CHECK(toy_error("[toy]\nnames = a c\n") == "toy.ini:2: [toy] names = a c: unknown item 'c' (allowed: a, b)");
  // validate() runs after every key is set; its error names the key and where it came from.
  CHECK(toy_error("[toy]\n\ncount = 6\n") == "toy.ini:3: [toy] count = 6: more than 5 needs shape = square");
  // Outside a config the same error names the key alone.
  Toy t;
  t.count = 6;
  CHECK_THROWS_WITH_AS(t.validate(), "[toy] count: more than 5 needs shape = square", ParamError);
}

TEST_CASE("an integer key whose range its field cannot hold is refused when declared") {
  // [detect] raw_frames allowed 0 … 4e9 into an int: 3e9 wrapped to a negative count.
  ParamTable<Toy> t("toy");
  CHECK_THROWS_AS(t.integer("count", &Toy::count, 0, 0, 4.0e9, "", "too wide for an int"), std::logic_error);
  CHECK_THROWS_AS(t.integer("limit", &Toy::limit, 0, -3.0e9, 0, "", "too wide for an int"), std::logic_error);
  CHECK_NOTHROW(t.integer("count", &Toy::count, 0, 0, 2147483647.0, "", "fits"));
}

TEST_CASE("the schema holds every section in the documented order, each key once") {
  const auto schema = nanomix_schema();
  CHECK(schema->sections() == std::vector<std::string>{"structure", "md", "imaging", "detect", "topology", "compare", "run"});
  std::vector<std::string> names;
  for (const auto& s : schema->keys()) names.push_back(s.name());
  std::sort(names.begin(), names.end());
  CHECK(std::adjacent_find(names.begin(), names.end()) == names.end());
  // A second table for a key already declared is a programming error.
  Schema twice;
  twice.add(toy_table().keys());
  CHECK_THROWS_AS(twice.add(toy_table().keys()), std::logic_error);
}

TEST_CASE("every key has help, a unit where its name carries one, and a default within its range") {
  const std::vector<std::string> unit_suffixes = {"_angstrom", "_kelvin", "_ps", "_fs", "_s", "_kv", "_mrad", "_deg", "_ev", "_mib"};
  for (const auto& s : nanomix_schema()->keys()) {
    CHECK_MESSAGE(!s.help.empty(), s.name());
    if (s.type != KeyType::integer && s.type != KeyType::real) continue;
    for (const auto& u : unit_suffixes) {
      const bool named = s.key.size() > u.size() && s.key.compare(s.key.size() - u.size(), u.size(), u) == 0;
      if (named) CHECK_MESSAGE(!s.unit.empty(), s.name());
    }
    CHECK_MESSAGE(s.min <= s.max, s.name());
  }
}

TEST_CASE("every table binds each key to its own field, with the declared default") {
  check_bindings(toy_table());
  check_bindings(sim::StructureParams::table());
  check_bindings(sim::MdParams::table());
  check_bindings(imaging::ImagingParams::table());
  check_bindings(imaging::read_options_table());
  check_bindings(imaging::preprocess_table());
  check_bindings(imaging::detect_table());
  check_bindings(topology::TopologyParams::table());
  check_bindings(topology::CompareParams::table());
  check_bindings(cli::RunParams::table());
  check_bindings(cli::RunCompareInputs::table());
}

TEST_CASE("the libraries' tables: ranges, choices, lists and cross-key checks name their key") {
  auto error_of = [](auto read) {
    try {
      read();
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  // Range and choice: checked when the file is parsed.
  CHECK(error_of([] { parse_config("[md]\nframes = 0\n", "a.ini"); }) == "a.ini:2: [md] frames = 0: out of range, allowed 1 … 10000000");
  CHECK(error_of([] { parse_config("[imaging]\nmtf = gauss\n", "a.ini"); }) ==
        "a.ini:2: [imaging] mtf = gauss: not one of none | parametric | file");
  // Lists: read by the table.
  auto dims = [](const std::string& v) { return topology::CompareParams::table().read(parse_config("[compare]\ndimensions = " + v + "\n", "c.ini")).dimensions; };
  CHECK(dims("0 1") == std::vector<int>{0, 1});
  CHECK(dims("0,1") == std::vector<int>{0, 1});
  CHECK(dims("2, 0") == std::vector<int>{2, 0});
  CHECK(error_of([&] { dims("0 3"); }) == "c.ini:2: [compare] dimensions = 0 3: each dimension is 0, 1 or 2");
  CHECK(error_of([&] { dims(","); }) == "c.ini:2: [compare] dimensions = ,: name at least one homology dimension");
  const auto topo = topology::TopologyParams::table().read(parse_config("[topology]\nsubsets = Na,I\n", "t.ini"));
  CHECK(topo.subsets == std::vector<std::string>{"Na", "I"});
  CHECK(error_of([] { topology::TopologyParams::table().read(parse_config("[topology]\nsubsets = ions Xe\n", "t.ini")); }) ==
        "t.ini:2: [topology] subsets = ions Xe: unknown subset 'Xe' (ions, anions, Na, Cl, I)");
  // Enums: the INI name reaches the enum value.
  const auto md = sim::MdParams::table().read(parse_config("[md]\nmechanism = swap_biased_drive\nbeam_direction = z\n", "m.ini"));
  CHECK(md.mechanism == sim::Mechanism::swap_accelerated);
  CHECK(md.swap_biased_drive);
  CHECK(md.beam_axis == 2);
  CHECK(md.schedule.points == std::vector<std::pair<double, double>>{{0.0, 500.0}});  // temperature_kelvin
  // Cross-key checks: validate(), through the config (origin named) and on its own (key named).
  CHECK(error_of([] { sim::MdParams::table().read(parse_config("[md]\nframe_interval_ps = 0.0031\nswap_batches_per_frame = 1\n", "m.ini")); }) ==
        "m.ini:2: [md] frame_interval_ps = 0.0031: must be a whole number (>= 1) of time steps of 2.000000 fs");
  sim::MdParams p;
  p.tube = sim::TubeModel::flexible_tersoff;
  p.tube_vibration_amplitude_angstrom = 1;
  CHECK(error_of([&] { p.validate(); }) ==
        "[md] tube_vibration_amplitude_angstrom: tube vibration needs tube = rigid (a flexible tube vibrates by itself)");
  CHECK(error_of([] { imaging::ImagingParams::table().read(parse_config("[imaging]\ndose_e_per_angstrom2 = 5\ndose_rate_e_per_nm2_s = 7\n", "i.ini")); }) ==
        "i.ini:2: [imaging] dose_e_per_angstrom2 = 5: set either the dose per frame or dose_rate_e_per_nm2_s (× frame_time_s), not both");
  const auto img = imaging::ImagingParams::table().read(parse_config("[imaging]\ndose_rate_e_per_nm2_s = 2000\nframe_time_s = 0.5\n", "i.ini"));
  CHECK(img.dose.dose_e_per_angstrom2 == doctest::Approx(2000 / 100.0 * 0.5));  // 1 nm² = 100 Å²
  CHECK(error_of([] { topology::TopologyParams::table().read(parse_config("[topology]\nfirst_frame = 3\nlast_frame = 1\n", "t.ini")); }) ==
        "t.ini:3: [topology] last_frame = 1: is before first_frame");
  // [run]: stages as a list like the others; the second mechanism must be one of [md] mechanism.
  CHECK(cli::RunParams::table().read(parse_config("[run]\nstages = build, md\n", "r.ini")).stages ==
        std::vector<std::string>{"build", "md"});
  CHECK(error_of([] { cli::RunParams::table().read(parse_config("[run]\nstages = build imagine\n", "r.ini")); }) ==
        "r.ini:2: [run] stages = build imagine: unknown stage 'imagine'");
  CHECK(error_of([] { cli::RunParams::table().read(parse_config("[run]\nsecond_mechanism = magic\n", "r.ini")); }) ==
        "r.ini:2: [run] second_mechanism = magic: unknown mechanism (allowed: thermal, swap_accelerated, swap_biased_drive, beam)");
  CHECK(error_of([] { imaging::read_options_table().read(parse_config("[detect]\noverride_file_metadata = true\n", "d.ini")); }) ==
        "d.ini:2: [detect] override_file_metadata = true: needs [detect] pixel_size_angstrom > 0");
}
