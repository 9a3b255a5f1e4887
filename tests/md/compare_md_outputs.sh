#!/bin/bash
# Behaviour check for refactorings of the md stage (not a ctest test: it needs two builds).
# Runs short `nanomix md` runs of every mechanism with two binaries — swap_biased_drive (demo.ini),
# swap_accelerated, thermal (berendsen), thermal with tube vibration, beam (langevin, raised dose),
# an ions-leave stop (exit 1) and mpirun -np 2 — and requires identical trajectories (h5diff of
# every dataset and attribute; /parameters compared by h5py with the output folder taken out of
# md_lammps_script), identical T.lammps, T.data, T.checkpoint, T.checkpoint.data, exit codes and
# messages. About 6 minutes per binary on one core.
# Usage: compare_md_outputs.sh OLD_NANOMIX NEW_NANOMIX [WORKDIR]
set -u
OLD=$(realpath "$1"); NEW=$(realpath "$2"); W=$(realpath -m "${3:-$(mktemp -d)}")
CONFIGS=$(realpath "$(dirname "$0")/../../configs")
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 HDF5_USE_FILE_LOCKING=FALSE
PY=${NANOMIX_PYTHON:-/usr/bin/python3}
runs() {  # binary, output folder
  local N=$1 O=$2
  mkdir -p "$O"
  r() { local name=$1; shift; "$N" md --quiet --out "$O/$name.h5" "$@" > "$O/$name.out" 2>&1; echo $? > "$O/$name.rc"; }
  cd "$CONFIGS"
  r demo --config demo.ini --md.frames=7 --md.checkpoint_every_frames=3 --md.swap_sweeps_per_frame=20
  r swapacc --config demo.ini --md.mechanism=swap_accelerated --md.frames=5 --md.checkpoint_every_frames=2 \
    --md.swap_sweeps_per_frame=10 --md.swap_batches_per_frame=2 --md.swap_temperature_kelvin=0
  r thermal --config thermal_anneal.ini --md.melt_ps=1 --md.quench_ps=0.5 --md.frames=5 --md.frame_interval_ps=0.5 \
    --md.checkpoint_every_frames=2 --md.thermostat=berendsen
  r thermal_vib --config thermal_anneal.ini --md.melt_ps=0.5 --md.quench_ps=0 --md.frames=4 --md.frame_interval_ps=0.5 \
    --md.checkpoint_every_frames=3 --md.tube_vibration_amplitude_angstrom=0.2 --md.tube_vibration_period_ps=0.5
  r beam --config beam_driven.ini --md.melt_ps=1 --md.quench_ps=0.5 --md.frames=5 --md.frame_interval_ps=0.4 \
    --md.checkpoint_every_frames=2 --md.dose_multiplier=20
  r leave --config beam_driven.ini --md.melt_ps=0 --md.quench_ps=0 --md.frames=6 --md.frame_interval_ps=0.4 \
    --md.checkpoint_every_frames=2 --md.dose_multiplier=3000 --md.temperature_kelvin=1300
  mpirun -np 2 "$N" md --quiet --out "$O/mpi.h5" --config demo.ini --md.frames=3 --md.checkpoint_every_frames=2 \
    --md.swap_sweeps_per_frame=10 > "$O/mpi.out" 2>&1
  echo $? > "$O/mpi.rc"
}
runs "$OLD" "$W/old"
runs "$NEW" "$W/new"
fail=0
for n in demo swapacc thermal thermal_vib beam leave mpi; do
  ok=1
  h5diff -c --exclude-attribute /parameters "$W/old/$n.h5" "$W/new/$n.h5" || ok=0
  for e in lammps data checkpoint checkpoint.data rc; do cmp -s "$W/old/$n.$e" "$W/new/$n.$e" || { echo "$n.$e differs"; ok=0; }; done
  diff <(sed "s|$W/old|W|g" "$W/old/$n.out") <(sed "s|$W/new|W|g" "$W/new/$n.out") > /dev/null || { echo "$n: messages differ"; ok=0; }
  "$PY" - "$W/old/$n.h5" "$W/new/$n.h5" "$W/old" "$W/new" <<'PYEOF' || ok=0
import sys, h5py
a, b = (dict(h5py.File(p, "r")["parameters"].attrs) for p in sys.argv[1:3])
norm = lambda v, d: str(v).replace(d, "W") if isinstance(v, (str, bytes)) else v
assert list(a) == list(b), (list(a), list(b))
for k in a:
    assert norm(a[k], sys.argv[3]) == norm(b[k], sys.argv[4]), k
PYEOF
  if [ $ok = 1 ]; then echo "$n: identical (exit $(cat "$W/new/$n.rc"))"; else echo "$n: DIFFERENT"; fi
  [ $ok = 1 ] || fail=1
done
exit $fail
