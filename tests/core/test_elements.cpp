#include <doctest/doctest.h>

#include "core/elements.hpp"
#include "core/error.hpp"
#include "core/materials.hpp"

TEST_CASE("element table: symbols, masses and Shannon radii against published values") {
  // IUPAC standard atomic weights; Shannon (1976) CN6 radii: Na+ 1.02, Cl- 1.81, I- 2.20 Å.
  CHECK(nanomix::element(11).symbol == "Na");
  CHECK(nanomix::element(11).mass_amu == doctest::Approx(22.98976928));
  CHECK(nanomix::element(17).mass_amu == doctest::Approx(35.45));
  CHECK(nanomix::element(53).mass_amu == doctest::Approx(126.90447));
  CHECK(nanomix::element(6).mass_amu == doctest::Approx(12.011));
  CHECK(nanomix::element(11).ionic_radius_angstrom == doctest::Approx(1.02));
  CHECK(nanomix::element(17).ionic_radius_angstrom == doctest::Approx(1.81));
  CHECK(nanomix::element(53).ionic_radius_angstrom == doctest::Approx(2.20));
  CHECK_FALSE(nanomix::element(6).has_ionic_radius());
  CHECK(nanomix::element(103).symbol == "Lr");
}

TEST_CASE("named species and bulk constants: the periodic table and the published lattice constants") {
  // The names must be the elements' symbols (an independent table: the symbols, not the numbers).
  CHECK(nanomix::element(nanomix::carbon_z).symbol == "C");
  CHECK(nanomix::element(nanomix::sodium_z).symbol == "Na");
  CHECK(nanomix::element(nanomix::chlorine_z).symbol == "Cl");
  CHECK(nanomix::element(nanomix::iodine_z).symbol == "I");
  // Bulk rock salt, experiment (the reference figures of shared/reference/forcefield.md; DESIGN.md):
  // NaCl 5.64 Å, NaI 6.47 Å.
  CHECK(nanomix::nacl_lattice_constant_angstrom == 5.64);
  CHECK(nanomix::nai_lattice_constant_angstrom == 6.47);
}

TEST_CASE("every Z round-trips through its symbol, masses increase roughly with Z") {
  for (int z = 1; z <= nanomix::max_atomic_number; ++z) {
    const auto& e = nanomix::element(z);
    CHECK(e.atomic_number == z);
    CHECK(nanomix::atomic_number(e.symbol) == z);
    CHECK(e.mass_amu > z);             // every nucleus is heavier than Z protons
    CHECK(e.mass_amu < 2.7 * z + 2);   // and lighter than Z protons + 1.7 Z neutrons
  }
  CHECK(nanomix::atomic_number("NA") == 11);
  CHECK(nanomix::atomic_number("cl") == 17);
  CHECK_THROWS_AS(nanomix::atomic_number("Xx"), nanomix::InputError);
  CHECK_THROWS_AS(nanomix::element(0), nanomix::InputError);
  CHECK_THROWS_AS(nanomix::element(104), nanomix::InputError);
}
