#include "imaging/electron.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/units.hpp"

namespace nanomix::imaging {

namespace {
void check_voltage(double kv) {
  if (!(kv > 0) || !std::isfinite(kv)) throw InputError("accelerating voltage must be a positive number of kV");
}
}  // namespace

double gamma_factor(double kv) {
  check_voltage(kv);
  return 1.0 + kv / units::electron_rest_energy_kev;
}

double wavelength_angstrom(double kv) {
  check_voltage(kv);
  const double e_v = kv * 1e3 * units::elementary_charge_c;  // eV in J
  const double m0c2 = units::electron_mass_kg * units::speed_of_light_m_per_s * units::speed_of_light_m_per_s;
  const double p = std::sqrt(2 * units::electron_mass_kg * e_v * (1 + e_v / (2 * m0c2)));
  return units::planck_js / p * 1e10;
}

double interaction_parameter_rad_per_volt_angstrom(double kv) {
  const double lambda = wavelength_angstrom(kv);
  const double e0 = units::electron_rest_energy_kev, e = kv;
  return 2 * units::pi / (lambda * kv * 1e3) * (e0 + e) / (2 * e0 + e);
}

}  // namespace nanomix::imaging
