#!/bin/bash
# Regressions of the fresh attack of 1 December (validation/attack/RESULTS.md, "fresh attack"):
# an output that is an input or another output, a subnormal real value, md's companion files on
# the trajectory, the scattering and potential tables checked before any work, stamps that hash
# every file as the stage finds it and never read a huge file, and an MD resume on another number
# of MPI ranks.
# Usage: fresh_attack_test.sh NANOMIX PYTHON SOURCE_DIR
set -u
NANOMIX=$(realpath "$1")
PY=${2:-/usr/bin/python3}
SRC=$(realpath "${3:-$(dirname "$0")/../..}")
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 HDF5_USE_FILE_LOCKING=FALSE
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export TMPDIR="$T"
cd "$T"  # no potentials/ here: md finds its default tables in the source tree
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }
sum() { cksum <"$1" 2>/dev/null; }
# refused NAME PATTERN ARGS…: exit 2, exactly one stderr line matching PATTERN.
refused() {
  local name=$1 pattern=$2
  shift 2
  timeout 60 "$NANOMIX" "$@" --quiet >/dev/null 2>err
  local rc=$?
  if [ $rc -ne 2 ]; then bad "$name: exit $rc, expected 2 ($(head -c 300 err))"
  elif [ "$(wc -l <err)" -ne 1 ] || ! grep -q -- "$pattern" err; then bad "$name: stderr '$(cat err)'"
  else ok "$name"; fi
}

cat >c.ini <<'INI'
[structure]
tube_n = 10
tube_m = 10
tube_length_angstrom = 30
ion_pairs = 16
seed = 5
[md]
melt_ps = 0
frames = 4
frame_interval_ps = 0.2
checkpoint_every_frames = 2
[imaging]
pixel_size_angstrom = 0.2
INI
"$NANOMIX" build --config c.ini --out s.xyz --quiet || bad "build"
before=$(sum s.xyz)

# An output onto an input or onto another output (before: exit 0, the input or one output lost).
refused "image --out onto its --structure" "is --structure s.xyz" image --config c.ini --structure s.xyz --out s.xyz
[ "$(sum s.xyz)" = "$before" ] && ok "the structure is intact" || bad "the structure was replaced"
ln -s s.xyz via_link.xyz
refused "image --out onto its --structure read through a symlink" "is --structure via_link.xyz" image --config c.ini --structure via_link.xyz --out s.xyz
refused "image --out and --tiff on one file" "the same file as --out" image --config c.ini --structure s.xyz --out m.emd --tiff m.emd
[ ! -e m.emd ] && ok "nothing written for --out = --tiff" || bad "m.emd written"
cp c.ini c2.ini
refused "build --out onto its --config" "is --config c2.ini" build --config c2.ini --out c2.ini
cmp -s c.ini c2.ini && ok "the config is intact" || bad "the config was replaced"
# A symlink at --out is replaced, not written through: not a clash with the file it points to.
ln -s c2.ini out_link.xyz
"$NANOMIX" build --config c2.ini --out out_link.xyz --quiet && [ ! -L out_link.xyz ] && cmp -s c.ini c2.ini \
  && ok "a symlink at --out to the config: replaced, config intact" || bad "a symlink at --out to the config"

# A real key given a value that underflows (valid when its minimum is 0): read as the config
# checked it (before: std::stod threw out_of_range, exit 1 "failed: stod").
"$NANOMIX" build --config c.ini --out tiny.xyz --structure.iodide_fraction=1e-310 --quiet 2>err; rc=$?
[ $rc -eq 0 ] && [ -s tiny.xyz ] && ok "iodide_fraction = 1e-310: exit 0" || bad "iodide_fraction = 1e-310: exit $rc ($(cat err))"

# md names T.lammps, T.data, T.checkpoint*, T.log from the trajectory: the trajectory cannot be
# one of them (before: exit 0 and the trajectory overwritten by its LAMMPS input, checkpoint or log).
for ext in lammps data checkpoint log; do
  mkdir -p "md_$ext"
  refused "md --out x.$ext" "the same file as --out" md --config c.ini --out "md_$ext/x.$ext"
  [ -z "$(ls -A "md_$ext")" ] && ok "md --out x.$ext: nothing written" || bad "md --out x.$ext wrote $(ls -A "md_$ext")"
done
cp c.ini x.lammps
refused "md --config x.lammps --out x.h5 (its LAMMPS input would replace the config)" "is --config" md --config x.lammps --out x.h5
cmp -s c.ini x.lammps && ok "the config x.lammps is intact" || bad "the config x.lammps was replaced"

# nanomix run reads the scattering table and the potential tables before any stage (before: the
# first after build and MD, the second after build).
printf 'not a table\n' >bad_table.txt
refused "run: a bad scattering table" "bad_table.txt:1" run --config c.ini --out R1 --run.stages="build image" --imaging.scattering_table=bad_table.txt
[ ! -e R1 ] && ok "run refused for its scattering table created nothing" || bad "run refused for its scattering table left $(ls -A R1)"

printf 'Na Cl 1 2\n' >bad_potential.txt
refused "run: a bad ion potential table" "bad_potential.txt:1" run --config c.ini --out R3 --run.stages="build md" --md.ion_potential_file=bad_potential.txt
[ ! -e R3 ] && ok "run refused for its potential table created nothing" || bad "run refused for its potential table left $(ls -A R3)"

# Stamps: a path key no stage reads may name a huge sparse file (before: hashed whole, hours);
# the potential tables are hashed where md finds them (before: "missing" for the source tree's).
truncate -s 200G huge.txt
start=$(date +%s)
timeout 120 "$NANOMIX" run --config c.ini --out R2 --run.stages="build md" --md.airebo_file="$T/huge.txt" --quiet 2>err; rc=$?
took=$(($(date +%s) - start))
[ $rc -eq 0 ] && [ $took -lt 90 ] && ok "run with a 200 GB airebo_file it does not read: exit 0 in $took s" || bad "run with a huge unread path key: exit $rc after $took s ($(head -c 300 err))"
"$PY" - "$SRC" <<'PYEOF' || fail=1
import os, sys
src = sys.argv[1]
def fnv(path):
    h = 14695981039346656037
    with open(path, "rb") as f:
        for b in f.read():
            h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h
lines = [l.split() for l in open("R2/.stamps/md.stamp") if l.startswith("# input ")]
got = {l[2]: (l[3], " ".join(l[4:])) for l in lines}
for key, name in (("md.ion_potential_file", "tosi_fumi_bmh.txt"), ("md.carbon_ion_potential_file", "carbon_ion_lj.txt")):
    path, digest = got[key]
    want = os.path.join(src, "potentials", name)
    assert os.path.samefile(path, want), "%s hashed at %s, md reads %s" % (key, path, want)
    assert digest == fnv(want), "%s: stamp says %s, the file's FNV-1a is %s" % (key, digest, fnv(want))
size = os.path.getsize("huge.txt")
assert got["md.airebo_file"][1].startswith("size %d mtime " % size), got["md.airebo_file"]
print("ok: the md stamp hashes the source tree's potential tables (FNV-1a recomputed) and names the huge file by size")
PYEOF

# MD resumed on another number of LAMMPS ranks is not the uninterrupted run: refused, one line
# (before: "already holds all 4 frames" / continued silently, 0.003 Å off by frame 59).
if command -v mpirun >/dev/null; then
  "$NANOMIX" md --config c.ini --out np.h5 --quiet || bad "md on one rank"
  held=$(sum np.h5)
  timeout 120 mpirun --oversubscribe -np 2 "$NANOMIX" md --config c.ini --out np.h5 --resume --quiet >/dev/null 2>err; rc=$?
  if [ $rc -ne 0 ] && [ "$(grep -c 'nanomix: error' err)" -eq 1 ] && grep -q '\[lammps\] ranks = 1 → 2' err; then ok "md --resume on 2 ranks after 1: refused, naming the ranks"
  else bad "md --resume on 2 ranks after 1: exit $rc, stderr '$(grep nanomix err)'"; fi
  [ "$(sum np.h5)" = "$held" ] && ok "the trajectory is untouched" || bad "the trajectory changed"
fi

[ $fail -eq 0 ] && echo "all passed"
exit $fail
