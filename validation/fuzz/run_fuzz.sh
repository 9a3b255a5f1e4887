#!/usr/bin/env bash
# Fuzzes the readers of nanomix's own HDF5 files (columns, diagrams, comparison, trajectory) under
# libFuzzer + AddressSanitizer + UBSan, one harness after the other, and prints one table row per
# harness (seeds, executions, seconds, findings). Needs Debian's clang 14 and its runtime
# (apt-get install clang libclang-rt-14-dev); without them it says so and exits 0.
# Usage: validation/fuzz/run_fuzz.sh [--full] [harness…]
#   default: 60 s per harness; --full: 600 s per harness (the figures in validation/fuzz/RESULTS.md).
# Builds into build-fuzz/ (tests/fuzz/build_fuzzers.sh); new corpus inputs go to build-fuzz/work/<h>,
# crashing inputs to build-fuzz/artifacts/<h>-*, sanitizer reports of rehearsal children to
# build-fuzz/asan/<h>.<pid>. The movie readers' harnesses: tests/fuzz/run_all.sh.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=60
harnesses=()
for a in "$@"; do
  case $a in
    --full) seconds=600 ;;
    -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
    *) harnesses+=("$a") ;;
  esac
done
[[ ${#harnesses[@]} -eq 0 ]] && harnesses=(columns diagrams comparison trajectory)
if ! command -v "${CXX:-clang++}" >/dev/null || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  echo "run_fuzz.sh: skipped, needs clang and libFuzzer (apt-get install clang libclang-rt-14-dev)"
  exit 0
fi
out=$root/build-fuzz
mkdir -p "$out/artifacts" "$out/asan"
status=0
echo "| harness | seeds | executions | seconds | OOMs/timeouts/crashes (libFuzzer) and sanitizer reports |"
echo "|---|---:|---:|---:|---|"
for h in "${harnesses[@]}"; do
  if [[ ! -x $out/fuzz_$h || -n $(find "$root/core" "$root/imaging/detect" "$root/topology" "$root/tests/fuzz" -newer "$out/fuzz_$h" -name '*.[ch]pp' | head -1) ]]; then
    "$root/tests/fuzz/build_fuzzers.sh" "$out" "$h" >/dev/null || { echo "| $h | build failed | | | |"; status=1; continue; }
  fi
  seeds=$root/tests/fuzz/corpus/$h
  mkdir -p "$out/work/$h"
  rm -f "$out/asan/$h".*
  # Fork mode, going on past crashes: libhdf5 1.10.8's own memory errors inside the rehearsal child
  # (ASan sees them through its memcpy interceptor) would otherwise stop every run within a minute;
  # each report is classified afterwards by the first frame below the sanitizer's own. A child's
  # report also stops the harness in the parent ("the reader failed (exit 1)"): one libFuzzer crash.
  # allocator_may_return_null: a huge malloc inside libhdf5 fails as it would without ASan (libhdf5
  # handles it); nanomix's own allocations are bounded before they are made. Leaks on libhdf5's
  # error paths are not ours (detect_leaks=0).
  # A hang inside libhdf5 ends the rehearsal after 2 s (NANOMIX_REHEARSAL_TIMEOUT_S; the harness's own default is 5 s).
  NANOMIX_REHEARSAL_TIMEOUT_S=${NANOMIX_REHEARSAL_TIMEOUT_S:-2} \
  ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1:log_path=$out/asan/$h \
    nice -n 10 "$out/fuzz_$h" "$out/work/$h" "$seeds" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -malloc_limit_mb=512 -timeout=20 \
    -artifact_prefix="$out/artifacts/$h-" ${FUZZ_EXTRA:-} >"$out/fuzz_$h.log" 2>&1
  last=$(grep -E '^#[0-9]+: cov:' "$out/fuzz_$h.log" | tail -1)
  execs=$(sed -E 's/^#([0-9]+):.*/\1/' <<<"$last")
  took=$(sed -E 's/.* time: ([0-9]+)s.*/\1/' <<<"$last")
  failures=$(sed -E 's/.*oom\/timeout\/crash: ([0-9/]+).*/\1/' <<<"$last")
  in_hdf5=0
  in_nanomix=()
  for r in "$out/asan/$h".*; do
    # a sanitizer's own report (not libFuzzer's stack of a process it stopped)
    grep -q -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$r" 2>/dev/null || continue
    frame=$(grep -E '^ +#[0-9]+ ' "$r" | grep -v -E '__interceptor_|__asan|__sanitizer|__ubsan| in (malloc|calloc|realloc|operator new)|libFuzzer|fuzzer::' | head -1)
    if [[ $frame == *libhdf5* ]]; then in_hdf5=$((in_hdf5 + 1)); else in_nanomix+=("$(basename "$r")"); fi
  done
  [[ ${#in_nanomix[@]} -ne 0 ]] && status=1
  echo "| $h | $(ls "$seeds" | wc -l) | ${execs:-?} | ${took:-?} | ${failures:-0/0/0}; sanitizer reports: $in_hdf5 inside libhdf5, ${#in_nanomix[@]} elsewhere ${in_nanomix[*]:-} |"
done
exit $status
