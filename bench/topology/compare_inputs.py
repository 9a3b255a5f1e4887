#!/usr/bin/env python3
"""Inputs of the compare benchmark: two 21-frame diagrams files of the demo's cluster.

`nanomix build` makes the demo structure (configs/demo.ini: 400 ions in a (20,20) tube); each of
the 21 frames of file A is it with every ion displaced by a Gaussian of 0.15 Å per axis, and file
B the same with the anion species sorted along the tube axis (I in one half: segregated). Then
`nanomix topology --structure` (3D weighted alpha, subsets ions anions I) writes A.h5 and B.h5.
Time them with, e.g. (the demo's ground-truth comparison: subset I, H0):
  farm-bench -- nanomix compare --config DIR/c.ini --simulated DIR/A.h5 --experimental DIR/B.h5 --out DIR/o.h5 \
      --compare.subset=I --compare.dimensions=0
Usage: compare_inputs.py NANOMIX CONFIG DIR
"""
import subprocess
import sys
from pathlib import Path

import numpy as np

nanomix, config, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])
out.mkdir(parents=True, exist_ok=True)
xyz = out / "structure.xyz"
subprocess.run([nanomix, "build", "--config", config, "--out", str(xyz), "--quiet"], check=True)
lines = xyz.read_text().splitlines()
n = int(lines[0])
header = lines[1]
sp = np.array([ln.split()[0] for ln in lines[2:2 + n]])
pos = np.array([[float(v) for v in ln.split()[1:4]] for ln in lines[2:2 + n]])
seg = sp.copy()
anions = np.where((sp == "Cl") | (sp == "I"))[0]
order = anions[np.argsort(pos[anions, 2])]
ni = int((sp == "I").sum())
seg[order[:ni]], seg[order[ni:]] = "I", "Cl"
rng = np.random.default_rng(1)
for name, species in (("A", sp), ("B", seg)):
    text = []
    for f in range(21):
        p = pos.copy()
        ion = species != "C"
        p[ion] += rng.normal(0, 0.15, size=(ion.sum(), 3))
        text += [str(n), header] + [f"{s} {x:.5f} {y:.5f} {z:.5f}" for s, (x, y, z) in zip(species, p)]
    (out / f"{name}.xyz").write_text("\n".join(text) + "\n")
cfg = out / "c.ini"
cfg.write_text("[topology]\nsubsets = ions anions I\nlattice = false\nlocal_subset =\nthreads = 1\n[compare]\npermutations = 199\nthreads = 1\n")
for name in ("A", "B"):
    subprocess.run([nanomix, "topology", "--config", str(cfg), "--structure", str(out / f"{name}.xyz"), "--out",
                    str(out / f"{name}.h5"), "--quiet"], check=True)
print(f"wrote {out}/A.h5, {out}/B.h5, {cfg}")
