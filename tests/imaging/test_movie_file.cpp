// The movie file module: what `nanomix image` writes is what read_movie_ground_truth and the movie
// reader give back, and the one version policy (h5::check_format_version) holds for both readers.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>

#include "core/error.hpp"
#include "core/frame.hpp"
#include "core/hdf5_util.hpp"
#include "imaging/detect/movie_reader.hpp"
#include "imaging/movie_file.hpp"
#include "imaging/render_movie.hpp"

using namespace nanomix;
using namespace nanomix::imaging;
namespace fs = std::filesystem;

namespace {

/// Na, Cl and I in a periodic 8 Å box; frame 1 has the Cl swapped to I and every atom moved.
std::vector<Frame> two_frames() {
  Frame f;
  f.box = Box::orthorhombic(8, 8, 6, {true, true, true});
  f.atomic_numbers = {11, 17, 53};
  f.positions_angstrom.resize(3, 3);
  f.positions_angstrom << 1, 1, 1, 4, 1.5, 2, 2, 5, 3;
  f.time_ps = 0;
  Frame g = f;
  g.atomic_numbers = {11, 53, 53};
  g.positions_angstrom.array() += 0.25;
  g.time_ps = 2;
  return {f, g};
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("nanomix_movie_file_" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

void set_version(const std::string& path, int version) {
  h5::Id f(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
  h5::write_attribute(f, "nanomix_movie_format_version", version);
}

}  // namespace

TEST_CASE("movie file: the ground truth read back equals the render's, species per frame included") {
  TempDir dir;
  ImagingParams p;
  p.pixel_size_angstrom = 0.2;
  p.frame_stride = 1;
  p.threads = 1;
  p.dose.dose_e_per_angstrom2 = 100;
  const auto r = render_movie(p, SnapshotSource::frames(two_frames(), "three ions"));
  const std::string path = (dir.path / "movie.emd").string();
  write_emd(path, movie_file_contents(r, p, "three ions", "", "test"));

  const auto g = read_movie_ground_truth(path);
  CHECK(g.format_version == movie_format_version);
  CHECK(g.frames == 2);
  CHECK(g.atoms == 3);
  CHECK(g.snapshots_per_frame == 1);
  CHECK(g.truth.atomic_numbers == std::vector<int>{11, 17, 53, 11, 53, 53});
  CHECK(g.truth.atomic_numbers == r.truth.atomic_numbers);
  CHECK(g.truth.atom_index == r.truth.atom_index);
  CHECK(g.truth.projected_positions_angstrom == r.truth.projected_positions_angstrom);
  CHECK(g.truth.depth_angstrom == r.truth.depth_angstrom);
  CHECK(g.truth.in_field_of_view == r.truth.in_field_of_view);
  CHECK(g.truth.source_frames == r.truth.source_frames);
  CHECK(g.truth.source_times_ps == std::vector<double>{0.0, 2.0});
  ReadOptions o;
  o.emd_group = "intensity";
  CHECK(read_movie(path, o).movie.frames == r.intensity.frames);
}

TEST_CASE("movie file: one version policy for the images and the ground truth") {
  TempDir dir;
  ImagingParams p;
  p.pixel_size_angstrom = 0.2;
  p.threads = 1;
  p.dose.dose_e_per_angstrom2 = 100;
  const auto r = render_movie(p, SnapshotSource::frames({two_frames()[0]}, "three ions"));
  const std::string path = (dir.path / "movie.emd").string();
  write_emd(path, movie_file_contents(r, p, "three ions", "", "test"));
  // Newer than this nanomix: both readers refuse it, naming the file.
  set_version(path, movie_format_version + 1);
  CHECK_THROWS_WITH_AS(read_movie(path), doctest::Contains((path + ": movie format version 3").c_str()), InputError);
  CHECK_THROWS_WITH_AS(read_movie_ground_truth(path), doctest::Contains("written by a newer nanomix"), InputError);
  // Version 1 (species once, not per frame): the images are read, the ground truth is not.
  set_version(path, 1);
  CHECK(read_movie(path).movie.frame_count() == 1);
  CHECK_THROWS_WITH_AS(read_movie_ground_truth(path), doctest::Contains("reads versions 2 to 2"), InputError);
  // No version: an EMD file from elsewhere; the images are read, it has no ground truth.
  {
    h5::Id f(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
    H5Adelete(f, "nanomix_movie_format_version");
  }
  CHECK(read_movie(path).movie.frame_count() == 1);
  CHECK_THROWS_WITH_AS(read_movie_ground_truth(path), doctest::Contains("not a nanomix movie"), InputError);
}
