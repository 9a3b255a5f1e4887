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
frames = np.random.default_rng(7).poisson(lam).astype(np.uint16)
tifffile.imwrite(d + "/exp.tif", frames, imagej=True, resolution=(1 / px_nm, 1 / px_nm),
                 metadata={"unit": "nm", "finterval": 0.04, "axes": "TYX"})
with tifffile.TiffFile(d + "/exp.tif") as t:
    open(d + "/expected_pixel", "w").write("%.4g" % (10 / t.pages[0].tags["XResolution"].value[0] * t.pages[0].tags["XResolution"].value[1]))
PYEOF
"$nanomix" run --quiet --config "$config" --out "$tmp/run" --run.stages="build md image detect topology compare report" \
  --compare.experimental="$tmp/exp.tif"
px=$(cat "$tmp/expected_pixel")
/usr/bin/python3 - "$tmp/run/report.html" "$tmp/exp.tif" "$px" <<'PYEOF'
import sys, re, html
page = open(sys.argv[1]).read()
start = page.index('id="experiment"')
section = html.unescape(re.sub("<[^>]+>", " ", page[start:page.index("<section", start + 1) if "<section" in page[start + 1:] else len(page)]))
for want in [sys.argv[2], "tiff", "6 frames", sys.argv[3] + " × " + sys.argv[3] + " Å (from the file's calibration)",
             "0.04 s (frame interval, from the file)", "columns detected"]:
    assert want in section, (want, section[:2000])
print("ok: experiment section names the file, its calibration", sys.argv[3], "Å and its frame interval")
PYEOF
NANOMIX_SCREENSHOTS=${NANOMIX_SCREENSHOTS:-} /usr/bin/python3 "$(dirname "$0")/report_chromium.py" "$tmp/run/report.html" run movie experiment compare
