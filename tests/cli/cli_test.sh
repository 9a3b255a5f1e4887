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

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
