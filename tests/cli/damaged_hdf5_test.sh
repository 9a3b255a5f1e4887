#!/usr/bin/env bash
# Issue 16 item 10: damaged HDF5 files end `nanomix info` and `nanomix compare` with exit 2 and one
# line naming the file — no crash, no hang, no output left. The damaged files are bit-flipped seeds
# kept in tests/fuzz/corpus/regressions/ (without the rehearsal in a child, core/rehearse.hpp, info
# died of SIGSEGV or allocated 3 GB on the columns files, compare died of SIGSEGV inside H5Aread or
# looped for ever on the diagrams files).
# Usage: damaged_hdf5_test.sh NANOMIX CORPUS_DIR
set -u
nanomix=$1
corpus=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export NANOMIX_REHEARSAL_TIMEOUT_S=3  # the endless loop ends the rehearsal after 3 s (default 60 s)
failed=0
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

# expect_refusal NAME FILE ARGS…: exit 2, one stderr line "nanomix: error: FILE: …", no comparison left
expect_refusal() {
  local name=$1 file=$2
  shift 2
  "$nanomix" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
  local rc=$?
  [[ $rc -eq 2 ]] || { bad "$name: exit $rc, expected 2 ($(head -c 300 "$tmp/stderr"))"; return; }
  [[ $(wc -l <"$tmp/stderr") -eq 1 ]] || { bad "$name: $(wc -l <"$tmp/stderr") stderr lines, expected 1"; return; }
  grep -q -F "error: $file: " "$tmp/stderr" || { bad "$name: the line does not name $file: $(cat "$tmp/stderr")"; return; }
  if ls -A "$tmp" | grep -q -e '^out.h5$' -e '\.tmp-'; then bad "$name: output left behind"; return; fi
  echo "ok   $name: $(cat "$tmp/stderr")"
}

# The undamaged seeds are read (so that the refusals below are about the damage).
"$nanomix" info "$corpus/columns/h5py_full.h5" | grep -q "nanomix columns file, 10 columns" || bad "info reads the columns seed"
printf '[compare]\npermutations = 9\n' >"$tmp/c.ini"
seed=$corpus/diagrams/nanomix_from_columns.h5
"$nanomix" compare --config "$tmp/c.ini" --simulated "$seed" --experimental "$seed" --out "$tmp/good.h5" --quiet ||
  bad "compare reads the diagrams seed"

for f in "$corpus"/regressions/columns/*.h5; do
  expect_refusal "info $(basename "$f")" "$f" info "$f"
done
for f in "$corpus"/regressions/diagrams/*.h5; do
  expect_refusal "compare --experimental $(basename "$f")" "$f" compare --config "$tmp/c.ini" --simulated "$seed" \
    --experimental "$f" --out "$tmp/out.h5" --quiet
  expect_refusal "compare --simulated $(basename "$f")" "$f" compare --config "$tmp/c.ini" --simulated "$f" \
    --experimental "$seed" --out "$tmp/out.h5" --quiet
done
[[ $failed -eq 0 ]] && echo "all passed" || echo "$failed failed"
exit $((failed > 0))
