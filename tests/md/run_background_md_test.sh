#!/bin/bash
# nanomix run with [run] processes (stages as child `nanomix` processes once their inputs are made;
# here the MD stages, issue 14 item 6): the same trajectories, bitwise, as one MD after the other;
# the children die with the run; a child that fails fails the run with a line naming its stage,
# leaves no stamp, and --resume finishes it into the same trajectory.
# Usage: run_background_md_test.sh NANOMIX PYTHON SOURCE_DIR
set -u
NANOMIX=$(realpath "$1")
PY=${2:-/usr/bin/python3}
SRC=$(realpath "${3:-$(dirname "$0")/../..}")
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 HDF5_USE_FILE_LOCKING=FALSE
T=$(mktemp -d)
trap 'pkill -9 -f "$T/" 2> /dev/null; rm -rf "$T"' EXIT
export TMPDIR="$T"
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
checkpoint_every_frames = 5
mechanism = swap_accelerated
ion_potential_file = pot.txt
[run]
stages = build md
second_mechanism = thermal
null_pairs = 2
INI
TAGS="'' '_thermal' '_null1a' '_null1b' '_null2a' '_null2b'"

# 1. Two at a time against one after the other: every trajectory bitwise the same.
out=$("$NANOMIX" run --config r.ini --out A --run.processes=2 2>&1); rc=$?
check "processes = 2: exit 0" "[ $rc -eq 0 ]"
check "processes = 2: MD ran in the background" "printf '%s' \"\$out\" | grep -q 'molecular dynamics.*: ran in the background'"
"$NANOMIX" run --config r.ini --out B --run.processes=1 --quiet; rc=$?
check "processes = 1: exit 0" "[ $rc -eq 0 ]"
"$PY" - "$TAGS" <<'PYEOF' || fail=1
import sys, h5py, numpy as np
tags = [t.strip("'") for t in sys.argv[1].split()]
for tag in tags:
    a, b = h5py.File(f"A/trajectory{tag}.h5", "r"), h5py.File(f"B/trajectory{tag}.h5", "r")
    names = []
    a.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) and n.startswith(("particles", "observables")) else None)
    assert len(names) > 10, (tag, names)
    for n in names:
        x, y = a[n][()], b[n][()]
        assert x.shape == y.shape and np.array_equal(x, y), f"trajectory{tag}.h5 {n} differs"
    assert a["particles/all/position/value"].shape[0] == 30, tag
print(f"ok: {len(tags)} trajectories bitwise equal (particles and observables), two at a time vs one after the other")
PYEOF

# 2. Killing the run kills its background MD.
"$NANOMIX" run --config r.ini --out C --run.processes=2 --md.frames=200 --quiet & pid=$!
child=""
for _ in $(seq 1 300); do child=$(pgrep -P $pid -f " md --config " | head -1); [ -n "$child" ] && break; sleep 0.05; done
check "a background nanomix md started" "[ -n \"$child\" ]"
kill -9 $pid; wait $pid 2> /dev/null
gone=0
for _ in $(seq 1 100); do if ! kill -0 "$child" 2> /dev/null; then gone=1; break; fi; sleep 0.05; done
check "the background md died with the run (within 5 s)" "[ $gone -eq 1 ]"

# 3. A background MD that fails fails the run, names its stage, leaves no stamp; --resume finishes it.
"$NANOMIX" run --config r.ini --out D --run.processes=2 --md.frames=200 --run.null_pairs=0 --quiet 2> D.err & pid=$!
child=""
for _ in $(seq 1 300); do child=$(pgrep -P $pid -f " md --config " | head -1); [ -n "$child" ] && break; sleep 0.05; done
# Which MD is in the child: its --out names the trajectory, and the trajectory the stage.
traj=$(tr '\0' '\n' < /proc/$child/cmdline | grep -A1 -x -- --out | tail -1)
tag=$(basename "$traj" .h5); tag=${tag#trajectory}
stage="md$tag"
for _ in $(seq 1 200); do grep -q "frames_done [1-9]" "D/trajectory$tag.checkpoint" 2> /dev/null && break; sleep 0.05; done
kill -9 "$child" 2> /dev/null
wait $pid; rc=$?
check "run with a killed background md ($stage): exit 1 (got $rc)" "[ $rc -eq 1 ]"
check "the error names the stage and the signal" "grep -q \"stage $stage .*killed by signal 9\" D.err"
check "no stamp for the failed stage" "[ ! -e D/.stamps/$stage.stamp ]"
"$NANOMIX" run --config r.ini --out E --run.processes=1 --md.frames=200 --run.null_pairs=0 --run.stages=md --quiet 2> /dev/null &
ref=$!
out=$("$NANOMIX" run --config r.ini --out D --run.processes=2 --md.frames=200 --run.null_pairs=0 --resume 2>&1); rc=$?
wait $ref
check "--resume after the failure: exit 0" "[ $rc -eq 0 ]"
check "--resume continued the killed MD (not started over)" "! printf '%s' \"\$out\" | grep -q '$stage: its config or inputs changed'"
"$PY" - "$tag" <<'PYEOF' || fail=1
import sys, h5py, numpy as np
tag = sys.argv[1]
d, e = h5py.File(f"D/trajectory{tag}.h5", "r"), h5py.File(f"E/trajectory{tag}.h5", "r")
names = []
e.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) and n.startswith(("particles", "observables")) else None)
for n in names:
    assert np.array_equal(d[n][()], e[n][()]), n + " differs after --resume"
print("ok: resumed trajectory%s = a fresh one, bitwise (%d datasets, %d frames)" % (tag, len(names), d["particles/all/position/value"].shape[0]))
PYEOF
exit $fail
