#include "imaging/multislice.hpp"

#include <algorithm>
#include <cmath>

#include "core/memory.hpp"
#include "core/units.hpp"
#include "imaging/electron.hpp"
#include "imaging/kernels.hpp"

namespace nanomix::imaging {

Multislice::Multislice(const Grid& grid, double voltage_kv, double dz, std::vector<RadialPotential> tables,
                       int fft_threads)
    : grid_(grid),
      lambda_(wavelength_angstrom(voltage_kv)),
      sigma_(interaction_parameter_rad_per_volt_angstrom(voltage_kv)),
      tables_(std::move(tables)),
      propagator_(grid.size()),
      fft_(grid.nx, grid.ny, fft_threads, band_rows(grid)) {
  const double kmax2 = grid.band_limit() * grid.band_limit();
  const double norm = 1.0 / static_cast<double>(grid.size());
  for (int j = 0; j < grid.ny; ++j) {
    for (int i = 0; i < grid.nx; ++i) {
      const double k2 = grid.k2(i, j);
      const double phase = -units::pi * lambda_ * dz * k2;
      // k2 ≥ kx·kx in floating point: every row outside band_rows(grid) is zero (fft.hpp).
      propagator_[transposed_index(grid, i, j)] =
          k2 <= kmax2 ? cfloat(static_cast<float>(norm * std::cos(phase)), static_cast<float>(norm * std::sin(phase))) : cfloat(0);
    }
  }
}

void Multislice::add_atoms(const std::vector<SliceAtom>& atoms, std::size_t from, std::size_t to, float* v) const {
  for (std::size_t k = from; k < to; ++k) {
    const SliceAtom& a = atoms[k];
    add_atom_potential(v, grid_.nx, grid_.ny, grid_.dx_angstrom, grid_.dy_angstrom, tables_[static_cast<std::size_t>(a.table)],
                       a.x_angstrom, a.y_angstrom);
  }
}

void Multislice::slice_potential(const std::vector<SliceAtom>& atoms, float* v) const {
  std::fill(v, v + grid_.size(), 0.0f);
  add_atoms(atoms, 0, atoms.size(), v);
}

const float* Multislice::slice_potential(std::size_t index, const std::vector<SliceAtom>& atoms, Workspace& ws) const {
  float* v = ws.potential.data();
  const std::size_t n = grid_.size();
  if (ws.cache_budget_bytes == 0) {
    slice_potential(atoms, v);
    return v;
  }
  if (ws.slices.size() <= index) ws.slices.resize(index + 1);
  SliceCache& c = ws.slices[index];
  // How many atoms, from the first, this slice shares with the last frame's. The cache holds the
  // sum of the first c.prefix of them; while every frame shares at least those, they are the same
  // atoms as when it was made.
  const std::size_t shared = static_cast<std::size_t>(
      std::mismatch(atoms.begin(), atoms.end(), c.previous.begin(), c.previous.end()).first - atoms.begin());
  std::size_t start = 0;
  if (c.prefix > 0 && c.prefix == atoms.size() && shared == atoms.size()) {  // the cache holds them all: no copy
    c.previous = atoms;
    return c.potential.data();
  }
  if (c.prefix > 0 && c.prefix <= shared) {
    std::copy(c.potential.begin(), c.potential.end(), v);
    start = c.prefix;
  } else {
    std::fill(v, v + n, 0.0f);
    c.prefix = 0;
  }
  add_atoms(atoms, start, shared, v);
  if (shared > c.prefix) {  // a longer shared run than the cache holds: keep its sum instead
    const std::size_t bytes = n * sizeof(float);
    const bool room = c.potential.empty() && ws.cache_bytes + bytes <= ws.cache_budget_bytes;
    if (room) ws.cache_bytes += bytes;
    if (room || !c.potential.empty()) {
      reserve_prefaulted(c.potential, n);  // a first allocation is mapped at once and filled by the copy
      c.potential.assign(v, v + n);
      c.prefix = shared;
    }
  }
  add_atoms(atoms, shared, atoms.size(), v);
  c.previous = atoms;
  return v;
}

void Multislice::exit_spectrum(const SlicedSpecimen& specimen, Workspace& ws) const {
  const std::size_t n = grid_.size();
  cfloat* spec = ws.psi.data();
  cfloat* wave = ws.wave.data();
  const cfloat* prop = propagator_.data();
  bool plane = true;  // ψ is still exactly the incident plane wave
  const float sigma = static_cast<float>(sigma_);
  const kernels::Table& k = kernels::best();
  // The spectrum's rows outside the band stay zero (the band-limited transforms skip them).
  const std::size_t low = static_cast<std::size_t>(fft_.band().low_end) * static_cast<std::size_t>(grid_.ny),
                    high = static_cast<std::size_t>(fft_.band().high_begin) * static_cast<std::size_t>(grid_.ny);
  for (std::size_t index = 0; index < specimen.slices.size(); ++index) {
    const auto& slice = specimen.slices[index];
    if (plane && slice.empty()) continue;  // a plane wave crosses empty space unchanged
    if (plane) {
      for (std::size_t i = 0; i < n; ++i) wave[i] = cfloat(1.0f, 0.0f);
      plane = false;
    }
    if (!slice.empty()) {
      k.transmit(wave, slice_potential(index, slice, ws), sigma, n);
    }
    fft_.forward_transposed_band(wave, spec);
    k.multiply_into(spec, spec, prop, low);
    k.multiply_into(spec + high, spec + high, prop + high, n - high);
    // The next slice needs ψ in real space; after the last one the spectrum is what we want.
    if (&slice != &specimen.slices.back()) fft_.backward_transposed_band(spec, wave);
  }
  if (plane) {
    for (std::size_t i = 0; i < n; ++i) spec[i] = cfloat(0.0f, 0.0f);
    spec[0] = cfloat(1.0f, 0.0f);
  }
}

}  // namespace nanomix::imaging
