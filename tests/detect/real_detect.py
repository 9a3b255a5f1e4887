#!/usr/bin/env python3
"""Detection defaults on real atomic-resolution images (issue 13 item 5), checked against physics
that nanomix does not compute:

* SrTiO3 (Acquisition_18.emd, HAADF STEM, pixel size from the file): with an empty [detect] section
  the columns found must form the [001] perovskite projection: nearest-neighbour distance
  a/sqrt(2) = 2.761 Å (a = 3.905 Å, the published lattice constant) within 3 %, and about one
  column per a²/2 of the field; no nanotube (one warning line on stderr, whole-frame detection).
* Graphene HRTEM (graphene_defect_raw.tif, no calibration in the file): the pixel size is measured
  here from the image's own Fourier transform (the {100} ring of graphene, d = 2.13 Å). Bright
  spots and dark spots each form a triangular lattice of 2.46 Å; `polarity = auto` takes the bright
  one (hexagon centres), `polarity = dark` the atom sites, which must lie at the centroids of
  triangles of hexagon centres: distance to the nearest bright spot = 2.46/sqrt(3) = 1.42 Å, i.e.
  1/sqrt(3) of the bright-bright spacing (within 5 %).
* Issue 16 item 4: a tiny pixel size override is one error line, exit 2, no output, at once.
Usage: real_detect.py NANOMIX REALDATA_DIR"""
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np
import tifffile
from scipy.spatial import cKDTree

nanomix, real = sys.argv[1], Path(sys.argv[2])
tmp = Path(tempfile.mkdtemp(prefix="nanomix_real_detect_"))
cfg = tmp / "c.ini"
cfg.write_text("[detect]\n")
failures = []


def check(cond, what):
    print(("ok:   " if cond else "FAIL: ") + what)
    if not cond:
        failures.append(what)


def detect(movie, out, *args):
    r = subprocess.run([nanomix, "detect", "--config", cfg, "--movie", movie, "--out", out, "--quiet", *args],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"nanomix detect failed: {r.stderr}")
    with h5py.File(out) as f:
        pol = f["movie"].attrs["polarity_used"]
        return f["columns"][:, 1:3], (pol.decode() if isinstance(pol, bytes) else pol), r.stderr


# SrTiO3 [001]
sto = real / "Acquisition_18.emd"
if sto.exists():
    xy, pol, err = detect(sto, tmp / "sto.h5")
    d = cKDTree(xy).query(xy, k=2)[0][:, 1]
    a = 3.905
    check(abs(np.median(d) / (a / np.sqrt(2)) - 1) < 0.03, f"SrTiO3: median nearest-neighbour {np.median(d):.3f} Å vs a/sqrt(2) = {a / np.sqrt(2):.3f} Å")
    check(np.mean(np.abs(d / (a / np.sqrt(2)) - 1) < 0.12) > 0.95, "SrTiO3: > 95 % of columns at a/sqrt(2) ± 12 % from a neighbour")
    with h5py.File(tmp / "sto.h5") as f:
        nx, ny = int(f["movie"].attrs["nx"]), int(f["movie"].attrs["ny"])
        px = float(f["movie"].attrs["pixel_size_x_angstrom"])
    area = ((nx - 1) * px - 2) * ((ny - 1) * px - 2)  # edge_margin 1 Å on each side
    expected = area / (a * a / 2)
    check(0.85 < len(xy) / expected < 1.1, f"SrTiO3: {len(xy)} columns, {expected:.0f} expected (one per a²/2)")
    warnings = [l for l in err.splitlines() if "warning" in l]
    check(len(warnings) == 1 and "no nanotube" in warnings[0], f"SrTiO3: one 'no nanotube' warning line ({len(warnings)})")

# Issue 16 item 4: a tiny pixel size (override, or a damaged header) is one line and exit 2, at once,
# with no output file (it used to segfault at 1e-9 Å and end in bad_alloc after minutes at 1e-5 Å).
if sto.exists():
    for px in ("1e-9", "1e-5"):
        out = tmp / f"tiny_{px}.h5"
        r = subprocess.run([nanomix, "detect", "--config", cfg, "--movie", sto, "--out", out, "--quiet",
                            f"--detect.pixel_size_angstrom={px}", "--detect.override_file_metadata=true"],
                           capture_output=True, text=True, timeout=60)
        lines = [l for l in r.stderr.splitlines() if l.strip()]
        check(r.returncode == 2 and len(lines) == 1 and "too small" in lines[0] and not out.exists(),
              f"pixel size {px} Å: exit {r.returncode}, {len(lines)} line(s), output {'left' if out.exists() else 'absent'}")

# Graphene HRTEM
gr = real / "graphene_defect_raw.tif"
if gr.exists():
    img = tifffile.imread(gr).astype(float)
    n = img.shape[0]
    spec = np.abs(np.fft.fftshift(np.fft.fft2(img - img.mean())))
    yy, xx = np.mgrid[:n, :n] - n // 2
    r = np.hypot(xx, yy)
    ring = (r > 10) & (r < n // 4)
    k = np.argmax(np.where(ring, spec, 0))
    # Sub-pixel radius: intensity-weighted over the ring's six spots (the strongest ±1.5 px shell).
    r0 = r.ravel()[k]
    shell = ring & (np.abs(r - r0) < 1.5) & (spec > 0.3 * spec.ravel()[k])
    r0 = float(np.sum(r[shell] * spec[shell]) / np.sum(spec[shell]))
    px = 2.13 * r0 / n  # d(100) = a_graphene * sqrt(3)/2 = 2.13 Å at radius r0 (cycles per frame)
    print(f"graphene: pixel size from the {{100}} ring: {px:.4f} Å")
    common = [f"--detect.pixel_size_angstrom={px:.5f}", "--detect.tube=off"]
    bright, pol_auto, _ = detect(gr, tmp / "g_auto.h5", *common)
    dark, pol_dark, _ = detect(gr, tmp / "g_dark.h5", *common, "--detect.polarity=dark")
    check(pol_auto == "bright", f"graphene: auto polarity takes the bright lattice (hexagon centres): {pol_auto}")
    nn_b = np.median(cKDTree(bright).query(bright, k=2)[0][:, 1])
    check(abs(nn_b / 2.46 - 1) < 0.04, f"graphene: bright spots {nn_b:.3f} Å apart (2.46 Å)")
    to_b = np.median(cKDTree(bright).query(dark, k=1)[0])
    check(abs(to_b / nn_b * np.sqrt(3) - 1) < 0.05,
          f"graphene, polarity = dark: atom sites {to_b:.3f} Å from the nearest hexagon centre = {to_b / nn_b:.3f} of the centre spacing (1/sqrt(3) = 0.577)")
    check(abs(len(dark) / len(bright) - 1) < 0.2, f"graphene: {len(dark)} dark sites for {len(bright)} hexagon centres")

if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
