#pragma once
// The imaging electron: relativistic wavelength and interaction parameter.
// λ = h / sqrt(2 m0 e V (1 + e V / (2 m0 c²)))          [Å]
// σ = 2π m e λ / h² = (2π / (λ V)) · (m0 c² + e V) / (2 m0 c² + e V)   [rad/(V·Å)]
// (Kirkland, Advanced Computing in Electron Microscopy, 2nd ed., eqs. 2.5 and 5.6; m = γ m0.)

namespace nanomix::imaging {

/// Relativistic electron wavelength in Å for an accelerating voltage in kV (80 kV: 0.041757 Å).
double wavelength_angstrom(double voltage_kv);
/// Interaction parameter σ in rad/(V·Å) (80 kV: 1.00871e-3).
double interaction_parameter_rad_per_volt_angstrom(double voltage_kv);
/// Relativistic mass factor γ = 1 + eV/(m0c²).
double gamma_factor(double voltage_kv);

}  // namespace nanomix::imaging
