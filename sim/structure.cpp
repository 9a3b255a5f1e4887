#include "sim/structure.hpp"

#include <cmath>

#include "core/error.hpp"

namespace nanomix::sim {

StructureParams StructureParams::from_config(const Config& c) {
  const std::string s = "structure";
  StructureParams p;
  const std::string& kind = c.string(s, "kind");
  p.kind = kind == "tube" ? StructureKind::tube
           : kind == "cluster" ? StructureKind::cluster
           : kind == "crystal" ? StructureKind::crystal
                               : StructureKind::tube_cluster;
  p.tube_n = static_cast<int>(c.integer(s, "tube_n"));
  p.tube_m = static_cast<int>(c.integer(s, "tube_m"));
  p.tube_length_angstrom = c.real(s, "tube_length_angstrom");
  p.tube_axis = c.string(s, "tube_axis")[0];
  p.tube_periodic = c.boolean(s, "tube_periodic");
  p.vacuum_angstrom = c.real(s, "vacuum_angstrom");
  p.ion_pairs = c.integer(s, "ion_pairs");
  p.iodide_fraction = c.real(s, "iodide_fraction");
  p.arrangement = parse_arrangement(c.string(s, "arrangement"));
  p.lattice_constant_angstrom = c.real(s, "lattice_constant_angstrom");
  p.min_distance_angstrom = c.real(s, "min_distance_angstrom");
  p.wall_clearance_angstrom = c.real(s, "wall_clearance_angstrom");
  p.position_jitter_angstrom = c.real(s, "position_jitter_angstrom");
  p.crystal_anion = c.string(s, "crystal") == "nai" ? iodine : chlorine;
  p.cells[0] = static_cast<int>(c.integer(s, "cells_a"));
  p.cells[1] = static_cast<int>(c.integer(s, "cells_b"));
  p.cells[2] = static_cast<int>(c.integer(s, "cells_c"));
  p.seed = static_cast<std::uint64_t>(c.integer(s, "seed"));
  if (p.kind == StructureKind::crystal) {
    // 8 atoms per conventional cell; every later stage holds several copies of the positions.
    const double atoms = 8.0 * p.cells[0] * p.cells[1] * p.cells[2];
    constexpr double max_atoms = 2.0e6;
    if (atoms > max_atoms) {
      c.fail(s, "cells_a", "cells_a × cells_b × cells_c × 8 = " + std::to_string(static_cast<long long>(atoms)) +
                               " atoms, more than the limit of 2000000");
    }
  }
  if (p.kind != StructureKind::crystal && p.kind != StructureKind::tube) {
    const double radius = nanotube_geometry(p.tube_n, p.tube_m, p.tube_length_angstrom).radius_angstrom();
    if (p.wall_clearance_angstrom >= radius) {
      c.fail(s, "wall_clearance_angstrom", "must be below the tube radius " + std::to_string(radius) + " Å");
    }
    if (p.arrangement == Arrangement::random_mixed && p.position_jitter_angstrom >= radius - p.wall_clearance_angstrom) {
      c.fail(s, "position_jitter_angstrom", "leaves no open space in the tube");
    }
  }
  return p;
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
