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
    --columns`); heavy/light are added when the detector split the classes in both movies;
  * I:        the ground truth, no imaging: H0 of the iodide positions straight from the
    trajectories (`nanomix topology --trajectory`, subset I; what `nanomix run` compares in
    comparison_atoms.h5).

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
    two frame sets ranked among the null pairs'; p = (1 + #{null E >= observed E}) / (pairs + 1),
    recomputed here from the file. Valid whatever the time correlation inside a run (the runs, not
    the frames, are the replicates), at the cost of simulating the null pairs (p_min = 1/(pairs + 1)).
    Its power: the null pairs imaged at every dose and cut to every length up to theirs.

Everything is read back from the files nanomix wrote (h5py). Movies, trajectories and diagrams are
cached in WORKDIR by name, so a second call reuses them.

Usage: demo_calibration.py NANOMIX WORKDIR [--full] [--fresh] [--results FILE.md] [--pairs N] [--frames K ...]
       [--doses D ...] [--demo-pairs M]
--demo-pairs M: M more swap-vs-thermal pairs (md seeds 2 … M + 1) given the run-level test against the
null pairs at the null dose and length: the power of a single demo-like pair.
Default: 3 null pairs and the swap-vs-thermal pair at 6 frames, 400 e/Å² (a smoke test of the
machinery, 70-80 s on 2 cores); --full: 20 null pairs at the demo's 21 frames and 400 e/Å², power at
doses 100 400 1000 4000 and frames 5 10 21 40 (MD of 40 + 2 runs; 40 min on 2 cores, 2 Dec).
Exit 1 when a command fails, a run-level p in a comparison file is not (1 + #{null E >= E})/(n + 1)
of that file's energy distances, or the ground truth does not put the demo's swap run beyond every
null pair (run-level p of `I` above 1/(pairs + 1): the swap drive no longer segregates).
"""
import argparse
import concurrent.futures
import os
import shutil
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
TRUTH_STATS = ("I",)  # the ground truth: H0 of the iodide positions (3D, from the trajectory)


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

    def truth(self, traj, frames):
        """Ground truth: 3D diagrams of the iodide positions of the trajectory's first `frames` frames
        (what `nanomix run` compares as comparison_atoms.h5: subset I, H0)."""
        out = self.work / f"{traj.stem}_k{frames}_truth.h5"
        if not out.exists():
            self.cmd("topology", "--trajectory", traj, "--out", out, "--topology.subsets=I", f"--topology.last_frame={frames - 1}")
        return out

    def compare(self, a, b, statistic, null_pairs=()):
        """The frame-level permutation test of a against b; with null_pairs [(a', b'), ...] also the
        run-level test (`--null-pair`). Returns (p, effect z, p_min, run-level p or nan, E, null pairs' E)."""
        tag = f"__null{len(null_pairs)}" if null_pairs else ""
        out = self.work / f"cmp_{a.stem}__{b.stem}__{statistic}{tag}.h5"
        extra = ["--compare.dimensions=0"] if statistic in TRUTH_STATS else []
        for na, nb in null_pairs:
            extra += ["--null-pair", f"{na},{nb}"]
        if not out.exists():
            self.cmd("compare", "--simulated", a, "--experimental", b, "--out", out, f"--compare.statistic={statistic}", *extra)
        with h5py.File(out, "r") as f:
            m = f[f"statistics/{statistic}/mechanisms/0"]
            run_p, e, e_null = float("nan"), float(m.attrs["energy_distance"]), np.array([])
            if null_pairs:
                # The run-level p recomputed from the file (not nanomix's attribute): observed E ranked
                # among the null pairs' E as written.
                e_null = f[f"statistics/{statistic}/null_pairs_energy_distance"][:]
                run_p = (1 + int((e_null >= e).sum())) / (len(e_null) + 1)
                if abs(run_p - float(m.attrs["run_level_p_value"])) > 1e-12:
                    sys.exit(f"{out}: run_level_p_value {m.attrs['run_level_p_value']} != {run_p} recomputed from the file")
            return float(m.attrs["permutation_p_value"]), float(m.attrs["permutation_effect_z"]), float(f.attrs["p_min"]), run_p, e, e_null


def files_of(pipe, run, frames):
    """The diagrams files of one run (trajectory, movie) cut to its first `frames` frames, by
    statistic, and whether the detector split the movie's columns into classes."""
    traj, movie = run
    d, split = pipe.diagrams(movie, frames)
    d["I"] = pipe.truth(traj, frames)
    return d, split


def statistics_of(pipe, run_a, run_b, frames, null_runs=(), stats=None):
    """Frame-level (and, with null_runs, run-level) tests of run_a against run_b for each statistic."""
    da, split_a = files_of(pipe, run_a, frames)
    db, split_b = files_of(pipe, run_b, frames)
    null_files = [(files_of(pipe, x, frames)[0], files_of(pipe, y, frames)[0]) for x, y in null_runs]
    out = {}
    for stat in stats or ("interior", "columns", "I"):
        out[stat] = pipe.compare(da[stat], db[stat], stat, [(x[stat], y[stat]) for x, y in null_files])
    if stats is None and split_a and split_b:
        for cls in ("heavy", "light"):
            out[cls] = pipe.compare(da["columns"], db["columns"], cls)
    return out


def fmt(v):
    return f"{v[0]:.3f} (z {v[1]:+.1f})"


def frame_level_null_table(null, pairs, null_frames, null_dose):
    stats = [s for s in ("interior", "columns", "heavy", "light", "I") if null and all(s in n for n in null)]
    lines = [f"Null: {pairs} pairs of thermal runs of the demo's start with different seeds (MD and dose noise), "
             f"{null_frames} frames each, {null_dose:g} e/Å²; frame-level permutation test at α = {ALPHA} "
             "(`I`: the ground truth, H0 of the iodide positions from the trajectories, no imaging).", "",
             "| statistic | rejected (false positives) | rate | mean p | median effect z (null pairs) |", "|---|---|---|---|---|"]
    for s in stats:
        ps = np.array([n[s][0] for n in null])
        zs = np.array([n[s][1] for n in null])
        rej = int((ps < ALPHA).sum())
        lines.append(f"| {s} | {rej}/{len(ps)} | {rej / len(ps):.2f} | {ps.mean():.3f} | {np.median(zs):+.1f} |")
    return lines + [""]


def run_level_table(pipe, demo, nulls, null_frames, null_dose, pairs):
    """The demo's pair at the null pairs' dose and length: frame-level and run-level, each statistic;
    the null pairs' energy distances read back from the comparison file."""
    lines = [f"Swap vs thermal (seed 1 both, as the demo), at {null_dose:g} e/Å² and {null_frames} frames: the frame-level "
             f"test and the run-level test (`nanomix compare --null-pair`, the {pairs} null pairs above: the energy "
             "distance of the two frame sets ranked among the null pairs'; p = (1 + #{null E >= E}) / (pairs + 1), "
             "recomputed here from the file):", "",
             "| statistic | frame-level p | effect z | energy distance E | null pairs' E (median, max) | run-level p |",
             "|---|---|---|---|---|---|"]
    res = statistics_of(pipe, demo[0], demo[1], null_frames, nulls)
    for s, (p, z, _, run_p, e, e_null) in res.items():
        lines.append(f"| {s} | {p:.3f} | {z:+.1f} | {e:.3g} | {np.median(e_null):.3g}, {e_null.max():.3g} | {run_p:.3f} |")
    return lines + [""], res


def power_tables(power, doses, frames_list, stats, column, title):
    lines = []
    for s in stats:
        lines += [f"Swap vs thermal, statistic `{s}`: {title} by dose and frames per movie:", "",
                  "| dose (e/Å²) \\ frames | " + " | ".join(str(k) for k in frames_list) + " |",
                  "|---|" + "---|" * len(frames_list)]
        for d in doses:
            cells = []
            for k in frames_list:
                v = power.get((d, k), {}).get(s)
                cells.append(column(v) if v else "")
            lines.append(f"| {d:g} | " + " | ".join(cells) + " |")
        lines.append("")
    return lines


def demo_pairs_table(pipe, seeds, nulls, frames, dose, pairs, seed1):
    """Run-level p of more swap-vs-thermal pairs (md seed s for both runs; dose-noise seeds 3000 + 2s,
    3001 + 2s) against the same null pairs: the power of one demo-like pair, not only of seed 1."""
    stats = ("interior", "I", "columns")
    lines = [f"Swap vs thermal, more pairs like the demo's (md seed s for both runs, noise seeds of their own), "
             f"{dose:g} e/Å², {frames} frames, run-level p against the {pairs} null pairs above (E / the largest null "
             "pair's E in brackets):", "", "| seed | " + " | ".join(stats) + " |", "|---|" + "---|" * len(stats)]
    rows = {1: seed1}
    for sd in seeds:
        ts, tt = pipe.trajectory(SWAP, sd, frames), pipe.trajectory("thermal", sd, frames)
        a, b = (ts, pipe.movie(ts, dose, 3000 + 2 * sd)), (tt, pipe.movie(tt, dose, 3001 + 2 * sd))
        rows[sd] = statistics_of(pipe, a, b, frames, nulls, stats)
        print(f"demo pair, seed {sd}: " + ", ".join(f"{st} p={v[3]:.3f}" for st, v in rows[sd].items()), flush=True)
    for sd, res in rows.items():
        lines.append(f"| {sd}{' (the demo)' if sd == 1 else ''} | " +
                     " | ".join(f"{res[st][3]:.3f} ({res[st][4] / res[st][5].max():.2f})" for st in stats) + " |")
    hits = {st: sum(res[st][3] <= ALPHA for res in rows.values()) for st in stats}
    lines += ["", "Pairs at p <= 0.05: " + ", ".join(f"{st} {hits[st]}/{len(rows)}" for st in stats) + ".", ""]
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("nanomix")
    ap.add_argument("work")
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--results", help="append the tables to this markdown file")
    ap.add_argument("--fresh", action="store_true", help="empty WORK first (no cached runs: what the ctest does)")
    ap.add_argument("--pairs", type=int, help="null pairs (thermal vs thermal, different seeds)")
    ap.add_argument("--null-frames", type=int, help="frames per movie of the null pairs")
    ap.add_argument("--frames", type=int, nargs="*", help="power: frame counts")
    ap.add_argument("--doses", type=float, nargs="*", help="power: doses (e/Å² per frame)")
    ap.add_argument("--demo-pairs", type=int, default=0,
                    help="also this many more swap-vs-thermal pairs with seeds of their own (md seed s for both, s = 2, 3, ...), "
                         "each given the run-level test against the null pairs at the null dose and length: how often one "
                         "demo-like pair reaches p <= 0.05 (the power of a single pair)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="MD runs at once (each `nanomix md` is one process on one core; default: one per core)")
    args = ap.parse_args()
    pairs = args.pairs or (20 if args.full else 3)
    null_frames = args.null_frames or (21 if args.full else 6)
    frames_list = sorted(args.frames or ([5, 10, 21, 40] if args.full else [6]))
    doses = sorted(args.doses or ([100.0, 400.0, 1000.0, 4000.0] if args.full else [400.0]))
    null_dose = 400.0
    if args.fresh:
        shutil.rmtree(args.work, ignore_errors=True)
    pipe = Pipeline(args.nanomix, args.work)
    t_start = time.time()

    # Every MD run first, `--jobs` at a time (the trajectories do not depend on the order).
    kmax = max(frames_list + [null_frames])
    runs = [("thermal", 100 + 2 * k + side, null_frames) for k in range(pairs) for side in (0, 1)]
    runs += [(SWAP, 1, kmax), ("thermal", 1, kmax)]
    demo_seeds = list(range(2, 2 + args.demo_pairs))
    runs += [(m, s, null_frames) for s in demo_seeds for m in (SWAP, "thermal")]
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        list(pool.map(lambda r: pipe.trajectory(*r), runs))

    # Null pairs: thermal (seeds 100 + 2k, 101 + 2k) at the demo dose, noise seeds distinct per movie.
    null, null_traj = [], []
    for k in range(pairs):
        ta = pipe.trajectory("thermal", 100 + 2 * k, null_frames)
        tb = pipe.trajectory("thermal", 101 + 2 * k, null_frames)
        null_traj.append((ta, tb))
        a, b = (ta, pipe.movie(ta, null_dose, 1000 + 2 * k)), (tb, pipe.movie(tb, null_dose, 1001 + 2 * k))
        null.append(statistics_of(pipe, a, b, null_frames))
        print(f"null pair {k + 1}/{pairs}: " + ", ".join(f"{s} p={v[0]:.3f} z={v[1]:+.1f}" for s, v in null[-1].items()), flush=True)

    # The demo's pair: swap vs thermal, seed 1 both (as configs/demo.ini), the longest run once.
    t_swap, t_thermal = pipe.trajectory(SWAP, 1, kmax), pipe.trajectory("thermal", 1, kmax)

    def demo_runs(d):
        return (t_swap, pipe.movie(t_swap, d, 11)), (t_thermal, pipe.movie(t_thermal, d, 12))

    def null_runs(d):
        return [((ta, pipe.movie(ta, d, 1000 + 2 * k)), (tb, pipe.movie(tb, d, 1001 + 2 * k))) for k, (ta, tb) in enumerate(null_traj)]

    power, run_power = {}, {}
    for d in doses:
        s_run, t_run = demo_runs(d)
        for k in sorted(set(frames_list + ([null_frames] if d == null_dose else []))):
            power[(d, k)] = statistics_of(pipe, s_run, t_run, k)
            print(f"swap vs thermal, {d:g} e/Å², {k} frames: " + ", ".join(f"{s} p={v[0]:.3f} z={v[1]:+.1f}" for s, v in power[(d, k)].items()), flush=True)
    lines = frame_level_null_table(null, pairs, null_frames, null_dose)
    table, run_level = run_level_table(pipe, demo_runs(null_dose), null_runs(null_dose), null_frames, null_dose, pairs)
    lines += table
    # The run-level test's power: the null pairs imaged at each dose and cut to each length (frames
    # beyond the null runs' length cannot be tested); the image-free truth once per length.
    run_frames = [k for k in frames_list if k <= null_frames]
    for d in doses:
        for k in run_frames:
            run_power[(d, k)] = statistics_of(pipe, *demo_runs(d), k, null_runs(d), ("interior",) + (("I",) if d == null_dose else ()))
            print(f"run-level, {d:g} e/Å², {k} frames: " + ", ".join(f"{s} p={v[3]:.3f}" for s, v in run_power[(d, k)].items()), flush=True)
    lines += power_tables(power, doses, frames_list, ("interior", "columns", "I"), fmt, "frame-level permutation p (effect z)")
    lines += power_tables(run_power, doses, run_frames, ("interior",), lambda v: f"{v[3]:.3f}",
                          f"run-level p ({pairs} null pairs imaged at that dose, p ≥ {1 / (pairs + 1):.3f})")
    truth_row = {(null_dose, k): run_power[(null_dose, k)] for k in run_frames}
    lines += power_tables(truth_row, [null_dose], run_frames, ("I",), lambda v: f"{v[3]:.3f}",
                          f"run-level p ({pairs} null pairs; no imaging, the dose does not enter)")
    if demo_seeds:
        lines += demo_pairs_table(pipe, demo_seeds, null_runs(null_dose), null_frames, null_dose, pairs, run_level)
    md_med = np.median(pipe.md_seconds) if pipe.md_seconds else float("nan")
    lines.append(f"({time.time() - t_start:.0f} s; {len(pipe.md_seconds)} MD runs made, median {md_med:.0f} s each.)")
    text = "\n".join(lines)
    print(text)
    if args.results:
        with open(args.results, "a") as f:
            f.write("\n" + text + "\n")
    return gate(null, run_level, pairs)


def gate(null, run_level, pairs):
    """Exit 1 when the run-level machinery is not sound: every run-level p must be a valid p of
    `pairs` null pairs (recomputed from the file above, so a mismatch already stopped the run), and
    the ground truth must place the demo's swap run beyond every thermal pair (the MD's own
    segregation signal: if the swap drive no longer segregates, the calibration has nothing to find)."""
    p_min = 1.0 / (pairs + 1)
    bad = [s for s, v in run_level.items() if not (p_min - 1e-12 <= v[3] <= 1.0)]
    if bad:
        print(f"FAIL: run-level p out of [{p_min:.3f}, 1] for {bad}")
        return 1
    if run_level["I"][3] > p_min + 1e-12:
        print(f"FAIL: the ground truth (H0 of the iodide) does not put swap vs thermal beyond every null pair (run-level p = {run_level['I'][3]:.3f})")
        return 1
    print(f"ok: run-level p valid for every statistic; ground truth beyond all {pairs} null pairs (p = {p_min:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
