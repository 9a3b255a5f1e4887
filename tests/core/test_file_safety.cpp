// Outputs only as regular files, inputs bounded, HDF5 read from the file itself (issue 16,
// items 5, 6, 7, 12). Each case was seen to fail before the fix it guards.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <hdf5.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "app/config_schema.hpp"
#include "core/atomic_file.hpp"
#include "core/config.hpp"
#include "core/config_diff.hpp"
#include "core/error.hpp"
#include "core/hdf5_util.hpp"

namespace fs = std::filesystem;
using namespace nanomix;

namespace {
fs::path scratch() {
  fs::path d = fs::temp_directory_path() / ("nanomix_test_safety_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}
std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

TEST_CASE("outputs: devices, FIFOs and directories are refused as targets, before and at commit") {
  const fs::path d = scratch();
  CHECK_THROWS_AS(check_output_directory("/dev/null"), InputError);
  CHECK_THROWS_AS(AtomicOutput("/dev/null"), InputError);
  const fs::path fifo = d / "fifo";
  fs::remove(fifo);
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_THROWS_AS(check_output_directory(fifo), InputError);
  CHECK_THROWS_AS(write_text_file_atomically(fifo, "x"), InputError);
  struct stat st {};
  REQUIRE(::lstat(fifo.c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));  // still a FIFO
  fs::create_directories(d / "adir");
  CHECK_THROWS_AS(write_text_file_atomically(d / "adir", "x"), InputError);
  CHECK(fs::is_directory(d / "adir"));
  // A FIFO put at the target while the output is being written: refused at commit.
  const fs::path late = d / "late.txt";
  fs::remove(late);
  {
    AtomicOutput out(late);
    std::ofstream(out.temp_path()) << "data";
    REQUIRE(::mkfifo(late.c_str(), 0600) == 0);
    CHECK_THROWS_AS(out.commit(), InputError);
  }
  REQUIRE(::lstat(late.c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
}

TEST_CASE("outputs: temporary names are unpredictable, created exclusively, and a symlink target is replaced, not followed") {
  const fs::path d = scratch();
  const fs::path target = d / "out.txt", victim = d / "victim.txt";
  fs::remove(target);
  std::ofstream(victim) << "precious";
  std::set<std::string> temps;
  {
    AtomicOutput a(target), b(target);
    temps.insert(a.temp_path().string());
    temps.insert(b.temp_path().string());
    CHECK(a.temp_path().parent_path() != b.temp_path().parent_path());  // one private folder each
    CHECK(a.temp_path().parent_path().filename().string().find(std::to_string(::getpid())) == std::string::npos);
    CHECK((fs::status(a.temp_path().parent_path()).permissions() & fs::perms::others_all) == fs::perms::none);
    CHECK(fs::is_regular_file(a.temp_path()));
  }
  CHECK(temps.size() == 2);
  fs::create_symlink(victim, target);
  write_text_file_atomically(target, "new");
  CHECK(slurp(victim) == "precious");
  CHECK_FALSE(fs::is_symlink(target));
  CHECK(slurp(target) == "new");
  for (const auto& e : fs::directory_iterator(d)) CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);

  // In-place files (MD's log): a symlink there is removed, never written through.
  const fs::path log = d / "md.log";
  fs::remove(log);
  fs::create_symlink(victim, log);
  const int fd = create_fresh_file(log);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, "log", 3) == 3);
  ::close(fd);
  CHECK(slurp(victim) == "precious");
  CHECK(slurp(log) == "log");
  CHECK_THROWS_AS(create_fresh_file("/dev/null"), InputError);
  fs::create_symlink(victim, d / "traj.h5");
  CHECK_THROWS_AS(check_regular_in_place(d / "traj.h5", "--resume"), InputError);
}

TEST_CASE("inputs read whole: devices, FIFOs and oversize files are refused without reading them") {
  const fs::path d = scratch();
  CHECK_THROWS_AS(read_regular_file("/dev/zero", 1000, "potential file"), InputError);
  const fs::path fifo = d / "in_fifo";
  fs::remove(fifo);
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_THROWS_AS(read_regular_file(fifo, 1000, "table"), InputError);  // returns at once, no writer needed
  std::ofstream(d / "big.txt") << std::string(2000, 'x');
  CHECK_THROWS_AS(read_regular_file(d / "big.txt", 1000, "table"), InputError);
  CHECK(read_regular_file(d / "big.txt", 2000, "table").size() == 2000);
  CHECK_THROWS_AS(load_config("/dev/zero"), InputError);
  CHECK(file_hash(d / "big.txt") == content_hash(std::string(2000, 'x')));
  CHECK(content_hash("a") != content_hash("b"));
}

TEST_CASE("HDF5: soft, external and dangling links and external storage are refused") {
  const fs::path d = scratch();
  const std::string outside = (d / "outside.bin").string();
  {
    std::ofstream o(outside, std::ios::binary);
    const double v[4] = {1, 2, 3, 4};
    o.write(reinterpret_cast<const char*>(v), sizeof v);
  }
  const std::string path = (d / "links.h5").string();
  {
    h5::Id f = h5::create_file(path);
    const double v[4] = {5, 6, 7, 8};
    h5::write_dataset(f, "real", v, {4});
    H5Lcreate_soft("/real", f, "soft", H5P_DEFAULT, H5P_DEFAULT);
    H5Lcreate_soft("/nothing", f, "dangling", H5P_DEFAULT, H5P_DEFAULT);
    H5Lcreate_external(outside.c_str(), "/x", f, "external", H5P_DEFAULT, H5P_DEFAULT);
    h5::Id dcpl(H5Pcreate(H5P_DATASET_CREATE));
    H5Pset_external(dcpl, outside.c_str(), 0, 4 * sizeof(double));
    const hsize_t n = 4;
    h5::Id space(H5Screate_simple(1, &n, nullptr));
    h5::Id set(H5Dcreate2(f, "stored_outside", H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT));
  }
  h5::Id f = h5::open_file(path, false);
  CHECK(h5::read_doubles(f, "real").at(3) == 8);
  CHECK_THROWS_AS(h5::read_doubles(f, "soft"), InputError);
  CHECK_THROWS_AS(h5::open_dataset(f, "dangling"), InputError);
  CHECK_THROWS_AS(h5::open_dataset(f, "external"), InputError);
  CHECK_THROWS_AS(h5::read_doubles(f, "stored_outside"), InputError);
}

TEST_CASE("describe_ini_change names each changed key with both values") {
  const std::string a = "[md]\ntemperature_kelvin = 400\nseed = 1\n", b = "[md]\ntemperature_kelvin = 1500\nseed = 1\n";
  CHECK(describe_ini_change(a, b) == "[md] temperature_kelvin = 400 → 1500");
  CHECK(describe_ini_change(a, a).empty());
}
