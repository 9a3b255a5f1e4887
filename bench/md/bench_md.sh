#!/bin/bash
# md benchmark.
# Thermal (default): the same generated LAMMPS input through nanomix (library API, plus its per-frame
# observables, H5MD and checkpoints) and through plain `lmp`, on 1 and 2 MPI ranks. Prints the
# wall-time ratio nanomix/lmp (goal <= 1.05) and ns/day of the demo system (400 ions in a frozen
# (20,20) tube, 1920 C, 80 Å Coulomb cut-off, 2 fs).
#   bench/md/bench_md.sh NANOMIX [frames=20] [frame_interval_ps=1]
# Swaps (--swap): MD with Cl<->I swaps at the demo's settings (configs/demo.ini: swap_biased_drive,
# 4 fs, 10 swap batches per 1 ps frame, so one LAMMPS `run` per 25 steps) against plain `lmp` doing the
# same MD steps as one run without swaps (the floor: nanomix's own saved input up to production,
# then its thermostat and one `run`). nanomix sets LAMMPS up once per frame and makes the frame's
# batches inside its one run (stopped after each piece's steps; after accepted swaps the forces are
# recomputed in place, no neighbour build; docs/md.md). Also timed: plain `lmp` on nanomix's saved
# input, which holds a run per piece and the type changes but must set up fully where nanomix
# recomputed forces in place, so that
#   lmp(saved input) - floor  = what the splits would cost with a full set-up after every accepted batch
#   nanomix - floor           = everything nanomix adds: swap Monte Carlo, force refreshes, per-frame
#                               set-ups, gathers, observables, H5MD, checkpoints, start-up
# One rank; the three are alternated (rotating order) for PAIRS rounds; medians of wall and CPU
# (user + sys) seconds: on a loaded machine wall includes waiting for a core. Goal: ratio <= 1.05.
#   bench/md/bench_md.sh --swap NANOMIX [frames=6] [pairs=5]        (~3 min)
#   bench/md/bench_md.sh --swap-full NANOMIX                        (the demo's 21 frames, 5 pairs)
# --swap-count: the same nanomix run and floor once each under valgrind's callgrind, instructions
# executed (deterministic, independent of the machine's load; ~6 min on 2 cores):
#   bench/md/bench_md.sh --swap-count NANOMIX [frames=6]
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
MODE=thermal
case "${1:-}" in
  --swap) MODE=swap; shift ;;
  --swap-full) MODE=swap_full; shift ;;
  --swap-count) MODE=swap_count; shift ;;
esac
NANOMIX=$(realpath "$1")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
now() { date +%s.%N; }

thermal_bench() {
  FRAMES=${1:-20}
  INTERVAL=${2:-1}
  cat > bench.ini <<INI
[structure]
tube_n = 20
tube_m = 20
tube_length_angstrom = 60
ion_pairs = 200
iodide_fraction = 0.5
seed = 3
[md]
mechanism = thermal
temperature_kelvin = 600
melt_ps = 0
frames = $FRAMES
frame_interval_ps = $INTERVAL
checkpoint_every_frames = 10
INI
  ps_total=$(awk -v f="$FRAMES" -v i="$INTERVAL" 'BEGIN{print (f-1)*i}')
  printf "%-6s %12s %12s %8s %14s %14s\n" ranks nanomix_s lmp_s ratio nanomix_ns/day lmp_ns/day
  for np in 1 2; do
    if [ "$np" = 1 ]; then run=(); else run=(mpirun --oversubscribe -np "$np"); fi
    t0=$(now); "${run[@]}" "$NANOMIX" md --config bench.ini --out b$np.h5 --quiet; t1=$(now)
    # plain lmp on the input nanomix saved (the same commands, the same data file)
    t2=$(now); "${run[@]}" lmp -in b$np.lammps -log none -screen none > /dev/null; t3=$(now)
    awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v np="$np" -v ps="$ps_total" 'BEGIN{
      n=b-a; l=d-c; printf "%-6d %12.2f %12.2f %8.3f %14.1f %14.1f\n", np, n, l, n/l, ps/1000/(n/86400), ps/1000/(l/86400)}'
  done
}

# timed, median
source "$HERE/../lib.sh"
loop_seconds() { awk '/^Loop time of/ { s += $4; n++ } END { printf "%.3f %d", s, n }' "$1"; }

swap_bench() {
  FRAMES=$1
  PAIRS=$2
  CONFIG="$HERE/../../configs/demo.ini"
  run_nanomix() { "$NANOMIX" md --config "$CONFIG" --md.frames="$FRAMES" --out sw.h5 --quiet; }
  # The saved input and the floor come from one nanomix run made before the timing.
  run_nanomix
  steps=$(awk '/^thermo [0-9]+$/ { print $2 * ('"$FRAMES"' - 1); exit }' sw.lammps)
  cp sw.lammps saved.lammps
  { sed -n '1,/^# production: frame 0/p' sw.lammps
    grep -m1 '^fix th ' sw.lammps
    echo "run $steps"; } > floor.lammps
  run_saved() { lmp -in saved.lammps -log saved.log -screen none; }
  run_floor() { lmp -in floor.lammps -log floor.log -screen none; }
  names=(nanomix saved floor)
  : > nanomix.t; : > saved.t; : > floor.t
  load0=$(cut -d' ' -f1-3 /proc/loadavg)
  for ((p = 0; p < PAIRS; p++)); do
    for ((k = 0; k < 3; k++)); do
      n=${names[$(((p + k) % 3))]}
      timed $n.t run_$n
    done
  done
  load1=$(cut -d' ' -f1-3 /proc/loadavg)
  read -r loop_saved runs_saved <<< "$(loop_seconds saved.log)"
  read -r loop_floor _ <<< "$(loop_seconds floor.log)"
  read -r loop_nanomix _ <<< "$(loop_seconds sw.log)"
  nw=$(median 1 nanomix.t); nc=$(median 2 nanomix.t)
  sw=$(median 1 saved.t); sc=$(median 2 saved.t)
  fw=$(median 1 floor.t); fc=$(median 2 floor.t)
  refreshed=$(grep -c '^# nanomix: forces recomputed in place' saved.lammps || true)
  continued=$(grep -c '^run .* pre no' saved.lammps || true)
  printf 'md swap bench: configs/demo.ini, %d frames = %d MD steps; %d pieces (a run each in the saved input); medians of %d rounds\n' \
    "$FRAMES" "$steps" "$runs_saved" "$PAIRS"
  printf '  nanomix: %d LAMMPS runs (one per frame); of its %d pieces, %d continued without set-up, %d of them after forces recomputed in place for swapped species\n' \
    "$(grep -c '^Loop time' sw.log)" "$runs_saved" "$((continued + refreshed))" "$refreshed"
  printf '  load average %s (start), %s (end), %d cores\n' "$load0" "$load1" "$(nproc)"
  printf '  %-36s %9s %9s %11s %10s\n' "" wall_s cpu_s ratio_wall ratio_cpu
  row() { printf '  %-36s %9.2f %9.2f %11.3f %10.3f\n' "$1" "$2" "$3" "$(awk -v a="$2" -v b="$fw" 'BEGIN{print a/b}')" \
    "$(awk -v a="$3" -v b="$fc" 'BEGIN{print a/b}')"; }
  row "nanomix md with swaps" "$nw" "$nc"
  row "lmp, nanomix's saved input" "$sw" "$sc"
  row "lmp, the same steps as one run" "$fw" "$fc"
  awk -v nw="$nw" -v nc="$nc" -v sw="$sw" -v sc="$sc" -v fw="$fw" -v fc="$fc" -v runs="$runs_saved" \
    -v ls="$loop_saved" -v lf="$loop_floor" -v ln="$loop_nanomix" 'BEGIN {
    printf "  ratio nanomix / floor: %.3f wall, %.3f CPU (goal <= 1.05)\n", nw / fw, nc / fc
    printf "  nanomix - floor (all nanomix adds): %.2f s wall, %.2f s CPU\n", nw - fw, nc - fc
    printf "  saved input - floor (splits with a full set-up after each accepted batch): %.2f s wall, %.2f s CPU = %.1f ms CPU per run\n", sw - fw, sc - fc, 1000 * (sc - fc) / runs
    printf "  LAMMPS loop time (last run of each, s): saved input %.2f, floor %.2f, nanomix %.2f\n", ls, lf, ln
  }'
}

# Instructions (callgrind "Collected") of nanomix md with swaps and of the floor, both at once.
swap_count() {
  FRAMES=$1
  CONFIG="$HERE/../../configs/demo.ini"
  "$NANOMIX" md --config "$CONFIG" --md.frames="$FRAMES" --out sw.h5 --quiet
  steps=$(awk '/^thermo [0-9]+$/ { print $2 * ('"$FRAMES"' - 1); exit }' sw.lammps)
  { sed -n '1,/^# production: frame 0/p' sw.lammps
    grep -m1 '^fix th ' sw.lammps
    echo "run $steps"; } > floor.lammps
  mkdir n
  (cd n && valgrind --tool=callgrind --callgrind-out-file=/dev/null "$NANOMIX" md --config "$CONFIG" \
     --md.frames="$FRAMES" --out sw.h5 --quiet > ../n.cg 2>&1) &
  valgrind --tool=callgrind --callgrind-out-file=/dev/null lmp -in floor.lammps -log none -screen none > f.cg 2>&1
  wait
  ni=$(awk '/Collected :/ { print $NF }' n.cg); fl=$(awk '/Collected :/ { print $NF }' f.cg)
  printf 'md swap instructions: configs/demo.ini, %d frames = %d MD steps (callgrind)\n' "$FRAMES" "$steps"
  awk -v n="$ni" -v f="$fl" 'BEGIN { printf "  nanomix %.2fe9, floor %.2fe9: ratio %.3f (goal <= 1.05)\n", n / 1e9, f / 1e9, n / f }'
}

case $MODE in
  thermal) thermal_bench "${2:-20}" "${3:-1}" ;;
  swap) swap_bench "${2:-6}" "${3:-5}" ;;
  swap_full) swap_bench 21 5 ;;
  swap_count) swap_count "${2:-6}" ;;
esac
