#!/usr/bin/python3
"""The beam at the real dose against thermal MD (issue 12 item 6), measured from the trajectories.

Usage: beam_vs_thermal.py RUN_DIR [--beam TAG] [--thermal TAG] [--nulls TAGa,TAGb ...]
RUN_DIR is a `nanomix run` folder made with mechanism = beam, second_mechanism = thermal and
null_pairs >= 1 (configs/beam_driven.ini; see validation/md/RESULTS.md for the command). Every figure
is recomputed here from positions and per-frame species (h5py, numpy), independently of nanomix's
own sequence analysis: per frame, the I fraction of the outer and inner thirds of the anions by
distance from the tube axis (axis: principal axis of the carbon atoms), the axial split (|I fraction
of the anions below the anions' median along the axis − above it|), and the MD's own observables
(anion_sro, crystallinity per species, temperature, ions outside the tube) read from the file.
Compared: beam − thermal, against the spread of thermal − thermal (the null pairs), each averaged
over the second half of production. Prints a markdown table.
"""
import argparse
import os
import sys

import h5py
import numpy as np


def species_of(f, i):
    s = f["particles/all/species"]
    return s["value"][i] if isinstance(s, h5py.Group) else s[()]


def frame_figures(f):
    pos = f["particles/all/position/value"]
    rows = []
    for i in range(pos.shape[0]):
        x, z = pos[i], species_of(f, i)
        c = x[z == 6]
        centre = c.mean(axis=0)
        axis = np.linalg.svd(c - centre, full_matrices=False)[2][0]
        an = (z == 17) | (z == 53)
        rel = x[an] - centre
        along = rel @ axis
        radial = np.linalg.norm(rel - np.outer(along, axis), axis=1)
        iod = z[an] == 53
        order = np.argsort(radial)
        third = len(order) // 3
        inner, outer = iod[order[:third]].mean(), iod[order[-third:]].mean()
        below = along < np.median(along)
        split = abs(iod[below].mean() - iod[~below].mean())
        rows.append((outer, inner, split))
    rows = np.array(rows)
    obs = {k: f[f"observables/{k}/value"][()] for k in ("anion_sro", "crystallinity_nacl", "crystallinity_nai", "temperature",
                                                        "ions_outside_tube") if f"observables/{k}" in f}
    return {"I outer third": rows[:, 0], "I inner third": rows[:, 1], "axial split": rows[:, 2], **obs}


def late_mean(v):
    return float(np.mean(v[len(v) // 2:]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("run_dir")
    ap.add_argument("--beam", default="")
    ap.add_argument("--thermal", default="_thermal")
    ap.add_argument("--nulls", nargs="*", default=None)
    a = ap.parse_args()
    traj = lambda tag: os.path.join(a.run_dir, f"trajectory{tag}.h5")
    nulls = a.nulls
    if nulls is None:
        nulls, k = [], 1
        while os.path.exists(traj(f"_null{k}a")):
            nulls.append(f"_null{k}a,_null{k}b")
            k += 1
    with h5py.File(traj(a.beam), "r") as fb, h5py.File(traj(a.thermal), "r") as ft:
        beam, thermal = frame_figures(fb), frame_figures(ft)
        mech = fb["parameters"].attrs.get("md_mechanism", b"?")
        heat = fb["parameters"].attrs.get("md_beam_heating_kelvin", 0.0)
    null_diffs = []
    for pair in nulls:
        x, y = pair.split(",")
        with h5py.File(traj(x), "r") as fx, h5py.File(traj(y), "r") as fy:
            fx_, fy_ = frame_figures(fx), frame_figures(fy)
            null_diffs.append({k: late_mean(fx_[k]) - late_mean(fy_[k]) for k in fx_})
    mech = mech.decode() if isinstance(mech, bytes) else mech
    print(f"beam run: mechanism {mech}, beam heating {float(heat):.2f} K; frames {len(beam['axial split'])}; "
          f"{len(null_diffs)} thermal-thermal pair(s) as the null")
    print()
    print("| figure (mean over the second half) | beam | thermal | beam − thermal | thermal − thermal (null pairs) |")
    print("|---|---|---|---|---|")
    for k in beam:
        b, t = late_mean(beam[k]), late_mean(thermal[k])
        nd = ", ".join(f"{d[k]:+.3f}" for d in null_diffs) or "–"
        print(f"| {k} | {b:.3f} | {t:.3f} | {b - t:+.3f} | {nd} |")
    worst = max(int(np.max(beam.get("ions_outside_tube", [0]))), 0)
    print(f"\nions outside the tube in the beam run (max over frames): {worst}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
