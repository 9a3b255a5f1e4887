#!/usr/bin/env python3
"""Validation of `nanomix image` through its files and command line (ctest label `validation`).

  1. relativistic wavelength and interaction parameter at 60, 80, 120, 200, 300 kV, read back from
     /microscope, against published values (Williams & Carter, Transmission Electron Microscopy,
     Table 1.2, 3 digits; the 80 kV figures of DESIGN.md; Kirkland 2010 for sigma at 200/300 kV) and
     against the closed forms evaluated here with scipy.constants (CODATA);
  2. the EMD file read by h5py and HyperSpy, the TIFF by tifffile (ImageJ metadata, resolution
     tags), the MRC by mrcfile: same numbers, pixel size and frame interval;
  3. a trajectory (H5MD written here with h5py) with frame_stride and snapshots_per_frame, and
     `mpirun -np 2` giving bitwise the same file contents as one process;
  4. bad input: one line on stderr, exit code 2, no output left.
Prints table rows starting with "| " for validation/imaging/RESULTS.md.

Usage: validate_imaging_files.py NANOMIX WORKDIR
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np

NANOMIX, WORK = sys.argv[1], Path(sys.argv[2])
shutil.rmtree(WORK, ignore_errors=True)
WORK.mkdir(parents=True)
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


def run(args, expect=0, env=None):
    r = subprocess.run([str(a) for a in args], capture_output=True, text=True, env=env)
    if r.returncode != expect:
        print(r.stdout, r.stderr)
        failures.append(f"exit {r.returncode} (expected {expect}): {' '.join(map(str, args))}")
    return r


def write_xyz(path, atoms, cell, pbc="T T T"):
    with open(path, "w") as f:
        f.write(f"{len(atoms)}\nLattice=\"{cell[0]} 0 0 0 {cell[1]} 0 0 0 {cell[2]}\" Properties=species:S:1:pos:R:3 pbc=\"{pbc}\"\n")
        for s, x, y, z in atoms:
            f.write(f"{s} {x} {y} {z}\n")


def nacl(n=2, a=5.64):
    atoms = []
    for i in range(n):
        for j in range(n):
            for k in range(2):
                for m in range(2):
                    for l in range(2):
                        atoms.append((["Na", "Cl"][(k + m + l) % 2], (i + 0.5 * k) * a, (j + 0.5 * m) * a, 0.5 * l * a + 0.3))
    return atoms, (n * a, n * a, a)


atoms, cell = nacl()
xyz = WORK / "nacl.xyz"
write_xyz(xyz, atoms, cell)
ini = WORK / "image.ini"
ini.write_text("[imaging]\npixel_size_angstrom = 0.1\ndefocus_angstrom = 30\ncs_angstrom = 10000\n"
               "focal_spread_angstrom = 30\ndose_e_per_angstrom2 = 300\nframe_time_s = 0.04\nthreads = 2\n")

# 1. lambda and sigma.
from scipy import constants as C  # noqa: E402

published = {60: (0.04866, None), 80: (0.041757, 1.00871e-3), 120: (0.03349, None), 200: (0.02508, 7.2884e-4), 300: (0.01969, 6.5262e-4)}
for kv, (lam_pub, sig_pub) in published.items():
    out = WORK / f"v{kv}.h5"
    run([NANOMIX, "image", "--config", ini, "--structure", xyz, "--out", out, "--quiet", f"--imaging.voltage_kv={kv}"])
    with h5py.File(out) as f:
        lam = f["microscope"].attrs["wavelength_angstrom"]
        sig = f["microscope"].attrs["interaction_parameter_rad_per_volt_angstrom"]
    E = kv * 1e3 * C.e
    m0c2 = C.m_e * C.c ** 2
    lam_ref = C.h / np.sqrt(2 * C.m_e * E * (1 + E / (2 * m0c2))) * 1e10
    gamma = 1 + E / m0c2
    sig_ref = 2 * np.pi * gamma * C.m_e * C.e * lam_ref * 1e-10 / C.h ** 2 * 1e-10  # rad/(V*A)
    digits = len(f"{lam_pub}".split(".")[1].lstrip("0"))
    tol_pub = 0.5 * 10 ** (-len(f"{lam_pub}".split(".")[1]))
    ok = abs(lam - lam_pub) <= tol_pub + 1e-12 and abs(lam / lam_ref - 1) < 1e-6 and abs(sig / sig_ref - 1) < 1e-6
    if sig_pub:
        ok = ok and abs(sig / sig_pub - 1) < 1e-4
    print(f"| {kv} kV: lambda, sigma | {lam:.6f} A (published {lam_pub}), {sig:.6e} rad/(V A)"
          f"{' (published %.5e)' % sig_pub if sig_pub else ''}; vs CODATA closed form {abs(lam/lam_ref-1):.1e}, {abs(sig/sig_ref-1):.1e} |"
          f" published digits; 1e-6 |")
    check(ok, f"lambda/sigma at {kv} kV")

# 2. Files read by independent readers.
out, tif, mrc, png = WORK / "m.h5", WORK / "m.tif", WORK / "m.mrc", WORK / "png"
frames = [f"{xyz}"] * 3
multi = WORK / "nacl3.xyz"
multi.write_text(xyz.read_text() * 3)
run([NANOMIX, "image", "--config", ini, "--structure", multi, "--out", out, "--tiff", tif, "--mrc", mrc, "--png-dir", png,
     "--quiet", "--imaging.exit_wave=true"])
with h5py.File(out) as f:
    check(f.attrs["version_major"] == 0 and f.attrs["version_minor"] == 2, "EMD version 0.2")
    g = f["data/counts"]
    d = g["data"]
    nx, ny, nt = d.shape
    check(nt == 3, "three frames")
    check(all(f[f"data/{k}"].attrs["emd_group_type"] == 1 for k in ("intensity", "expected_counts", "counts", "exit_wave")), "emd_group_type")
    names = [g[f"dim{k}"].attrs["name"] for k in (1, 2, 3)]
    units = [g[f"dim{k}"].attrs["units"] for k in (1, 2, 3)]
    names = [n.decode() if isinstance(n, bytes) else n for n in names]
    units = [u.decode() if isinstance(u, bytes) else u for u in units]
    check(names == ["x", "y", "t"] and units == ["[n_m]", "[n_m]", "[s]"], f"dims {names} {units}")
    dx_nm = g["dim1"][1] - g["dim1"][0]
    check(abs(dx_nm * 10 - cell[0] / nx) < 1e-9, "dim1 spacing = pixel size")
    check(abs(g["dim3"][1] - 0.04) < 1e-12, "frame time")
    counts = d[...]
    mic = dict(f["microscope"].attrs)
    check(abs(mic["defocus_angstrom"] - 30) < 1e-12 and "defocus_reference_z_angstrom" in mic, "microscope attributes")
    check(abs(mic["defocus_reference_z_angstrom"] - 4.0) < 1e-9, "exit surface at the end of the last slice holding atoms (z = 4 Å)")
    gt = f["ground_truth"]
    pos = gt["projected_positions_angstrom"][...]
    check(pos.shape == (3, len(atoms), 2), "ground truth shape")
    check(np.allclose(pos[0, :, 0], [a[1] for a in atoms], atol=1e-4), "ground-truth x")
    species = gt["atomic_numbers"][...]
    check(species.shape == (3, len(atoms)) and all(list(row) == [11 if a[0] == "Na" else 17 for a in atoms] for row in species),
          "ground-truth species (per frame)")
    ew = f["data/exit_wave/data"][...]
    check(np.iscomplexobj(ew) and ew.shape == (nx, ny, 3), "exit wave complex (nx, ny, nt)")
    inten = f["data/intensity/data"][...]
    # A column of Na+Cl at (0, 0) under Scherzer-like underfocus is dark; pixel (0, 0) is centred on it.
    check(inten[0, 0, 0] < inten.mean(), "atom column at pixel (0, 0) is dark at underfocus")
print(f"| EMD read by h5py | data {counts.shape} float32, dim1..3 = x, y [n_m], t [s], /microscope {len(mic)} attributes, ground truth {pos.shape} | layout of issue 4 |")

try:
    import hyperspy.api as hs
    sigs = hs.load(str(out), reader="emd")
    sigs = sigs if isinstance(sigs, list) else [sigs]
    sig = [s for s in sigs if s.metadata.General.title == "counts"] or sigs
    ax = sig[0].axes_manager
    axes = [(a.name, a.units, a.scale, a.size) for a in ax._axes]
    # HyperSpy transposes EMD data to (t, y, x): a stack of 3 frames of ny x nx.
    named = {a[0]: a for a in axes}
    ok = (set(named) == {"x", "y", "t"} and abs(named["x"][2] - dx_nm) < 1e-9 and named["x"][1] == "nm"
          and abs(named["t"][2] - 0.04) < 1e-12 and named["t"][1] == "s" and named["t"][3] == 3)
    check(ok, f"HyperSpy axes {axes}")
    check(np.array_equal(np.asarray(sig[0].data), np.transpose(counts)), "HyperSpy data")
    print(f"| EMD read by HyperSpy {hs.__version__ if hasattr(hs, '__version__') else ''} | {len(sigs)} signals; counts axes {[(a[0], a[1], round(a[2], 6)) for a in axes]} | names, scales, values |")
except ImportError:
    print("| EMD read by HyperSpy | not installed | skipped |")

import tifffile  # noqa: E402

with tifffile.TiffFile(tif) as t:
    stack = t.asarray()
    ij = t.imagej_metadata or {}
    xr = t.pages[0].tags["XResolution"].value
check(stack.shape == (3, ny, nx), f"TIFF shape {stack.shape}")
check(np.array_equal(stack, np.transpose(counts, (2, 1, 0))), "TIFF values = EMD counts")
check(ij.get("unit") == "nm" and abs(float(ij.get("finterval", 0)) - 0.04) < 1e-12, f"ImageJ metadata {ij}")
check("images" not in ij, "no images= key")
px = xr[1] / xr[0]
check(abs(px - dx_nm) < 1e-6, "TIFF resolution = pixel size")
print(f"| TIFF read by tifffile {tifffile.__version__} | {stack.shape} float32, unit={ij.get('unit')}, finterval={ij.get('finterval')}, pixel {px:.6f} nm | equal to EMD counts |")

import mrcfile  # noqa: E402

with mrcfile.open(mrc, permissive=False) as m:
    data = m.data.copy()
    vs = m.voxel_size
    stackflag = m.is_image_stack()
check(data.shape == (3, ny, nx) and np.array_equal(data, np.transpose(counts, (2, 1, 0))), "MRC values")
check(abs(float(vs.x) - cell[0] / nx) < 1e-4, f"MRC voxel size {vs}")
print(f"| MRC read by mrcfile {mrcfile.__version__} | {data.shape} mode 2, voxel {float(vs.x):.5f} Å, image stack {stackflag} | equal to EMD counts |")
check(len(list(png.glob("frame_*.png"))) == 3, "PNG previews")

# 3. Trajectory, stride and snapshots; MPI bitwise identity.
traj = WORK / "traj.h5"
rng = np.random.default_rng(3)
T = 8
base = np.array([[a[1], a[2], a[3]] for a in atoms])
with h5py.File(traj, "w") as f:
    f.create_group("h5md").attrs["version"] = np.array([1, 1])
    p = f.create_group("particles/all")
    p["species"] = np.array([11 if a[0] == "Na" else 17 for a in atoms], dtype=np.int64)
    pos = p.create_group("position")
    v = pos.create_dataset("value", data=(base[None] + 0.1 * rng.standard_normal((T, len(atoms), 3))) / 10.0)
    v.attrs["unit"] = "nm"
    pos["step"] = np.arange(T, dtype=np.int64) * 100
    pos["time"] = np.arange(T) * 0.2
    box = p.create_group("box")
    box.attrs["dimension"] = 3
    box.attrs["boundary"] = np.array([b"periodic"] * 3)
    e = box.create_group("edges")
    e["value"] = np.repeat(np.diag(cell)[None] / 10.0, T, axis=0)
    e["step"] = np.arange(T, dtype=np.int64) * 100
    e["time"] = np.arange(T) * 0.2
tini = WORK / "traj.ini"
tini.write_text(ini.read_text() + "frame_stride = 2\nsnapshots_per_frame = 2\nexit_wave = true\n")
one, two = WORK / "t1.h5", WORK / "t2.h5"
run([NANOMIX, "image", "--config", tini, "--trajectory", traj, "--out", one, "--quiet"])
with h5py.File(one) as f:
    check(f["data/counts/data"].shape[2] == 4, "8 MD frames, stride 2 -> 4 movie frames")
    check(f["ground_truth/source_frames"][...].tolist() == [[0, 1], [2, 3], [4, 5], [6, 7]], "source frames")
env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMPI_MCA_rmaps_base_oversubscribe="1")
mpirun = shutil.which("mpirun")
if mpirun:
    r = run([mpirun, "-np", "2", NANOMIX, "image", "--config", tini, "--trajectory", traj, "--out", two, "--quiet"], env=env)
    same = True
    if r.returncode == 0:
        with h5py.File(one) as a, h5py.File(two) as b:
            for k in ("intensity", "expected_counts", "counts", "exit_wave"):
                same = same and np.array_equal(a[f"data/{k}/data"][...], b[f"data/{k}/data"][...])
            same = same and np.array_equal(a["ground_truth/projected_positions_angstrom"][...], b["ground_truth/projected_positions_angstrom"][...])
        check(same, "mpirun -np 2 bitwise equal to one process")
        print(f"| mpirun -np 2 vs one process (4 frames, 2 snapshots each) | bitwise equal: {same} | equal |")
else:
    print("| mpirun -np 2 vs one process | mpirun not found | skipped |")

# 4. Bad input.
bad = WORK / "bad"
bad.mkdir()
table = WORK / "no_cl.dat"
table.write_text("\n".join(line for line in Path(__file__).resolve().parents[2].joinpath("imaging/data/kirkland_fparams.dat").read_text().splitlines()
                           if not line.strip().startswith("17 ")))
outside = WORK / "outside.xyz"
write_xyz(outside, atoms + [("Na", -2.0, 1.0, 1.0)], cell, pbc="F F F")
nan = WORK / "nan.xyz"
write_xyz(nan, atoms[:-1] + [("Na", "nan", 1.0, 1.0)], cell)
cases = [
    ("element missing from the table", [xyz], [f"--imaging.scattering_table={table}"], "not in the scattering-parameter table"),
    ("atoms outside a non-periodic view", [outside], [], "outside the field of view"),
    ("grid too large", [xyz], ["--imaging.pixel_size_angstrom=0.001", "--imaging.max_memory_mib=64"], "MiB"),
    ("NaN coordinate", [nan], [], ""),
    ("negative dose", [xyz], ["--imaging.dose_e_per_angstrom2=-5"], "dose_e_per_angstrom2"),
    ("pixel coarser than the aperture needs", [xyz], ["--imaging.pixel_size_angstrom=0.6", "--imaging.aperture_mrad=30"], "pixels of at most"),
]
for what, inputs, extra, needle in cases:
    o = bad / "m.h5"
    r = run([NANOMIX, "image", "--config", ini, "--structure", inputs[0], "--out", o, "--tiff", bad / "m.tif", "--quiet"] + extra, expect=2)
    msg = r.stderr.strip()
    check(len(msg.splitlines()) == 1, f"{what}: one line ({msg!r})")
    check(needle in msg, f"{what}: message names the problem ({msg!r})")
    check(not any(bad.iterdir()), f"{what}: nothing left behind ({list(bad.iterdir())})")
    print(f"| bad input: {what} | exit {r.returncode}: {msg[:150]} | exit 2, one line, no output |")

if failures:
    print("FAILED:", *failures, sep="\n  ")
    sys.exit(1)
print("all imaging file checks passed")
