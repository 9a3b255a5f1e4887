#pragma once
// The periodic table as nanomix needs it: Z, symbol, standard atomic weight and, for the common
// closed-shell ions, the Shannon ionic radius.
#include <string_view>

namespace nanomix {

struct Element {
  int atomic_number;
  std::string_view symbol;
  /// Standard atomic weight in amu (g/mol), IUPAC; mass number of the longest-lived isotope for
  /// elements with no stable one.
  double mass_amu;
  /// Usual ionic charge in e for which `ionic_radius_angstrom` is given (0 if none).
  int ion_charge;
  /// Shannon effective ionic radius in Å (six-fold coordination), R. D. Shannon, Acta Cryst. A32,
  /// 751 (1976); 0 where the element has no common closed-shell ion (e.g. carbon).
  double ionic_radius_angstrom;

  bool has_ionic_radius() const { return ionic_radius_angstrom > 0.0; }
};

inline constexpr int max_atomic_number = 103;

/// Atomic numbers of the species nanomix simulates (the tube's carbon, the ions Na⁺, Cl⁻, I⁻).
inline constexpr int carbon_z = 6, sodium_z = 11, chlorine_z = 17, iodine_z = 53;

/// Element with atomic number z (1..103); throws InputError otherwise.
const Element& element(int atomic_number);

/// Atomic number of an element symbol ("Na", case as in the periodic table; "NA" and "na" are
/// accepted too); throws InputError naming the symbol if it is not an element.
int atomic_number(std::string_view symbol);

/// True for 1 <= z <= 103.
bool is_element(int atomic_number);

}  // namespace nanomix
