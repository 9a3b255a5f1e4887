// Beam heating (issue 12 item 6): the electron collision stopping power against NIST ESTAR's
// published values, the steady-state film formula against a numerical solution of the radial heat
// equation, and the [md] keys reaching the thermostat.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "app/config_schema.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "sim/beam_heating.hpp"
#include "sim/md_params.hpp"
#include "sim/md_plan.hpp"

using namespace nanomix;
using namespace nanomix::sim;

TEST_CASE("collision stopping power of electrons matches NIST ESTAR (water, I = 75 eV)") {
  // ESTAR, liquid water, collision stopping power (MeV cm²/g): 10 keV 22.56, 100 keV 4.115, 1 MeV 1.849
  // (the last with ESTAR's density-effect correction δ ≈ 0.04, which this formula leaves out).
  const double z_over_a = 10.0 / 18.0153;
  CHECK(electron_collision_stopping_mev_cm2_per_g(10e3, z_over_a, 75.0) == doctest::Approx(22.56).epsilon(0.003));
  CHECK(electron_collision_stopping_mev_cm2_per_g(100e3, z_over_a, 75.0) == doctest::Approx(4.115).epsilon(0.003));
  CHECK(electron_collision_stopping_mev_cm2_per_g(1e6, z_over_a, 75.0) == doctest::Approx(1.849).epsilon(0.03));
  // A wrong mean excitation energy moves it by more than the tolerance.
  CHECK(electron_collision_stopping_mev_cm2_per_g(100e3, z_over_a, 150.0) < 0.95 * 4.115);
}

TEST_CASE("energy per frame: each formula unit's mass x S/rho x fluence, NaI less per unit mass than NaCl") {
  // 400 e/Å² per frame (1e6 e/nm²/s × 0.04 s) = 4e18 e/cm².
  const double nacl = cluster_energy_per_frame_ev(80e3, 1e6, 0.04, 1, 0);
  const double nai = cluster_energy_per_frame_ev(80e3, 1e6, 0.04, 0, 1);
  const double s_nacl = electron_collision_stopping_mev_cm2_per_g(80e3, 28.0 / 58.44277, 175.3) * 1e6;
  CHECK(nacl == doctest::Approx(s_nacl * 58.44277 / 6.02214076e23 * 4e18).epsilon(1e-9));
  CHECK(nai / 149.89424 < nacl / 58.44277);  // lower Z/A and higher I
  CHECK(cluster_energy_per_frame_ev(80e3, 1e6, 0.04, 3, 2) == doctest::Approx(3 * nacl + 2 * nai));
}

TEST_CASE("steady-state film heating equals a numerical solution of the radial heat equation") {
  BeamHeatingModel m;
  m.beam_radius_nm = 40;
  m.heat_sink_radius_nm = 2000;
  m.film_conductivity_w_per_m_k = 2.0;
  const double dt = beam_heating_kelvin(m);
  // κ r dT/dr = −∫₀ʳ q r' dr' with q uniform inside r₀; T(b) = 0; integrate T from b inwards.
  const double s = electron_collision_stopping_mev_cm2_per_g(m.beam_ev, 6 / 12.011, 78.0) * 1e6 * m.film_density_g_per_cm3 * 100;
  const double q = m.dose_rate_e_per_nm2_s * 1e18 * s * 1.602176634e-19;
  const double r0 = m.beam_radius_nm * 1e-9, b = m.heat_sink_radius_nm * 1e-9;
  const int n = 400000;
  double t = 0;
  // midpoint rule on a log grid between 1e-4 r₀ and b
  const double lo = std::log(1e-4 * r0), hi = std::log(b);
  for (int i = 0; i < n; ++i) {
    const double r = std::exp(lo + (i + 0.5) * (hi - lo) / n), dr = r * (hi - lo) / n;
    const double inner = q * std::min(r, r0) * std::min(r, r0) / 2;  // ∫₀ʳ q r' dr'
    t += inner / (m.film_conductivity_w_per_m_k * r) * dr;
  }
  CHECK(dt == doctest::Approx(t).epsilon(1e-4));
  // Linear in the dose rate, and the default SMART-EM case is about a kelvin.
  BeamHeatingModel twice = m;
  twice.dose_rate_e_per_nm2_s *= 2;
  CHECK(beam_heating_kelvin(twice) == doctest::Approx(2 * dt));
  const double def = beam_heating_kelvin(BeamHeatingModel{});
  CHECK(def > 0.1);
  CHECK(def < 10.0);
}

TEST_CASE("[md] beam_heating raises the production thermostat by the model's rise") {
  const std::string ini = "[md]\nmechanism = thermal\ntemperature_kelvin = 400\nbeam_heating = true\ndose_multiplier = 30\n";
  const Config c = parse_config(ini, "t.ini", {});
  const MdParams p = MdParams::table().read(c);
  BeamHeatingModel m;
  m.dose_rate_e_per_nm2_s = 30e6;
  CHECK(p.beam_heating_kelvin == doctest::Approx(beam_heating_kelvin(m)));
  const Segment s = MdPlan(p, 1, 1).segment(1, 0);
  CHECK(s.kelvin_from == doctest::Approx(400 + p.beam_heating_kelvin));
  const Config off = parse_config("[md]\ntemperature_kelvin = 400\n", "t.ini", {});
  CHECK(MdParams::table().read(off).beam_heating_kelvin == 0.0);
  const Config bad = parse_config("[md]\nbeam_heating = true\nbeam_radius_nm = 500\nheat_sink_radius_nm = 100\n", "t.ini", {});
  CHECK_THROWS_AS(MdParams::table().read(bad), InputError);
}
