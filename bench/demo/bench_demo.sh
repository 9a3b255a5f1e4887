#!/bin/bash
# The demo's wall time (issue 14 item 6: `nanomix run --config configs/demo.ini` <= 30 s on 2 cores),
# with a floor measured in the same rounds: plain `lmp` running the demo's swap MD steps as one run
# (nanomix's own saved input up to production, its thermostat, `run STEPS`) — the physics the
# run's longest stage must do, on one core, with nothing of nanomix around it. The two are
# alternated for ROUNDS rounds (rotating order); medians of wall seconds. Also printed: the
# median "stages took" of the runs' reports (first stage start to last stage end) and the
# slowest MD stage, from the report's "What ran" table.
#   bench/demo/bench_demo.sh NANOMIX [rounds=3]        (~1.5 min per round on 2 cores)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
NANOMIX=$(realpath "$1")
ROUNDS=${2:-3}
CONFIG="$HERE/../../configs/demo.ini"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
# timed, median
source "$HERE/../lib.sh"
# The floor's input, from one run's saved LAMMPS input of the swap MD.
"$NANOMIX" md --config "$CONFIG" --out sw.h5 --quiet
steps=$(awk '/^thermo [0-9]+$/ { print $2; exit }' sw.lammps)
frames=$(awk -F= '/^frames *=/ { gsub(/ /, "", $2); print $2; exit }' "$CONFIG")
steps=$((steps * (frames - 1)))
{ sed -n '1,/^# production: frame 0/p' sw.lammps
  grep -m1 '^fix th ' sw.lammps
  echo "run $steps"; } > floor.lammps
: > nanomix.t; : > floor.t; : > stages.t; : > md.t
load0=$(cut -d' ' -f1-3 /proc/loadavg)
for ((r = 0; r < ROUNDS; r++)); do
  for k in 0 1; do
    if [ $(((r + k) % 2)) -eq 0 ]; then
      rm -rf run
      timed nanomix.t "$NANOMIX" run --config "$CONFIG" --out run --quiet
      grep -o 'The stages took [0-9.]* s' run/report.html | awk '{ print $4 }' >> stages.t
      grep -o '<td>md[a-z_0-9]*</td><td>[0-9.]* s</td><td>[0-9.]* s' run/report.html |
        sed 's/.*<td>\([0-9.]*\) s$/\1/' | sort -g | tail -1 >> md.t
    else
      timed floor.t lmp -in floor.lammps -log none -screen none
    fi
  done
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)
d=$(median 1 nanomix.t); dc=$(median 2 nanomix.t); f=$(median 1 floor.t); s=$(median 1 stages.t); m=$(median 1 md.t)
printf 'demo bench: configs/demo.ini, %d rounds (medians), load average %s (start), %s (end), %d cores\n' \
  "$ROUNDS" "$load0" "$load1" "$(nproc)"
printf '  nanomix run (whole demo, wall)          %8.2f s   (goal <= 30 s: %s; CPU %.2f s)\n' "$d" "$(awk -v d="$d" 'BEGIN { print (d <= 30) ? "met" : "not met" }')" "$dc"
printf '  of which stages, first start to last end %8.2f s; slowest MD stage %.2f s\n' "$s" "$m"
printf '  floor: plain lmp, the swap MD (%d steps) as one run %8.2f s\n' "$steps" "$f"
awk -v d="$d" -v f="$f" 'BEGIN { printf "  ratio demo / floor: %.2f\n", d / f }'
