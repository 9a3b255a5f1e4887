#!/usr/bin/env python3
"""`nanomix run` with [run] null_pairs (the run-level test inside a run), checked from the files.

A small two-mechanism run (small_md.ini: swap-accelerated MD against thermal, 6 frames) with
null_pairs = 2. Read back with h5py, independently of nanomix's own readers:
  * the null runs are runs of the second mechanism with seeds of their own: their trajectories and
    movies record mechanism `thermal` and the md / imaging seeds S + 2k, S + 2k + 1 (the compared
    runs S and S + 1), all different; every run starts from the same built cluster (frame 0's ion
    positions equal) and the runs differ by their last frame;
  * each comparison file (columns, movie interior, ground truth) names the null pairs' diagrams
    files of the run folder, holds one energy distance per pair, each equal to the energy distance
    of `nanomix compare` on that pair alone, and a run-level p equal to
    (1 + #{null E >= observed E}) / (pairs + 1) recomputed here;
  * the report shows the run-level column; null_pairs without second_mechanism is refused (exit 2,
    one line naming the key, nothing written).
usage: run_null_pairs_test.py NANOMIX CONFIG
"""
import configparser
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np

nanomix, config = sys.argv[1], sys.argv[2]
PAIRS = 2
tmp = Path(tempfile.mkdtemp())
out = tmp / "run"
opts = ["--run.stages=build md image detect topology compare report", "--run.second_mechanism=thermal",
        f"--run.null_pairs={PAIRS}", "--compare.permutations=99", "--topology.subsets=ions I", "--topology.local_subset=I"]
r = subprocess.run([nanomix, "run", "--config", config, "--out", str(out), "--quiet", *opts], capture_output=True, text=True)
assert r.returncode == 0, r.stderr[-3000:]


def ini_of(h5path, dataset):
    with h5py.File(h5path, "r") as f:
        text = f[dataset][()]
    cp = configparser.ConfigParser(inline_comment_prefixes=("#",))
    cp.read_string(text.decode() if isinstance(text, bytes) else str(text))
    return cp


base = ini_of(out / "trajectory.h5", "parameters/config")
s_md, s_img = int(base["md"].get("seed", "1")), int(base["imaging"].get("seed", "1"))
runs = {"": 0, "_thermal": 1}
for k in range(1, PAIRS + 1):
    runs[f"_null{k}a"], runs[f"_null{k}b"] = 2 * k, 2 * k + 1
first = {}
for tag, offset in runs.items():
    traj = out / f"trajectory{tag}.h5"
    with h5py.File(traj, "r") as f:
        mech = f["parameters"].attrs["md_mechanism"]
        pos = f["particles/all/position/value"]
        first[tag] = (pos[0], pos[-1])
    cp = ini_of(traj, "parameters/config")
    assert (mech == "thermal") == (tag != ""), (tag, mech)
    assert int(cp["md"]["seed"]) == s_md + offset, (tag, cp["md"]["seed"], s_md + offset)
    with h5py.File(out / f"movie{tag}.emd", "r") as f:
        noise_seed = int(f["microscope"].attrs["seed"])
    assert noise_seed == s_img + offset, (tag, noise_seed, s_img + offset)
print(f"ok: {len(runs)} runs: the first mechanism and {len(runs) - 1} thermal runs, md and dose-noise seeds + 0…{2 * PAIRS + 1}, all distinct")
for tag in runs:
    assert np.array_equal(first[tag][0], first[""][0]), f"{tag}: frame 0 is not the built cluster"
lasts = [first[t][1] for t in runs]
assert all(not np.array_equal(lasts[i], lasts[j]) for i in range(len(lasts)) for j in range(i)), "two runs ended identical"
print("ok: every run starts from the same cluster and they all differ by their last frame")

for name, stat, dia in [("comparison.h5", "columns", "diagrams_columns"), ("comparison_movie.h5", "interior", "diagrams_movie"),
                        ("comparison_atoms.h5", "I", "diagrams_atoms")]:
    with h5py.File(out / name, "r") as f:
        g = f[f"statistics/{stat}"]
        pairs = [p.decode() if isinstance(p, bytes) else str(p) for p in g.attrs["null_pairs"]]
        e_null = g["null_pairs_energy_distance"][:]
        m = g["mechanisms/0"].attrs
        e, p = float(m["energy_distance"]), float(m["run_level_p_value"])
    want = [f"{out / f'{dia}_null{k}a.h5'},{out / f'{dia}_null{k}b.h5'}" for k in range(1, PAIRS + 1)]
    assert pairs == want, (name, pairs, want)
    assert len(e_null) == PAIRS, e_null
    assert abs(p - (1 + int((e_null >= e).sum())) / (PAIRS + 1)) < 1e-12, (name, p, e, e_null)
    for k, pair in enumerate(pairs):
        a, b = pair.split(",")
        alone = tmp / f"alone_{stat}_{k}.h5"
        extra = ["--compare.dimensions=0"] if stat == "I" else []
        r = subprocess.run([nanomix, "compare", "--config", str(out / "config.ini"), "--simulated", a, "--experimental", b, "--out", str(alone),
                            f"--compare.statistic={stat}", "--quiet", *extra], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        with h5py.File(alone, "r") as f:
            e_alone = float(f[f"statistics/{stat}/mechanisms/0"].attrs["energy_distance"])
        assert abs(e_alone - e_null[k]) <= 1e-9 * max(1.0, abs(e_alone)), (name, k, e_alone, e_null[k])
    print(f"ok: {name}: {PAIRS} null pairs of this run, each E = the pair compared alone; run-level p {p:.3f} recomputed")

page = (out / "report.html").read_text()
assert "run-level p (2 null pairs)" in page, "the report has no run-level column"
print("ok: the report shows the run-level p")

bad = tmp / "bad"
r = subprocess.run([nanomix, "run", "--config", config, "--out", str(bad), "--quiet", "--run.null_pairs=2"], capture_output=True, text=True)
assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "null_pairs" in r.stderr, (r.returncode, r.stderr)
assert not bad.exists() or not any(bad.iterdir()), list(bad.iterdir())
print("ok: null_pairs without a second mechanism: exit 2, one line naming the key, nothing written")
subprocess.run(["rm", "-rf", str(tmp)])
