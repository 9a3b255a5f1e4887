#!/usr/bin/env bash
# nanomix run against an experimental movie, and its report in headless Chromium (issue 13, item
# 4): the "experimental" movie is a 6-frame ImageJ TIFF written by tifffile from a simulated
# movie's expected counts with Poisson noise of its own, calibrated in nm (ImageJ unit) with a
# frame interval. The report's experiment section must show the calibration the file holds (read
# back here with tifffile, independently of nanomix) and the frames with their detected columns.
# usage: experiment_report_test.sh NANOMIX CONFIG
set -euo pipefail
nanomix=$1 config=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$nanomix" run --quiet --config "$config" --out "$tmp/sim" --run.stages="build md image"
/usr/bin/python3 - "$tmp" <<'PYEOF'
import sys, h5py, numpy as np, tifffile
d = sys.argv[1]
g = h5py.File(d + "/sim/movie.emd", "r")["data/expected_counts"]
lam = np.transpose(g["data"][:], (2, 1, 0))          # (frames, y, x)
x = g["dim1"][:]
u = g["dim1"].attrs["units"]; u = u.decode() if isinstance(u, bytes) else str(u)
assert "n_m" in u, u  # EMD 0.2 writes units as [n_m]
px_nm = float(x[1] - x[0])
# The experiment is filmed on a finer pixel than the simulation: 2n - 1 pixels over the same field
# (first to last pixel centre), so nanomix run must resample it down to the simulated pixel.
from scipy import ndimage
n = lam.shape[1:]
fine = ndimage.zoom(lam, (1, (2 * n[0] - 1) / n[0], (2 * n[1] - 1) / n[1]), order=3, grid_mode=False)
assert fine.shape[1:] == (2 * n[0] - 1, 2 * n[1] - 1), fine.shape
fine = np.clip(fine, 0, None) / 4  # the same dose per Å²
px_nm = px_nm / 2  # (n - 1) px = (2n - 2) px / 2
frames = np.random.default_rng(7).poisson(fine).astype(np.uint16)
open(d + "/sim_pixel", "w").write(repr(float(x[1] - x[0]) * 10))
tifffile.imwrite(d + "/exp.tif", frames, imagej=True, resolution=(1 / px_nm, 1 / px_nm),
                 metadata={"unit": "nm", "finterval": 0.04, "axes": "TYX"})
with tifffile.TiffFile(d + "/exp.tif") as t:
    open(d + "/expected_pixel", "w").write("%.4g" % (10 / t.pages[0].tags["XResolution"].value[0] * t.pages[0].tags["XResolution"].value[1]))
PYEOF
"$nanomix" run --quiet --config "$config" --out "$tmp/run" --run.stages="build md image detect topology compare report" \
  --compare.experimental="$tmp/exp.tif"
px=$(cat "$tmp/expected_pixel")
# Both movies detected at the simulated (coarser) pixel: the experiment resampled down (issue 13 item 4).
/usr/bin/python3 - "$tmp/run" "$(cat "$tmp/sim_pixel")" "$(cd "$(dirname "$0")/../.." && pwd)" <<'PYEOF'
import sys, h5py
run, sim_px = sys.argv[1], float(sys.argv[2])
with h5py.File(run + "/columns_experimental.h5", "r") as f, h5py.File(run + "/columns.h5", "r") as s:
    e, m = f["movie"].attrs, s["movie"].attrs
    # (to the TIFF resolution tag's rational rounding)
    assert abs(e["pixel_size_x_angstrom"] / sim_px - 1) < 1e-6 and abs(e["pixel_size_y_angstrom"] / sim_px - 1) < 1e-6, (e["pixel_size_x_angstrom"], sim_px)
    assert (e["nx"], e["ny"]) == (m["nx"], m["ny"]), (e["nx"], e["ny"], m["nx"], m["ny"])
    note = e["resampling"]; note = note.decode() if isinstance(note, bytes) else str(note)
    assert "Fourier" in note and "to %d x %d pixels" % (m["nx"], m["ny"]) in note, note
    assert "resampling" not in m, "the simulated movie (the coarser) must not be resampled"
    assert len(f["columns"]) > 0
print("ok: the experiment detected at the simulated pixel", sim_px, "Å:", note)
# The compare section places this run on the validation's power curves: the frame count read here
# from comparison.h5 (the shorter side) must be the one marked.
import re, html
with h5py.File(run + "/comparison.h5", "r") as c:
    m = c["mechanisms/0"].attrs
    frames = int(min(m["frames_simulated"], m["frames_experimental"]))
page = open(run + "/report.html").read()
start = page.index('id="compare"')
section = html.unescape(page[start:page.index("</section>", start)])
assert "Power, validation (not this run): p" in section and "Power, validation (not this run): effect z" in section, section[:300]
assert "this run: %d frames" % frames in section and "This run compared %d frames a side" % frames in section, frames
print("ok: the power plot marks this run's", frames, "frames")
# The demo calibration's reference figures in the report are those of validation/topology/RESULTS.md
# section 7 (its tables as demo_calibration.py wrote them): same-process pairs rejected at the frame
# level, and swap vs thermal's frame-level and run-level p, per statistic.
import os
results = open(os.path.join(sys.argv[3], "validation/topology/RESULTS.md")).read()
sec7 = results[results.index("## 7."):]
text = re.sub(r"\s+", " ", re.sub("<[^>]+>", " ", section))
names = {"interior": "tube interior", "columns": "detected columns", "I": "ground truth"}
for stat, name in names.items():
    rej = re.search(r"^\| %s \| (\d+)/(\d+) \| ([0-9.]+) \|" % stat, sec7, re.M)
    runp = re.search(r"^\| %s \| ([0-9.]+) \| [+-][0-9.]+ \| [^|]+\| [^|]+\| ([0-9.]+) \|" % stat, sec7, re.M)
    assert rej and runp, stat
    want = "%s/%s = %s %s %s" % (rej.group(1), rej.group(2), rej.group(3), runp.group(1), runp.group(2))
    assert re.search(re.escape(name) + r"[^/]{0,60}\s" + re.escape(want), text), (stat, want, text[text.index("Frame-level p of two"):][:1500])
print("ok: the report's demo calibration table = validation/topology/RESULTS.md section 7")
# The movie and experiment sections say how heavy/light were decided, from each columns file's
# /movie class_rule and classes_split (or that they could not be split).
for cols, sec in [("columns.h5", "movie"), ("columns_experimental.h5", "experiment")]:
    with h5py.File(run + "/" + cols, "r") as f:
        a = f["movie"].attrs
        rule = a["class_rule"].decode() if isinstance(a["class_rule"], bytes) else str(a["class_rule"])
        split = int(a["classes_split"])
    want = ("Heavy (holds iodide) and light were decided by " + rule) if split else ("Heavy and light could not be split in this movie (" + rule + ")")
    start = page.index('id="%s"' % sec)
    sect = re.sub(r"\s+", " ", html.unescape(re.sub("<[^>]+>", " ", page[start:page.index("</section>", start)])))
    assert want in sect, (cols, want, sect[:1500])
    print("ok:", sec, "section says of", cols + ":", want)
PYEOF
/usr/bin/python3 - "$tmp/run/report.html" "$tmp/exp.tif" "$px" <<'PYEOF'
import sys, re, html
page = open(sys.argv[1]).read()
start = page.index('id="experiment"')
section = html.unescape(re.sub("<[^>]+>", " ", page[start:page.index("<section", start + 1) if "<section" in page[start + 1:] else len(page)]))
for want in [sys.argv[2], "tiff", "6 frames", "Detection ran on the movie resampled (Fourier, DCT-I)", sys.argv[3] + " × " + sys.argv[3] + " Å (from the file's calibration)",
             "0.04 s (frame interval, from the file)", "columns detected"]:
    assert want in section, (want, section[:2000])
print("ok: experiment section names the file, its calibration", sys.argv[3], "Å and its frame interval")
PYEOF
NANOMIX_SCREENSHOTS=${NANOMIX_SCREENSHOTS:-} /usr/bin/python3 "$(dirname "$0")/report_chromium.py" "$tmp/run/report.html" run movie experiment compare
