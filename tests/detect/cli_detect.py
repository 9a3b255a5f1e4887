#!/usr/bin/env python3
"""`nanomix detect` end to end: a movie of Gaussian columns at known positions written with tifffile
(ImageJ stack, pixel size in nm, frame interval) and as MRC and raw; columns read back with h5py.
Also the CLI contract: bad input → exit code 2, one line, no output file left behind.
Usage: cli_detect.py NANOMIX"""
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np
import tifffile

nanomix = sys.argv[1]
tmp = Path(tempfile.mkdtemp(prefix="nanomix_cli_detect_"))
rng = np.random.default_rng(7)
px, n, sigma = 0.15, 160, 0.55  # Å, pixels, Å
ys, xs = np.mgrid[0:n, 0:n] * px
truth = []
for y in np.arange(3.0, n * px - 3.0, 3.0):
    for x in np.arange(3.0, n * px - 3.0, 3.0):
        truth.append((x + rng.uniform(-0.3, 0.3), y + rng.uniform(-0.3, 0.3), rng.random() < 0.3))
truth = np.array(truth)
frames = []
for t in range(4):
    img = np.ones((n, n))
    for x, y, heavy in truth:
        img -= (0.5 if heavy else 0.25) * np.exp(-((xs - x) ** 2 + (ys - y) ** 2) / (2 * sigma**2))  # dark columns
    dose = 3000.0 * px * px
    frames.append(rng.poisson(img * dose).astype(np.uint16))
movie = np.stack(frames)  # (t, y, x)
tifffile.imwrite(tmp / "movie.tif", movie, imagej=True, resolution=(1 / (px / 10), 1 / (px / 10)),
                 metadata={"unit": "nm", "finterval": 0.04, "axes": "TYX"})
cfg = tmp / "c.ini"
cfg.write_text("[detect]\ncolumn_sigma_angstrom = 0.55\n")

def run(*args):
    return subprocess.run([nanomix, *map(str, args)], capture_output=True, text=True)

failures = []
def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)

def score(path):
    with h5py.File(path) as f:
        cols = f["columns"][...]
        names = [s.decode() if isinstance(s, bytes) else s for s in f["columns"].attrs["columns"]]
        check(names == ["frame", "x_angstrom", "y_angstrom", "intensity", "class", "fit_residual"], f"column names {names}")
        check(int(f["columns"].attrs["nanomix_format_version"]) == 1, "format version")
        check("[detect]" in f["parameters/config"][()].decode(), "config stored")
        check(int(f["movie"].attrs["frame_count"]) == 4 and f["frames"].shape == (4, 4), "frame count and /frames")
        check(abs(float(f["movie"].attrs["pixel_size_x_angstrom"]) - px) < 1e-4, "pixel size")
        polarity = f["movie"].attrs["polarity_used"]
        polarity = polarity.decode() if isinstance(polarity, bytes) else polarity
        check(polarity == "dark", f"polarity {polarity}")
    tp = fp = fn = 0
    err2 = []
    class_ok = 0
    for t in range(4):
        det = cols[cols[:, 0] == t]
        used = set()
        for x, y, heavy in truth:
            d = np.hypot(det[:, 1] - x, det[:, 2] - y)
            d[list(used)] = np.inf
            k = int(np.argmin(d)) if len(d) else -1
            if k >= 0 and d[k] < 1.2:
                used.add(k)
                tp += 1
                err2.append(d[k] ** 2)
                class_ok += int(det[k, 4] == (1 if heavy else 0))
            else:
                fn += 1
        fp += len(det) - len(used)
    rms_pm = 100 * np.sqrt(np.mean(err2)) if err2 else np.inf
    print(f"{path.name}: TP {tp} FP {fp} FN {fn} RMS {rms_pm:.1f} pm, classes right {class_ok}/{tp}")
    check(fn <= 0.02 * tp and fp <= 0.02 * tp, f"{path.name}: recall/precision")
    check(rms_pm < 15, f"{path.name}: RMS {rms_pm:.1f} pm")
    check(class_ok >= 0.9 * tp, f"{path.name}: classes")
    check_class_rule(path, "intensity")


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def first_shell_spacing(xy):
    """Median distance to the first-shell neighbours (within 1.2 x the nearest, at most 4; >= 2
    needed), kept in the rock-salt window 0.8 x 2.82 .. 1.2 x 3.235 Å (docs/detect.md); NaN otherwise."""
    d = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    np.fill_diagonal(d, np.inf)
    out = np.full(len(xy), np.nan)
    for i in range(len(xy)):
        r = np.sort(d[i])
        shell = r[r <= 1.2 * r[0]][:4]
        if len(shell) >= 2 and 0.8 * 2.82 <= np.median(shell) <= 1.2 * 3.235:
            out[i] = np.median(shell)
    return out


def check_class_rule(path, want):
    """class_rule written and the per-column spacings recomputed from the written positions."""
    with h5py.File(path) as f:
        m = f["movie"].attrs
        rule = text(m["class_rule"]) if "class_rule" in m else ""
        check(rule.startswith(want), f"{path.name}: class_rule {rule!r} (want {want!r})")
        check(any("lattice" in text(n) for n in m["notes"]), f"{path.name}: a note on the lattice rule")
        cols = f["columns"][...]
        spacing = f["column_spacing_angstrom"][...]
    check(spacing.shape == (len(cols),), f"{path.name}: column_spacing_angstrom shape {spacing.shape}")
    mine = np.concatenate([first_shell_spacing(cols[cols[:, 0] == t][:, 1:3]) for t in np.unique(cols[:, 0])])
    same = np.isnan(mine) == np.isnan(spacing)
    same[~np.isnan(mine)] &= np.abs(mine - spacing)[~np.isnan(mine)] < 1e-9
    check(same.all(), f"{path.name}: column spacings differ from the recomputed ones at {int((~same).sum())} columns")
    return rule, cols, spacing

r = run("detect", "--config", cfg, "--movie", tmp / "movie.tif", "--out", tmp / "cols.h5", "--quiet")
check(r.returncode == 0, f"detect on TIFF: exit {r.returncode} {r.stderr}")
if r.returncode == 0:
    score(tmp / "cols.h5")

# The same movie as raw (pixel size from the config) and as MRC mode 6 (pixel size in cella).
movie.astype("<u2").tofile(tmp / "movie.raw")
r = run("detect", "--config", cfg, "--movie", tmp / "movie.raw", "--out", tmp / "cols_raw.h5", "--quiet",
        f"--detect.raw_nx={n}", f"--detect.raw_ny={n}", "--detect.raw_type=u16", f"--detect.pixel_size_angstrom={px}")
check(r.returncode == 0, f"detect on raw: exit {r.returncode} {r.stderr}")
if r.returncode == 0:
    score(tmp / "cols_raw.h5")
header = bytearray(1024)
np.array([n, n, 4, 6], "<i4").tofile
header[0:16] = np.array([n, n, 4, 6], "<i4").tobytes()
header[28:40] = np.array([n, n, 4], "<i4").tobytes()
header[40:52] = np.array([n * px, n * px, 4.0], "<f4").tobytes()
header[64:76] = np.array([1, 2, 3], "<i4").tobytes()
header[208:212] = b"MAP "
header[212:214] = b"\x44\x44"
(tmp / "movie.mrc").write_bytes(bytes(header) + movie.astype("<u2").tobytes())
r = run("detect", "--config", cfg, "--movie", tmp / "movie.mrc", "--out", tmp / "cols_mrc.h5", "--quiet")
check(r.returncode == 0, f"detect on MRC: exit {r.returncode} {r.stderr}")
if r.returncode == 0:
    score(tmp / "cols_mrc.h5")

# A perfect square lattice 3.0 Å apart: one rock-salt lattice (a solid solution), Vegard's iodide
# fraction from the written spacings; without a tube a column counts one anion, so the (1 - x) N
# dimmest columns are light.
ordered = []
for t in range(4):
    img = np.ones((n, n))
    for x, y, _ in truth:
        x0, y0 = 3.0 * np.round(x / 3.0), 3.0 * np.round(y / 3.0)
        img -= 0.4 * np.exp(-((xs - x0) ** 2 + (ys - y0) ** 2) / (2 * sigma**2))
    ordered.append(rng.poisson(img * 3000.0 * px * px).astype(np.uint16))
tifffile.imwrite(tmp / "lattice.tif", np.stack(ordered), imagej=True, resolution=(1 / (px / 10), 1 / (px / 10)),
                 metadata={"unit": "nm", "finterval": 0.04, "axes": "TYX"})
r = run("detect", "--config", cfg, "--movie", tmp / "lattice.tif", "--out", tmp / "lattice.h5", "--quiet", "--detect.tube=off")
check(r.returncode == 0, f"detect on the lattice: exit {r.returncode} {r.stderr}")
if r.returncode == 0:
    rule, cols, spacing = check_class_rule(tmp / "lattice.h5", "lattice: solid solution")
    with h5py.File(tmp / "lattice.h5") as f:
        x_file = float(f["movie"].attrs.get("lattice_iodide_fraction", np.nan))
        split = int(f["movie"].attrs["classes_split"])
    x_mine = (2 * np.nanmedian(spacing) - 5.64) / (6.47 - 5.64)
    print(f"lattice: {rule}, iodide fraction {x_file:.3f} (recomputed {x_mine:.3f}), heavy {int(cols[:, 4].sum())}/{len(cols)}")
    check(abs(x_file - x_mine) < 1e-6 and abs(x_mine - (6.0 - 5.64) / 0.83) < 0.03, f"lattice: iodide fraction {x_file}")
    light = cols[:, 4] == 0
    check(split == 1 and light.sum() == round((1 - x_file) * len(cols)), f"lattice: {light.sum()} light of {len(cols)}")
    check(cols[light, 3].max() <= cols[~light, 3].min(), "lattice: the light columns are the dimmest")

# Bad input: exit 2, one line on stderr, no output.
(tmp / "bad.tif").write_bytes(b"II*\0" + b"\xff" * 100)
for args, why in [
    (("--movie", tmp / "bad.tif"), "corrupt TIFF"),
    (("--movie", tmp / "missing.tif"), "missing file"),
    (("--movie", tmp / "movie.raw"), "raw without shape"),
    (("--movie", tmp / "movie.tif", "--detect.column_sigma_angstrom=-1"), "out of range"),
    (("--movie", tmp / "movie.tif", "--detect.normalise=vacuum", "--detect.vacuum_region_angstrom=1,2"), "bad region"),
]:
    out = tmp / "never.h5"
    r = run("detect", "--config", cfg, "--out", out, *args)
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    check(r.returncode == 2, f"{why}: exit {r.returncode} (want 2): {r.stderr}")
    check(len(lines) == 1, f"{why}: {len(lines)} lines of error")
    check(not out.exists() and not list(tmp.glob(".never.h5.tmp*")), f"{why}: output left behind")
    print(f"{why}: {lines[0] if lines else ''}")

# No pixel size anywhere: exit 2.
tifffile.imwrite(tmp / "nopx.tif", movie, photometric="minisblack", metadata=None)
r = run("detect", "--config", cfg, "--movie", tmp / "nopx.tif", "--out", tmp / "never.h5")
check(r.returncode == 2 and "pixel_size_angstrom" in r.stderr, f"no pixel size: exit {r.returncode} {r.stderr}")

if failures:
    sys.exit(1)
print("ok")
