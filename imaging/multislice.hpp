#pragma once
// Plane-wave multislice (Kirkland 2010, ch. 6): for each slice n of thickness Δz
//     ψ ← F⁻¹[ P(k) · B(k) · F[ t_n · ψ ] ],   t_n = exp(iσ v_n(r)),   P(k) = exp(−iπλΔz k²),
// B the 2/3-Nyquist disc (anti-aliasing of the product t·ψ), v_n the projected potential of the
// atoms whose nuclei lie in slice n (V·Å), σ the interaction parameter. The incident wave is the
// plane wave ψ = 1; slices before the first one holding an atom leave it exactly 1, and an empty
// specimen gives exactly ψ = 1. The exit wave is at the end of the last slice.
#include <cstddef>
#include <vector>

#include "imaging/fft.hpp"
#include "imaging/grid.hpp"
#include "imaging/projected_potential.hpp"

namespace nanomix::imaging {

/// An atom of a slice: position (Å) in the image frame and the index of its radial table.
struct SliceAtom {
  double x_angstrom;
  double y_angstrom;
  int table;
  bool operator==(const SliceAtom& o) const {
    return x_angstrom == o.x_angstrom && y_angstrom == o.y_angstrom && table == o.table;
  }
};

/// Atoms binned by slice; slice n covers [z0 + nΔz, z0 + (n+1)Δz) along the beam.
struct SlicedSpecimen {
  std::vector<std::vector<SliceAtom>> slices;
  std::size_t atom_count() const {
    std::size_t n = 0;
    for (const auto& s : slices) n += s.size();
    return n;
  }
};

class Multislice {
 public:
  Multislice(const Grid& grid, double voltage_kv, double slice_thickness_angstrom,
             std::vector<RadialPotential> tables, int fft_threads = 1);

  /// A slice's potential carried over between frames: that of its first atoms (the longest run of
  /// atoms it shared with the frame before, e.g. a frozen tube's carbon listed before the ions), so
  /// that a frame whose slice starts with the same atoms (exactly the same positions and tables) adds
  /// only the rest. The sum runs in the same order as from zero: the same floats, bitwise.
  struct SliceCache {
    std::vector<SliceAtom> previous;  ///< the slice's atoms in the last frame
    std::size_t prefix = 0;           ///< how many of them `potential` holds (0: none)
    std::vector<float> potential;
  };
  /// Per-worker buffers.
  struct Workspace {
    FftBuffer psi;   ///< the exit spectrum (transposed layout)
    FftBuffer wave;  ///< ψ in real space during the run
    std::vector<float> potential;
    std::vector<SliceCache> slices;       ///< per slice index
    std::size_t cache_budget_bytes = 0;   ///< at most this much for the slices' potentials (0: no cache)
    std::size_t cache_bytes = 0;
    explicit Workspace(const Grid& g, std::size_t cache_budget = 0)
        : psi(g.size()), wave(g.size()), potential(g.size()), cache_budget_bytes(cache_budget) {}
  };

  /// Runs the specimen through; on return ws.psi holds the exit wave's spectrum Ψ(k) in the
  /// TRANSPOSED spectral layout (fft.hpp: (i, j) at i·ny + j), scaled so that the unnormalised
  /// `fft().backward_transposed` gives ψ(r) (vacuum: Ψ = δ_k0 exactly, at index 0).
  void exit_spectrum(const SlicedSpecimen& specimen, Workspace& ws) const;
  /// The projected potential of one slice (V·Å) into `v` (zeroed first).
  void slice_potential(const std::vector<SliceAtom>& atoms, float* v) const;
  /// The same, through the workspace's cache of slice `index` (SliceCache): the same floats, in
  /// ws.potential, or in the cache itself (returned; no copy) when it holds every atom of the slice.
  const float* slice_potential(std::size_t index, const std::vector<SliceAtom>& atoms, Workspace& ws) const;

  const Grid& grid() const { return grid_; }
  const Fft2d& fft() const { return fft_; }
  double sigma() const { return sigma_; }
  double wavelength() const { return lambda_; }
  const std::vector<RadialPotential>& tables() const { return tables_; }

 private:
  /// Atoms [from, to) of a slice added to `v`, in their order.
  void add_atoms(const std::vector<SliceAtom>& atoms, std::size_t from, std::size_t to, float* v) const;

  Grid grid_;
  double lambda_;
  double sigma_;
  std::vector<RadialPotential> tables_;
  std::vector<cfloat> propagator_;  // P·B / (nx·ny), transposed layout
  Fft2d fft_;
};

}  // namespace nanomix::imaging
