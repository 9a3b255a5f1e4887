"""nanomix's extended XYZ read by ASE, and its builders compared with ASE's own.

- NaCl 2×3×2 cells at a = 5.64 Å: the same set of (species, position) as ase.build.bulk(...).repeat.
- (n, m) nanotubes: the same atom count per unit cell, radius and axial period as ase.build.nanotube.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
from ase.build import bulk, nanotube
from ase.io import read

nanomix = sys.argv[1]


def build(tmp, *options):
    out = os.path.join(tmp, "s.xyz")
    subprocess.run([nanomix, "build", "--quiet", "--out", out, *options], check=True)
    return read(out, format="extxyz")


def canonical(symbols, positions, cell):
    frac = np.linalg.solve(cell.T, positions.T).T % 1.0
    frac[np.isclose(frac, 1.0, atol=1e-6)] = 0.0
    return sorted((s, *np.round(f, 5)) for s, f in zip(symbols, frac))


with tempfile.TemporaryDirectory() as tmp:
    ini = os.path.join(tmp, "c.ini")
    with open(ini, "w") as f:
        f.write("[structure]\nkind = crystal\ncrystal = nacl\nlattice_constant_angstrom = 5.64\n"
                "cells_a = 2\ncells_b = 3\ncells_c = 2\n")
    atoms = build(tmp, "--config", ini)
    ref = bulk("NaCl", "rocksalt", a=5.64, cubic=True).repeat((2, 3, 2))
    assert list(atoms.pbc) == [True, True, True]
    np.testing.assert_allclose(atoms.cell.array, ref.cell.array, atol=1e-6)
    assert sorted(atoms.get_chemical_symbols()) == sorted(ref.get_chemical_symbols())
    assert canonical(atoms.get_chemical_symbols(), atoms.positions, atoms.cell.array) == \
        canonical(ref.get_chemical_symbols(), ref.positions, ref.cell.array), "NaCl positions differ from ASE"

    for n, m in [(10, 10), (17, 0), (12, 8)]:
        with open(ini, "w") as f:
            f.write(f"[structure]\nkind = tube\ntube_n = {n}\ntube_m = {m}\ntube_periodic = true\n"
                    "tube_length_angstrom = 1\n")
        atoms = build(tmp, "--config", ini)
        ref = nanotube(n, m, length=1, bond=1.42)
        assert len(atoms) == len(ref), (n, m, len(atoms), len(ref))
        assert atoms.get_chemical_symbols() == ["C"] * len(ref)
        np.testing.assert_allclose(atoms.cell.lengths()[2], ref.cell.lengths()[2], rtol=1e-6)
        assert list(atoms.pbc) == [False, False, True]
        c = atoms.cell.lengths() / 2
        r = np.hypot(atoms.positions[:, 0] - c[0], atoms.positions[:, 1] - c[1])
        ref_r = np.hypot(*(ref.positions[:, :2] - ref.positions[:, :2].mean(axis=0)).T)
        np.testing.assert_allclose(r, ref_r.mean(), rtol=1e-6)
        # Same distribution of z within the period (the tubes may differ by a rotation/shift).
        period = ref.cell.lengths()[2]

        def gaps(z):  # spacings of the atoms' z within one period, the wrap-around gap included
            z = np.sort(np.round(z % period, 6) % period)
            return np.sort(np.diff(np.append(z, z[0] + period)))
        dz, dz_ref = gaps(atoms.positions[:, 2]), gaps(ref.positions[:, 2])
        np.testing.assert_allclose(dz, dz_ref, atol=1e-4)
print("nanomix structures read by ASE agree with ASE's builders")
