#!/usr/bin/env python3
"""Calibration of the demo's movie-level comparison: swap vs thermal MD, seen through the movies.

The process is configs/demo.ini's: the same starting cluster (structure seed 3: 400 ions on
jittered rock-salt sites, half the anions iodide, in a (20,20) tube), then `nanomix md` with the
demo's protocol, mechanism `swap_biased_drive` (Cl<->I swaps) or `thermal`; each trajectory is
imaged with the demo's optics (`nanomix image`, side view, 0.15 Å pixels, Poisson dose noise) and
measured by two statistics, as `nanomix run` does:

  * interior: cubical persistence of each frame's tube interior (detection-free, `nanomix topology
    --movie` with image_region = tube_interior);
  * columns:  2D alpha diagrams of the detected columns (`nanomix detect`, then `nanomix topology
    --columns`); heavy/light are added when the detector split the classes in both movies.

`nanomix compare` (permutation test, 199 relabellings, W2, alpha = 0.05) is run on pairs of movies:

  * null pairs: two thermal runs of the same start that differ only in their seeds (MD velocities
    and thermostat, dose noise) - "the same process with different seeds". The frame-level test's
    own H0 is that the frames of the two movies are exchangeable; frames of one MD run are
    correlated (one cluster, 1 ps apart), so this measures whether its p-values are valid for a
    question about processes. Rejection rate = false-positive rate.
  * the demo's question: swap (seed 1) vs thermal (seed 1), p against dose (e/Å² per frame) and
    the number of frames per movie (the first k frames of a longer run).
  * the run-level (Monte Carlo) test, calibrated by simulation, as a user runs it: `nanomix compare
    --null-pair A,B ...` with the null pairs' diagrams; the swap-vs-thermal energy distance of the
    two frame sets ranked among the null pairs'; p = (1 + #{null E >= observed E}) / (pairs + 1).
    Valid whatever the time correlation inside a run (the runs, not the frames, are the
    replicates), at the cost of simulating the null pairs (p_min = 1/(pairs + 1)).

Everything is read back from the files nanomix wrote (h5py). Movies, trajectories and diagrams are
cached in WORKDIR by name, so a second call reuses them.

Usage: demo_calibration.py NANOMIX WORKDIR [--full] [--results FILE.md] [--pairs N] [--frames K ...]
       [--doses D ...]
Default: 3 null pairs and the swap-vs-thermal pair at 6 frames, 400 e/Å² (a smoke test of the
machinery, ~2 min on 2 cores); --full: 20 null pairs at the demo's 21 frames and 400 e/Å², power at
doses 100 400 1000 4000 and frames 5 10 21 40 (MD of 40 + 2 runs; ~40 min on 2 cores).
Exit 1 when a command fails or the swap-vs-thermal interior comparison at the largest dose and
frame count is not rejected (p >= 0.05).
"""
import argparse
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np

ALPHA = 0.05
ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "configs" / "demo.ini"
SWAP = "swap_biased_drive"


def run(args):
    r = subprocess.run([str(a) for a in args], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"failed ({r.returncode}): {' '.join(map(str, args))}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    return r


class Pipeline:
    def __init__(self, nanomix, work):
        self.nanomix = nanomix
        self.work = Path(work)
        self.work.mkdir(parents=True, exist_ok=True)
        self.md_seconds = []

    def cmd(self, *args):
        return run([self.nanomix, *args, "--config", CONFIG, "-q"])

    def trajectory(self, mechanism, seed, frames):
        out = self.work / f"traj_{mechanism}_s{seed}_f{frames}.h5"
        if not out.exists():
            t0 = time.time()
            self.cmd("md", "--out", out, f"--md.mechanism={mechanism}", f"--md.seed={seed}", f"--md.frames={frames}")
            self.md_seconds.append(time.time() - t0)
        return out

    def movie(self, traj, dose, noise_seed):
        out = self.work / f"{traj.stem}_d{dose:g}_n{noise_seed}.emd"
        if not out.exists():
            self.cmd("image", "--trajectory", traj, "--out", out, f"--imaging.dose_e_per_angstrom2={dose}",
                     f"--imaging.seed={noise_seed}")
        return out

    def diagrams(self, movie, frames):
        """Interior and column diagrams of the movie's first `frames` frames."""
        last = f"--topology.last_frame={frames - 1}"
        interior = self.work / f"{movie.stem}_k{frames}_interior.h5"
        if not interior.exists():
            self.cmd("topology", "--movie", movie, "--out", interior, "--topology.image_region=tube_interior", last)
        cols = self.work / f"{movie.stem}_columns.h5"
        if not cols.exists():
            self.cmd("detect", "--movie", movie, "--out", cols)
        columns = self.work / f"{movie.stem}_k{frames}_columns.h5"
        if not columns.exists():
            self.cmd("topology", "--columns", cols, "--out", columns, last)
        with h5py.File(cols, "r") as f:
            split = bool(f["movie"].attrs["classes_split"])
        return {"interior": interior, "columns": columns}, split

    def compare(self, a, b, statistic):
        out = self.work / f"cmp_{a.stem}__{b.stem}__{statistic}.h5"
        if not out.exists():
            self.cmd("compare", "--simulated", a, "--experimental", b, "--out", out, f"--compare.statistic={statistic}")
        with h5py.File(out, "r") as f:
            m = f[f"statistics/{statistic}/mechanisms/0"]
            return float(m.attrs["permutation_p_value"]), float(m.attrs["permutation_effect_z"]), float(f.attrs["p_min"])


def statistics_of(pipe, movie_a, movie_b, frames):
    da, split_a = pipe.diagrams(movie_a, frames)
    db, split_b = pipe.diagrams(movie_b, frames)
    out = {}
    for stat in ("interior", "columns"):
        out[stat] = pipe.compare(da[stat], db[stat], stat)
    for cls in ("heavy", "light"):
        if split_a and split_b:
            out[cls] = pipe.compare(da["columns"], db["columns"], cls)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("nanomix")
    ap.add_argument("work")
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--results", help="append the tables to this markdown file")
    ap.add_argument("--pairs", type=int, help="null pairs (thermal vs thermal, different seeds)")
    ap.add_argument("--null-frames", type=int, help="frames per movie of the null pairs")
    ap.add_argument("--frames", type=int, nargs="*", help="power: frame counts")
    ap.add_argument("--doses", type=float, nargs="*", help="power: doses (e/Å² per frame)")
    args = ap.parse_args()
    pairs = args.pairs or (20 if args.full else 3)
    null_frames = args.null_frames or (21 if args.full else 6)
    frames_list = sorted(args.frames or ([5, 10, 21, 40] if args.full else [6]))
    doses = sorted(args.doses or ([100.0, 400.0, 1000.0, 4000.0] if args.full else [400.0]))
    null_dose = 400.0
    pipe = Pipeline(args.nanomix, args.work)
    t_start = time.time()
    lines = []

    # Null pairs: thermal (seed 2k+1) vs thermal (seed 2k+2), noise seeds distinct per movie.
    null = []
    null_pair_files = []
    run_level = {}
    for k in range(pairs):
        ta = pipe.trajectory("thermal", 100 + 2 * k, null_frames)
        tb = pipe.trajectory("thermal", 101 + 2 * k, null_frames)
        ma = pipe.movie(ta, null_dose, 1000 + 2 * k)
        mb = pipe.movie(tb, null_dose, 1001 + 2 * k)
        null.append(statistics_of(pipe, ma, mb, null_frames))
        null_pair_files.append((ma, mb))
        print(f"null pair {k + 1}/{pairs}: " + ", ".join(f"{s} p={v[0]:.3f} z={v[1]:+.1f}" for s, v in null[-1].items()), flush=True)

    # The demo's pair: swap vs thermal, seed 1 both (as configs/demo.ini), the longest run once.
    kmax = max(frames_list + [null_frames])
    t_swap = pipe.trajectory(SWAP, 1, kmax)
    t_thermal = pipe.trajectory("thermal", 1, kmax)
    power = {}
    for d in doses:
        ms = pipe.movie(t_swap, d, 11)
        mt = pipe.movie(t_thermal, d, 12)
        for k in sorted(set(frames_list + ([null_frames] if d == null_dose else []))):
            power[(d, k)] = statistics_of(pipe, ms, mt, k)
            print(f"swap vs thermal, {d:g} e/Å², {k} frames: " +
                  ", ".join(f"{s} p={v[0]:.3f} z={v[1]:+.1f}" for s, v in power[(d, k)].items()), flush=True)

    stats = [s for s in ("interior", "columns", "heavy", "light") if all(s in n for n in null) and null]
    lines.append(f"Null: {pairs} pairs of thermal runs of the demo's start with different seeds (MD and dose noise), "
                 f"{null_frames} frames each, {null_dose:g} e/Å²; frame-level permutation test at α = {ALPHA}.")
    lines.append("")
    lines.append("| statistic | rejected (false positives) | rate | mean p | median effect z (null pairs) |")
    lines.append("|---|---|---|---|---|")
    for s in stats:
        ps = np.array([n[s][0] for n in null])
        zs = np.array([n[s][1] for n in null])
        rej = int((ps < ALPHA).sum())
        lines.append(f"| {s} | {rej}/{len(ps)} | {rej / len(ps):.2f} | {ps.mean():.3f} | {np.median(zs):+.1f} |")
    lines.append("")
    # The run-level test, as a user runs it: nanomix compare --null-pair for every null pair.
    lines.append(f"Swap vs thermal (seed 1 both, as the demo), at {null_dose:g} e/Å² and {null_frames} frames: the frame-level "
                 f"test and the run-level test (`nanomix compare --null-pair`, the {pairs} null pairs above: the energy "
                 "distance of the two frame sets ranked among the null pairs'; p = (1 + #{null E >= E}) / (pairs + 1)):")
    lines.append("")
    lines.append("| statistic | frame-level p | effect z | energy distance E | null pairs' E (median, max) | run-level p |")
    lines.append("|---|---|---|---|---|---|")
    ms, mt = pipe.movie(t_swap, null_dose, 11), pipe.movie(t_thermal, null_dose, 12)
    ds, _ = pipe.diagrams(ms, null_frames)
    dt, _ = pipe.diagrams(mt, null_frames)
    for s in stats:
        if s not in ("interior", "columns"):
            continue
        null_args = []
        for pa, pb in null_pair_files:
            da, _ = pipe.diagrams(pa, null_frames)
            db, _ = pipe.diagrams(pb, null_frames)
            null_args += ["--null-pair", f"{da[s]},{db[s]}"]
        out = pipe.work / f"runlevel_{s}_d{null_dose:g}_k{null_frames}.h5"
        out.unlink(missing_ok=True)
        pipe.cmd("compare", "--simulated", ds[s], "--experimental", dt[s], "--out", out, f"--compare.statistic={s}", *null_args)
        with h5py.File(out, "r") as f:
            g = f[f"statistics/{s}"]
            m = g["mechanisms/0"].attrs
            e_null = g["null_pairs_energy_distance"][:]
            run_level[s] = float(m["run_level_p_value"])
            lines.append(f"| {s} | {m['permutation_p_value']:.3f} | {m['permutation_effect_z']:+.1f} | {m['energy_distance']:.3g} | "
                         f"{np.median(e_null):.3g}, {e_null.max():.3g} | {m['run_level_p_value']:.3f} |")
    lines.append("")
    for s in ("interior", "columns"):
        lines.append(f"Swap vs thermal, statistic `{s}`: frame-level permutation p (effect z) by dose and frames per movie:")
        lines.append("")
        lines.append("| dose (e/Å²) \\ frames | " + " | ".join(str(k) for k in frames_list) + " |")
        lines.append("|---|" + "---|" * len(frames_list))
        for d in doses:
            cells = []
            for k in frames_list:
                v = power[(d, k)].get(s)
                cells.append(f"{v[0]:.3f} (z {v[1]:+.1f})" if v else "")
            lines.append(f"| {d:g} | " + " | ".join(cells) + " |")
        lines.append("")
    md_med = np.median(pipe.md_seconds) if pipe.md_seconds else float("nan")
    lines.append(f"({time.time() - t_start:.0f} s; {len(pipe.md_seconds)} MD runs made, median {md_med:.0f} s each.)")
    text = "\n".join(lines)
    print(text)
    if args.results:
        with open(args.results, "a") as f:
            f.write("\n" + text + "\n")

    top = power[(doses[-1], frames_list[-1])]["interior"]
    if top[0] >= ALPHA:
        print(f"FAIL: swap vs thermal not told apart by the interior statistic at {doses[-1]:g} e/Å², {frames_list[-1]} frames (p = {top[0]:.3f})")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
