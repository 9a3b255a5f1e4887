#include "imaging/frame_kernel.hpp"

#include <algorithm>

#include "core/memory.hpp"
#include "imaging/image_formation.hpp"

namespace nanomix::imaging {

FrameEngines::FrameEngines(const ImagingParams& p, const MoviePlan& plan, const SliceGeometry& s, std::vector<RadialPotential> tables)
    : multislice(plan.grid, p.optics.voltage_kv, s.thickness_angstrom, std::move(tables), plan.fft_threads),
      lens(make_lens_transfer(plan.grid, p.optics)),
      mtf(mtf_on_grid(plan.grid, p.mtf)),
      dose(p.dose),
      slices(s),
      exit_wave(p.exit_wave) {
  const double spare_mib = p.max_memory_mib - render_memory_mib(p, plan.grid, plan.frames());
  const double workers = static_cast<double>(std::max<std::size_t>(1, std::min<std::size_t>(static_cast<std::size_t>(std::max(1, plan.threads)), plan.frames())));
  if (spare_mib > 0) slice_cache_budget_bytes = static_cast<std::size_t>(spare_mib * 1048576.0 / workers);
}

FrameKernel::FrameKernel(const FrameEngines& engines)
    : e_(engines), ws_(engines.multislice.grid(), engines.slice_cache_budget_bytes), scratch_(engines.multislice.grid().size()), image_(engines.multislice.grid().size()) {}

FrameImages FrameKernel::render(std::size_t frame, const std::vector<const ProjectedSnapshot*>& snapshots) {
  const Grid& g = e_.multislice.grid();
  const Fft2d& fft = e_.multislice.fft();
  const std::size_t npix = g.size();
  FrameImages out;
  std::fill(image_.begin(), image_.end(), 0.0);
  for (std::size_t q = 0; q < snapshots.size(); ++q) {
    e_.multislice.exit_spectrum(slice_snapshot(*snapshots[q], e_.slices), ws_);
    if (q == 0 && e_.exit_wave) {
      exit_wave_from_spectrum(fft, ws_.psi, scratch_);
      out.exit_wave.assign(scratch_.data(), scratch_.data() + npix);
    }
    add_image_intensity(g, fft, ws_.psi, e_.lens, 1.0 / static_cast<double>(snapshots.size()), scratch_, image_.data());
  }
  reserve_prefaulted(out.intensity, npix);
  out.intensity.assign(image_.begin(), image_.end());  // double → float, pixel by pixel
  apply_mtf(g, fft, e_.mtf, scratch_, image_);
  expose(g, e_.dose, frame, image_, out.expected_counts, out.counts);
  return out;
}

Bytes pack_frame(const FrameImages& f) {
  Bytes b;
  ByteWriter w(b);
  w.array(f.intensity);
  w.array(f.expected_counts);
  w.array(f.counts);
  w.array(f.exit_wave);
  return b;
}

FrameImages unpack_frame(const Bytes& b) {
  ByteReader r(b);
  FrameImages f;
  f.intensity = r.array<float>();
  f.expected_counts = r.array<float>();
  f.counts = r.array<float>();
  f.exit_wave = r.array<cfloat>();
  return f;
}

}  // namespace nanomix::imaging
