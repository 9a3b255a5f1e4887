#pragma once
// The per-frame kernel of `nanomix image`: a movie frame from its projected snapshots —
// for each snapshot slice → multislice exit wave → lens (image intensity, averaged over the
// snapshots), then the camera MTF and the dose. Runs inside core's frame executor; a frame's numbers
// depend only on its index (the dose noise is seeded per frame), never on the thread or rank.
#include <cstddef>
#include <vector>

#include "core/frame_executor.hpp"
#include "imaging/ctf.hpp"
#include "imaging/detector.hpp"
#include "imaging/movie_plan.hpp"
#include "imaging/multislice.hpp"
#include "imaging/specimen.hpp"

namespace nanomix::imaging {

/// What every frame shares, read-only across threads: built once per rank.
struct FrameEngines {
  FrameEngines(const ImagingParams& params, const MoviePlan& plan, const SliceGeometry& slices, std::vector<RadialPotential> tables);
  Multislice multislice;  ///< potentials, slices and propagation on the plan's grid
  LensTransfer lens;      ///< the objective lens (defocus, aberrations, aperture, coherence): ctf.hpp
  std::vector<float> mtf; ///< the camera MTF on the grid
  DoseParams dose;
  SliceGeometry slices;
  bool exit_wave = false;  ///< keep the exit wave of each frame's first snapshot
  /// Per worker, for slice potentials carried over between frames (Multislice::SliceCache): what
  /// max_memory_mib leaves beyond render_memory_mib, shared among the plan's workers.
  std::size_t slice_cache_budget_bytes = 0;
};

/// One frame's pixels (standard layout, grid.size() each).
struct FrameImages {
  std::vector<float> intensity, expected_counts, counts;
  std::vector<cfloat> exit_wave;  ///< only when asked
};

/// A thread's kernel: owns its buffers, shares the engines.
class FrameKernel {
 public:
  explicit FrameKernel(const FrameEngines& engines);
  /// Movie frame `frame` (its index seeds the dose noise) from its snapshots, in exposure order.
  FrameImages render(std::size_t frame, const std::vector<const ProjectedSnapshot*>& snapshots);

 private:
  const FrameEngines& e_;
  Multislice::Workspace ws_;
  FftBuffer scratch_;
  std::vector<double> image_;
};

/// A frame's pixels as bytes for the gather to rank 0, and back.
Bytes pack_frame(const FrameImages& images);
FrameImages unpack_frame(const Bytes& bytes);

}  // namespace nanomix::imaging
