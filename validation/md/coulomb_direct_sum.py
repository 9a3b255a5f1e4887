#!/usr/bin/python3
"""Independent Coulomb direct sum over cores and shells (core-shell model), for validate_core_shell.

Reads a LAMMPS data file written by LAMMPS' own write_data (atom_style full: id mol type q x y z,
and a Bonds section), sums q_i q_j / r_ij over every pair except the bonded core-shell pairs (a
core and its own shell), with e^2/(4 pi eps0) = 14.399645 eV A, and prints
    energy_eV
    then one line per atom id (ascending): fx fy fz  (eV/A)
Usage: coulomb_direct_sum.py DATA OUT
"""
import sys

import numpy as np

COULOMB_EV_A = 14.399645478


def read_data(path):
    atoms, bonds, section = {}, [], None
    for raw in open(path):
        line = raw.split("#")[0].strip()
        if not line:
            continue
        head = line.split()[0]
        if head in ("Atoms", "Bonds", "Velocities", "Masses", "Bond", "Pair", "PairIJ"):
            section = head
            continue
        f = line.split()
        if section == "Atoms" and len(f) >= 7:
            atoms[int(f[0])] = (float(f[3]), float(f[4]), float(f[5]), float(f[6]))
        elif section == "Bonds" and len(f) == 4:
            bonds.append((int(f[2]), int(f[3])))
    return atoms, bonds


def main():
    atoms, bonds = read_data(sys.argv[1])
    ids = sorted(atoms)
    index = {a: k for k, a in enumerate(ids)}
    q = np.array([atoms[a][0] for a in ids])
    r = np.array([atoms[a][1:] for a in ids])
    keep = q != 0
    n = len(ids)
    excluded = np.zeros((n, n), dtype=bool)
    for a, b in bonds:
        excluded[index[a], index[b]] = excluded[index[b], index[a]] = True
    d = r[:, None, :] - r[None, :, :]
    dist = np.sqrt((d ** 2).sum(-1))
    np.fill_diagonal(dist, np.inf)
    pair = COULOMB_EV_A * np.outer(q, q) / dist
    pair[excluded] = 0.0
    pair[~keep, :] = 0.0
    pair[:, ~keep] = 0.0
    energy = 0.5 * pair.sum()
    # F_i = sum_j k q_i q_j (r_i - r_j) / r^3
    fmag = pair / dist ** 2
    forces = (fmag[:, :, None] * d).sum(axis=1)
    with open(sys.argv[2], "w") as out:
        out.write(f"{energy:.10f}\n")
        for k in range(n):
            out.write(f"{forces[k, 0]:.10e} {forces[k, 1]:.10e} {forces[k, 2]:.10e}\n")


if __name__ == "__main__":
    main()
