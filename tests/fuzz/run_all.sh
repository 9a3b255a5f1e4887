#!/usr/bin/env bash
# Runs every reader's fuzzer for SECONDS (default 660) one after the other, under ASan + UBSan,
# from the seed corpus; new inputs go to build-fuzz/work/<format>, crashes to build-fuzz/artifacts.
# Usage: tests/fuzz/run_all.sh [SECONDS] [formats…]   (formats: emd tiff mrc raw auto dm ser hspy)
# FUZZ_EXTRA adds libFuzzer flags, e.g. FUZZ_EXTRA="-fork=1 -ignore_crashes=1" to keep going past
# known crashes inside libhdf5 (then triage build-fuzz/artifacts by their stacks).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-660}
shift || true
formats=("$@")
[[ ${#formats[@]} -eq 0 ]] && formats=(mrc tiff raw dm ser emd hspy auto)
out=$root/build-fuzz
mkdir -p "$out/artifacts"
for f in "${formats[@]}"; do
  [[ -x $out/fuzz_$f ]] || "$root/tests/fuzz/build_fuzzers.sh" "$out" "$f"
  seeds=$root/tests/fuzz/corpus/$f
  [[ $f == auto ]] && seeds="$root/tests/fuzz/corpus/emd $root/tests/fuzz/corpus/tiff $root/tests/fuzz/corpus/mrc $root/tests/fuzz/corpus/dm $root/tests/fuzz/corpus/ser"
  mkdir -p "$out/work/$f"
  echo "== fuzz_$f for ${seconds}s ($(date -u +%H:%M:%S))"
  # shellcheck disable=SC2086
  nice -n 10 "$out/fuzz_$f" "$out/work/$f" $seeds -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
    -malloc_limit_mb=512 -timeout=20 -print_final_stats=1 -artifact_prefix="$out/artifacts/$f-" ${FUZZ_EXTRA:-} \
    >"$out/fuzz_$f.log" 2>&1
  echo "   exit $? — $(grep -E 'stat::number_of_executed_units|Done' "$out/fuzz_$f.log" | tr '\n' ' ')"
done
