#!/usr/bin/env bash
# CLI contract: help and version, exit codes (2 = bad input, one line on stderr, no output left),
# config keys on the command line winning over the file, build → info.
set -u
nanomix=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

ok()   { passed=$((passed + 1)); }
bad()  { failed=$((failed + 1)); echo "FAIL: $*"; }

# expect_error NAME PATTERN ARGS… : exit code 2, exactly one stderr line matching PATTERN, no output.
expect_error() {
  local name=$1 pattern=$2
  shift 2
  rm -f "$tmp/out.xyz"
  "$nanomix" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
  local rc=$?
  local lines
  lines=$(wc -l <"$tmp/stderr")
  if [ "$rc" -ne 2 ]; then bad "$name: exit code $rc, expected 2"; return; fi
  if [ "$lines" -ne 1 ]; then bad "$name: $lines stderr lines, expected 1: $(cat "$tmp/stderr")"; return; fi
  if ! grep -q -- "$pattern" "$tmp/stderr"; then bad "$name: stderr '$(cat "$tmp/stderr")' lacks '$pattern'"; return; fi
  if ls -A "$tmp" | grep -q -e '^out.xyz$' -e '\.tmp-'; then bad "$name: output left behind"; return; fi
  ok
}

"$nanomix" --version | grep -q '^nanomix [0-9]' && ok || bad "--version"
"$nanomix" --help | grep -q 'build' && ok || bad "--help lists build"
"$nanomix" build --help | grep -q 'tube_n = 20' && ok || bad "build --help lists config keys with defaults"
"$nanomix" >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "no command: exit 2"

printf '[structure]\ntube_n = 20\nion_pairs = 50\n' >"$tmp/good.ini"
printf '[structure]\ntube_n = 20\ncolour = blue\n' >"$tmp/unknown.ini"
printf '[structure]\niodide_fraction = nan\n' >"$tmp/nan.ini"
printf '[structure]\n\ntube_n = 500\n' >"$tmp/range.ini"
printf '[simulation]\n' >"$tmp/section.ini"
printf '[structure]\ntube_n = 8\ntube_m = 8\nion_pairs = 5000\n' >"$tmp/small.ini"

expect_error "unknown key" "unknown.ini:3: unknown key 'colour'" build --config "$tmp/unknown.ini" --out "$tmp/out.xyz"
expect_error "NaN" "nan.ini:2: \[structure\] iodide_fraction = nan: not a finite number" build --config "$tmp/nan.ini" --out "$tmp/out.xyz"
expect_error "out of range" "range.ini:3: \[structure\] tube_n = 500: out of range, allowed 1 … 100" build --config "$tmp/range.ini" --out "$tmp/out.xyz"
expect_error "unknown section" "unknown section \[simulation\]" build --config "$tmp/section.ini" --out "$tmp/out.xyz"
expect_error "override out of range" "command line (--structure.iodide_fraction)" build --config "$tmp/good.ini" --structure.iodide_fraction=2 --out "$tmp/out.xyz"
expect_error "unknown option" "unrecognised option" build --config "$tmp/good.ini" --colour=blue --out "$tmp/out.xyz"
expect_error "missing config" "no such file" build --config "$tmp/none.ini" --out "$tmp/out.xyz"
expect_error "config required" "--config is required" build --out "$tmp/out.xyz"
expect_error "out required" "--out is required" build --config "$tmp/good.ini"
expect_error "missing directory" "does not exist" build --config "$tmp/good.ini" --out "$tmp/nodir/out.xyz"
expect_error "does not fit" "do not fit" build --config "$tmp/small.ini" --out "$tmp/out.xyz"
expect_error "unknown command" "unknown command 'bild'" bild
expect_error "info of a missing file" "no such file" info "$tmp/none.h5"
# nanomix run checks the experiment before simulating (fixtures of the reader fuzz corpus: a DM4
# with one 0.5 Å image and an EELS spectrum; a DM3 movie of 3 frames at 0.5 Å).
corpus=$(cd "$(dirname "$0")/../fuzz/corpus" && pwd)
expect_error "run: one-frame experiment" "image.dm4: 1 frame" run --config "$tmp/good.ini" --out "$tmp/run" \
  --compare.experimental="$corpus/dm/image.dm4"
expect_error "run: experiment on another scale" "experimental pixel 0.5 Å (file) and simulated pixel 0.1 Å" run \
  --config "$tmp/good.ini" --out "$tmp/run" --compare.experimental="$corpus/dm/movie.dm3"
[ ! -e "$tmp/run" ] && ok || bad "run: a refused experiment leaves no output directory"
"$nanomix" info "$corpus/dm/image.dm4" >"$tmp/info_dm" 2>&1 && grep -q "EELS (spectrum" "$tmp/info_dm" \
  && grep -q "pixel:  0.5 × 0.5 Å (file)" "$tmp/info_dm" && ok || bad "info on a DM4 lists its signals: $(cat "$tmp/info_dm")"
"$nanomix" info "$corpus/mrc/mode2_bigendian.mrc" >"$tmp/info_mrc" 2>&1 && grep -q "24 × 16 px, 3 frame" "$tmp/info_mrc" \
  && ok || bad "info on an MRC: $(cat "$tmp/info_mrc")"

"$nanomix" build --quiet --config "$tmp/good.ini" --out "$tmp/s.xyz" --structure.ion_pairs=10 2>"$tmp/stderr"
[ -s "$tmp/stderr" ] && bad "--quiet still printed: $(cat "$tmp/stderr")" || ok
"$nanomix" info "$tmp/s.xyz" >"$tmp/info"
grep -q '10 Na' "$tmp/info" && grep -q '5 Cl' "$tmp/info" && grep -q '5 I' "$tmp/info" && ok \
  || bad "the command line must win over the file: $(cat "$tmp/info")"

# A '#' glued to a value would cut it at the comment: refused (issue 16, item 14).
printf '[structure]\ntube_n = 20   # a comment is fine\n[compare]\nexperimental = run#3.emd\n' >"$tmp/hash.ini"
expect_error "'#' inside a value" "hash.ini:4: \[compare\] experimental: '#' inside a value" build --config "$tmp/hash.ini" --out "$tmp/out.xyz"

# Resource cap: a 200³-cell crystal (64 million atoms) is refused before any allocation (item 13).
printf '[structure]\nkind = crystal\ncells_a = 200\ncells_b = 200\ncells_c = 200\n' >"$tmp/huge.ini"
expect_error "huge crystal" "more than the limit" build --config "$tmp/huge.ini" --out "$tmp/out.xyz"

# Outputs only as regular files (issue 16, item 5): a device, a FIFO or a directory at --out is
# refused with exit 2 and left as it was.
# (A private device node, never /dev/null: a regression run as root would destroy the real one.)
if mknod "$tmp/nulldev" c 1 3 2>/dev/null; then
  expect_error "device as --out" "is a device" build --config "$tmp/good.ini" --out "$tmp/nulldev"
  [ -c "$tmp/nulldev" ] && ok || bad "the device node was replaced by a file"
  rm -f "$tmp/nulldev"
fi
mkfifo "$tmp/fifo"
expect_error "FIFO as --out" "is a FIFO" build --config "$tmp/good.ini" --out "$tmp/fifo"
[ -p "$tmp/fifo" ] && ok || bad "the FIFO was replaced"
mkdir "$tmp/adir"
expect_error "directory as --out" "is a directory" build --config "$tmp/good.ini" --out "$tmp/adir"
[ -d "$tmp/adir" ] && ok || bad "the directory was replaced"
# A symlink at --out is replaced by the file; what it pointed to is untouched (item 6).
echo precious >"$tmp/victim"
ln -s "$tmp/victim" "$tmp/link.xyz"
"$nanomix" build --quiet --config "$tmp/good.ini" --out "$tmp/link.xyz" && [ ! -L "$tmp/link.xyz" ] && [ "$(cat "$tmp/victim")" = precious ] \
  && ok || bad "a symlink at --out was written through"
rm -rf "$tmp/adir" "$tmp/fifo" "$tmp/link.xyz" "$tmp/victim"

# nanomix run: a second run into a busy folder is refused (item 15), a bad second mechanism is
# caught before any stage runs (item 14), a file given as the folder is refused.
mkdir -p "$tmp/busy"
if command -v flock >/dev/null; then
  flock "$tmp/busy/.nanomix.lock" sleep 20 & holder=$!
  sleep 0.5
  expect_error "run into a busy folder" "another nanomix run" run --config "$tmp/good.ini" --out "$tmp/busy"
  kill $holder 2>/dev/null; wait $holder 2>/dev/null
  [ ! -e "$tmp/busy/config.ini" ] && ok || bad "the refused run wrote into the busy folder"
fi
expect_error "bad second mechanism" "second_mechanism" run --config "$tmp/good.ini" --out "$tmp/r2" --run.second_mechanism=bogus
[ ! -e "$tmp/r2" ] && ok || bad "a refused run created its folder"
printf '[structure]\ntube_n = 20\n[topology]\nfirst_frame = 5\nlast_frame = 1\n' >"$tmp/late.ini"
expect_error "run: a bad [topology] key is found before any stage, in the user's file" "late.ini:5: \[topology\] last_frame" run --config "$tmp/late.ini" --out "$tmp/r3"
[ ! -e "$tmp/r3" ] && ok || bad "a run refused for its [topology] keys created its folder"
expect_error "run: report alone, nothing to report" "'report' alone" run --config "$tmp/good.ini" --out "$tmp/r4" --run.stages=report
[ ! -e "$tmp/r4" ] && ok || bad "a refused report-only run created its folder"
expect_error "run: unknown local_subset" "local_subset = Xe: unknown subset" run --config "$tmp/good.ini" --out "$tmp/r5" --topology.local_subset=Xe
# The ground-truth comparison's subset is a [compare] key, checked before any work.
expect_error "run: ground_truth_subset not computed" "ground_truth_subset = Na: not among \[topology\] subsets" run --config "$tmp/good.ini" --out "$tmp/r6" \
  --run.second_mechanism=thermal --topology.subsets=ions --compare.ground_truth_subset=Na
[ ! -e "$tmp/r6" ] && ok || bad "a run refused for its ground_truth_subset created its folder"
expect_error "run: ground_truth_dimensions" "ground_truth_dimensions = 3: each dimension is 0, 1 or 2" run --config "$tmp/good.ini" --out "$tmp/r7" \
  --compare.ground_truth_dimensions=3
touch "$tmp/afile"
expect_error "run --out a file" "not a directory" run --config "$tmp/good.ini" --out "$tmp/afile"
rm -rf "$tmp/busy" "$tmp/afile"

"$nanomix" build --config "$tmp/good.ini" --out "$tmp/s.xyz" --quiet 2>/dev/null
# Integer keys keep their whole range (raw_frames = 3e9 was read as a negative count), and a grid
# given in pixels is named as such, not blamed on pixel_size_angstrom (issue 16, item 14).
head -c 4000 /dev/zero >"$tmp/r.raw"
expect_error "raw_frames = 3e9" "truncated raw movie: 3000000000 frames" detect --config "$tmp/good.ini" --movie "$tmp/r.raw" \
  --out "$tmp/out.xyz" --detect.format=raw --detect.raw_nx=10 --detect.raw_ny=10 --detect.raw_frames=3000000000
expect_error "nx = 3" "\[imaging\] nx = 3 (pixels of" image --config "$tmp/good.ini" --structure "$tmp/s.xyz" --out "$tmp/out.xyz" \
  --imaging.nx=3

# A write that fails (a full disk; here a file-size limit, SIGXFSZ ignored so write() returns
# EFBIG) ends with exit 1 and one line naming the output and the system's reason, and leaves
# nothing behind. Before: image crashed in libhdf5's exit handler (SIGSEGV; issue 16, item 10),
# and detect/topology committed a truncated file with exit 0 (a failed flush went unseen).
printf '[imaging]\npixel_size_angstrom = 0.1\n' >"$tmp/img.ini"
expect_write_failure() {  # NAME KBYTES OUT ARGS…
  local name=$1 kbytes=$2 out=$3
  shift 3
  rm -rf "$tmp/full" && mkdir -p "$tmp/full"
  bash -c 'trap "" XFSZ; ulimit -f "$0"; exec "$@"' "$kbytes" "$nanomix" "$@" --out "$out" --quiet >/dev/null 2>"$tmp/stderr"
  local rc=$?
  if [ "$rc" -ne 1 ]; then bad "$name: exit code $rc, expected 1: $(cat "$tmp/stderr")"
  elif [ "$(wc -l <"$tmp/stderr")" -ne 1 ] || ! grep -q "cannot write $out: .*(File too large)" "$tmp/stderr"; then
    bad "$name: stderr '$(cat "$tmp/stderr")'"
  elif [ -n "$(ls -A "$tmp/full")" ]; then bad "$name: left $(ls -A "$tmp/full")"
  else ok; fi
}
expect_write_failure "full disk, image" 64 "$tmp/full/m.emd" image --config "$tmp/img.ini" --structure "$tmp/s.xyz"
expect_write_failure "full disk, topology" 4 "$tmp/full/d.h5" topology --config "$tmp/good.ini" --structure "$tmp/s.xyz"

# Under mpirun a bad input is reported once, not once per rank (item 14).
if command -v mpirun >/dev/null; then
  OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun --oversubscribe -np 2 "$nanomix" build \
    --config "$tmp/unknown.ini" --out "$tmp/out.xyz" >/dev/null 2>"$tmp/stderr"
  [ "$(grep -c "unknown key 'colour'" "$tmp/stderr")" -eq 1 ] && ok || bad "mpirun -np 2: the error printed $(grep -c "unknown key" "$tmp/stderr") times"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
