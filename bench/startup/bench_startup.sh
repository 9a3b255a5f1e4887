#!/bin/bash
# Start-up benchmark: wall time of `nanomix --version` (a plain start: MPI is not initialised) and,
# for the floor, of `nanomix --version` under `mpirun -np 1` (MPI initialised), medians of 11 runs.
# The goal is the plain start <= 0.1 s; the printed ratio plain / mpirun shows the MPI cost avoided.
# Usage: bench/startup/bench_startup.sh NANOMIX
set -eu
NANOMIX=$(realpath "$1")
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
median_wall() {
  local times=()
  for _ in $(seq 11); do
    local t0 t1
    t0=$(date +%s.%N)
    "$@" > /dev/null 2>&1
    t1=$(date +%s.%N)
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
  done
  printf '%s\n' "${times[@]}" | sort -g | sed -n 6p
}
plain=$(median_wall "$NANOMIX" --version)
launched=$(median_wall mpirun -np 1 "$NANOMIX" --version)
printf 'start-up bench: nanomix --version, medians of 11 runs\n'
printf '  plain start (no MPI_Init):         %.3f s (goal <= 0.1 s)\n' "$plain"
printf '  under mpirun -np 1 (MPI_Init):     %.3f s\n' "$launched"
printf '  ratio plain / mpirun start: %.2f\n' "$(awk -v a="$plain" -v b="$launched" 'BEGIN { print a / b }')"
