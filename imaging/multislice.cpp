#include "imaging/multislice.hpp"

#include <cmath>

#include "core/units.hpp"
#include "imaging/electron.hpp"

namespace nanomix::imaging {

Multislice::Multislice(const Grid& grid, double voltage_kv, double dz, std::vector<RadialPotential> tables,
                       int fft_threads)
    : grid_(grid),
      lambda_(wavelength_angstrom(voltage_kv)),
      sigma_(interaction_parameter_rad_per_volt_angstrom(voltage_kv)),
      tables_(std::move(tables)),
      propagator_(grid.size()),
      fft_(grid.nx, grid.ny, fft_threads) {
  const double kmax2 = grid.band_limit() * grid.band_limit();
  const double norm = 1.0 / static_cast<double>(grid.size());
  for (int j = 0; j < grid.ny; ++j) {
    for (int i = 0; i < grid.nx; ++i) {
      const double k2 = grid.k2(i, j);
      const double phase = -units::pi * lambda_ * dz * k2;
      propagator_[transposed_index(grid, i, j)] =
          k2 <= kmax2 ? cfloat(static_cast<float>(norm * std::cos(phase)), static_cast<float>(norm * std::sin(phase))) : cfloat(0);
    }
  }
}

void Multislice::slice_potential(const std::vector<SliceAtom>& atoms, float* v) const {
  std::fill(v, v + grid_.size(), 0.0f);
  for (const auto& a : atoms) {
    add_atom_potential(v, grid_.nx, grid_.ny, grid_.dx_angstrom, grid_.dy_angstrom, tables_[static_cast<std::size_t>(a.table)],
                       a.x_angstrom, a.y_angstrom);
  }
}

void Multislice::exit_spectrum(const SlicedSpecimen& specimen, Workspace& ws) const {
  const std::size_t n = grid_.size();
  cfloat* spec = ws.psi.data();
  cfloat* wave = ws.wave.data();
  float* v = ws.potential.data();
  const cfloat* prop = propagator_.data();
  bool plane = true;  // ψ is still exactly the incident plane wave
  const float sigma = static_cast<float>(sigma_);
  for (const auto& slice : specimen.slices) {
    if (plane && slice.empty()) continue;  // a plane wave crosses empty space unchanged
    if (plane) {
      for (std::size_t i = 0; i < n; ++i) wave[i] = cfloat(1.0f, 0.0f);
      plane = false;
    }
    if (!slice.empty()) {
      slice_potential(slice, v);
      for (std::size_t i = 0; i < n; ++i) {
        if (v[i] == 0.0f) continue;
        const float ph = sigma * v[i];
        wave[i] *= cfloat(std::cos(ph), std::sin(ph));
      }
    }
    fft_.forward_transposed(wave, spec);
    for (std::size_t i = 0; i < n; ++i) spec[i] *= prop[i];
    // The next slice needs ψ in real space; after the last one the spectrum is what we want.
    if (&slice != &specimen.slices.back()) fft_.backward_transposed(spec, wave);
  }
  if (plane) {
    for (std::size_t i = 0; i < n; ++i) spec[i] = cfloat(0.0f, 0.0f);
    spec[0] = cfloat(1.0f, 0.0f);
  }
}

}  // namespace nanomix::imaging
