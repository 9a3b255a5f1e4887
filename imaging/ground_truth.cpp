#include "imaging/ground_truth.hpp"

#include <algorithm>
#include <cmath>

namespace nanomix::imaging {

namespace {

/// Frame m's rows of the truth: atom a's mean over `snaps` (each a projected snapshot).
void frame_truth(const FieldOfView& view, const std::vector<const ProjectedSnapshot*>& snaps, std::size_t m, GroundTruth& t) {
  const std::size_t natoms = snaps[0]->u.size();
  const double width = view.width_angstrom, height = view.height_angstrom;
  const double spf = static_cast<double>(snaps.size());
  const ProjectedSnapshot& p0 = *snaps[0];
  std::copy(p0.z.begin(), p0.z.end(), t.atomic_numbers.begin() + static_cast<std::ptrdiff_t>(m * natoms));
  for (std::size_t a = 0; a < natoms; ++a) {
    double su = 0, sv = 0, sd = 0;
    bool in = true;
    for (const ProjectedSnapshot* pq : snaps) {
      double du = pq->u[a] - p0.u[a], dv = pq->v[a] - p0.v[a];
      if (view.wrap_x) du -= width * std::round(du / width);
      if (view.wrap_y) dv -= height * std::round(dv / height);
      su += du;
      sv += dv;
      sd += pq->depth[a];
      in = in && pq->inside[a];
    }
    double u = p0.u[a] + su / spf, v = p0.v[a] + sv / spf;
    if (view.wrap_x) u -= width * std::floor(u / width);
    if (view.wrap_y) v -= height * std::floor(v / height);
    t.projected_positions_angstrom[(m * natoms + a) * 2] = static_cast<float>(u);
    t.projected_positions_angstrom[(m * natoms + a) * 2 + 1] = static_cast<float>(v);
    t.depth_angstrom[m * natoms + a] = static_cast<float>(sd / spf);
    t.in_field_of_view[m * natoms + a] = in;
  }
}

}  // namespace

GroundTruth ground_truth(const MoviePlan& plan, const ProjectedMovie& movie) {
  const std::size_t nt = plan.frames(), natoms = movie.atoms;
  GroundTruth t;
  t.atomic_numbers.resize(nt * natoms);
  t.atom_index.resize(natoms);
  for (std::size_t a = 0; a < natoms; ++a) t.atom_index[a] = static_cast<std::int64_t>(a);
  t.projected_positions_angstrom.resize(nt * natoms * 2);
  t.depth_angstrom.resize(nt * natoms);
  t.in_field_of_view.resize(nt * natoms);
  for (std::size_t m = 0; m < nt; ++m) {
    std::vector<const ProjectedSnapshot*> snaps;
    for (std::size_t s : plan.snapshots[m]) {
      snaps.push_back(&movie.of(s));
      t.source_frames.push_back(static_cast<std::int64_t>(s));
      t.source_times_ps.push_back(movie.of(s).time_ps);
    }
    frame_truth(plan.view, snaps, m, t);
  }
  return t;
}

}  // namespace nanomix::imaging
