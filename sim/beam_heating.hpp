#pragma once
// Heating by the imaging beam: the energy the electrons leave in the cluster per frame (collision
// stopping power) and the steady-state temperature rise of the irradiated area.
//
// Stopping power: the collision (electronic) mass stopping power of electrons, ICRU Report 37
// (1984), eq. 2.1 with the Rohrlich–Carlson term F⁻ for electrons, without the density effect
// (δ < 0.01 below 100 keV):
//   S/ρ = 2π r_e² m c² N_A (Z/A) / β² · [ ln( τ²(τ + 2) / (2 (I/mc²)²) ) + F⁻(τ) ],
//   F⁻(τ) = 1 − β² + [τ²/8 − (2τ + 1) ln 2] / (τ + 1)²,   τ = E/mc²,
// with the mean excitation energies I of ICRU 37 / NIST ESTAR (NaCl 175.3 eV, NaI 452.0 eV,
// graphite 78.0 eV). Checked against ESTAR's water (I = 75 eV): 22.56 MeV cm²/g at 10 keV and
// 4.115 at 100 keV (tests/sim/test_beam_heating.cpp).
//
// Temperature rise: the beam (radius r₀, current density j) heats a thin support film (the
// specimen's heat path: the tube bundle lies on a carbon film) uniformly inside r₀; heat flows
// radially in the film to a sink held at the stage temperature at radius b. The steady state of
// the 2D heat equation with a uniform source q inside r₀ gives at the centre
//   ΔT = q r₀² / (4κ) · [1 + 2 ln(b / r₀)],   q r₀² = (j/e) · ρS · e · r₀² (the film's ρS, W/m³ · m²),
// independent of the film's thickness (both the power and the conducting section scale with it).
// Cf. R. F. Egerton, P. Li, M. Malac, Micron 35 (2004) 399, whose estimate for a film has the same
// form. A steady state, because heat leaves the irradiated area in nanoseconds while a frame lasts
// tens of milliseconds.
namespace nanomix::sim {

/// Collision mass stopping power (MeV cm²/g) of electrons of kinetic energy `kinetic_ev` in a
/// material with `z_over_a` (mol/g: Σ Z / Σ A per formula unit) and mean excitation energy `mean_excitation_ev`.
double electron_collision_stopping_mev_cm2_per_g(double kinetic_ev, double z_over_a, double mean_excitation_ev);

/// Energy (eV) the beam leaves per frame in a cluster of `nacl_pairs` NaCl and `nai_pairs` NaI
/// formula units (Bragg additivity: each formula unit's mass × its compound's S/ρ × the fluence).
double cluster_energy_per_frame_ev(double beam_ev, double dose_rate_e_per_nm2_s, double seconds_per_frame, double nacl_pairs,
                                   double nai_pairs);

/// The steady-state film model above.
struct BeamHeatingModel {
  double beam_ev = 80e3;
  double dose_rate_e_per_nm2_s = 1e6;
  double beam_radius_nm = 50;                 ///< r₀: radius of the illuminated disc
  double heat_sink_radius_nm = 1000;          ///< b: where the film meets the grid bar (held at the stage temperature)
  double film_conductivity_w_per_m_k = 1.5;   ///< κ: amorphous carbon support film
  double film_density_g_per_cm3 = 2.0;        ///< amorphous carbon
};
/// ΔT (K) at the centre of the illuminated disc.
double beam_heating_kelvin(const BeamHeatingModel& m);

}  // namespace nanomix::sim
