#!/usr/bin/env python3
"""CLI tests of `nanomix topology` and `nanomix compare` with files written here by h5py/NumPy
(independent writers): a rock-salt structure, an H5MD trajectory, a columns file, an EMD movie.
Expected values are derived by hand (see validation/topology/rocksalt_persistence.cpp).
Usage: cli_topology.py NANOMIX WORKDIR"""
import math, os, shutil, subprocess, sys
import h5py
import numpy as np

nanomix, work = os.path.abspath(sys.argv[1]), sys.argv[2]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
os.chdir(work)
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def run(*args, expect=0):
    r = subprocess.run([nanomix, *args, "--quiet"], capture_output=True, text=True)
    check(r.returncode == expect, f"exit {r.returncode} (want {expect}): {' '.join(args)} {r.stderr.strip()[:200]}")
    return r


L, a = 4, 5.64
s = a / 2
sites = [(i, j, k) for i in range(L) for j in range(L) for k in range(L)]
species = [11 if (i + j + k) % 2 == 0 else 17 for i, j, k in sites]
pos = np.array(sites, float) * s
with open("rs.xyz", "w") as f:
    for t in range(2):
        f.write(f"{len(sites)}\nLattice=\"30 0 0 0 30 0 0 0 30\" Properties=species:S:1:pos:R:3 pbc=\"F F F\" time_ps={t}\n")
        for z, p in zip(species, pos):
            f.write(f"{'Na' if z == 11 else 'Cl'} {p[0]} {p[1]} {p[2]}\n")
open("c.ini", "w").write("[topology]\nsubsets = ions Cl\n")

# 1. structure, unweighted: H2 = (s²/2, 3s²/4) × (L−1)³
run("topology", "--config", "c.ini", "--structure", "rs.xyz", "--out", "s.h5", "--topology.radii=none")
with h5py.File("s.h5") as f:
    d2 = f["diagrams/ions/dim2"][:]
    check(f["diagrams/ions/dim2"].attrs["unit"] == "angstrom2", "unit attribute angstrom2")
    check(len(d2) == 2 * (L - 1) ** 3, f"H2 pairs {len(d2)} == 2 frames × (L−1)³")
    check(np.allclose(d2[:, 1], s * s / 2) and np.allclose(d2[:, 2], 0.75 * s * s), "H2 (s²/2, 3s²/4)")
    atoms = f["diagrams/ions/dim2_atoms"][:]
    check(atoms.shape == (len(d2), 8) and atoms[:, :3].min() >= 0 and atoms[:, 4:8].min() >= 0, "H2 birth triangle + death tetrahedron atoms")
    check(f["statistics/ions/dim1/persistence_images"].shape == (2, 20, 20), "persistence images (F, 20, 20)")
    check(abs(f["lattice"][0, 1] - a) < 1e-9, "lattice constant 5.64 from the atoms")
# unit = angstrom: square roots
run("topology", "--config", "c.ini", "--structure", "rs.xyz", "--out", "s2.h5", "--topology.radii=none", "--topology.unit=angstrom")
with h5py.File("s2.h5") as f:
    check(np.allclose(f["diagrams/ions/dim2"][:, 2], math.sqrt(0.75) * s), "unit angstrom: death sqrt(3/4)·s")

# 1b. representative cycles (/diagrams/<group>/dim1_cycles), checked from the file: 8 Cl on a circle
# of radius R in the plane z = 0 and 4 Cl far off it. The ring's H1 point is born when its edges
# enter, (R sin(π/8))² − w, and dies when its triangles do, R² − w (unweighted: w = 0; Shannon
# radii: w = 1.81² for every Cl); its cycle must be the 8 ring edges.
R, n_ring = 3.0, 8
ring = [(R * math.cos(2 * math.pi * k / n_ring), R * math.sin(2 * math.pi * k / n_ring), 0.0) for k in range(n_ring)]
far = [(21.0, 3.0, 17.0), (-19.0, 5.0, -23.0), (4.0, -25.0, 19.0), (-6.0, 22.0, 26.0)]
with open("ring.xyz", "w") as f:
    f.write(f"{len(ring) + len(far)}\nProperties=species:S:1:pos:R:3 time_ps=0\n")
    for p in ring + far:
        f.write(f"Cl {p[0]} {p[1]} {p[2]}\n")
ring_pos = np.array(ring + far)
ring_edges = {(k, (k + 1) % n_ring) if k < (k + 1) % n_ring else ((k + 1) % n_ring, k) for k in range(n_ring)}


def check_cycles(path, group, frames_pos, w, label="", check=check):
    """Every stored cycle from the file: a Z/2 cycle (even degrees), holding its point's birth edge,
    with every edge in the complex by the birth (the power-distance lower bound of an edge's alpha
    value, ((d² + w_i − w_j)/(2d))² − w_i ≤ birth, so ≤ death too), positions of the point's frame
    (frames_pos[frame]). Returns (dim1, {point: edge set})."""
    with h5py.File(path) as f:
        d1, a1 = f[f"diagrams/{group}/dim1"][:], f[f"diagrams/{group}/dim1_atoms"][:]
        cyc = f[f"diagrams/{group}/dim1_cycles"][:]
    cycles = {}
    for point, a, b in cyc:
        cycles.setdefault(int(point), set()).add((int(a), int(b)))
    check(len(cycles) > 0, f"{label}: cycles stored ({len(cycles)})")
    worst = -np.inf
    for point, edges in cycles.items():
        deg = {}
        for a, b in edges:
            deg[a] = deg.get(a, 0) + 1
            deg[b] = deg.get(b, 0) + 1
        check(all(v % 2 == 0 for v in deg.values()), f"{label}: point {point}: every atom of its cycle has even degree")
        birth_edge = tuple(sorted(int(x) for x in a1[point, :2]))
        check(birth_edge in edges, f"{label}: point {point}: the cycle holds the birth edge {birth_edge}")
        pos = frames_pos[int(d1[point, 0])]
        for a, b in edges:
            d = np.linalg.norm(pos[a] - pos[b])
            x = (d * d + w[a] - w[b]) / (2 * d)
            worst = max(worst, x * x - w[a] - d1[point, 1])
    check(worst <= 1e-9, f"{label}: every edge's alpha lower bound <= its point's birth (worst excess {worst:.2e} Å²)")
    return d1, cycles


for radii, w_cl in (("none", 0.0), ("shannon", 1.81 ** 2)):
    run("topology", "--config", "c.ini", "--structure", "ring.xyz", "--out", f"ring_{radii}.h5", f"--topology.radii={radii}",
        "--topology.subsets=Cl", "--topology.local_subset=Cl", "--topology.cycles=50")
    w = np.full(len(ring_pos), w_cl)
    d1, cycles = check_cycles(f"ring_{radii}.h5", "Cl", [ring_pos], w, label=f"ring, radii {radii}")
    birth, death = (R * math.sin(math.pi / n_ring)) ** 2 - w_cl, R * R - w_cl
    hits = [p for p in range(len(d1)) if abs(d1[p, 1] - birth) < 1e-6 and abs(d1[p, 2] - death) < 1e-6]
    check(len(hits) == 1, f"ring, radii {radii}: one H1 point ({birth:.4f}, {death:.4f}) (found {len(hits)})")
    check(len(hits) == 1 and cycles.get(hits[0]) == ring_edges,
          f"ring, radii {radii}: its cycle is the ring's 8 edges (got {sorted(cycles.get(hits[0], set())) if hits else None})")
    check(len(cycles) == np.isfinite(d1[:, 2]).sum(), f"ring, radii {radii}: cycles=50 stores one cycle per finite H1 point")
# the checks can fail: a copy of the file with one ring edge dropped (odd degrees) and one with the
# ring's cycle replaced by its death triangle's boundary (a cycle, but not holding the birth edge)
with h5py.File("ring_none.h5") as f:
    d1, a1, cyc = f["diagrams/Cl/dim1"][:], f["diagrams/Cl/dim1_atoms"][:], f["diagrams/Cl/dim1_cycles"][:]
ring_point = [p for p in range(len(d1)) if abs(d1[p, 2] - R * R) < 1e-6][0]
t = sorted(int(x) for x in a1[ring_point, 4:7])
triangle = np.array([[ring_point, t[0], t[1]], [ring_point, t[0], t[2]], [ring_point, t[1], t[2]]])
others = cyc[cyc[:, 0] != ring_point]
for name, rows in (("dropped_edge", np.delete(cyc, np.flatnonzero(cyc[:, 0] == ring_point)[0], axis=0)),
                   ("triangle", np.vstack([others, triangle]))):
    shutil.copy("ring_none.h5", f"ring_{name}.h5")
    with h5py.File(f"ring_{name}.h5", "a") as f:
        del f["diagrams/Cl/dim1_cycles"]
        f["diagrams/Cl/dim1_cycles"] = rows
    caught = []
    check_cycles(f"ring_{name}.h5", "Cl", [ring_pos], np.zeros(len(ring_pos)), label=name,
                 check=lambda cond, what: caught.append(what) if not cond else None)
    check(len(caught) > 0, f"damaged cycles ({name}) are caught: {caught[:1]}")

# the default: at most 5 cycles per frame and subset, those of the most persistent points (a shaken
# rock-salt block, two frames, Shannon weights)
shaken = [pos + np.random.default_rng(t).normal(0.0, 0.3, pos.shape) for t in range(2)]
with open("rs_shaken.xyz", "w") as f:
    for t in range(2):
        f.write(f"{len(sites)}\nProperties=species:S:1:pos:R:3 time_ps={t}\n")
        for z, p in zip(species, shaken[t]):
            f.write(f"{'Na' if z == 11 else 'Cl'} {p[0]} {p[1]} {p[2]}\n")
run("topology", "--config", "c.ini", "--structure", "rs_shaken.xyz", "--out", "rs_cycles.h5", "--topology.subsets=ions anions",
    "--topology.local_subset=ions")
with h5py.File("rs_cycles.h5") as f:
    d1, cyc = f["diagrams/ions/dim1"][:], f["diagrams/ions/dim1_cycles"][:]
    check(f["diagrams/ions/dim1_cycles"].attrs["points_per_frame"] == 5, "cycles: 5 points per frame by default")
    # only the local-structure subset's diagrams carry cycles (the loops the report draws)
    other = f["diagrams/anions"]
    check("dim1_cycles" not in other or len(other["dim1_cycles"]) == 0, "cycles: none for a subset other than local_subset")
for fr in range(2):
    rows = np.flatnonzero((d1[:, 0] == fr) & np.isfinite(d1[:, 2]))
    stored = sorted(set(int(p) for p in cyc[:, 0]) & set(rows.tolist()))
    pers = d1[rows, 2] - d1[rows, 1]
    floor = np.sort(pers)[::-1][min(5, len(pers)) - 1] if len(pers) else 0
    check(len(stored) == min(5, len(rows)) and all(d1[p, 2] - d1[p, 1] >= floor for p in stored),
          f"rock salt frame {fr}: cycles of the {min(5, len(rows))} most persistent H1 points")
check_cycles("rs_cycles.h5", "ions", shaken, np.array([(1.02 if z == 11 else 1.81) ** 2 for z in species]), label="shaken rock salt, Shannon")

# 2. H5MD trajectory (3 frames, nm), stride 2 → frames 0 and 2
with h5py.File("t.h5", "w") as f:
    f.create_group("h5md").attrs["version"] = [1, 1]
    g = f.create_group("particles/all")
    g["species"] = np.array(species, np.int64)
    rng = np.random.default_rng(1)
    val = np.stack([pos + rng.normal(0, 0.1, pos.shape) for _ in range(3)]) / 10.0
    g["position/value"] = val
    g["position/value"].attrs["unit"] = "nm"
    g["position/step"] = np.arange(3)
    g["position/time"] = np.arange(3) * 0.5
    g.create_group("box").attrs["boundary"] = np.array([b"none"] * 3)
run("topology", "--config", "c.ini", "--trajectory", "t.h5", "--out", "t_d.h5", "--topology.frame_stride=2")
with h5py.File("t_d.h5") as f:
    check(np.allclose(f["frames"][:], [[0, 0.0], [2, 1.0]]), "trajectory frames 0 and 2 with times in ps")
    check(set(f["diagrams"].attrs["groups"]) == {"ions", "Cl"}, "groups ions, Cl")
if shutil.which("mpirun"):
    r = subprocess.run(["mpirun", "--allow-run-as-root", "--oversubscribe", "-np", "2", nanomix, "topology", "--config", "c.ini",
                        "--trajectory", "t.h5", "--out", "t_mpi.h5", "--quiet"], capture_output=True, text=True)
    check(r.returncode == 0, "mpirun -np 2 nanomix topology " + r.stderr[-300:])
    if r.returncode == 0:
        run("topology", "--config", "c.ini", "--trajectory", "t.h5", "--out", "t_one.h5")
        with h5py.File("t_mpi.h5") as f, h5py.File("t_one.h5") as g:
            # GUDHI's SAFE alpha values are CGAL lazy numbers rounded to double; whether a value was
            # refined exactly depends on comparisons whose order varies from run to run, so values
            # agree to a few ulps (not bitwise) between any two runs, MPI or not.
            same = all(f[f"diagrams/ions/dim{d}"].shape == g[f"diagrams/ions/dim{d}"].shape and
                       np.allclose(f[f"diagrams/ions/dim{d}"][:], g[f"diagrams/ions/dim{d}"][:], rtol=1e-12, atol=1e-12)
                       for d in range(3))
            check(same, "2 MPI ranks give the same diagrams as one process (to 1e-12)")
            check(np.array_equal(f["diagrams/ions/dim1_atoms"][:].shape, g["diagrams/ions/dim1_atoms"][:].shape), "same pair counts")

    # a NaN in the frame rank 1 reads: one-line error, exit 2 on every rank, no hang, no output
    with h5py.File("tn.h5", "w") as f:
        f.create_group("h5md").attrs["version"] = [1, 1]
        g = f.create_group("particles/all")
        g["species"] = np.array([11, 17, 11, 17], np.int64)
        v = np.random.default_rng(0).normal(size=(3, 4, 3))
        v[1, 0, 0] = np.nan
        g["position/value"] = v
        g["position/step"] = np.arange(3)
        g["position/time"] = np.arange(3.0)
        g.create_group("box")
    r = subprocess.run(["mpirun", "--allow-run-as-root", "--oversubscribe", "-np", "2", nanomix, "topology", "--config", "c.ini",
                        "--trajectory", "tn.h5", "--out", "tn_d.h5", "--quiet"], capture_output=True, text=True, timeout=120)
    check(r.returncode == 2 and not os.path.exists("tn_d.h5"), f"MPI: a failing rank gives exit 2 (got {r.returncode}), no output")

# 3. columns: two frames of a square of side 2 Å (plus a far column) → H1 (1, 2)
rows = []
for fr, side in [(0, 2.0), (1, 3.0)]:
    for x, y in [(0, 0), (side, 0), (side, side), (0, side), (30, 30)]:
        rows.append([fr, x + 5, y + 5, 1.0, 1.0 if x == 0 else 0.0, 0.01])
with h5py.File("k.h5", "w") as f:
    f["columns"] = np.array(rows)
    f["columns"].attrs["nanomix_format_version"] = 1  # the columns format (imaging/detect/columns_file.hpp)
    f["frames"] = np.array([[0, 0.0, 0, 0], [1, 0.04, 0, 0]])
run("topology", "--config", "c.ini", "--columns", "k.h5", "--out", "k_d.h5")
with h5py.File("k_d.h5") as f:
    d1 = f["diagrams/columns/dim1"][:]
    check(np.allclose(d1, [[0, 1, 2], [1, 2.25, 4.5]]), f"columns H1 (side²/4, side²/2) per frame: {d1.tolist()}")
    check("dim2" not in f["diagrams/columns"], "2D complexes have no dim2")
    check("heavy" in f["diagrams"] and "light" in f["diagrams"], "heavy and light column groups when classes exist")
    # heavy = class 1: the columns at x = 5 (two per frame, collinear: H0 only, one finite pair of
    # death (side/2)²); light = class 0: the other three (the far column joins last)
    h0 = f["diagrams/heavy/dim0"][:]
    fin = h0[np.isfinite(h0[:, 2])]
    check(np.allclose(fin[:, 2], [1.0, 2.25]), f"heavy H0 deaths (side/2)²: {fin.tolist()}")
    l0 = f["diagrams/light/dim0"][:]
    check(np.sum(l0[:, 0] == 0) == 3 and len(f["diagrams/light/dim1"]) == 0, "light: 3 columns, no ring")
# no class 1 anywhere: no heavy/light groups, and the file says why
with h5py.File("k1.h5", "w") as f:
    f["columns"] = np.array([r[:4] + [0.0, r[5]] for r in rows])
    f["columns"].attrs["nanomix_format_version"] = 1
run("topology", "--config", "c.ini", "--columns", "k1.h5", "--out", "k1_d.h5")
with h5py.File("k1_d.h5") as f:
    check("heavy" not in f["diagrams"] and "not split" in f["diagrams/columns/notes"][()].decode(), "classes not split: said in notes")

# 4. EMD movie: a ring of 1s around a 5 (sublevel): H1 (1, 5); x fastest in data[x, y, t]
img = np.ones((3, 3, 2), np.float32)
img[1, 1, :] = 5
with h5py.File("m.h5", "w") as f:
    f.attrs["version_major"] = 0
    f.attrs["version_minor"] = 2
    g = f.create_group("data/counts")
    g.attrs["emd_group_type"] = 1
    g["data"] = img
    # Axes named as nanomix writes them: the movie is read through the reader registry, which
    # takes frames along the first axis when no axis is named t (the ncempy/HyperSpy layout).
    for k, (name, n) in enumerate([("x", 3), ("y", 3), ("t", 2)]):
        g[f"dim{k + 1}"] = np.arange(n) * (0.04 if name == "t" else 0.5)
        g[f"dim{k + 1}"].attrs["name"] = name
        g[f"dim{k + 1}"].attrs["units"] = "[s]" if name == "t" else "[n_m]"
run("topology", "--config", "c.ini", "--movie", "m.h5", "--out", "m_d.h5", "--topology.image_filtration=sublevel")
with h5py.File("m_d.h5") as f:
    d1 = f["diagrams/image/dim1"][:]
    check(np.allclose(d1, [[0, 1, 5], [1, 1, 5]]), f"movie H1 (1, 5) per frame: {d1.tolist()}")
    check(np.array_equal(f["diagrams/image/dim1_atoms"][0, 4:6], [1, 1]), "death cell is the centre pixel (1, 1)")

# 4b. any movie the readers take: a DM3 movie (x, y, t) of 3 frames from the reader corpus, and an
# ncempy-layout EMD series (nt, ny, nx) = (5, 4, 6) read as 5 frames (not 6)
corpus = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fuzz", "corpus")
run("topology", "--config", "c.ini", "--movie", os.path.join(corpus, "dm", "movie.dm3"), "--out", "dm_d.h5")
with h5py.File("dm_d.h5") as f:
    check(sorted(set(f["diagrams/image/dim0"][:, 0].astype(int))) == [0, 1, 2], "DM3 movie: diagrams of its 3 frames")
with h5py.File("series.emd", "w") as f:
    f.attrs["version_major"] = 0
    f.attrs["version_minor"] = 2
    g = f.create_group("data/series")
    g.attrs["emd_group_type"] = 1
    g["data"] = np.random.default_rng(1).random((5, 4, 6)).astype(np.float32)
run("topology", "--config", "c.ini", "--movie", "series.emd", "--out", "series_d.h5")
with h5py.File("series_d.h5") as f:
    check(sorted(set(f["diagrams/image/dim0"][:, 0].astype(int))) == [0, 1, 2, 3, 4], "ncempy series: 5 frames")
# 4b. tube interior: a tube along y (two dark wall lines at x = 20 and 60 px, 0.25 Å pixels) with a
# bright blob inside and one outside the tube; the interior band holds only the inner blob
nx_, ny_ = 80, 40
yy, xx = np.meshgrid(np.arange(ny_), np.arange(nx_))  # [x, y]
base = np.ones((nx_, ny_), np.float32)
base -= np.exp(-((xx - 20) ** 2) / 2.0) + np.exp(-((xx - 60) ** 2) / 2.0)
inner = 2.0 * np.exp(-((xx - 40) ** 2 + (yy - 20) ** 2) / 8.0)
outer = 2.0 * np.exp(-((xx - 5) ** 2 + (yy - 20) ** 2) / 2.0)
rng = np.random.default_rng(3)
movie = np.stack([base + inner + outer + rng.normal(0, 0.01, base.shape) for _ in range(3)], axis=2).astype(np.float32)
with h5py.File("tube.h5", "w") as f:
    f.attrs["version_major"] = 0
    f.attrs["version_minor"] = 2
    g = f.create_group("data/counts")
    g.attrs["emd_group_type"] = 1
    g["data"] = movie
    g["dim1"] = np.arange(nx_) * 0.025
    g["dim1"].attrs["units"] = "[n_m]"
    g["dim1"].attrs["name"] = "x"
    g["dim2"] = np.arange(ny_) * 0.025
    g["dim2"].attrs["units"] = "[n_m]"
    g["dim2"].attrs["name"] = "y"
    g["dim3"] = np.array([0.0, 0.04, 0.08])
    g["dim3"].attrs["units"] = "[s]"
    g["dim3"].attrs["name"] = "t"  # (nx, ny, nt) as nanomix writes it: the readers take frames along t
run("topology", "--config", "c.ini", "--movie", "tube.h5", "--out", "tube_d.h5", "--topology.image_binning=1",
    "--topology.image_smoothing_angstrom=0")
with h5py.File("tube_d.h5") as f:
    g = f["diagrams/interior"]
    check(g.attrs["tube_found"] == 1 and g.attrs["tube_across_axis"] == "x", "tube found, walls across x")
    walls = g.attrs["tube_walls_angstrom"]
    check(abs(walls[0] - 5.0) <= 0.5 and abs(walls[1] - 15.0) <= 0.5, f"walls at 5 and 15 Å: {walls}")
    lo, hi = g.attrs["band_pixels"]
    check(20 < lo < 40 < hi < 60, f"band inside the walls: {lo, hi}")
    # superlevel: the brightest point is the one infinite H0 class; in the band it is the inner
    # blob (x = 40), in the whole frame the image group sees both blobs (one finite H0 pair more)
    d0 = g["dim0"][:]
    a0 = g["dim0_atoms"][:]
    inf_rows = np.where(~np.isfinite(d0[:, 2]))[0]
    check(len(inf_rows) == 3 and all(abs(a0[i, 0] - 40) <= 1 for i in inf_rows), "interior: one component per frame, at the inner blob")
    # whole frame: the outer blob (peak 3) is born at -3 and joins at a wall (~0): persistence ~3
    big_i = np.sum(d0[np.isfinite(d0[:, 2]), 2] - d0[np.isfinite(d0[:, 2]), 1] > 0.5)
    w0 = f["diagrams/image/dim0"][:]
    big_w = np.sum(w0[np.isfinite(w0[:, 2]), 2] - w0[np.isfinite(w0[:, 2]), 1] > 2.5)
    check(big_i == 0 and big_w == 3, f"the outer blob is only in the whole frame: {big_i} vs {big_w} persistent finite H0")

# 5. compare: the trajectory's diagrams against the structure's (same kind: 3D weighted)
run("topology", "--config", "c.ini", "--structure", "rs.xyz", "--out", "s_w.h5")
open("cmp.ini", "w").write("[compare]\npermutations = 99\n")
run("compare", "--config", "cmp.ini", "--simulated", "t_one.h5" if os.path.exists("t_one.h5") else "t_d.h5", "--simulated", "s_w.h5",
    "--experimental", "s_w.h5", "--out", "cmp.h5")
with h5py.File("cmp.h5") as f:
    check(f.attrs["closest"] == "s_w.h5", "the identical file is the closest mechanism")
    check("mechanisms/0/alignment" in f and f["mechanisms/0"].attrs["permutation_p_value"] > 0, "alignment and p-values written")
    check(abs(f.attrs["p_min"] - 1 / 100) < 1e-12 and "exchangeable" in f.attrs["null_hypothesis"]
          and "no evidence" in f.attrs["interpretation"], "null hypothesis, p_min = 1/(N+1), large-p caveat")
    m = f["mechanisms/0"]
    check(m.attrs["permutation_p_value"] >= f.attrs["p_min"] and m.attrs["permutation_null_sd"] >= 0, "p >= p_min, null spread")
# two statistics, each with its own tests; the effect size recomputed from the written null moments
run("compare", "--config", "cmp.ini", "--simulated", "k_d.h5", "--experimental", "k_d.h5", "--out", "cmp2.h5",
    "--compare.statistic=heavy light")
with h5py.File("cmp2.h5") as f:
    check(list(f.attrs["statistics"]) == ["heavy", "light"] and "statistics/light/mechanisms/0" in f, "one result per statistic")
    m = f["statistics/light/mechanisms/0"].attrs
    z = (m["permutation_null_mean"] - m["permutation_loss"]) / m["permutation_null_sd"] if m["permutation_null_sd"] > 0 else 0
    check(abs(z - m["permutation_effect_z"]) < 1e-9, "effect z = (null mean - loss) / null sd")

# 5b. the run-level test (--null-pair): movies of a process whose frames share one random pattern
# (a run) with small per-frame jitter, so two runs of ONE process differ frame by frame; process Q
# has the same number of columns packed 3x tighter. Null pairs = two runs of P each.
rng = np.random.default_rng(7)


def columns_run(name, box, frames=6):
    base = rng.uniform(0, box, size=(14, 2))
    rows = [[fr, x + 5, y + 5, 1.0, 0.0, 0.01] for fr in range(frames) for x, y in base + rng.normal(0, 0.6, size=base.shape)]
    with h5py.File(name + ".h5", "w") as f:
        f["columns"] = np.array(rows)
        f["columns"].attrs["nanomix_format_version"] = 1
        f["frames"] = np.array([[fr, 0.04 * fr, 0, 0] for fr in range(frames)], dtype=float)
    run("topology", "--config", "c.ini", "--columns", name + ".h5", "--out", name + "_d.h5")
    return name + "_d.h5"


p_runs = [columns_run(f"p{i}", 24.0) for i in range(11)]
q_run = columns_run("q0", 8.0)
pairs = [(p_runs[1 + 2 * i], p_runs[2 + 2 * i]) for i in range(5)]
null_args = [a for x, y in pairs for a in ("--null-pair", f"{x},{y}")]
run("compare", "--config", "cmp.ini", "--simulated", q_run, "--simulated", p_runs[0], "--experimental", p_runs[1], "--out", "runlevel.h5",
    "--compare.statistic=columns", *null_args)
e_alone, p_alone = [], []
for i, (x, y) in enumerate(pairs):  # each null pair compared on its own: an independent computation of its z
    run("compare", "--config", "cmp.ini", "--simulated", x, "--experimental", y, "--out", f"pair{i}.h5", "--compare.statistic=columns")
    with h5py.File(f"pair{i}.h5") as f:
        e_alone.append(f["mechanisms/0"].attrs["energy_distance"])
        p_alone.append(f["mechanisms/0"].attrs["permutation_p_value"])
with h5py.File("runlevel.h5") as f:
    g = f["statistics/columns"]
    es = g["null_pairs_energy_distance"][:]
    check(np.allclose(es, e_alone, rtol=0, atol=1e-12), f"null pairs' E = each pair compared alone: {es} vs {e_alone}")
    check([s.decode() if isinstance(s, bytes) else s for s in g.attrs["null_pairs"]] == [f"{x},{y}" for x, y in pairs], "null pairs named")
    check("run-level" in g.attrs["run_level_test"], "the run-level test is described")
    for k in range(2):
        m = g[f"mechanisms/{k}"].attrs
        want = (1 + np.sum(es >= m["energy_distance"])) / (len(es) + 1)
        check(abs(m["run_level_p_value"] - want) < 1e-12, f"mechanism {k}: run-level p = (1 + #null E >= E)/(n + 1) = {want}")
    check(abs(g["mechanisms/0"].attrs["run_level_p_value"] - 1 / 6) < 1e-12, "the tighter process is beyond every null pair: p = 1/6")
check(sum(p < 0.05 for p in p_alone) >= 3, f"the frame-level test rejects runs of one process (correlated frames): {p_alone}")
r = run("compare", "--config", "cmp.ini", "--simulated", q_run, "--experimental", p_runs[1], "--out", "bad.h5", "--null-pair", p_runs[2],
        expect=2)
check(len(r.stderr.strip().splitlines()) == 1 and "--null-pair" in r.stderr, "a null pair without its comma: one-line error")
run("compare", "--config", "cmp.ini", "--simulated", q_run, "--experimental", p_runs[1], "--out", "bad.h5", "--null-pair",
    f"{p_runs[2]},missing.h5", expect=2)
check(not os.path.exists("bad.h5"), "no output after a bad null pair")

# 6. bad input: one-line errors, exit 2, no output left
run("topology", "--config", "c.ini", "--structure", "nope.xyz", "--out", "bad.h5", expect=2)
run("topology", "--config", "c.ini", "--structure", "rs.xyz", "--columns", "k.h5", "--out", "bad.h5", expect=2)
run("topology", "--config", "c.ini", "--structure", "rs.xyz", "--out", "bad.h5", "--topology.subsets=Br", expect=2)
run("compare", "--config", "cmp.ini", "--simulated", "k_d.h5", "--experimental", "s_w.h5", "--out", "bad.h5", expect=2)
# a diagrams file of a format version this nanomix does not know: refused in one line naming the file
shutil.copy("k_d.h5", "newer_d.h5")
with h5py.File("newer_d.h5", "r+") as f:
    f.attrs["nanomix_format_version"] = 2
r = run("compare", "--config", "cmp.ini", "--simulated", "k_d.h5", "--experimental", "newer_d.h5", "--out", "bad.h5", expect=2)
check(len(r.stderr.strip().splitlines()) == 1 and "newer_d.h5" in r.stderr and "version 2" in r.stderr,
      "newer diagrams format: one-line error naming the file " + r.stderr.strip()[:200])
# a columns file without its format version is refused by the columns reader
with h5py.File("k_nov.h5", "w") as f:
    f["columns"] = np.array(rows)
r = run("topology", "--config", "c.ini", "--columns", "k_nov.h5", "--out", "bad.h5", expect=2)
check("k_nov.h5" in r.stderr and "format version" in r.stderr, "columns file without a format version refused")
with open("nan.xyz", "w") as f:
    f.write("2\nProperties=species:S:1:pos:R:3\nNa 0 0 0\nCl nan 0 0\n")
r = run("topology", "--config", "c.ini", "--structure", "nan.xyz", "--out", "bad.h5", expect=2)
check(len(r.stderr.strip().splitlines()) == 1, "NaN: one-line error")
check(not os.path.exists("bad.h5"), "no output left behind")
# an empty subset is a documented result (empty diagrams and a note), not an error
run("topology", "--config", "c.ini", "--structure", "rs.xyz", "--out", "empty.h5", "--topology.subsets=I")
with h5py.File("empty.h5") as f:
    check(len(f["diagrams/I/dim0"]) == 0 and "empty" in f["diagrams/I/notes"][()].decode(), "empty subset: empty diagrams + note")

print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
