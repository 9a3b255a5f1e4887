#!/usr/bin/env bash
# Builds the libFuzzer + AddressSanitizer + UBSan harnesses of the readers with Debian's clang
# (apt-get install clang libclang-rt-14-dev) into build-fuzz/ (or $1); $2… picks formats.
# Only the readers' sources are compiled; the diagrams and comparison modules' writers call into
# the rest of topology/, which is not built here: writer_stubs.cpp stands in (and traps if called).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/build-fuzz}
mkdir -p "$out/generated/nanomix"
CXX=${CXX:-clang++}
hdf5_inc=$(pkg-config --cflags hdf5 2>/dev/null || echo "-I/usr/include/hdf5/serial")
hdf5_lib=$(pkg-config --libs hdf5 2>/dev/null || echo "-L/usr/lib/x86_64-linux-gnu/hdf5/serial -lhdf5")
# nanomix/version.hpp for the file writers' sources (their version attribute is not read here).
[[ -f $out/generated/nanomix/version.hpp ]] ||
  sed -e 's/@[A-Za-z_]*@/0/g' "$root/core/version.hpp.in" >"$out/generated/nanomix/version.hpp"
common=("$root/tests/fuzz/fuzz_readers.cpp" "$root/core/hdf5_util.cpp" "$root/core/rehearse.cpp")
movies=("$root"/imaging/detect/movie_reader.cpp "$root"/imaging/detect/read_{emd,mrc,raw,tiff,dm,ser}.cpp "$root"/imaging/detect/dm_tags.cpp
        "$root"/imaging/movie_file.cpp "$root"/tests/fuzz/movie_writer_stubs.cpp)  # check_movie_format_version
flags=(-std=c++17 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
       -fno-sanitize-recover=undefined -ffunction-sections -fdata-sections -Wl,--gc-sections
       -I"$root" -I"$out/generated" -I/usr/include/eigen3 $hdf5_inc -DH5_USE_110_API
       -DNANOMIX_FUZZ_BUILD)  # fuzz-only switches (core/rehearse.cpp: NANOMIX_FUZZ_NO_REHEARSAL)
names=(emd tiff mrc raw auto dm ser hspy columns diagrams comparison trajectory)
for k in "${!names[@]}"; do
  if [[ $# -ge 2 && " ${*:2} " != *" ${names[$k]} "* ]]; then continue; fi
  case ${names[$k]} in
    columns) extra=("$root/imaging/detect/columns_file.cpp") ;;
    diagrams | comparison) extra=("$root"/topology/{diagrams,comparison}_file.cpp "$root/tests/fuzz/writer_stubs.cpp") ;;
    trajectory) extra=("$root"/core/{h5md,frame,elements,neighbors}.cpp) ;;
    *) extra=("${movies[@]}") ;;
  esac
  echo "building fuzz_${names[$k]}"
  "$CXX" "${flags[@]}" -DNANOMIX_FUZZ_FORMAT=$k "${common[@]}" "${extra[@]}" $hdf5_lib -ltiff -o "$out/fuzz_${names[$k]}"
done
