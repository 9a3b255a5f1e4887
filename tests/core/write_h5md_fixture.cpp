// Writes a small H5MD trajectory whose content is given in closed form (see h5md_mdanalysis.py):
// atom i of frame t is at (1 + i + 0.1 t, 2 + 0.5 i, 3 + 0.25 i·t) Å, time 0.2 t ps, step 100 t,
// box 30 × 31 × 32 Å periodic along z only; species Na, Cl, I, C — or, with --swaps, stored per
// frame with atoms 1 and 2 exchanging Cl and I in every odd frame.
#include <iostream>
#include <string>
#include <utility>

#include "core/h5md.hpp"

int main(int argc, char** argv) {
  const bool swaps = argc == 3 && std::string(argv[2]) == "--swaps";
  if (argc != 2 && !swaps) {
    std::cerr << "usage: write_h5md_fixture OUT.h5 [--swaps]\n";
    return 2;
  }
  nanomix::Frame f;
  f.atomic_numbers = {11, 17, 53, 6};
  f.box = nanomix::Box::orthorhombic(30, 31, 32, {false, false, true});
  f.positions_angstrom.resize(4, 3);
  nanomix::H5mdWriter w(argv[1], f, "[structure]\n", "fixture",
                        swaps ? nanomix::SpeciesStorage::per_frame : nanomix::SpeciesStorage::fixed);
  for (int t = 0; t < 5; ++t) {
    for (int i = 0; i < 4; ++i) f.positions_angstrom.row(i) << 1 + i + 0.1 * t, 2 + 0.5 * i, 3 + 0.25 * i * t;
    f.time_ps = 0.2 * t;
    f.step = 100 * t;
    if (swaps) f.atomic_numbers = t % 2 ? std::vector<int>{11, 53, 17, 6} : std::vector<int>{11, 17, 53, 6};
    w.write_frame(f);
    w.write_observable("temperature", f.step, f.time_ps, 300.0 + t, "K");
  }
  return 0;
}
