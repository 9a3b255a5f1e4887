#include "imaging/image_formation.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "imaging/kernels.hpp"

namespace nanomix::imaging {

namespace {
/// A second per-thread buffer for the out-of-place transforms.
cfloat* image_scratch(std::size_t n) {
  thread_local FftBuffer buf;
  if (buf.size() < n) buf = FftBuffer(n);
  return buf.data();
}
}  // namespace

void add_image_intensity(const Grid& grid, const Fft2d& fft, const FftBuffer& exit, const LensTransfer& lens,
                         double scale, FftBuffer& work, double* intensity) {
  const std::size_t n = grid.size();
  // Vacuum (Ψ = δ): every Hₙ(0) = 1, so the image is exactly 1; skip the transforms.
  bool vacuum = exit[0] == cfloat(1.0f, 0.0f);
  for (std::size_t i = 1; vacuum && i < n; ++i) vacuum = exit[i] == cfloat(0.0f, 0.0f);
  if (vacuum) {
    for (std::size_t i = 0; i < n; ++i) intensity[i] += scale;
    return;
  }
  const kernels::Table& k = kernels::best();
  const std::size_t low = static_cast<std::size_t>(fft.band().low_end) * static_cast<std::size_t>(grid.ny),
                    high = static_cast<std::size_t>(fft.band().high_begin) * static_cast<std::size_t>(grid.ny);
  for (const auto& [begin, end] : lens.runs) {
    if (end > low && begin < high) throw RuntimeError("add_image_intensity: the lens transfers frequencies outside the transform's band");
  }
  for (std::size_t p = 0; p < lens.h.size(); ++p) {
    // w = exit·H_p: the products on the transferred frequencies, 0 elsewhere.
    cfloat* w = work.data();
    std::fill(w, w + n, cfloat(0.0f, 0.0f));
    const cfloat* h = lens.h[p].data();
    for (const auto& [begin, end] : lens.runs) {
      k.multiply_into(w + begin, exit.data() + begin, h, end - begin);
      h += end - begin;
    }
    cfloat* out = image_scratch(n);
    // The lens transfers nothing beyond the band limit (ctf.cpp), so no row outside the band.
    fft.backward_transposed_band(w, out);
    k.add_norm(intensity, out, scale * lens.weights[p], n);  // intensity += s·|out|²
  }
}

void exit_wave_from_spectrum(const Fft2d& fft, const FftBuffer& exit, FftBuffer& wave) {
  cfloat* t = image_scratch(exit.size());
  std::copy(exit.data(), exit.data() + exit.size(), t);
  fft.backward_transposed_band(t, wave.data());  // the multislice's spectra are zero outside the band
}

}  // namespace nanomix::imaging
