#!/bin/bash
# nanomix run --resume never splices (issue 16, items 1 and 2): an MD stage killed midway and
# resumed with another [md] temperature starts over, and its trajectory is bitwise the one a fresh
# run with that temperature makes; an unchanged stage is skipped; a changed potential file (same
# name, other bytes) makes the stage run again. Usage: run_resume_test.sh NANOMIX PYTHON SOURCE_DIR
set -u
NANOMIX=$(realpath "$1")
PY=${2:-/usr/bin/python3}
SRC=$(realpath "${3:-$(dirname "$0")/../..}")
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 HDF5_USE_FILE_LOCKING=FALSE
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export TMPDIR="$T"  # LAMMPS' working folders, left behind by the kill -9s below, go with it
cd "$T"
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }
cp "$SRC/potentials/tosi_fumi_bmh.txt" pot.txt
cat > r.ini <<'INI'
[structure]
tube_n = 10
tube_m = 10
tube_length_angstrom = 30
ion_pairs = 16
seed = 5
[md]
melt_ps = 0
frames = 30
frame_interval_ps = 0.2
checkpoint_every_frames = 2
mechanism = swap_accelerated
ion_potential_file = pot.txt
[run]
stages = build md
INI

"$NANOMIX" run --config r.ini --out A --quiet & pid=$!
for _ in $(seq 1 600); do
  if grep -q "frames_done \([4-9]\|[1-9][0-9]\)" A/trajectory.checkpoint 2> /dev/null; then break; fi
  sleep 0.1
done
kill -9 $pid 2> /dev/null; wait $pid 2> /dev/null
n=$("$PY" -c "import h5py; print(h5py.File('A/trajectory.h5','r')['particles/all/position/value'].shape[0])")
check "killed run left $n of 30 frames" "[ $n -gt 0 ] && [ $n -lt 30 ]"

out=$("$NANOMIX" run --config r.ini --out A --resume --md.temperature_kelvin=900 2>&1); rc=$?
check "--resume with another temperature: exit 0" "[ $rc -eq 0 ]"
check "--resume with another temperature: says the stage starts over" "printf '%s' \"\$out\" | grep -q 'md: its config or inputs changed'"
"$NANOMIX" run --config r.ini --out B --quiet --md.temperature_kelvin=900; rc=$?
check "fresh run at 900 K: exit 0" "[ $rc -eq 0 ]"
"$PY" - <<'PYEOF' || fail=1
import h5py, numpy as np
a, b = h5py.File("A/trajectory.h5", "r"), h5py.File("B/trajectory.h5", "r")
pa, pb = a["particles/all/position/value"][:], b["particles/all/position/value"][:]
assert pa.shape == pb.shape == (30,) + pa.shape[1:], (pa.shape, pb.shape)
assert np.array_equal(pa, pb), "spliced: frames differ from a fresh 900 K run: %s" % np.abs(pa - pb).max(axis=(1, 2))
cfg = a["parameters/config"][()]
cfg = cfg.decode() if isinstance(cfg, bytes) else cfg
assert "temperature_kelvin = 900" in cfg, "stored config does not say 900 K"
print("ok: resumed folder = fresh 900 K run, bitwise, and says 900 K")
PYEOF

out=$("$NANOMIX" run --config r.ini --out A --resume --md.temperature_kelvin=900 2>&1); rc=$?
check "unchanged: md skipped" "[ $rc -eq 0 ] && printf '%s' \"\$out\" | grep -q 'molecular dynamics: outputs exist for this config, skipped'"
echo "# the same name, other bytes" >> pot.txt
out=$("$NANOMIX" run --config r.ini --out A --resume --md.temperature_kelvin=900 2>&1); rc=$?
check "changed potential file: md runs again" "[ $rc -eq 0 ] && ! printf '%s' \"\$out\" | grep -q 'molecular dynamics: outputs exist'"
exit $fail
