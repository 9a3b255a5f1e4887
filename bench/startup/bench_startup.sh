#!/bin/bash
# Start-up benchmark: `nanomix --version` as a plain start (MPI is not initialised) and, for the
# floor, under `mpirun -np 1` (MPI initialised); medians of 11 runs of wall and CPU (user + sys,
# children included) seconds. The goal is the plain start <= 0.1 s; on a loaded machine the wall
# time includes waiting for a core, so the CPU seconds are printed too.
# Usage: bench/startup/bench_startup.sh NANOMIX
set -eu
NANOMIX=$(realpath "$1")
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
TIMEFORMAT='%R %U %S'
median_of() {  # $1: column (1 wall, 2 cpu) of lines "wall cpu"
  sort -g -k"$1" | sed -n 6p | cut -d' ' -f"$1"
}
measure() {
  for _ in $(seq 11); do
    { time "$@" > /dev/null 2>&1; } 2>&1 | awk '{ print $1, $2 + $3 }'
  done
}
plain=$(measure "$NANOMIX" --version)
launched=$(measure mpirun -np 1 "$NANOMIX" --version)
pw=$(echo "$plain" | median_of 1); pc=$(echo "$plain" | median_of 2)
lw=$(echo "$launched" | median_of 1); lc=$(echo "$launched" | median_of 2)
printf 'start-up bench: nanomix --version, medians of 11 runs (wall s, CPU s)\n'
printf '  plain start (no MPI_Init):     wall %.3f, CPU %.3f (goal <= 0.1 s)\n' "$pw" "$pc"
printf '  under mpirun -np 1 (MPI_Init): wall %.3f, CPU %.3f\n' "$lw" "$lc"
printf '  ratio plain / mpirun start: wall %.2f, CPU %.2f\n' "$(awk -v a="$pw" -v b="$lw" 'BEGIN { print a / b }')" \
  "$(awk -v a="$pc" -v b="$lc" 'BEGIN { print a / b }')"
