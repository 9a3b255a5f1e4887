#pragma once
// From the exit wave to the image at the camera: I(r) = Σₙ wₙ |F⁻¹[Ψ_e(k) Hₙ(k)]|² (ctf.hpp), the
// intensity relative to the incident beam (vacuum = 1).
#include "imaging/ctf.hpp"
#include "imaging/fft.hpp"

namespace nanomix::imaging {

/// Adds `scale` × the image intensity of the exit spectrum `exit` (transposed layout, as
/// Multislice::exit_spectrum gives it) to `intensity` (grid.size() doubles, standard layout).
/// `work` is a scratch buffer of the same size. The transforms are `fft`'s band-limited ones: the
/// lens must transfer nothing outside fft.band() (true of any lens and band_rows(grid)).
void add_image_intensity(const Grid& grid, const Fft2d& fft, const FftBuffer& exit, const LensTransfer& lens,
                         double scale, FftBuffer& work, double* intensity);

/// The exit wave in real space (backward FFT of the transposed spectrum, zero outside fft.band(),
/// as the multislice leaves it) into `wave`.
void exit_wave_from_spectrum(const Fft2d& fft, const FftBuffer& exit, FftBuffer& wave);

}  // namespace nanomix::imaging
