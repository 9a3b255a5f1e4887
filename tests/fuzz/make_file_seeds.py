#!/usr/bin/python3
"""Seed corpora of the harnesses of nanomix's own HDF5 files (tests/fuzz/README.md).
Columns and trajectory files are written here by h5py (an independent writer) after the layouts in
imaging/detect/columns_file.hpp and core/h5md.hpp; diagrams and comparison files are written by
nanomix itself (`nanomix topology` on those files, `nanomix compare` on the diagrams), since no
other program writes them. Small on purpose (the fuzzers' -max_len).
Usage: make_file_seeds.py NANOMIX [CORPUS_DIR (default: tests/fuzz/corpus)]"""
import os, subprocess, sys, tempfile
import h5py
import numpy as np

nanomix = os.path.abspath(sys.argv[1])
corpus = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "corpus"))
for kind in ("columns", "diagrams", "comparison", "trajectory"):
    os.makedirs(os.path.join(corpus, kind), exist_ok=True)
work = tempfile.mkdtemp()
config = ("[topology]\nsubsets = ions\nbetti_samples = 4\nimage_pixels = 2\nhistogram_bins = 2\nlocal_subset = ions\n"
          "local_min_persistence = 0\n[compare]\npermutations = 9\n")
open(os.path.join(work, "c.ini"), "w").write(config)
vlen = h5py.string_dtype()


def nanomix_run(*args):
    subprocess.run([nanomix, *args, "--config", os.path.join(work, "c.ini"), "--quiet"], check=True)


def columns_file(path, with_movie):
    rows = []
    for fr, side in [(0, 2.0), (1, 3.0)]:
        for x, y in [(0, 0), (side, 0), (side, side), (0, side), (30, 30)]:
            rows.append([fr, x + 5, y + 5, 1.0, 1.0 if x == 0 else 0.0, 0.01])
    with h5py.File(path, "w") as f:
        f["columns"] = np.array(rows)
        f["columns"].attrs["nanomix_format_version"] = 1
        f["columns"].attrs["nanomix_format"] = "columns"
        f["frames"] = np.array([[0, 0.0, 0, 0], [1, 0.04, 0.1, -0.1]])
        f["frames_noise_sigma"] = np.array([0.1, 0.1])
        if with_movie:
            m = f.create_group("movie")
            for k, v in dict(nx=64, ny=48, frame_count=2, pixel_size_x_angstrom=0.5, pixel_size_y_angstrom=0.5,
                             frame_time_s=0.04).items():
                m.attrs[k] = v
            m.attrs["source"] = "movie.h5"
            f.create_group("parameters").attrs["nanomix_format_version"] = 1
            f["parameters"].create_dataset("config", data="[detect]\n", dtype=vlen)


def trajectory(path, per_frame_species):
    frames, z = 3, [11, 17, 11, 53]
    rng = np.random.default_rng(1)
    with h5py.File(path, "w") as f:
        f.create_group("h5md").attrs["version"] = [1, 1]
        f.create_group("h5md/author").attrs["name"] = "seed"
        f.create_group("h5md/creator").attrs["name"] = "h5py"
        g = f.create_group("particles/all")
        pos = g.create_group("position")
        pos["value"] = rng.uniform(0, 2, (frames, len(z), 3))
        pos["value"].attrs["unit"] = "nm"
        pos["step"] = np.arange(frames, dtype=np.int64) * 10
        pos["time"] = np.arange(frames) * 0.01
        pos["time"].attrs["unit"] = "ps"
        box = g.create_group("box")
        box.attrs["dimension"] = 3
        box.attrs["boundary"] = np.array(["none", "none", "periodic"], dtype=vlen)
        edges = box.create_group("edges")
        edges["value"] = np.tile(np.eye(3) * 3.0, (frames, 1, 1))
        edges["step"], edges["time"] = pos["step"][:], pos["time"][:]
        if per_frame_species:
            sp = g.create_group("species")
            sp["value"] = np.array([z, [11, 53, 11, 17], z], dtype=np.int32)
            sp["step"], sp["time"] = pos["step"][:], pos["time"][:]
        else:
            g["species"] = np.array(z, dtype=np.int32)
        obs = f.create_group("observables/temperature_kelvin")
        obs["value"] = np.array([300.0, 310.0, 305.0])
        obs["value"].attrs["unit"] = "K"
        obs["step"], obs["time"] = pos["step"][:], pos["time"][:]
        p = f.create_group("parameters")
        p.attrs["nanomix_format_version"] = 2
        p.attrs["md_experiment_seconds_per_ps"] = 0.5
        p.attrs["stage"] = "md"
        p.create_dataset("config", data="[md]\nsteps = 20\n", dtype=vlen)


columns_file(os.path.join(corpus, "columns", "h5py_full.h5"), True)
columns_file(os.path.join(corpus, "columns", "h5py_minimal.h5"), False)
trajectory(os.path.join(corpus, "trajectory", "h5py_fixed_species.h5"), False)
trajectory(os.path.join(corpus, "trajectory", "h5py_species_per_frame.h5"), True)

# Diagrams (nanomix topology) from the columns file and from a small rock-salt structure.
a = 5.64 / 2
xyz = os.path.join(work, "rs.xyz")
with open(xyz, "w") as f:
    sites = [(i, j, k) for i in range(2) for j in range(2) for k in range(3)]
    for t in range(2):
        f.write(f"{len(sites)}\nLattice=\"30 0 0 0 30 0 0 0 30\" Properties=species:S:1:pos:R:3 pbc=\"F F F\" time_ps={t}\n")
        for i, j, k in sites:
            f.write(f"{'Na' if (i + j + k) % 2 == 0 else 'Cl'} {i * a} {j * a} {k * a}\n")
d_columns = os.path.join(corpus, "diagrams", "nanomix_from_columns.h5")
d_structure = os.path.join(corpus, "diagrams", "nanomix_from_structure.h5")
nanomix_run("topology", "--columns", os.path.join(corpus, "columns", "h5py_full.h5"), "--out", d_columns)
nanomix_run("topology", "--structure", xyz, "--out", d_structure, "--topology.radii=none")
nanomix_run("compare", "--simulated", d_columns, "--simulated", d_columns, "--experimental", d_columns,
            "--out", os.path.join(corpus, "comparison", "nanomix_columns.h5"))
for kind in ("columns", "diagrams", "comparison", "trajectory"):
    for name in sorted(os.listdir(os.path.join(corpus, kind))):
        print(kind, name, os.path.getsize(os.path.join(corpus, kind, name)), "bytes")
