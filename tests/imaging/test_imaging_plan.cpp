// Unit tests of the movie plan (imaging/movie_plan.hpp) and of the specimen steps after it
// (projection, slicing, ground truth: specimen.hpp, ground_truth.hpp); no FFT runs. Expected values
// come from the definitions in render_movie.hpp (frame m = first_frame + m·frame_stride + q; the
// clock; slices anchored at depth 0; periodic wrapping), worked out by hand, and from brute-force
// enumeration (FFT-friendly sizes by trial division), not from the code under test.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "core/error.hpp"
#include "core/frame.hpp"
#include "imaging/ground_truth.hpp"
#include "imaging/movie_plan.hpp"
#include "imaging/specimen.hpp"

using namespace nanomix;
using namespace nanomix::imaging;

namespace {

bool only_small_primes(int n) {
  for (int p = 2; p <= n; ++p)
    if (n % p == 0) {
      if (p > 7) return false;
      while (n % p == 0) n /= p;
    }
  return true;
}

ImagingParams plan_params() {
  ImagingParams p;
  p.optics.aperture_mrad = 0;
  p.optics.focal_spread_angstrom = 0;
  p.optics.source_semiangle_mrad = 0;
  p.threads = 1;
  return p;
}

}  // namespace

TEST_CASE("frame → snapshot mapping: first_frame + m·frame_stride + q while the snapshots exist") {
  ImagingParams p = plan_params();
  p.first_frame = 3;
  p.frame_stride = 4;
  p.snapshots_per_frame = 2;
  for (std::size_t count : {5u, 6u, 17u, 20u, 21u}) {
    std::vector<std::vector<std::size_t>> want;
    for (std::size_t start = 3; start + 2 <= count; start += 4) want.push_back({start, start + 1});
    CHECK(frame_snapshots(p, count, "t.h5") == want);
  }
  p.max_frames = 2;
  CHECK(frame_snapshots(p, 100, "t.h5") == std::vector<std::vector<std::size_t>>{{3, 4}, {7, 8}});
  CHECK_THROWS_WITH_AS(frame_snapshots(p, 4, "t.h5"), doctest::Contains("none left"), InputError);
  CHECK_THROWS_WITH_AS(frame_snapshots(p, 0, "t.h5"), doctest::Contains("t.h5: holds no frames"), InputError);
}

TEST_CASE("grid: the smallest 2·3·5·7-smooth pixel count whose pixels are at most pixel_size_angstrom") {
  ImagingParams p = plan_params();
  for (double width : {10.0, 25.6, 31.7, 48.1, 97.3}) {
    for (double px : {0.1, 0.13, 0.25}) {
      p.pixel_size_angstrom = px;
      FieldOfView v;
      v.width_angstrom = width;
      v.height_angstrom = width / 2;
      const Grid g = plan_grid(p, v);
      const int least = static_cast<int>(std::ceil(width / px - 1e-9));
      CHECK(g.nx >= least);
      CHECK(only_small_primes(g.nx));
      for (int n = least; n < g.nx; ++n) CHECK_FALSE(only_small_primes(n));
      CHECK(g.dx_angstrom <= px * (1 + 1e-12));
      CHECK(g.dx_angstrom * g.nx == doctest::Approx(width).epsilon(1e-14));
    }
  }
  p.nx = 64;
  p.ny = 48;
  FieldOfView v;
  v.width_angstrom = v.height_angstrom = 12.8;
  const Grid g = plan_grid(p, v);
  CHECK(g.nx == 64);
  CHECK(g.ny == 48);
}

TEST_CASE("field of view: image axes follow the beam, the view wraps only over a whole periodic cell") {
  ImagingParams p = plan_params();
  const Box box = Box::orthorhombic(30, 40, 50, {true, true, false});
  p.projection_axis = 0;  // beam along x: the image is (y, z)
  FieldOfView v = plan_field_of_view(p, box, "s.xyz");
  CHECK(v.x_axis == 1);
  CHECK(v.y_axis == 2);
  CHECK(v.width_angstrom == 40);
  CHECK(v.height_angstrom == 50);
  CHECK(v.beam_length_angstrom == 30);
  CHECK(v.wrap_x);
  CHECK_FALSE(v.wrap_y);  // z is not periodic
  p.fov_x0_angstrom = 1;
  p.fov_width_angstrom = 20;
  v = plan_field_of_view(p, box, "s.xyz");
  CHECK(v.width_angstrom == 20);
  CHECK_FALSE(v.wrap_x);
  Box sheared = box;
  sheared.edges_angstrom(1, 0) = 3;
  CHECK_THROWS_WITH_AS(plan_field_of_view(p, sheared, "s.xyz"), doctest::Contains("orthorhombic"), InputError);
}

TEST_CASE("slices: anchored at depth 0, from the first to the last slice holding atoms, or tiling the cell") {
  ImagingParams p = plan_params();
  p.slice_thickness_angstrom = 1;
  FieldOfView v;
  v.beam_length_angstrom = 10.5;
  SliceGeometry s = plan_slices(p, v, 2.3, 7.9);
  CHECK(s.first_z_angstrom == 2);
  CHECK(s.count == 6);  // slices [2,3) … [7,8)
  CHECK(s.defocus_reference_z_angstrom() == 8);
  CHECK(s.slice_of(2.3) == 0);
  CHECK(s.slice_of(7.9) == 5);
  CHECK(s.slice_of(100) == 5);  // clamped
  CHECK(plan_slices(p, v, INFINITY, -INFINITY).count == 1);  // no imaged atom
  p.slice_range_cell = true;
  s = plan_slices(p, v, 2.3, 7.9);
  CHECK(s.first_z_angstrom == 0);
  CHECK(s.count == 11);
}

TEST_CASE("slices: an atom far along the beam (a damaged trajectory) is refused in one line, not cast past int") {
  // Found by validation/attack (--full): a bit flip put an atom at 2.8e155 Å and the slice count
  // overflowed its int, ending in std::length_error (exit 1).
  ImagingParams p = plan_params();
  p.slice_thickness_angstrom = 1;
  FieldOfView v;
  v.beam_length_angstrom = 10.5;
  CHECK_THROWS_AS(plan_slices(p, v, 10, 2.8e155), InputError);
  CHECK_THROWS_AS(plan_slices(p, v, 10, 1.3e11), InputError);
  CHECK(plan_slices(p, v, 0, 9999999.5).count == 10000000);  // the limit itself is allowed
  p.slice_range_cell = true;
  v.beam_length_angstrom = 1e300;
  CHECK_THROWS_AS(plan_slices(p, v, 2.3, 7.9), InputError);
}

TEST_CASE("clock: the trajectory's mapping of MD time, else one exposure per frame") {
  ImagingParams p = plan_params();
  p.frame_time_s = 0.04;
  MovieClock c = plan_clock(p, {10, 12, 14, 16}, true, 0.5);
  CHECK(c.from_trajectory);
  CHECK(c.frame_times_s == std::vector<double>{5, 6, 7, 8});
  CHECK(c.frame_interval_s == 1);
  c = plan_clock(p, {10, 12, 14, 16}, true, 0);
  CHECK_FALSE(c.from_trajectory);
  CHECK(c.frame_times_s[3] == doctest::Approx(0.12));
  CHECK(c.frame_interval_s == doctest::Approx(0.04));
  c = plan_clock(p, {10}, false, 0.5);  // a structure has no mapping; one frame: the exposure
  CHECK_FALSE(c.from_trajectory);
  CHECK(c.frame_interval_s == 0.04);
}

TEST_CASE("checks: the aperture inside the band limit; memory grows by the three float movies per frame") {
  ImagingParams p = plan_params();
  const Box box = Box::orthorhombic(25.6, 25.6, 5, {true, true, true});
  p.pixel_size_angstrom = 0.5;     // band limit 2/3 · 1 Å⁻¹ · λ(80 kV) ≈ 28 mrad
  p.optics.aperture_mrad = 40;
  CHECK_THROWS_WITH_AS(plan_movie(p, {{0}}, box, "s"), doctest::Contains("use pixels of at most"), InputError);
  p.optics.aperture_mrad = 20;
  const MoviePlan plan = plan_movie(p, {{0}, {1}, {2}}, box, "s");
  CHECK(plan.frames() == 3);
  CHECK(plan.threads == 1);
  const Grid& g = plan.grid;
  const double one_frame_mib = 3 * 4.0 * static_cast<double>(g.size()) / (1024 * 1024);
  CHECK(render_memory_mib(p, g, 20) - render_memory_mib(p, g, 10) == doctest::Approx(10 * one_frame_mib));
  p.max_memory_mib = render_memory_mib(p, g, 3) * 0.99;
  CHECK_THROWS_WITH_AS(plan_movie(p, {{0}, {1}, {2}}, box, "s"), doctest::Contains("max_memory_mib"), InputError);
}

TEST_CASE("specimen: atoms wrap into a periodic view, go to the slice of their nucleus; the truth averages across the edge") {
  ImagingParams p = plan_params();
  p.slice_thickness_angstrom = 1;
  auto frame = [](double x0, double t_ps) {
    Frame f;
    f.box = Box::orthorhombic(10, 10, 10, {true, true, true});
    f.positions_angstrom.resize(2, 3);
    f.positions_angstrom.row(0) << x0, 5, 3.5;  // crosses x = 0 / 10 between snapshots
    f.positions_angstrom.row(1) << 4, -1, 6.2;   // y = −1 wraps to 9
    f.atomic_numbers = {11, 53};
    f.time_ps = t_ps;
    return f;
  };
  const std::vector<Frame> frames = {frame(9.6, 0), frame(10.2, 1)};
  const MoviePlan plan = plan_movie(p, frame_snapshots(p, 1, "s"), frames[0].box, "s");
  const ProjectedSnapshot a = project_snapshot(frames[0], p, plan.view, "s"), b = project_snapshot(frames[1], p, plan.view, "s");
  CHECK(a.u[0] == doctest::Approx(9.6));
  CHECK(b.u[0] == doctest::Approx(0.2));
  CHECK(a.v[1] == doctest::Approx(9));
  CHECK(a.inside[0] == 1);
  CHECK(a.inside[1] == 1);

  SliceGeometry slices = plan_slices(p, plan.view, 3.5, 6.2);  // slices [3,4) … [6,7)
  ProjectedSnapshot sa = a;
  sa.table = {0, 1};
  const SlicedSpecimen spec = slice_snapshot(sa, slices);
  REQUIRE(spec.slices.size() == 4);
  REQUIRE(spec.slices[0].size() == 1);
  REQUIRE(spec.slices[3].size() == 1);
  CHECK(spec.slices[0][0].table == 0);
  CHECK(spec.slices[3][0].y_angstrom == doctest::Approx(9));
  CHECK(spec.atom_count() == 2);

  // One movie frame of both snapshots: atom 0 at the midpoint across the edge, 9.9.
  ImagingParams p2 = p;
  p2.snapshots_per_frame = 2;
  p2.frame_stride = 2;
  const MoviePlan plan2 = plan_movie(p2, frame_snapshots(p2, 2, "t"), frames[0].box, "t");
  const ProjectedMovie movie = project_movie(SnapshotSource::frames(frames, "t"), plan2, p2, frames[0]);
  CHECK(movie.depth_min_angstrom == doctest::Approx(3.5));
  CHECK(movie.depth_max_angstrom == doctest::Approx(6.2));
  const GroundTruth t = ground_truth(plan2, movie);
  CHECK(t.projected_positions_angstrom[0] == doctest::Approx(9.9).epsilon(1e-6));
  CHECK(t.projected_positions_angstrom[3] == doctest::Approx(9).epsilon(1e-6));
  CHECK(t.atomic_numbers == std::vector<int>{11, 53});
  CHECK(t.source_frames == std::vector<std::int64_t>{0, 1});
  CHECK(t.source_times_ps == std::vector<double>{0, 1});

  // A non-periodic view: the atom outside is an error, or dropped (left out of the slices).
  p.fov_x0_angstrom = 1;
  p.fov_width_angstrom = 8;
  const MoviePlan cut = plan_movie(p, {{0}}, frames[0].box, "s");
  CHECK_THROWS_WITH_AS(project_snapshot(frames[0], p, cut.view, "s frame 0"), doctest::Contains("outside the field of view"), InputError);
  p.drop_outside_atoms = true;
  ProjectedSnapshot d = project_snapshot(frames[0], p, cut.view, "s frame 0");
  CHECK(d.inside[0] == 0);
  d.table = {0, 1};
  CHECK(slice_snapshot(d, slices).atom_count() == 1);
}
