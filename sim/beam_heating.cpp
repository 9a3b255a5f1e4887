#include "sim/beam_heating.hpp"

#include <cmath>

namespace nanomix::sim {

namespace {
constexpr double electron_rest_ev = 510998.95;
/// 2π r_e² m c² N_A in MeV cm²/mol (r_e = 2.8179403e-13 cm, mc² = 0.51099895 MeV, N_A = 6.02214076e23).
constexpr double bethe_prefactor_mev_cm2_per_mol = 0.153537;
constexpr double e_charge_c = 1.602176634e-19;
// Formula units: Z and molar mass (g/mol), and ICRU 37 mean excitation energies (eV).
constexpr double nacl_z = 11 + 17, nacl_molar_g = 22.98977 + 35.453, nacl_i_ev = 175.3;
constexpr double nai_z = 11 + 53, nai_molar_g = 22.98977 + 126.90447, nai_i_ev = 452.0;
constexpr double carbon_z = 6, carbon_molar_g = 12.011, graphite_i_ev = 78.0;
constexpr double avogadro = 6.02214076e23;
}  // namespace

double electron_collision_stopping_mev_cm2_per_g(double kinetic_ev, double z_over_a, double mean_excitation_ev) {
  const double tau = kinetic_ev / electron_rest_ev;
  const double gamma = 1 + tau;
  const double beta2 = 1 - 1 / (gamma * gamma);
  const double i_rel = mean_excitation_ev / electron_rest_ev;
  const double log_term = std::log(tau * tau * (tau + 2) / (2 * i_rel * i_rel));
  const double f_minus = 1 - beta2 + (tau * tau / 8 - (2 * tau + 1) * std::log(2.0)) / (gamma * gamma);
  return bethe_prefactor_mev_cm2_per_mol * z_over_a / beta2 * (log_term + f_minus);
}

double cluster_energy_per_frame_ev(double beam_ev, double dose_rate_e_per_nm2_s, double seconds_per_frame, double nacl_pairs,
                                   double nai_pairs) {
  const double fluence_per_cm2 = dose_rate_e_per_nm2_s * seconds_per_frame * 1e14;  // 1 nm⁻² = 1e14 cm⁻²
  auto per_unit_ev = [&](double z, double molar_g, double i_ev) {
    const double s_ev_cm2_per_g = 1e6 * electron_collision_stopping_mev_cm2_per_g(beam_ev, z / molar_g, i_ev);
    return s_ev_cm2_per_g * (molar_g / avogadro) * fluence_per_cm2;
  };
  return nacl_pairs * per_unit_ev(nacl_z, nacl_molar_g, nacl_i_ev) + nai_pairs * per_unit_ev(nai_z, nai_molar_g, nai_i_ev);
}

double beam_heating_kelvin(const BeamHeatingModel& m) {
  const double s_mev_cm2_per_g = electron_collision_stopping_mev_cm2_per_g(m.beam_ev, carbon_z / carbon_molar_g, graphite_i_ev);
  const double stopping_ev_per_m = s_mev_cm2_per_g * 1e6 * m.film_density_g_per_cm3 * 100.0;  // (eV cm²/g)(g/cm³) = eV/cm
  const double electrons_per_m2_s = m.dose_rate_e_per_nm2_s * 1e18;
  const double q_w_per_m3 = electrons_per_m2_s * stopping_ev_per_m * e_charge_c;  // power density in the film
  const double r0_m = m.beam_radius_nm * 1e-9, b_m = m.heat_sink_radius_nm * 1e-9;
  return q_w_per_m3 * r0_m * r0_m / (4 * m.film_conductivity_w_per_m_k) * (1 + 2 * std::log(b_m / r0_m));
}

}  // namespace nanomix::sim
