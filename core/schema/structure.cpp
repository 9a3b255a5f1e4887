#include "core/config_schema.hpp"

namespace nanomix::schema {

std::vector<KeySpec> structure_keys() {
  const std::string s = "structure";
  return {
      choice_key(s, "kind", "tube_cluster", {"tube_cluster", "tube", "cluster", "crystal"},
                 "what to build: ions in a nanotube, an empty tube, the ions alone (placed as in the tube), "
                 "or a periodic bulk rock-salt crystal"),
      int_key(s, "tube_n", 20, 1, 100, "", "chiral index n of the single-walled nanotube (C_h = n a1 + m a2)"),
      int_key(s, "tube_m", 20, 0, 100, "", "chiral index m (0 <= m <= n is usual; (n,n) armchair, (n,0) zigzag)"),
      real_key(s, "tube_length_angstrom", 60.0, 1.0, 5000.0, "Å",
               "tube length; rounded to a whole number of translational unit cells |T|"),
      choice_key(s, "tube_axis", "z", {"z", "x"}, "axis of the tube (x puts it across the image for a beam along z)"),
      bool_key(s, "tube_periodic", false,
               "periodic along the tube axis (box length = tube length) instead of an open tube in vacuum"),
      real_key(s, "vacuum_angstrom", 10.0, 0.0, 1000.0, "Å",
               "empty space between the atoms and the box faces along every non-periodic axis"),
      int_key(s, "ion_pairs", 200, 0, 1000000, "", "number of Na+ ions = number of anions (Cl- + I-)"),
      real_key(s, "iodide_fraction", 0.5, 0.0, 1.0, "",
               "fraction of the anions that are I- (rounded to whole ions); the rest are Cl-"),
      choice_key(s, "arrangement", "random_mixed", {"random_mixed", "rocksalt_nacl", "rocksalt_nai", "heterostructure"},
                 "ion cluster: random_mixed = rock-salt sites at the Vegard lattice constant, anion species drawn at "
                 "random, positions jittered; rocksalt_nacl / rocksalt_nai = ordered rock-salt at a(NaCl) / a(NaI) "
                 "with anion species drawn at random; heterostructure = a NaI crystal and a NaCl crystal side by "
                 "side along the tube axis"),
      real_key(s, "lattice_constant_angstrom", 0.0, 0.0, 20.0, "Å",
               "rock-salt lattice constant; 0 = bulk experiment (NaCl 5.64, NaI 6.47, Vegard's law for a mixture)"),
      real_key(s, "min_distance_angstrom", 2.2, 0.1, 10.0, "Å", "no two ions closer than this (checked)"),
      real_key(s, "wall_clearance_angstrom", 3.0, 0.0, 20.0, "Å",
               "ion centres stay at least this far inside the tube wall's carbon centres: the open space is a "
               "cylinder of radius d/2 - wall_clearance"),
      real_key(s, "position_jitter_angstrom", 0.4, 0.0, 2.0, "Å",
               "random_mixed only: each ion is displaced uniformly within a ball of this radius"),
      choice_key(s, "crystal", "nacl", {"nacl", "nai"}, "kind = crystal: which rock-salt crystal"),
      int_key(s, "cells_a", 4, 1, 200, "", "kind = crystal: conventional cubic cells along x"),
      int_key(s, "cells_b", 4, 1, 200, "", "kind = crystal: conventional cubic cells along y"),
      int_key(s, "cells_c", 4, 1, 200, "", "kind = crystal: conventional cubic cells along z"),
      int_key(s, "seed", 1, 0, 9.0e15, "", "random seed of the builder (species draw, jitter)"),
  };
}

}  // namespace nanomix::schema
