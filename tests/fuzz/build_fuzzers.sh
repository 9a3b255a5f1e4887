#!/usr/bin/env bash
# Builds the libFuzzer + AddressSanitizer harnesses of the movie readers with Debian's clang
# (apt-get install clang libclang-rt-14-dev) into build-fuzz/ (or $1).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/build-fuzz}
mkdir -p "$out"
CXX=${CXX:-clang++}
hdf5_inc=$(pkg-config --cflags hdf5 2>/dev/null || echo "-I/usr/include/hdf5/serial")
hdf5_lib=$(pkg-config --libs hdf5 2>/dev/null || echo "-L/usr/lib/x86_64-linux-gnu/hdf5/serial -lhdf5")
sources=("$root/tests/fuzz/fuzz_readers.cpp" "$root/core/hdf5_util.cpp"
         "$root"/imaging/detect/movie_reader.cpp "$root"/imaging/detect/read_{emd,mrc,raw,tiff,dm,ser}.cpp "$root"/imaging/detect/dm_tags.cpp)
flags=(-std=c++17 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
       -fno-sanitize-recover=undefined -I"$root" $hdf5_inc -DH5_USE_110_API)
names=(emd tiff mrc raw auto dm ser hspy)
for k in 0 1 2 3 4 5 6 7; do
  if [[ $# -ge 2 && " ${*:2} " != *" ${names[$k]} "* ]]; then continue; fi
  echo "building fuzz_${names[$k]}"
  "$CXX" "${flags[@]}" -DNANOMIX_FUZZ_FORMAT=$k "${sources[@]}" $hdf5_lib -ltiff -o "$out/fuzz_${names[$k]}"
done
