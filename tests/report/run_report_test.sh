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
for f in "$tmp"/run/*.h5 "$tmp"/run/*.xyz; do
  [ -e "$f" ] || continue
  first=$("$nanomix" info "$f" | sed -n 1p)
  grep -q -E "H5MD trajectory|EMD 0.2 movie|nanomix [a-z]+ file|extended XYZ" <<<"$first" \
    || { echo "FAIL: nanomix info $f: $first"; exit 1; }
done
/usr/bin/python3 "$(dirname "$0")/report_chromium.py" "$tmp/run/report.html" "$@"
