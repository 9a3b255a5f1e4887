#!/usr/bin/env python3
"""A simple, independent movie model for validating column detection when no multislice movie is
at hand: every atom of an extended-XYZ structure, projected along z, is a 2D Gaussian dip of
width sigma and depth proportional to Z**0.7 (roughly how the projected potential of an atom grows
with Z), on a vacuum level of 1: I = 1 - sum_atoms c * Z**0.7 * exp(-r^2/2 sigma^2), clipped at 0.05.
Counts are Poisson(dose * pixel area * I), seeded per frame. Written in nanomix's EMD 0.2 layout
(/data/counts/data of shape (nx, ny, nt), dim1 = x, dim2 = y in nm, dim3 = t in s) with the ground
truth beside it: /ground_truth/projected_positions_angstrom (nt, natoms, 2) and
/ground_truth/atomic_numbers (natoms).

With --ctf, a weak-phase-object HRTEM model instead: the atoms' Gaussian bumps (peak phase
0.015 * Z**0.7 rad, width --phase-sigma) make a phase image phi, and the image is
I = 1 + 2 * IFFT[FFT(phi) * sin(chi(k)) * E_t(k)] with chi = pi*lambda*k^2*(Cs*lambda^2*k^2/2 - defocus)
(defocus > 0 = underfocus, lambda = 0.041757 Å at 80 kV) and the temporal envelope
E_t = exp(-(pi*lambda*focal_spread)^2 * k^4 / 2): contrast delocalisation, halos and polarity that
depends on defocus, as in real HRTEM (but linear imaging, no dynamical scattering).

Neither is multislice: they test the detector on known columns with realistic shot noise;
validate_detect.py says which renderer each row of the table used.

Usage: blob_movie.py STRUCTURE.xyz OUT.h5 --dose E_PER_A2 [--frames N] [--pixel A] [--sigma A] [--seed S]
       [--ctf --defocus A --cs A --focal-spread A]
"""
import argparse
import re

import h5py
import numpy as np


def read_xyz(path):
    lines = open(path).read().splitlines()
    n = int(lines[0])
    lat = re.search(r'Lattice="([^"]+)"', lines[1])
    cell = np.array([float(v) for v in lat.group(1).split()]).reshape(3, 3)
    pbc = re.search(r'pbc="([^"]+)"', lines[1])
    periodic = [p == "T" for p in pbc.group(1).split()] if pbc else [False] * 3
    symbols, pos = [], []
    for line in lines[2:2 + n]:
        parts = line.split()
        symbols.append(parts[0])
        pos.append([float(v) for v in parts[1:4]])
    return symbols, np.array(pos), cell, periodic


Z = {"C": 6, "Na": 11, "Cl": 17, "I": 53}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("structure")
    ap.add_argument("out")
    ap.add_argument("--dose", type=float, required=True, help="electrons per Å² per frame (0 = noiseless)")
    ap.add_argument("--frames", type=int, default=3)
    ap.add_argument("--pixel", type=float, default=0.2)
    ap.add_argument("--sigma", type=float, default=0.5)
    ap.add_argument("--depth", type=float, default=0.012, help="dip per unit Z**0.7")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--ctf", action="store_true", help="weak-phase-object HRTEM model instead of dips")
    ap.add_argument("--defocus", type=float, default=40.0, help="Å, > 0 underfocus")
    ap.add_argument("--cs", type=float, default=1.0e4, help="Å (1 µm: a Cs-corrected microscope)")
    ap.add_argument("--focal-spread", type=float, default=30.0, help="Å, standard deviation")
    ap.add_argument("--phase-sigma", type=float, default=0.3, help="Å, width of an atom's phase bump")
    a = ap.parse_args()
    symbols, pos, cell, periodic = read_xyz(a.structure)
    z = np.array([Z[s] for s in symbols])
    lx, ly = cell[0, 0], cell[1, 1]
    nx, ny = int(round(lx / a.pixel)), int(round(ly / a.pixel))
    px, py = lx / nx, ly / ny
    xs = np.arange(nx) * px
    ys = np.arange(ny) * py
    img = np.ones((ny, nx))
    if a.ctf:
        img = np.zeros((ny, nx))  # the phase image
        a.depth, sigma_atom = -0.015, a.phase_sigma
    else:
        sigma_atom = a.sigma
    shifts_x = [-lx, 0.0, lx] if periodic[0] else [0.0]
    shifts_y = [-ly, 0.0, ly] if periodic[1] else [0.0]
    cut = 5 * sigma_atom
    for (x, y, _), zz in zip(pos, z):
        amp = a.depth * zz**0.7
        for sx in shifts_x:
            for sy in shifts_y:
                cx, cy = x + sx, y + sy
                i0, i1 = max(0, int((cx - cut) / px)), min(nx, int((cx + cut) / px) + 2)
                j0, j1 = max(0, int((cy - cut) / py)), min(ny, int((cy + cut) / py) + 2)
                if i0 >= i1 or j0 >= j1:
                    continue
                gx = np.exp(-((xs[i0:i1] - cx) ** 2) / (2 * sigma_atom**2))
                gy = np.exp(-((ys[j0:j1] - cy) ** 2) / (2 * sigma_atom**2))
                img[j0:j1, i0:i1] -= amp * np.outer(gy, gx)
    if a.ctf:
        lam = 0.041757
        kx = np.fft.fftfreq(nx, d=px)
        ky = np.fft.fftfreq(ny, d=py)
        k2 = kx[None, :] ** 2 + ky[:, None] ** 2
        chi = np.pi * lam * k2 * (0.5 * a.cs * lam**2 * k2 - a.defocus)
        env = np.exp(-0.5 * (np.pi * lam * a.focal_spread) ** 2 * k2**2)
        img = 1.0 + 2.0 * np.real(np.fft.ifft2(np.fft.fft2(img) * np.sin(chi) * env))
    img = np.clip(img, 0.05, None)
    frames = []
    for t in range(a.frames):
        if a.dose > 0:
            rng = np.random.default_rng([a.seed, t])
            frames.append(rng.poisson(img * a.dose * px * py).astype(np.float32))
        else:
            frames.append(img.astype(np.float32))
    data = np.transpose(np.stack(frames), (2, 1, 0))  # (nx, ny, nt)
    with h5py.File(a.out, "w") as f:
        f.attrs["version_major"] = 0
        f.attrs["version_minor"] = 2
        g = f.create_group("data/counts")
        g.attrs["emd_group_type"] = 1
        g.create_dataset("data", data=data, chunks=(nx, ny, 1))
        for k, (vals, name, units) in enumerate(
                [(xs / 10, "x", "nm"), (ys / 10, "y", "nm"), (np.arange(a.frames) * 0.04, "t", "s")], start=1):
            d = g.create_dataset(f"dim{k}", data=vals)
            d.attrs["name"] = name
            d.attrs["units"] = units
        m = f.create_group("microscope")
        m.attrs["renderer"] = ("blob_movie.py --ctf (weak-phase object, CTF, temporal envelope, Poisson)" if a.ctf
                               else "blob_movie.py (Gaussian dips, depth ~ Z^0.7, Poisson)")
        if a.ctf:
            m.attrs["defocus_angstrom"] = a.defocus
            m.attrs["cs_angstrom"] = a.cs
            m.attrs["focal_spread_angstrom"] = a.focal_spread
        m.attrs["dose_e_per_angstrom2"] = a.dose
        m.attrs["sigma_angstrom"] = a.sigma
        gt = f.create_group("ground_truth")
        gt.create_dataset("projected_positions_angstrom", data=np.repeat(pos[None, :, :2], a.frames, axis=0))
        gt.create_dataset("atomic_numbers", data=z.astype(np.int32))


if __name__ == "__main__":
    main()
