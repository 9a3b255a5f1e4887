#pragma once
// The ground truth of a movie (GroundTruth, render_movie.hpp): for every frame and atom, its species,
// its image position and depth averaged over the frame's snapshots, and whether it is imaged.
#include "imaging/movie_plan.hpp"
#include "imaging/render_movie.hpp"
#include "imaging/specimen.hpp"

namespace nanomix::imaging {

/// From the projected snapshots. A frame's species are those of its first snapshot (a swap inside
/// the exposure shows as the old species); positions are the mean over the snapshots of the
/// displacement from the first one (the minimum image when the view wraps), wrapped into the view.
GroundTruth ground_truth(const MoviePlan& plan, const ProjectedMovie& movie);

}  // namespace nanomix::imaging
