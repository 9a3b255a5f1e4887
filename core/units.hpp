#pragma once
// Physical constants and unit conversions used across nanomix (CODATA 2018 values).
// Internal units: length Å, time ps, energy eV, mass amu (g/mol), temperature K, charge e.
// File formats may use others (H5MD trajectories store nm); conversions live here.

namespace nanomix::units {

inline constexpr double pi = 3.14159265358979323846;

// Length and time.
inline constexpr double angstrom_per_nm = 10.0;
inline constexpr double nm_per_angstrom = 0.1;
inline constexpr double fs_per_ps = 1000.0;

// Energy and temperature.
inline constexpr double boltzmann_ev_per_k = 8.617333262e-5;
/// e²/(4πε₀) in eV·Å: the Coulomb energy of two unit charges 1 Å apart.
inline constexpr double coulomb_ev_angstrom = 14.399645478;

// Electrons (for imaging and knock-on physics).
inline constexpr double electron_rest_energy_kev = 510.99895;       // m₀c²
inline constexpr double electron_mass_kg = 9.1093837015e-31;
inline constexpr double elementary_charge_c = 1.602176634e-19;
inline constexpr double planck_js = 6.62607015e-34;
inline constexpr double speed_of_light_m_per_s = 299792458.0;
inline constexpr double fine_structure = 7.2973525693e-3;
inline constexpr double classical_electron_radius_m = 2.8179403262e-15;
inline constexpr double amu_kg = 1.66053906660e-27;
inline constexpr double amu_rest_energy_mev = 931.49410242;        // 1 u · c²
inline constexpr double bohr_radius_angstrom = 0.529177210903;

// Areas.
inline constexpr double barn_m2 = 1e-28;
inline constexpr double angstrom2_per_nm2 = 100.0;

}  // namespace nanomix::units
