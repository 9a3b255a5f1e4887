#!/usr/bin/env bash
# nanomix run on a small config, then the report opened in headless Chromium.
# usage: run_report_test.sh NANOMIX CONFIG STAGES SECTION…
set -euo pipefail
nanomix=$1 config=$2 stages=$3
shift 3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$nanomix" run --quiet --config "$config" --out "$tmp/run" --run.stages="$stages"
# nanomix info describes every file the run wrote.
for f in "$tmp"/run/*.h5 "$tmp"/run/*.emd "$tmp"/run/*.xyz; do
  [ -e "$f" ] || continue
  first=$("$nanomix" info "$f" | sed -n 1p)
  grep -q -E "H5MD trajectory|EMD 0.2 movie|nanomix [a-z]+ file|extended XYZ" <<<"$first" \
    || { echo "FAIL: nanomix info $f: $first"; exit 1; }
done
# Two simulated mechanisms: the accelerated one segregates (anion_sro >= 0.3 in the second half),
# the thermal control stays mixed (|anion_sro| < 0.1), and the ground-truth comparison tells them
# apart (p < 0.05) — the demo's claims, checked on every run of this test.
if [ -e "$tmp/run/trajectory_thermal.h5" ]; then
  HDF5_USE_FILE_LOCKING=FALSE /usr/bin/python3 - "$tmp/run" <<'PYEOF'
import sys, h5py, numpy as np
d = sys.argv[1]
a = h5py.File(d + "/trajectory.h5", "r")["observables/anion_sro/value"][:]
b = h5py.File(d + "/trajectory_thermal.h5", "r")["observables/anion_sro/value"][:]
assert abs(a[0]) < 0.1 and a[len(a) // 2:].max() >= 0.3, a
assert np.abs(b).max() < 0.1, b
p = h5py.File(d + "/comparison_atoms.h5", "r")["mechanisms/0"].attrs["permutation_p_value"]
assert p < 0.05, p
print("ok: anion_sro %.2f -> max %.2f (thermal max |%.2f|); ground-truth comparison p = %.3f" % (a[0], a[len(a)//2:].max(), np.abs(b).max(), p))
PYEOF
fi
# The movie section says how heavy/light were decided in columns.h5 (class_rule), or that they
# could not be split (the demo's MD movies: column spacings too spread for the lattice rule).
if [ -e "$tmp/run/columns.h5" ] && grep -q 'id="movie"' "$tmp/run/report.html"; then
  /usr/bin/python3 - "$tmp/run" <<'PYEOF'
import sys, re, html, h5py
run = sys.argv[1]
with h5py.File(run + "/columns.h5", "r") as f:
    a = f["movie"].attrs
    rule = a["class_rule"].decode() if isinstance(a["class_rule"], bytes) else str(a["class_rule"])
    split = int(a["classes_split"])
page = open(run + "/report.html").read()
start = page.index('id="movie"')
sect = re.sub(r"\s+", " ", html.unescape(re.sub("<[^>]+>", " ", page[start:page.index("</section>", start)])))
want = ("Heavy (holds iodide) and light were decided by " + rule) if split else ("Heavy and light could not be split in this movie (" + rule + ")")
assert want in sect, (want, sect[:1500])
print("ok: the movie section says of columns.h5:", want)
PYEOF
fi
/usr/bin/python3 "$(dirname "$0")/report_chromium.py" "$tmp/run/report.html" "$@"
