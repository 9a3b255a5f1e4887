#!/usr/bin/env python3
"""Calibration of nanomix compare on movies: false-positive rate under the null and power.

The process: a NaCl-NaI cluster (rock-salt sites at the Vegard lattice constant, made by
`nanomix build`, kind = tube_cluster, tube_axis = x, so the beam along z sees the tube from the
side) in a (14,14) nanotube. Each movie frame is that structure with every ion displaced by an
independent Gaussian of sigma = JITTER Å per axis (thermal motion, seeded per movie and frame),
imaged by `nanomix image --structure` (80 kV multislice, Poisson dose noise seeded per movie).

  * mixed:      the anion species drawn at random over the anion sites (one draw per process);
  * segregated: iodide on the anion sites of one half of the tube (x below the median), chloride
                on the other half - same sites, same ion counts, only the species differ.

Statistics (`nanomix topology`, then `nanomix compare` with [compare] statistic = ...):
  * interior: cubical persistence of the tube interior (image_region = tube_interior, smoothing
    0.5 Å, 2 x 2 binning), H0 + H1, detection-free;
  * heavy, light: 2D alpha diagrams of the detected heavy / light columns (`nanomix detect`), when
    the detector splits the classes (else the row says "classes not split").

Null (false-positive rate): pairs of movies of the SAME process (same species arrangement) that
differ in the jitter seed and the dose-noise seed; the permutation test (Robinson-Turner, W2) at
alpha = 0.05. Also measured, and reported separately: pairs of two DIFFERENT random mixed
arrangements - the test's null is that frames are exchangeable, so two clusters with different
fixed arrangements are (correctly) different processes for it.
Power: p-value of segregated vs mixed against dose (e/Å² per frame) and frames per movie.

Usage: power_fpr.py NANOMIX WORKDIR [--full] [--results validation/topology/RESULTS.md]
Default (ctest, label validation): interior only, 20 null pairs at 6 frames and 400 e/Å², 5 pairs
of different arrangements, power at 3 doses x 2 frame counts; --full: also heavy/light (nanomix
detect), 20 + 20 pairs at 20 frames, doses 100-4000, frames 5-40 (--doses/--frames override).
Exit 1 when the false-positive rate exceeds 0.05 + 2 binomial standard errors (0.15 for 20 pairs)
or segregated vs mixed is not found (p >= 0.05) at 4000 e/Å² and the largest frame count.
"""
import argparse
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np

JITTER = 0.12  # Å, per axis
ALPHA = 0.05


def run(args, **kw):
    r = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"failed ({r.returncode}): {' '.join(map(str, args))}\n{r.stdout}\n{r.stderr}")
    return r


def read_xyz(path):
    lines = Path(path).read_text().splitlines()
    n = int(lines[0])
    header = lines[1]
    sp, pos = [], []
    for ln in lines[2:2 + n]:
        w = ln.split()
        sp.append(w[0])
        pos.append([float(v) for v in w[1:4]])
    return header, np.array(sp), np.array(pos)


def write_movie_xyz(path, header, species, pos, frames, seed):
    rng = np.random.default_rng(seed)
    ion = species != "C"
    out = []
    for f in range(frames):
        p = pos.copy()
        p[ion] += rng.normal(0.0, JITTER, size=(ion.sum(), 3))
        out.append(str(len(species)))
        out.append(header)
        out.extend(f"{s} {x:.5f} {y:.5f} {z:.5f}" for s, (x, y, z) in zip(species, p))
    Path(path).write_text("\n".join(out) + "\n")


def arrangement(species, pos, kind, seed):
    s = species.copy()
    anions = np.where((species == "Cl") | (species == "I"))[0]
    n_i = int((species == "I").sum())
    if kind == "segregated":
        order = anions[np.argsort(pos[anions, 0], kind="stable")]
        s[order[:n_i]] = "I"
        s[order[n_i:]] = "Cl"
    else:
        rng = np.random.default_rng(seed)
        pick = rng.permutation(anions)
        s[pick[:n_i]] = "I"
        s[pick[n_i:]] = "Cl"
    return s


class Movies:
    def __init__(self, nanomix, work, columns):
        self.nanomix, self.work, self.columns = nanomix, work, columns
        self.cfg = work / "c.ini"
        self.cfg.write_text(
            "[structure]\nkind = tube_cluster\ntube_axis = x\ntube_n = 14\ntube_m = 14\ntube_length_angstrom = 26\n"
            "vacuum_angstrom = 4\nion_pairs = 40\niodide_fraction = 0.5\narrangement = random_mixed\n"
            "position_jitter_angstrom = 0\nseed = 5\n"
            "[imaging]\npixel_size_angstrom = 0.2\nslice_thickness_angstrom = 2\nthreads = 1\n"
            "[detect]\nmin_separation_angstrom = 2.4\n"
            "[topology]\nimage_region = tube_interior\nlattice = false\nlocal_subset =\nthreads = 1\n"
            "[compare]\ndimensions = 0 1\npermutations = 199\nthreads = 1\n")
        xyz = work / "structure.xyz"
        if not xyz.exists():
            run([nanomix, "build", "--config", self.cfg, "--out", xyz, "--quiet"])
        self.header, self.species, self.pos = read_xyz(xyz)
        self.cache = {}

    def diagrams(self, kind, arr_seed, frames, dose, seed):
        """(interior diagrams, columns diagrams) of one movie."""
        key = (kind, arr_seed, frames, dose, seed)
        if key in self.cache:
            return self.cache[key]
        tag = f"{kind}_a{arr_seed}_f{frames}_d{dose}_s{seed}"
        xyz, movie = self.work / f"{tag}.xyz", self.work / f"{tag}.h5"
        write_movie_xyz(xyz, self.header, arrangement(self.species, self.pos, kind, arr_seed), self.pos, frames, 1000 + seed)
        run([self.nanomix, "image", "--config", self.cfg, "--structure", xyz, "--out", movie, "--quiet",
             f"--imaging.dose_e_per_angstrom2={dose}", f"--imaging.seed={seed}"])
        di, dc, cols = self.work / f"{tag}_interior.h5", self.work / f"{tag}_columns.h5", self.work / f"{tag}_cols.h5"
        run([self.nanomix, "topology", "--config", self.cfg, "--movie", movie, "--out", di, "--quiet"])
        if self.columns:
            run([self.nanomix, "detect", "--config", self.cfg, "--movie", movie, "--out", cols, "--quiet"])
            run([self.nanomix, "topology", "--config", self.cfg, "--columns", cols, "--out", dc, "--quiet"])
        xyz.unlink()
        movie.unlink()
        self.cache[key] = (di, dc)
        return di, dc

    def compare(self, a, b, statistic):
        out = self.work / "cmp.h5"
        r = subprocess.run([str(v) for v in [self.nanomix, "compare", "--config", self.cfg, "--simulated", a, "--experimental", b,
                                            "--out", out, "--quiet", f"--compare.statistic={statistic}"]],
                           capture_output=True, text=True)
        if r.returncode != 0:
            return None  # e.g. a group missing: classes not split
        with h5py.File(out, "r") as f:
            g = f["statistics"][statistic]["mechanisms/0"]
            return float(g.attrs["permutation_p_value"]), float(g.attrs["permutation_effect_z"])

    def pair(self, a, b):
        (ia, ca), (ib, cb) = a, b
        res = {"interior": self.compare(ia, ib, "interior")}
        for s in ("heavy", "light"):
            res[s] = self.compare(ca, cb, s) if self.columns else None
        return res


def fmt(v, columns):
    return ("classes not split" if columns else "-") if v is None else f"{v[0]:.3f} (z {v[1]:+.1f})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("nanomix")
    ap.add_argument("work")
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--results", help="append the tables to this markdown file")
    ap.add_argument("--doses", type=float, nargs="*", help="power: these doses (e/Å² per frame)")
    ap.add_argument("--frames", type=int, nargs="*", help="power: these frame counts")
    ap.add_argument("--no-null", action="store_true", help="power table only")
    a = ap.parse_args()
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    m = Movies(a.nanomix, work, a.full)
    null_frames = 20 if a.full else 6
    pairs = 20
    lines = []
    # False-positive rate: same process (arrangement seed 1), different jitter and noise seeds.
    null = [] if a.no_null else [m.pair(m.diagrams("mixed", 1, null_frames, 400, 2 * k + 1), m.diagrams("mixed", 1, null_frames, 400, 2 * k + 2))
            for k in range(pairs)]
    # Two different random arrangements (a different cluster each).
    other = [m.pair(m.diagrams("mixed", 1, null_frames, 400, 2 * k + 1), m.diagrams("mixed", 100 + k, null_frames, 400, 100 + k))
             for k in range(0 if a.no_null else pairs if a.full else 5)]
    lines.append(f"### False-positive rate at alpha = {ALPHA} ({pairs} pairs, {null_frames} + {null_frames} frames, 400 e/Å², 199 permutations)\n")
    lines.append("| statistic | same process, different seeds: rejected | mean p | two different mixed arrangements: rejected |")
    lines.append("|---|---|---|---|")
    fpr = {}
    for s in ("interior", "heavy", "light"):
        ps = [r[s][0] for r in null if r[s] is not None]
        po = [r[s][0] for r in other if r[s] is not None]
        if not ps:
            lines.append(f"| {s} | {'classes not split' if a.full else 'not run (--full)'} | | |")
            continue
        fpr[s] = np.mean(np.array(ps) < ALPHA)
        lines.append(f"| {s} | {int(np.sum(np.array(ps) < ALPHA))}/{len(ps)} = {fpr[s]:.2f} | {np.mean(ps):.2f} | "
                     f"{int(np.sum(np.array(po) < ALPHA))}/{len(po)} |")
    # Power: segregated vs mixed.
    doses = [100, 400, 1000, 4000] if a.full else [100, 400, 4000]
    frames = [5, 10, 20, 40] if a.full else [5, 10]
    if a.frames:
        frames = a.frames
    if a.doses:
        doses = a.doses
    lines.append(f"\n### Power: segregated vs mixed, permutation p (effect z), 199 permutations\n")
    lines.append("| dose (e/Å²) | frames | interior | heavy | light |")
    lines.append("|---|---|---|---|---|")
    found = None
    for d in doses:
        for n in frames:
            r = m.pair(m.diagrams("segregated", 1, n, d, 7000 + n), m.diagrams("mixed", 1, n, d, 8000 + n))
            lines.append(f"| {d:g} | {n} | {fmt(r['interior'], a.full)} | {fmt(r['heavy'], a.full)} | {fmt(r['light'], a.full)} |")
            if d == doses[-1] and n == frames[-1]:
                found = r["interior"][0]
    lines.append(f"\n({'--full' if a.full else 'default'} mode, {time.time() - t0:.0f} s on the development machine)\n")
    text = "\n".join(lines)
    print(text)
    if a.results:
        with open(a.results, "a") as f:
            f.write(text + "\n")
    bad = [s for s, v in fpr.items() if v > 0.05 + 2 * np.sqrt(0.05 * 0.95 / pairs)]
    if bad or found is None or found >= ALPHA:
        print(f"FAIL: false-positive rate too high for {bad}" if bad else f"FAIL: segregated vs mixed p = {found}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
