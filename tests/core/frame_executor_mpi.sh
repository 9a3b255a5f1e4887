#!/usr/bin/env bash
# The frame executor across ranks (mpirun -np 1/2/3): rank 0 gathers exactly what one process
# computes, in frame order; an error on any rank reaches every rank with its kind, and no rank
# hangs. Usage: frame_executor_mpi.sh FIXTURE
set -u
fixture=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }

"$fixture" gather 11 > "$tmp/one.txt" || bad "one process: exit $?"
[ "$(wc -l < "$tmp/one.txt")" -eq 11 ] && ok "one process: 11 frames" || bad "one process printed $(wc -l < "$tmp/one.txt") lines"
if ! command -v mpirun > /dev/null; then echo "mpirun not found: the multi-rank checks are skipped"; exit $fail; fi
for np in 2 3; do
  timeout 120 mpirun -np $np "$fixture" gather 11 > "$tmp/np$np.txt" 2> "$tmp/np$np.err"; rc=$?
  [ $rc -eq 0 ] && ok "np $np: exit 0" || bad "np $np: exit $rc ($(head -c 300 "$tmp/np$np.err"))"
  cmp -s "$tmp/one.txt" "$tmp/np$np.txt" && ok "np $np: rank 0 gathered what one process computes" || bad "np $np: gathered results differ"
done
# An InputError on frame 5 (rank 5 % np) reaches every rank as an InputError: all exit 2.
timeout 120 mpirun -np 3 "$fixture" fail_input 11 > "$tmp/fi.txt" 2> "$tmp/fi.err"; rc=$?
[ $rc -ne 124 ] && ok "input error: no rank hangs" || bad "input error: timed out"
[ $rc -eq 2 ] && ok "input error: exit 2" || bad "input error: exit $rc"
n=$(grep -c "InputError: frame 5: input error from the kernel" "$tmp/fi.txt")
[ "$n" -eq 3 ] && ok "input error: every rank got it with its kind" || bad "input error reached $n of 3 ranks: $(cat "$tmp/fi.txt")"
# A RuntimeError on the last frame (rank 10 % 3 = 1, not rank 0): every rank exits 1 with it.
timeout 120 mpirun -np 3 "$fixture" fail_runtime 11 > "$tmp/fr.txt" 2> "$tmp/fr.err"; rc=$?
[ $rc -eq 1 ] && ok "runtime error on rank 1: exit 1" || bad "runtime error: exit $rc"
n=$(grep -c "RuntimeError: last frame: runtime error" "$tmp/fr.txt")
[ "$n" -eq 3 ] && ok "runtime error: every rank got it" || bad "runtime error reached $n of 3 ranks: $(cat "$tmp/fr.txt")"
exit $fail
