#pragma once
// The frame's per-pixel loops (transmission, propagator and lens products, |ψ|² sums, projected
// potentials; and a block transpose), compiled for the x86-64 baseline (SSE2) and again for AVX2 and AVX-512F; the widest
// the CPU has is chosen once, at run time. Every variant does the same IEEE operations in the same
// order on each pixel (elementwise loops, no reductions, no fused multiply–add: kernels.cpp), so
// they give the same bits: results stay
// bitwise identical across threads, ranks, runs and machines. tests/imaging/test_kernels.cpp
// compares every variant the CPU has against the baseline, bit for bit.
#include <cstddef>

#include "imaging/grid.hpp"
#include "imaging/projected_potential.hpp"

namespace nanomix::imaging::kernels {

enum class Isa { baseline, avx2, avx512 };

/// The functions of one instruction set.
struct Table {
  /// ψ ← ψ·exp(iσv) over n pixels (pixels with v = 0 are left exactly as they are).
  void (*transmit)(cfloat* wave, const float* v, float sigma, std::size_t n);
  /// out ← a·b elementwise (out may be a).
  void (*multiply_into)(cfloat* out, const cfloat* a, const cfloat* b, std::size_t n);
  /// sum[i] += scale·|w[i]|² (in double).
  void (*add_norm)(double* sum, const cfloat* w, double scale, std::size_t n);
  /// add_atom_potential (projected_potential.hpp).
  void (*add_atom_potential)(float* v, int nx, int ny, double dx, double dy, const RadialPotential& table, double x, double y);
  /// out[c·out_stride + r] = in[r·in_stride + c] for r < rows, c < cols: the transposed copy of a
  /// rows × cols block (Fft2d's transposes where it is faster than FFTW's: a copy, the same bits).
  void (*transpose)(const cfloat* in, std::size_t in_stride, int rows, int cols, cfloat* out, std::size_t out_stride);
};

/// The widest instruction set this CPU runs.
Isa best_isa();
/// Whether this CPU runs `isa`.
bool supported(Isa isa);
/// The kernels of `isa` (which must be supported).
const Table& table(Isa isa);
/// The kernels of best_isa().
const Table& best();
const char* name(Isa isa);

}  // namespace nanomix::imaging::kernels
