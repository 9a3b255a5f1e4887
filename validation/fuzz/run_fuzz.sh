#!/usr/bin/env bash
# Fuzzes the readers of nanomix's own HDF5 files (columns, diagrams, comparison, trajectory) under
# libFuzzer + AddressSanitizer + UBSan, one harness after the other, and prints one table row per
# harness (seeds, executions, seconds, findings). Needs Debian's clang 14 and its runtime
# (apt-get install clang libclang-rt-14-dev); without them it says so and exits 0.
# Usage: validation/fuzz/run_fuzz.sh [--full] [--no-rehearsal] [--report-only] [harness…]
#   default: 60 s per harness; --full: 620 s per harness, so that libFuzzer's last status line (printed
#   every few seconds) reads at least 600 s (the figures in validation/fuzz/RESULTS.md).
#   --no-rehearsal: the fuzz build skips the rehearsal in a child (NANOMIX_FUZZ_NO_REHEARSAL=1,
#   honoured only by binaries built with NANOMIX_FUZZ_BUILD, i.e. by tests/fuzz/build_fuzzers.sh),
#   so that the harness's own process does every read: a crash, hang (-timeout=10) or allocation
#   above 512 MiB anywhere is a libFuzzer finding, each classified by its stack (inside libhdf5 or not).
#   --report-only: no fuzzing; the table again from the logs and reports of the last run.
# Builds into build-fuzz/ (tests/fuzz/build_fuzzers.sh); new corpus inputs go to build-fuzz/work/<h>,
# crashing inputs to build-fuzz/artifacts/<h>-*, sanitizer reports and libFuzzer's stacks to
# build-fuzz/asan/<h>.<pid> (<h>-norehearsal… in that mode). The movie readers' harnesses:
# tests/fuzz/run_all.sh.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=60
rehearsal=1
report_only=0
harnesses=()
for a in "$@"; do
  case $a in
    --full) seconds=620 ;;
    --no-rehearsal) rehearsal=0 ;;
    --report-only) report_only=1 ;;
    -h | --help) sed -n '2,17p' "$0"; exit 0 ;;
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

# Frames that belong to the sanitizers, libFuzzer, the allocator, the C library (memcpy, a signal
# trampoline): the first frame below them is where a report happened.
not_ours='__interceptor_|__asan|__sanitizer|__ubsan| in (malloc|calloc|realloc|operator new)|libFuzzer|fuzzer::|libc\.so\.6|sysdeps/'

# One report file → "KIND@WHERE": KIND from the report (or from libFuzzer's handler in the stack),
# WHERE "libhdf5" when the first frame below the sanitizer's own is in libhdf5, else that frame's
# function and source line.
classify() {
  local r=$1 kind frame
  if grep -q 'ERROR: AddressSanitizer' "$r"; then kind=$(grep -o -m1 -E 'ERROR: AddressSanitizer: [a-zA-Z_-]+' "$r" | sed 's/.*: //')
  elif grep -q 'runtime error:' "$r"; then kind=ubsan
  elif grep -q 'ERROR: LeakSanitizer' "$r"; then kind=leak
  elif grep -q -E 'AlarmCallback|AlarmHandler' "$r"; then kind=timeout
  elif grep -q -E 'HandleMalloc|MallocHook' "$r"; then kind=malloc-limit
  elif grep -q -E 'CrashCallback|DeathCallback' "$r"; then kind=deadly-signal
  else kind=other
  fi
  frame=$(grep -E '^ +#[0-9]+ ' "$r" | grep -v -E "$not_ours" | head -1)
  if [[ $frame == *libhdf5* ]]; then echo "$kind@libhdf5"
  else echo "$kind@$(sed -E 's/^ +#[0-9]+ 0x[0-9a-f]+ in //; s/\(.*\)//; s/ \/.*\/([^/]+:[0-9]+).*/ \1/' <<<"$frame")"
  fi
}

if [[ $rehearsal == 1 ]]; then
  echo "| harness | seeds | executions | seconds | OOMs/timeouts/crashes (libFuzzer) and sanitizer reports |"
  echo "|---|---:|---:|---:|---|"
else
  echo "| harness (no rehearsal) | seeds | executions | seconds | inputs/s | OOMs/timeouts/crashes (libFuzzer) | reports inside libhdf5 | reports elsewhere |"
  echo "|---|---:|---:|---:|---:|---|---|---|"
fi
for h in "${harnesses[@]}"; do
  seeds=$root/tests/fuzz/corpus/$h
  tag=$h
  [[ $rehearsal == 0 ]] && tag=$h-norehearsal
  if [[ $report_only == 0 ]]; then
  if [[ ! -x $out/fuzz_$h || -n $(find "$root/core" "$root/imaging/detect" "$root/topology" "$root/tests/fuzz" -newer "$out/fuzz_$h" \( -name '*.[ch]pp' -o -name build_fuzzers.sh \) | head -1) ]]; then
    "$root/tests/fuzz/build_fuzzers.sh" "$out" "$h" >/dev/null || { echo "| $h | build failed | | | |"; status=1; continue; }
  fi
  mkdir -p "$out/work/$tag"
  rm -f "$out/asan/$tag".*
  if [[ $rehearsal == 0 ]]; then
    # The switch must be in this binary (a build without NANOMIX_FUZZ_BUILD would ignore it and
    # rehearse quietly): the rehearsal says once on stderr that it was skipped.
    said=$(NANOMIX_FUZZ_NO_REHEARSAL=1 ASAN_OPTIONS=detect_leaks=0 "$out/fuzz_$h" "$seeds/$(ls "$seeds" | head -1)" 2>&1)
    if [[ $said != *'rehearsal skipped'* ]]; then
      echo "| $h | binary does not honour NANOMIX_FUZZ_NO_REHEARSAL (rebuild with tests/fuzz/build_fuzzers.sh) | | | | | | |"
      status=1
      continue
    fi
    export NANOMIX_FUZZ_NO_REHEARSAL=1
    limits=(-timeout=10)
  else
    unset NANOMIX_FUZZ_NO_REHEARSAL
    limits=(-timeout=20)
  fi
  # Fork mode, going on past crashes: libhdf5 1.10.8's own memory errors (inside the rehearsal
  # child, or in the harness itself with --no-rehearsal; ASan sees them through its memcpy
  # interceptor) would otherwise stop every run within a minute; each report is classified
  # afterwards by the first frame below the sanitizer's own. With the rehearsal, a child's report
  # also stops the harness in the parent ("the reader failed (exit 1)"): one libFuzzer crash.
  # allocator_may_return_null: a huge malloc inside libhdf5 fails as it would without ASan (libhdf5
  # handles it); libFuzzer's -malloc_limit_mb stops any single allocation above 512 MiB first.
  # Leaks on libhdf5's error paths are not ours (detect_leaks=0).
  # With the rehearsal, a hang inside libhdf5 ends it after 2 s (NANOMIX_REHEARSAL_TIMEOUT_S; the
  # harness's own default is 5 s); without, libFuzzer's -timeout=10 stops the input.
  NANOMIX_REHEARSAL_TIMEOUT_S=${NANOMIX_REHEARSAL_TIMEOUT_S:-2} \
  ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1:log_path=$out/asan/$tag \
  UBSAN_OPTIONS=print_stacktrace=1 \
    nice -n 10 "$out/fuzz_$h" "$out/work/$tag" "$seeds" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -malloc_limit_mb=512 "${limits[@]}" \
    -artifact_prefix="$out/artifacts/$tag-" ${FUZZ_EXTRA:-} >"$out/fuzz_$tag.log" 2>&1
  fi
  last=$(grep -E '^#[0-9]+: cov:' "$out/fuzz_$tag.log" | tail -1)
  execs=$(sed -E 's/^#([0-9]+):.*/\1/' <<<"$last")
  took=$(sed -E 's/.* time: ([0-9]+)s.*/\1/' <<<"$last")
  failures=$(sed -E 's/.*oom\/timeout\/crash: ([0-9/]+).*/\1/' <<<"$last")
  if [[ $rehearsal == 1 ]]; then
    in_hdf5=0
    in_nanomix=()
    for r in "$out/asan/$tag".*; do
      # a sanitizer's own report (not libFuzzer's stack of a process it stopped)
      grep -q -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$r" 2>/dev/null || continue
      frame=$(grep -E '^ +#[0-9]+ ' "$r" | grep -v -E "$not_ours" | head -1)
      if [[ $frame == *libhdf5* ]]; then in_hdf5=$((in_hdf5 + 1)); else in_nanomix+=("$(basename "$r")"); fi
    done
    [[ ${#in_nanomix[@]} -ne 0 ]] && status=1
    echo "| $h | $(ls "$seeds" | wc -l) | ${execs:-?} | ${took:-?} | ${failures:-0/0/0}; sanitizer reports: $in_hdf5 inside libhdf5, ${#in_nanomix[@]} elsewhere ${in_nanomix[*]:-} |"
  else
    # Every file with a stack: a sanitizer's report, or libFuzzer's stack of a time-out, an
    # allocation above the limit or a deadly signal. Counted by kind; those outside libhdf5 listed
    # with their first frame and file (replay: NANOMIX_FUZZ_NO_REHEARSAL=1 build-fuzz/fuzz_<h> INPUT).
    declare -A hdf5_kinds=()
    elsewhere=()
    for r in "$out/asan/$tag".*; do
      [[ -f $r ]] && grep -q -E '^ +#[0-9]+ ' "$r" || continue
      c=$(classify "$r")
      if [[ $c == *@libhdf5 ]]; then hdf5_kinds[${c%@*}]=$((${hdf5_kinds[${c%@*}]:-0} + 1))
      else elsewhere+=("$c ($(basename "$r"))"); fi
    done
    hdf5_text=
    for k in "${!hdf5_kinds[@]}"; do hdf5_text+="$k ${hdf5_kinds[$k]}; "; done
    [[ ${#elsewhere[@]} -ne 0 ]] && status=1
    rate=?
    [[ -n ${execs:-} && -n ${took:-} && ${took:-0} -gt 0 ]] && rate=$((execs / took))
    echo "| $h | $(ls "$seeds" | wc -l) | ${execs:-?} | ${took:-?} | $rate | ${failures:-0/0/0} | ${hdf5_text:-none} | ${elsewhere[*]:-none} |"
    unset hdf5_kinds
  fi
done
exit $status
