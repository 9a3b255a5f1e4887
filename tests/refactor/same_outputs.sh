#!/usr/bin/env bash
# same_outputs.sh OLD_NANOMIX NEW_NANOMIX [WORKDIR]
#
# Behaviour unchanged by a refactor (issue 17, item 7): for one fixed trajectory, made by OLD's
# `nanomix md` on configs/demo.ini with overrides that make it short, both binaries run
#   image     → movie.emd
#   detect    → columns.h5
#   topology  → diagrams_atoms.h5 (trajectory), diagrams_columns.h5 (columns),
#               diagrams_movie.h5 (movie), diagrams_early.h5 / diagrams_late.h5 (frame ranges)
#   compare   → comparison.h5 (early vs late frames of the trajectory)
# and every file is compared dataset by dataset with tests/refactor/h5_same.py (h5py), which
# lists the attributes it ignores (wall-clock seconds, thread and rank counts, version strings,
# timestamps). NEW's own `nanomix md` of the same config is compared too (trajectory.h5).
# Bit for bit, except the diagrams of atoms (3D alpha complexes) and the comparison made from
# them: floats there to 64 ulps of each dataset's largest value (see below).
# One line per file ("same" / "DIFFERENT", then what differs); exit 0 when every file is the
# same, 1 on any difference, 2 when a stage fails.
#
# Manual check around a refactor (two binaries):
#   git worktree add /tmp/before main && cmake -S /tmp/before -B /tmp/before/build … && cmake --build …
#   tests/refactor/same_outputs.sh /tmp/before/build/app/nanomix build/app/nanomix /tmp/same
# The ctest refactor_same_outputs_self runs it with the same binary twice (a smoke test of the
# script; it must say "same" for every file).
#
# Hooks (to see the check fail, or to chase a difference):
#   NANOMIX_SAME_OUTPUTS_NEW_ARGS  extra arguments for every NEW stage, e.g.
#                                  "--imaging.defocus_angstrom=31" (then movie, columns and the
#                                  diagrams from them must come out DIFFERENT)
#   NANOMIX_SAME_OUTPUTS_KEEP=1    keep WORKDIR (default: a temporary folder, removed at exit)
#   NANOMIX_SAME_OUTPUTS_ULPS_3D   the tolerance of the 3D alpha diagrams (default 64; 0 = bitwise)
# Costs about 30 s of CPU (a 100-ion-pair cluster, 4 frames, 0.2 Å pixels); measured 78 s wall on
# the shared 2-core machine at load 9.
set -u
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: same_outputs.sh OLD_NANOMIX NEW_NANOMIX [WORKDIR]" >&2
  exit 2
fi
old=$(realpath "$1")
new=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
python=${NANOMIX_PYTHON:-/usr/bin/python3}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
read -r -a new_args <<<"${NANOMIX_SAME_OUTPUTS_NEW_ARGS:-}"

if [ $# -eq 3 ]; then
  work=$3
  mkdir -p "$work" || exit 2
else
  work=$(mktemp -d)
  [ "${NANOMIX_SAME_OUTPUTS_KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
fi
work=$(realpath "$work")
rm -rf "$work/old" "$work/new" "$work/md"
mkdir -p "$work/old" "$work/new"

# One config for both (same path, so the stored config text names the same file): the demo made
# short. Threads are not pinned: the outputs must not depend on them.
cp "$root/configs/demo.ini" "$work/demo.ini"
short=(--structure.ion_pairs=100 --md.frames=4 --md.swap_sweeps_per_frame=40 --md.swap_batches_per_frame=5 --imaging.pixel_size_angstrom=0.2
       --compare.permutations=49)

# stage DIR BINARY [EXTRA…] -- ARGS…: run one stage in DIR (relative file names, so the names
# stored in the outputs agree), quiet; on failure say which and exit 2.
stage() {
  local dir=$1 bin=$2
  shift 2
  local extra=()
  while [ "$1" != -- ]; do extra+=("$1"); shift; done
  shift
  if ! (cd "$work/$dir" && "$bin" "$@" --quiet --config ../demo.ini "${short[@]}" "${extra[@]}" >>"$work/$dir/stage.log" 2>&1); then
    echo "FAILED     $dir: nanomix $* (log: $work/$dir/stage.log)"
    cat "$work/$dir/stage.log"
    exit 2
  fi
}

# The fixed trajectory: OLD's. NEW's own MD run of the same config is compared with it below.
# Both MD runs write in the same folder (md/), so the paths they store agree.
mkdir -p "$work/md"
stage md "$old" -- md --one-rank --out trajectory.h5
mv "$work/md/trajectory.h5" "$work/old/trajectory.h5"
rm -f "$work/md/"trajectory.*
stage md "$new" "${new_args[@]}" -- md --one-rank --out trajectory.h5
mv "$work/md/trajectory.h5" "$work/new/trajectory_own.h5"
cp "$work/old/trajectory.h5" "$work/new/trajectory.h5"

for side in old new; do
  bin=$old; extra=()
  if [ $side = new ]; then bin=$new; extra=("${new_args[@]}"); fi
  stage $side "$bin" "${extra[@]}" -- image --trajectory trajectory.h5 --out movie.emd
  stage $side "$bin" "${extra[@]}" -- detect --movie movie.emd --out columns.h5
  stage $side "$bin" "${extra[@]}" -- topology --trajectory trajectory.h5 --out diagrams_atoms.h5
  stage $side "$bin" "${extra[@]}" -- topology --columns columns.h5 --out diagrams_columns.h5
  stage $side "$bin" "${extra[@]}" -- topology --movie movie.emd --out diagrams_movie.h5
  stage $side "$bin" "${extra[@]}" -- topology --trajectory trajectory.h5 --out diagrams_early.h5 \
    --topology.first_frame=0 --topology.last_frame=1
  stage $side "$bin" "${extra[@]}" -- topology --trajectory trajectory.h5 --out diagrams_late.h5 \
    --topology.first_frame=2 --topology.last_frame=3
  stage $side "$bin" "${extra[@]}" -- compare --simulated diagrams_early.h5 --experimental diagrams_late.h5 \
    --out comparison.h5
done

# Bit for bit, except the files of 3D weighted alpha complexes (atoms): their filtration values are
# CGAL lazy-exact numbers rounded to double, which two runs of one binary reproduce to a few ulps
# only (docs/topology.md, "Reproducibility"); there floats may differ by ULPS_3D ulps of each
# dataset's largest value, and so in the comparison computed from them.
ulps_3d=${NANOMIX_SAME_OUTPUTS_ULPS_3D:-64}
status=0
for f in movie.emd columns.h5 diagrams_columns.h5 diagrams_movie.h5 \
         diagrams_atoms.h5 diagrams_early.h5 diagrams_late.h5 comparison.h5; do
  case $f in
    diagrams_atoms.h5 | diagrams_early.h5 | diagrams_late.h5 | comparison.h5) tol=(--scaled-ulps "$ulps_3d") ;;
    *) tol=() ;;
  esac
  "$python" "$here/h5_same.py" "${tol[@]}" "$work/old/$f" "$work/new/$f"
  rc=$?
  [ $rc -gt $status ] && status=$rc
done
# MD: OLD's trajectory against NEW's own run of the same config (one rank: LAMMPS is
# deterministic there).
"$python" "$here/h5_same.py" "$work/old/trajectory.h5" "$work/new/trajectory_own.h5"
rc=$?
[ $rc -gt $status ] && status=$rc

if [ $status -eq 0 ]; then echo "verdict: every file the same"; else echo "verdict: the outputs DIFFER"; fi
exit $status
