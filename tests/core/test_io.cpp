#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <cmath>
#include <fstream>
#include <random>
#include <set>
#include <unistd.h>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/h5md.hpp"
#include "core/hdf5_util.hpp"
#include "core/memory.hpp"
#include "core/neighbors.hpp"
#include "core/random.hpp"
#include "core/xyz.hpp"

namespace fs = std::filesystem;
using namespace nanomix;

namespace {
fs::path temp_dir() {
  fs::path d = fs::temp_directory_path() / ("nanomix_test_core_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

Frame sample_frame(double shift) {
  Frame f;
  f.box = Box::orthorhombic(20, 21, 22, {true, false, true});
  f.positions_angstrom.resize(3, 3);
  f.positions_angstrom << 1 + shift, 2, 3, 4, 5 + shift, 6, 7.25, 8.5, 9.125 + shift;
  f.atomic_numbers = {11, 17, 53};
  f.time_ps = 0.5 + shift;
  f.step = static_cast<std::int64_t>(100 * shift);
  return f;
}
}  // namespace

TEST_CASE("extended XYZ round trip keeps cell, periodicity, species, positions, time") {
  const fs::path p = temp_dir() / "a.xyz";
  write_xyz(p.string(), {sample_frame(0), sample_frame(1)});
  const auto frames = read_xyz(p.string());
  REQUIRE(frames.size() == 2);
  const Frame ref = sample_frame(1);
  CHECK(frames[1].atomic_numbers == ref.atomic_numbers);
  CHECK((frames[1].positions_angstrom - ref.positions_angstrom).cwiseAbs().maxCoeff() < 1e-8);
  CHECK((frames[1].box.edges_angstrom - ref.box.edges_angstrom).cwiseAbs().maxCoeff() < 1e-8);
  CHECK(frames[1].box.periodic == ref.box.periodic);
  CHECK(frames[1].time_ps == doctest::Approx(1.5));
  CHECK(frames[1].step == 100);
}

TEST_CASE("extended XYZ written by other programs: Z column, extra columns, no Lattice") {
  const std::string ase = "2\nProperties=Z:I:1:pos:R:3:forces:R:3 energy=-1.0\n11 0 0 0 1 1 1\n17 2.8 0 0 0 0 0\n";
  auto f = parse_xyz(ase, "ase.xyz");
  CHECK(f[0].atomic_numbers == std::vector<int>{11, 17});
  CHECK(f[0].positions_angstrom(1, 0) == doctest::Approx(2.8));
  CHECK_FALSE(f[0].box.periodic[0]);
  const std::string plain = "1\n\nNa 1 2 3\n";
  CHECK(parse_xyz(plain, "plain.xyz")[0].positions_angstrom(0, 2) == doctest::Approx(3));
}

TEST_CASE("malformed XYZ: one-line errors naming the line") {
  auto error_of = [](const std::string& text) {
    try {
      parse_xyz(text, "bad.xyz");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(error_of("two\n\n").find("bad.xyz:1") != std::string::npos);
  CHECK(error_of("2\n\nNa 0 0 0\n").find("ends after 1 of 2 atoms") != std::string::npos);
  CHECK(error_of("1\n\nXx 0 0 0\n").find("bad.xyz:3") != std::string::npos);
  CHECK(error_of("1\n\nNa 0 nan 0\n").find("bad coordinate") != std::string::npos);
  CHECK(error_of("1\n\nNa 0 0\n").find("expected 4 columns") != std::string::npos);
  CHECK(error_of("").find("no atoms") != std::string::npos);
  CHECK(error_of("1\nLattice=\"1 2 3\"\nNa 0 0 0\n").find("9 numbers") != std::string::npos);
}

TEST_CASE("H5MD: frames, box, observables and config read back; resume cuts back") {
  const fs::path p = temp_dir() / "t.h5";
  {
    H5mdWriter w(p.string(), sample_frame(0), "[structure]\ntube_n = 9\n", "tester");
    for (int i = 0; i < 4; ++i) {
      Frame f = sample_frame(i);
      w.write_frame(f);
      w.write_observable("temperature", f.step, f.time_ps, 300 + i, "K");
    }
    w.write_parameter("md_time_to_experiment_seconds", 2.5);
  }
  {
    H5mdReader r(p.string());
    CHECK(r.frame_count() == 4);
    CHECK(!r.species_per_frame());
    CHECK(r.atomic_numbers(3) == std::vector<int>{11, 17, 53});
    const Frame f = r.frame(2), ref = sample_frame(2);
    CHECK((f.positions_angstrom - ref.positions_angstrom).cwiseAbs().maxCoeff() < 1e-12);
    CHECK((f.box.edges_angstrom - ref.box.edges_angstrom).cwiseAbs().maxCoeff() < 1e-12);
    CHECK(f.box.periodic == ref.box.periodic);
    CHECK(f.time_ps == doctest::Approx(ref.time_ps));
    CHECK(f.step == ref.step);
    const auto t = r.observable("temperature");
    CHECK(t.values == std::vector<double>{300, 301, 302, 303});
    CHECK(t.unit == "K");
    CHECK(r.config_ini().find("tube_n = 9") != std::string::npos);
    CHECK(r.parameter("md_time_to_experiment_seconds", 0) == doctest::Approx(2.5));
  }
  {
    auto w = H5mdWriter::reopen(p.string(), 2);
    CHECK(w->frame_count() == 2);
    w->write_frame(sample_frame(7));
    w->write_observable("temperature", 700, 7.5, 999, "K");
  }
  H5mdReader r(p.string());
  CHECK(r.frame_count() == 3);
  CHECK(r.frame(2).step == 700);
  CHECK(r.observable("temperature").values == std::vector<double>{300, 301, 999});
  CHECK_THROWS_AS(H5mdReader((temp_dir() / "missing.h5").string()), InputError);
}

TEST_CASE("H5MD: species that change are stored and read per frame; fixed species refuse a change") {
  const fs::path p = temp_dir() / "species.h5";
  // Frame i has Cl and I exchanged when i is odd (as a Cl<->I swap does).
  auto swapped = [](int i) {
    Frame f = sample_frame(i);
    if (i % 2) std::swap(f.atomic_numbers[1], f.atomic_numbers[2]);
    return f;
  };
  {
    H5mdWriter w(p.string(), sample_frame(0), "", "tester", SpeciesStorage::per_frame);
    for (int i = 0; i < 4; ++i) w.write_frame(swapped(i));
  }
  {
    H5mdReader r(p.string());
    CHECK(r.species_per_frame());
    REQUIRE(r.frame_count() == 4);
    for (std::size_t i = 0; i < 4; ++i) {
      CHECK(r.frame(i).atomic_numbers == swapped(static_cast<int>(i)).atomic_numbers);
      CHECK(r.atomic_numbers(i) == swapped(static_cast<int>(i)).atomic_numbers);
    }
    h5::Id f = h5::open_file(p.string());
    CHECK(h5::dataset_dims(f, "particles/all/species/value") == std::vector<hsize_t>{4, 3});
    CHECK(h5::read_int64s(f, "particles/all/species/step") == h5::read_int64s(f, "particles/all/position/step"));
  }
  {  // resume cuts the species back with the positions
    auto w = H5mdWriter::reopen(p.string(), 1);
    w->write_frame(swapped(7));
  }
  {
    H5mdReader r(p.string());
    REQUIRE(r.frame_count() == 2);
    CHECK(r.frame(0).atomic_numbers == std::vector<int>{11, 17, 53});
    CHECK(r.frame(1).atomic_numbers == std::vector<int>{11, 53, 17});
  }
  // Fixed species: a frame with other species is refused, never written as the old ones.
  const fs::path q = temp_dir() / "fixed.h5";
  H5mdWriter w(q.string(), sample_frame(0), "", "tester");
  w.write_frame(sample_frame(0));
  CHECK_THROWS_AS(w.write_frame(swapped(1)), RuntimeError);
}

TEST_CASE("H5MD: species of the wrong shape or not elements are refused with the file's name") {
  const fs::path p = temp_dir() / "bad_species.h5";
  {
    H5mdWriter w(p.string(), sample_frame(0), "", "tester");
    w.write_frame(sample_frame(0));
  }
  {
    h5::Id f = h5::open_file(p.string(), true);
    H5Ldelete(f, "particles/all/species", H5P_DEFAULT);
    const std::int32_t z[2] = {11, 17};
    h5::write_dataset(f, "particles/all/species", z, {2});
  }
  try {
    H5mdReader r(p.string());
    FAIL("a (2) species array for 3 atoms was accepted");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("bad_species.h5") != std::string::npos);
  }
  {
    h5::Id f = h5::open_file(p.string(), true);
    H5Ldelete(f, "particles/all/species", H5P_DEFAULT);
    const std::int32_t z[3] = {11, 17, 200};
    h5::write_dataset(f, "particles/all/species", z, {3});
  }
  CHECK_THROWS_AS(H5mdReader(p.string()), InputError);
}

TEST_CASE("H5MD: the one version policy — a newer nanomix trajectory is refused naming the file; foreign H5MD is read") {
  const fs::path p = temp_dir() / "versioned.h5";
  {
    H5mdWriter w(p.string(), sample_frame(0), "", "tester");
    w.write_frame(sample_frame(0));
  }
  {
    h5::Id f = h5::open_file(p.string(), true);
    h5::Id par = h5::open_group(f, "parameters");
    h5::write_attribute(par, "nanomix_format_version", h5md_format_version + 1);
  }
  CHECK_THROWS_WITH_AS(H5mdReader(p.string()),
                       doctest::Contains(("versioned.h5: trajectory format version " + std::to_string(h5md_format_version + 1)).c_str()),
                       InputError);
  {
    h5::Id f = h5::open_file(p.string(), true);
    h5::Id par = h5::open_group(f, "parameters");
    H5Adelete(par, "nanomix_format_version");  // as an H5MD file from another program
  }
  CHECK(H5mdReader(p.string()).frame_count() == 1);
}

TEST_CASE("atomic output: nothing left without commit, the file appears on commit") {
  const fs::path p = temp_dir() / "atomic.txt";
  fs::remove(p);
  {
    AtomicOutput out(p);
    std::ofstream(out.temp_path()) << "partial";
    CHECK(fs::exists(out.temp_path()));
  }
  CHECK_FALSE(fs::exists(p));
  CHECK(fs::is_empty(temp_dir()) == false);  // the other tests' files are still there
  for (const auto& entry : fs::directory_iterator(temp_dir())) {
    CHECK(entry.path().filename().string().find(".tmp-") == std::string::npos);
  }
  write_text_file_atomically(p, "done");
  std::ifstream in(p);
  std::string s;
  in >> s;
  CHECK(s == "done");
  CHECK_THROWS_AS(AtomicOutput(temp_dir() / "no_such_dir" / "x"), InputError);
}

TEST_CASE("cell-list pair search equals the all-pairs search, with periodic images") {
  Rng rng(42, RandomPurpose::cluster_build);
  Frame f;
  f.box = Box::orthorhombic(15, 16, 30, {true, true, false});
  const int n = 300;
  f.positions_angstrom.resize(n, 3);
  for (int i = 0; i < n; ++i) f.positions_angstrom.row(i) << rng.uniform(0, 15), rng.uniform(0, 16), rng.uniform(-5, 25);
  f.atomic_numbers.assign(n, 11);
  const double cutoff = 3.1;
  std::set<std::pair<int, int>> fast;
  for_each_pair_within(f, cutoff, [&](int i, int j, double) { fast.insert({i, j}); });
  std::set<std::pair<int, int>> slow;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) {
      Eigen::Vector3d d = f.positions_angstrom.row(j) - f.positions_angstrom.row(i);
      d[0] -= 15 * std::round(d[0] / 15);
      d[1] -= 16 * std::round(d[1] / 16);
      if (d.norm() < cutoff) slow.insert({i, j});
    }
  CHECK(fast == slow);
  CHECK(fast.size() > 50);  // the test means something
}

TEST_CASE("Mt19937_64 is the standard's mt19937_64: the same sequence, block after block") {
  // The standard fixes the 10000th output of a default-seeded (5489) mt19937_64.
  Mt19937_64 d(5489u);
  std::uint64_t x = 0;
  for (int i = 0; i < 10000; ++i) x = d();
  CHECK(x == 9981545732273789042ULL);
  // Against libstdc++'s engine for seeds of every kind, across many 312-word blocks (the state
  // update's three loops and the wrap at the end of a block).
  for (std::uint64_t seed : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{0x8000000000000000ULL},
                             ~std::uint64_t{0}, derive_seed(7, RandomPurpose::dose_noise, 3)}) {
    Mt19937_64 ours(seed);
    std::mt19937_64 reference(seed);
    int mismatches = 0;
    for (int i = 0; i < 312 * 40 + 7; ++i) mismatches += ours() != reference();
    CHECK(mismatches == 0);
  }
}

TEST_CASE("random streams: reproducible, distinct per purpose, Poisson moments") {
  Rng a(7, RandomPurpose::dose_noise, 3), b(7, RandomPurpose::dose_noise, 3), c(7, RandomPurpose::dose_noise, 4);
  CHECK(a.bits() == b.bits());
  CHECK(a.bits() != c.bits());
  for (double mean : {0.3, 4.0, 35.0, 1000.0}) {
    Rng r(1, RandomPurpose::dose_noise, static_cast<std::uint64_t>(mean * 10));
    const int n = 200000;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; ++i) {
      const double k = static_cast<double>(r.poisson(mean));
      sum += k;
      sum2 += k * k;
    }
    const double m = sum / n, var = sum2 / n - m * m;
    // Standard error of the mean sqrt(mean/n); of the variance ≈ mean·sqrt(2/n) (+ the kurtosis term).
    CHECK(std::abs(m - mean) < 4 * std::sqrt(mean / n));
    CHECK(std::abs(var - mean) < 4 * std::sqrt((2 * mean * mean + mean) / n));
  }
}

TEST_CASE("reserve_prefaulted: the contents and capacity of reserve, on storage mapped at once") {
  std::vector<float> v{1.5f, -2.0f, 3.25f};
  reserve_prefaulted(v, 1u << 20);  // 4 MB: above prefault's threshold
  REQUIRE(v.capacity() >= (1u << 20));
  CHECK(v == std::vector<float>{1.5f, -2.0f, 3.25f});
  const float* data = v.data();
  v.resize(1u << 20);  // no reallocation: the reserved storage
  CHECK(v.data() == data);
  CHECK(std::all_of(v.begin() + 3, v.end(), [](float x) { return x == 0.0f; }));
  reserve_prefaulted(v, 2);  // never shrinks
  CHECK(v.size() == (1u << 20));
  prefault(nullptr, 1u << 22);  // nothing to do, no crash
}
