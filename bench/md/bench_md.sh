#!/bin/bash
# md benchmark: the same generated LAMMPS input through nanomix (library API, plus its per-frame
# observables, H5MD and checkpoints) and through plain `lmp`, on 1 and 2 MPI ranks. Prints the
# wall-time ratio nanomix/lmp (goal <= 1.05) and ns/day of the demo system (400 ions in a frozen
# (20,20) tube, 1920 C, 80 Å Coulomb cut-off, 2 fs).
# Usage: bench/md/bench_md.sh NANOMIX [frames=20] [frame_interval_ps=1]
set -eu
NANOMIX=$(realpath "$1")
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
FRAMES=${2:-20}
INTERVAL=${3:-1}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
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
now() { date +%s.%N; }
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
