#!/bin/bash
# (An ion outside the tube cannot come from the builder; test_md.cpp checks that case by hand.)
# nanomix md from the command line: bad input (exit 2, one line, nothing left behind), a short run
# with every observable, the saved LAMMPS input rerun by plain lmp (same energy), --resume after a
# kill, and mpirun -np 2. Usage: md_cli_test.sh NANOMIX PYTHON
set -u
NANOMIX=$(realpath "$1")
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
PY=${2:-/usr/bin/python3}
export HDF5_USE_FILE_LOCKING=FALSE
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }
cat > small.ini <<'INI'
[structure]
tube_n = 10
tube_m = 10
tube_length_angstrom = 30
ion_pairs = 16
seed = 5
[md]
melt_ps = 0
frames = 6
frame_interval_ps = 0.1
checkpoint_every_frames = 2
mechanism = swap_accelerated
INI

bad() {  # name, expected text, options...
  local name=$1 text=$2; shift 2
  local out rc
  out=$("$NANOMIX" md --config small.ini --out bad.h5 "$@" 2>&1); rc=$?
  check "$name: exit 2" "[ $rc -eq 2 ]"
  check "$name: one line naming '$text'" "[ \$(printf '%s\n' \"\$out\" | wc -l) -eq 1 ] && printf '%s' \"\$out\" | grep -q -- '$text'"
  check "$name: no output left" "[ ! -e bad.h5 ] && [ ! -e bad.lammps ] && [ ! -e bad.data ]"
}
bad "T <= 0" "temperature_kelvin" --md.temperature_kelvin=0
bad "negative schedule" "anneal_schedule" "--md.anneal_schedule=0:500,5:-3"
bad "unsafe time step" "timestep_fs" --md.timestep_fs=8 --md.frame_interval_ps=0.08
bad "missing potential" "ion_potential_file" --md.ion_potential_file=nope.txt
bad "overlapping atoms" "overlap" --md.min_start_distance_angstrom=3.5
bad "short Coulomb cut-off" "coulomb_cutoff_angstrom" --md.coulomb_cutoff_angstrom=20
bad "periodic tube" "tube_periodic" --structure.tube_periodic=true
bad "melt above boiling" "melt_temperature_kelvin" --md.melt_ps=5 --md.melt_temperature_kelvin=1700
bad "schedule above boiling" "temperature_kelvin" --md.temperature_kelvin=1600 --md.timestep_fs=1

"$NANOMIX" md --config small.ini --out run.h5 --quiet; rc=$?
check "short run exits 0" "[ $rc -eq 0 ]"
check "LAMMPS input saved" "[ -s run.lammps ] && [ -s run.data ]"
"$PY" - <<'PYEOF' || fail=1
import h5py, numpy as np
f = h5py.File("run.h5", "r")
pos = f["particles/all/position/value"]
assert pos.shape[0] == 6, pos.shape
for name in ["temperature", "potential_energy", "anion_sro", "crystallinity", "crystallinity_nacl",
             "crystallinity_nai", "ions_outside_tube", "experiment_time", "swap_acceptance"]:
    v = f["observables/" + name + "/value"][:]
    assert v.shape == (6,), name
    assert np.all(np.isfinite(v)), name
assert np.all(f["observables/ions_outside_tube/value"][:] == 0)
assert abs(f["observables/experiment_time/value"][-1] - 5 * 0.04) < 1e-12
assert "md_experiment_seconds_per_ps" in f["parameters"].attrs
print("ok: trajectory holds 6 frames and every observable")
PYEOF

# Plain lmp reruns the saved input: the same final potential energy (same ranks, same input).
if command -v lmp > /dev/null; then
  lmp -in run.lammps -log lmp.log -screen none > /dev/null 2>&1
  "$PY" - <<'PYEOF' || fail=1
import h5py, re
pe = h5py.File("run.h5", "r")["observables/potential_energy/value"][-1]
rows = [l.split() for l in open("lmp.log") if re.match(r"^\s+\d+\s+\S+\s+-?\d", l)]
last = float(rows[-1][2])
assert abs(last - pe) < 1e-6 * abs(pe), (last, pe)
print("ok: plain lmp rerun of run.lammps ends at the same energy", last, pe)
PYEOF
fi

# --resume after a kill: run long, kill -9 after the first checkpoint, resume to the same frames.
sed -e 's/^frames = 6/frames = 40/' -e 's/frame_interval_ps = 0.1/frame_interval_ps = 0.2/' small.ini > long.ini
"$NANOMIX" md --config long.ini --out long.h5 --quiet & pid=$!
for _ in $(seq 1 600); do
  if [ -f long.checkpoint ] && grep -q "frames_done \([4-9]\|[1-9][0-9]\)" long.checkpoint; then break; fi
  sleep 0.1
done
kill -9 $pid 2> /dev/null; wait $pid 2> /dev/null
"$PY" -c "import h5py; f=h5py.File('long.h5','r'); n=f['particles/all/position/value'].shape[0]; assert 0 < n < 40, n; print('ok: killed run left a readable file with', n, 'frames')" || fail=1
"$NANOMIX" md --config long.ini --out long.h5 --resume --quiet; rc=$?
check "--resume exits 0" "[ $rc -eq 0 ]"
"$PY" - <<'PYEOF' || fail=1
import h5py, numpy as np
f = h5py.File("long.h5", "r")
n = f["particles/all/position/value"].shape[0]
t = f["particles/all/position/time"][:]
s = f["particles/all/position/step"][:]
a = f["observables/anion_sro/step"][:]
assert n == 40, n
assert np.allclose(t, 0.2 * np.arange(40)), t
assert np.all(np.diff(s) == 100), s
assert np.array_equal(a, s)
print("ok: resumed to 40 frames with consecutive steps and observables")
PYEOF

# Ions leaving the tube (a liquid 32-ion cluster at 1500 K filling a 30 Å tube: an ion leaves past
# an end after ~5 ps): exit 1, one line naming the frame, the trajectory readable and ending at the
# last good frame.
out=$("$NANOMIX" md --config small.ini --out hot.h5 --quiet --md.mechanism=thermal --md.temperature_kelvin=1500 \
      --md.timestep_fs=1 --md.frames=60 --md.frame_interval_ps=0.5 --md.checkpoint_every_frames=5 2>&1); rc=$?
check "ions leaving the tube: exit 1" "[ $rc -eq 1 ]"
check "ions leaving the tube: one line naming it" "[ \$(printf '%s\n' \"\$out\" | wc -l) -eq 1 ] && printf '%s' \"\$out\" | grep -q 'left the tube at frame'"
"$PY" - "$out" <<'PYEOF' || fail=1
import h5py, numpy as np, re, sys
frame = int(re.search(r"left the tube at frame (\d+)", sys.argv[1]).group(1))
f = h5py.File("hot.h5", "r")
n = f["particles/all/position/value"].shape[0]
assert n == frame, (n, frame)  # frames 0 .. frame-1
assert np.all(f["observables/ions_outside_tube/value"][:] == 0)
print("ok: trajectory ends at the last good frame", frame - 1)
PYEOF

# Two MPI ranks.
if command -v mpirun > /dev/null; then
  mpirun --oversubscribe -np 2 "$NANOMIX" md --config small.ini --out mpi.h5 --quiet; rc=$?
  check "mpirun -np 2 exits 0" "[ $rc -eq 0 ]"
  "$PY" -c "import h5py; f=h5py.File('mpi.h5','r'); assert f['particles/all/position/value'].shape[0]==6; print('ok: 2 ranks wrote 6 frames')" || fail=1
fi
exit $fail
