#include "sim/structure.hpp"

#include <cmath>

#include "core/error.hpp"

namespace nanomix::sim {

// Keys of [structure] (docs/structure.md).
const ParamTable<StructureParams>& StructureParams::table() {
  static const ParamTable<StructureParams> t = [] {
    using P = StructureParams;
    ParamTable<P> t("structure");
    t.choice("kind", &P::kind, "tube_cluster",
             {{"tube_cluster", StructureKind::tube_cluster}, {"tube", StructureKind::tube}, {"cluster", StructureKind::cluster},
              {"crystal", StructureKind::crystal}},
             "what to build: ions in a nanotube, an empty tube, the ions alone (placed as in the tube), "
             "or a periodic bulk rock-salt crystal");
    t.integer("tube_n", &P::tube_n, 20, 1, 100, "", "chiral index n of the single-walled nanotube (C_h = n a1 + m a2)");
    t.integer("tube_m", &P::tube_m, 20, 0, 100, "", "chiral index m (0 <= m <= n is usual; (n,n) armchair, (n,0) zigzag)");
    t.real("tube_length_angstrom", &P::tube_length_angstrom, 60.0, 1.0, 5000.0, "Å",
           "tube length; rounded to a whole number of translational unit cells |T|");
    t.choice("tube_axis", &P::tube_axis, "z", {{"z", 'z'}, {"x", 'x'}}, "axis of the tube (x puts it across the image for a beam along z)");
    t.boolean("tube_periodic", &P::tube_periodic, false,
              "periodic along the tube axis (box length = tube length) instead of an open tube in vacuum");
    t.real("vacuum_angstrom", &P::vacuum_angstrom, 10.0, 0.0, 1000.0, "Å",
           "empty space between the atoms and the box faces along every non-periodic axis");
    t.integer("ion_pairs", &P::ion_pairs, 200, 0, 1000000, "", "number of Na+ ions = number of anions (Cl- + I-)");
    t.real("iodide_fraction", &P::iodide_fraction, 0.5, 0.0, 1.0, "",
           "fraction of the anions that are I- (rounded to whole ions); the rest are Cl-");
    t.choice("arrangement", &P::arrangement, "random_mixed",
             {{"random_mixed", Arrangement::random_mixed}, {"rocksalt_nacl", Arrangement::rocksalt_nacl},
              {"rocksalt_nai", Arrangement::rocksalt_nai}, {"heterostructure", Arrangement::heterostructure}},
             "ion cluster: random_mixed = rock-salt sites at the Vegard lattice constant, anion species drawn at "
             "random, positions jittered; rocksalt_nacl / rocksalt_nai = ordered rock-salt at a(NaCl) / a(NaI) "
             "with anion species drawn at random; heterostructure = a NaI crystal and a NaCl crystal side by "
             "side along the tube axis");
    t.real("lattice_constant_angstrom", &P::lattice_constant_angstrom, 0.0, 0.0, 20.0, "Å",
           "rock-salt lattice constant; 0 = bulk experiment (NaCl 5.64, NaI 6.47, Vegard's law for a mixture)");
    t.real("min_distance_angstrom", &P::min_distance_angstrom, 2.2, 0.1, 10.0, "Å", "no two ions closer than this (checked)");
    t.real("wall_clearance_angstrom", &P::wall_clearance_angstrom, 3.0, 0.0, 20.0, "Å",
           "ion centres stay at least this far inside the tube wall's carbon centres: the open space is a "
           "cylinder of radius d/2 - wall_clearance");
    t.real("position_jitter_angstrom", &P::position_jitter_angstrom, 0.4, 0.0, 2.0, "Å",
           "random_mixed only: each ion is displaced uniformly within a ball of this radius");
    t.choice("crystal", &P::crystal_anion, "nacl", {{"nacl", chlorine}, {"nai", iodine}}, "kind = crystal: which rock-salt crystal");
    t.integer("cells_a", [](P& p) -> int& { return p.cells[0]; }, 4, 1, 200, "", "kind = crystal: conventional cubic cells along x");
    t.integer("cells_b", [](P& p) -> int& { return p.cells[1]; }, 4, 1, 200, "", "kind = crystal: conventional cubic cells along y");
    t.integer("cells_c", [](P& p) -> int& { return p.cells[2]; }, 4, 1, 200, "", "kind = crystal: conventional cubic cells along z");
    t.integer("seed", &P::seed, 1, 0, 9.0e15, "", "random seed of the builder (species draw, jitter)");
    return t;
  }();
  return t;
}

void StructureParams::validate() const {
  const std::string s = "structure";
  if (kind == StructureKind::crystal) {
    // 8 atoms per conventional cell; every later stage holds several copies of the positions.
    const double atoms = 8.0 * cells[0] * cells[1] * cells[2];
    constexpr double max_atoms = 2.0e6;
    if (atoms > max_atoms) {
      throw ParamError(s, "cells_a", "cells_a × cells_b × cells_c × 8 = " + std::to_string(static_cast<long long>(atoms)) +
                                         " atoms, more than the limit of 2000000");
    }
  }
  if (kind != StructureKind::crystal && kind != StructureKind::tube) {
    const double radius = nanotube_geometry(tube_n, tube_m, tube_length_angstrom).radius_angstrom();
    if (wall_clearance_angstrom >= radius) {
      throw ParamError(s, "wall_clearance_angstrom", "must be below the tube radius " + std::to_string(radius) + " Å");
    }
    if (arrangement == Arrangement::random_mixed && position_jitter_angstrom >= radius - wall_clearance_angstrom) {
      throw ParamError(s, "position_jitter_angstrom", "leaves no open space in the tube");
    }
  }
}

namespace {

/// Rotates a frame built along z so that the tube axis lies along x: (x, y, z) → (z, x, y),
/// a cyclic (right-handed) permutation of the axes.
void axis_to_x(Frame& f) {
  Positions p(f.positions_angstrom.rows(), 3);
  p.col(0) = f.positions_angstrom.col(2);
  p.col(1) = f.positions_angstrom.col(0);
  p.col(2) = f.positions_angstrom.col(1);
  f.positions_angstrom = p;
  const Eigen::Vector3d l = f.box.lengths_angstrom();
  const auto per = f.box.periodic;
  f.box = Box::orthorhombic(l[2], l[0], l[1], {per[2], per[0], per[1]});
}

}  // namespace

Structure build_structure(const StructureParams& p) {
  Structure out;
  if (p.kind == StructureKind::crystal) {
    double a = p.lattice_constant_angstrom;
    if (a <= 0) a = p.crystal_anion == iodine ? nai_lattice_constant_angstrom : nacl_lattice_constant_angstrom;
    out.frame = rocksalt_crystal(p.crystal_anion, a, p.cells[0], p.cells[1], p.cells[2]);
    return out;
  }

  const NanotubeGeometry g = nanotube_geometry(p.tube_n, p.tube_m, p.tube_length_angstrom);
  const double radius = g.radius_angstrom();
  // Box: the tube (diameter d) plus vacuum across; along the axis the tube's length, plus vacuum
  // at both ends unless periodic.
  const double lxy = g.diameter_angstrom + 2 * p.vacuum_angstrom;
  const double z0 = p.tube_periodic ? 0.0 : p.vacuum_angstrom;
  const double lz = g.length_angstrom + (p.tube_periodic ? 0.0 : 2 * p.vacuum_angstrom);
  const Eigen::Vector3d shift(lxy / 2, lxy / 2, z0);

  Frame frame;
  frame.box = Box::orthorhombic(lxy, lxy, lz, {false, false, p.tube_periodic});
  if (p.kind != StructureKind::cluster) {
    frame.positions_angstrom = nanotube_positions(g).rowwise() + shift.transpose();
    frame.atomic_numbers.assign(static_cast<std::size_t>(frame.positions_angstrom.rows()), carbon);
    out.carbon_count = frame.size();
  }
  out.tube = g;
  out.open_radius_angstrom = radius - p.wall_clearance_angstrom;
  if (p.kind != StructureKind::tube && p.ion_pairs > 0) {
    ClusterParams cp;
    cp.ion_pairs = p.ion_pairs;
    cp.iodide_fraction = p.iodide_fraction;
    cp.arrangement = p.arrangement;
    cp.lattice_constant_angstrom = p.lattice_constant_angstrom;
    cp.open_radius_angstrom = out.open_radius_angstrom;
    // Along the axis: inside the tube, clear of its open ends by the wall clearance (a periodic
    // tube has no ends; keep the cluster clear of the box face only for readability).
    cp.z_min_angstrom = p.wall_clearance_angstrom;
    cp.z_max_angstrom = g.length_angstrom - p.wall_clearance_angstrom;
    cp.min_distance_angstrom = p.min_distance_angstrom;
    cp.jitter_angstrom = p.position_jitter_angstrom;
    cp.seed = p.seed;
    Frame ions = build_ion_cluster(cp);
    ions.positions_angstrom.rowwise() += shift.transpose();
    frame.append(ions);
  }
  out.axis_point_angstrom = Eigen::Vector3d(lxy / 2, lxy / 2, 0);
  out.axis = 2;
  if (p.tube_axis == 'x') {
    axis_to_x(frame);
    out.axis_point_angstrom = Eigen::Vector3d(0, lxy / 2, lxy / 2);
    out.axis = 0;
  }
  out.frame = std::move(frame);
  return out;
}

std::size_t ions_outside_open_space(const Structure& s, const Frame& frame) {
  if (s.tube.cells == 0) return 0;
  std::size_t outside = 0;
  for (std::size_t i = 0; i < frame.size(); ++i) {
    if (frame.atomic_numbers[i] == carbon) continue;
    Eigen::Vector3d d = frame.positions_angstrom.row(static_cast<Eigen::Index>(i)).transpose() - s.axis_point_angstrom;
    d[s.axis] = 0;
    if (d.norm() > s.open_radius_angstrom + 1e-9) ++outside;
  }
  return outside;
}

}  // namespace nanomix::sim
