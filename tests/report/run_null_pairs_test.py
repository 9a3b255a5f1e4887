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
  * the ground truth's energy distances (H0 of the iodide) recomputed from the diagrams files with
    an independent W2 (scipy's optimal assignment);
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
from scipy.optimize import linear_sum_assignment

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



# The ground truth's energy distances recomputed from the diagrams files alone (docs/topology.md:
# finite points, ground metric L-infinity, a point (b, d) is (d - b)/2 from the diagonal; W2 by an
# optimal assignment with diagonal copies, scipy; E = 2 mean d(A, B) - mean d(A, A') - mean d(B, B')
# over distinct frames).
def h0_diagrams(path):
    with h5py.File(path, "r") as f:
        t = f["diagrams/I/dim0"][:]
        nf = f["frames"].shape[0]
    return [t[(t[:, 0] == k) & np.isfinite(t[:, 2])][:, 1:] for k in range(nf)]


def w2(x, y):
    n, m = len(x), len(y)
    c = np.full((n + m, n + m), 1e30)
    c[:n, :m] = np.max(np.abs(x[:, None, :] - y[None, :, :]), axis=2) ** 2
    c[np.arange(n), m + np.arange(n)] = ((x[:, 1] - x[:, 0]) / 2) ** 2
    c[n + np.arange(m), np.arange(m)] = ((y[:, 1] - y[:, 0]) / 2) ** 2
    c[n:, m:] = 0
    r, k = linear_sum_assignment(c)
    return np.sqrt(c[r, k].sum())


def energy_distance(a, b):
    def mean_d(p, q, within):
        return np.mean([w2(p[i], q[j]) for i in range(len(p)) for j in range(len(q)) if not within or i < j])
    return 2 * mean_d(a, b, False) - mean_d(a, a, True) - mean_d(b, b, True)


with h5py.File(out / "comparison_atoms.h5", "r") as f:
    g = f["statistics/I"]
    stored = [float(g["mechanisms/0"].attrs["energy_distance"])] + list(g["null_pairs_energy_distance"][:])
files = [("diagrams_atoms.h5", "diagrams_atoms_thermal.h5")] + [(f"diagrams_atoms_null{k}a.h5", f"diagrams_atoms_null{k}b.h5") for k in range(1, PAIRS + 1)]
for (a, b), e in zip(files, stored):
    mine = energy_distance(h0_diagrams(out / a), h0_diagrams(out / b))
    assert abs(mine - e) <= 1e-9 * max(1.0, abs(mine)), (a, b, mine, e)
print("ok: the ground truth's energy distances (compared pair and null pairs) = W2 recomputed with scipy from the diagrams files")

page = (out / "report.html").read_text()
assert "run-level p (2 null pairs)" in page, "the report has no run-level column"
print("ok: the report shows the run-level p")

bad = tmp / "bad"
r = subprocess.run([nanomix, "run", "--config", config, "--out", str(bad), "--quiet", "--run.null_pairs=2"], capture_output=True, text=True)
assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "null_pairs" in r.stderr, (r.returncode, r.stderr)
assert not bad.exists() or not any(bad.iterdir()), list(bad.iterdir())
print("ok: null_pairs without a second mechanism: exit 2, one line naming the key, nothing written")
subprocess.run(["rm", "-rf", str(tmp)])
