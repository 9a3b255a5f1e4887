#pragma once
// Kirkland's electron scattering factors: the parameter table of the fit of three Lorentzians and
// three Gaussians to the relativistic Hartree–Fock scattering amplitudes, Z = 1..103 (E. J.
// Kirkland, Advanced Computing in Electron Microscopy, 2nd ed., Springer 2010, Appendix C).
// The table ships as imaging/data/kirkland_fparams.dat and is compiled into the library; a user
// may read another file in the same format ([imaging] scattering_table).
//
//   f_e(q)  = Σ aᵢ/(q² + bᵢ) + Σ cᵢ exp(−dᵢ q²)                       [Å], q = 1/d in Å⁻¹ (no 2π)
//   V(r)    = 2π²a₀e Σ (aᵢ/r) exp(−2πr√bᵢ) + 2π^(5/2) a₀e Σ cᵢ dᵢ^(−3/2) exp(−π²r²/dᵢ)        [V]
//   v_z(r)  = 4π²a₀e Σ aᵢ K₀(2πr√bᵢ) + 2π²a₀e Σ (cᵢ/dᵢ) exp(−π²r²/dᵢ)                    [V·Å]
// with a₀e = 0.5292 Å × 14.4 V·Å (Kirkland's values). The 2D Fourier transform of v_z is
// 2π a₀e · f_e(q) (the relation the validation checks).
#include <array>
#include <string>
#include <vector>

namespace nanomix::imaging {

/// Kirkland's constants: Bohr radius a₀ in Å and e = e²/(4πε₀) in V·Å, as the book uses them.
inline constexpr double kirkland_bohr_angstrom = 0.5292;
inline constexpr double kirkland_e_volt_angstrom = 14.4;

struct ScatteringParameters {
  int atomic_number = 0;
  std::array<double, 3> a{}, b{}, c{}, d{};  ///< Lorentzians (aᵢ Å⁻¹, bᵢ Å⁻²), Gaussians (cᵢ Å, dᵢ Å²)

  /// f_e(q) in Å for q in Å⁻¹.
  double fe(double q_per_angstrom) const;
  /// 3D potential V(r) in V (r > 0, Å).
  double potential_volt(double r_angstrom) const;
  /// Projected potential v_z(r) in V·Å (r > 0, Å).
  double projected_potential_volt_angstrom(double r_angstrom) const;
  /// ∫ v_z over a disc of radius r around the nucleus, divided by its area (finite at r → 0).
  double disc_mean_projected_potential_volt_angstrom(double r_angstrom) const;
};

class ScatteringTable {
 public:
  /// The table compiled into nanomix (Kirkland, Appendix C).
  static const ScatteringTable& kirkland();
  /// Reads a table in the format of imaging/data/kirkland_fparams.dat: comment lines with '#',
  /// then lines "Z a1 b1 a2 b2 a3 b3 c1 d1 c2 d2 c3 d3 [# symbol]". InputError naming file:line.
  static ScatteringTable read(const std::string& path);
  static ScatteringTable parse(const std::string& text, const std::string& name);

  bool has(int atomic_number) const;
  /// InputError "element Z (Sym) is not in the scattering table NAME" if absent.
  const ScatteringParameters& at(int atomic_number) const;
  const std::string& name() const { return name_; }
  int size() const;

 private:
  std::string name_;
  std::vector<ScatteringParameters> by_z_;  // index Z; atomic_number 0 = absent
};

}  // namespace nanomix::imaging
