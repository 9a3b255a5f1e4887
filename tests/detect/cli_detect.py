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
