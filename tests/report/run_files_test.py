"""Every output of a small `nanomix run` opened as users open it, and its one clock checked.

- movie.emd: `hyperspy.load(path)` with no arguments gives each /data group as a 2D signal
  navigated by time (t | x, y); the time axis is in s and its scale is the trajectory's clock
  (md_experiment_seconds_per_frame, read from the trajectory with h5py); the pixel axes in nm
  match /microscope. The camera exposure is its own attribute.
- movie.tif and movie_<second>.tif (a TIFF for every simulated movie): tifffile reads the frames,
  and the ImageJ finterval is the same clock.
- trajectory.lammps: no absolute path of the run folder, a `dump`, and `lmp -in trajectory.lammps`
  run in a copy of the folder writes a dump whose positions match trajectory.h5 (h5py).
usage: run_files_test.py NANOMIX CONFIG [--section.key=value …]
"""
import os
import shutil
import subprocess
import sys
import tempfile
import warnings

import h5py
import numpy as np

os.environ.setdefault("HDF5_USE_FILE_LOCKING", "FALSE")
nanomix, config, overrides = sys.argv[1], sys.argv[2], sys.argv[3:]


def check(cond, what):
    if not cond:
        raise SystemExit("FAIL: " + what)
    print("ok:", what)


def read_dump(path):
    """Frames of a LAMMPS `custom id type x y z` dump: list of (timestep, positions sorted by id)."""
    frames, lines, i = [], open(path).read().splitlines(), 0
    while i < len(lines):
        assert lines[i].startswith("ITEM: TIMESTEP"), lines[i]
        step = int(lines[i + 1]); n = int(lines[i + 3])
        cols = lines[i + 8].split()[2:]
        rows = np.array([[float(v) for v in l.split()] for l in lines[i + 9:i + 9 + n]])
        rows = rows[np.argsort(rows[:, cols.index("id")])]
        frames.append((step, rows[:, [cols.index("x"), cols.index("y"), cols.index("z")]]))
        i += 9 + n
    return frames


with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "run")
    subprocess.run([nanomix, "run", "--quiet", "--config", config, "--out", out, *overrides], check=True)
    traj = h5py.File(os.path.join(out, "trajectory.h5"), "r")
    per_frame = traj["parameters"].attrs["md_experiment_seconds_per_frame"]
    md_times = traj["particles/all/position/time"][:]

    # HyperSpy, as a user calls it.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import hyperspy.api as hs
        loaded = hs.load(os.path.join(out, "movie.emd"))
    signals = loaded if isinstance(loaded, list) else [loaded]
    with h5py.File(os.path.join(out, "movie.emd"), "r") as f:
        nt = f["data/counts/data"].shape[2]
        dx_nm = f["microscope"].attrs["pixel_size_x_angstrom"] / 10
        exposure = f["microscope"].attrs["exposure_time_s"]
        interval = f["microscope"].attrs["frame_interval_s"]
        stride = f["microscope"].attrs["frame_stride"]
        first = f["microscope"].attrs["first_frame"]
        counts = f["data/counts/data"][:]
    check(len(signals) >= 3, f"hyperspy.load(movie.emd) gives the movie's groups ({len(signals)} signals)")
    for s in signals:
        am = s.axes_manager
        check(s.axes_manager.signal_dimension == 2 and am.navigation_shape == (nt,),
              f"{s.metadata.General.title}: a 2D signal navigated by {nt} frames ({am.navigation_shape}|{am.signal_shape})")
        t = am.navigation_axes[0]
        check(str(t.units) == "s" and abs(t.scale - stride * per_frame) < 1e-9 * max(1, per_frame)
              and abs(t.offset - first * per_frame) < 1e-9,
              f"time axis {t.offset:g} + k·{t.scale:g} {t.units} = the trajectory's clock ({per_frame:g} s per MD frame)")
        x = am.signal_axes[0]
        check(str(x.units) == "nm" and abs(x.scale - dx_nm) < 1e-6, f"pixel axis {x.scale:g} {x.units}")
    check(abs(interval - stride * per_frame) < 1e-9 and exposure > 0,
          f"/microscope: frame_interval_s {interval:g} s (the clock), exposure_time_s {exposure:g} s (the camera), apart")
    cs = [s for s in signals if np.allclose(np.asarray(s.data), counts.transpose(2, 1, 0))]
    check(len(cs) == 1, "one HyperSpy signal holds /data/counts, frame-major (t, y, x)")

    # TIFF for every simulated movie, on the same clock.
    import tifffile
    movies = sorted(n for n in os.listdir(out) if n.startswith("movie") and n.endswith(".emd"))
    for m in movies:
        tif = os.path.join(out, m[:-4] + ".tif")
        check(os.path.exists(tif), f"{os.path.basename(tif)} beside {m}")
        with tifffile.TiffFile(tif) as t:
            ij = t.imagej_metadata
            data = t.asarray()
        check(data.shape[0] == nt and abs(ij["finterval"] - stride * per_frame) < 1e-9,
              f"{os.path.basename(tif)}: {data.shape[0]} frames, finterval {ij['finterval']:g} s = the same clock")

    # The LAMMPS transcript reruns with plain lmp.
    script = open(os.path.join(out, "trajectory.lammps")).read()
    check(out not in script and "dump " in script, "trajectory.lammps: paths relative to its folder, and a dump")
    again = os.path.join(tmp, "again")
    os.makedirs(again)
    for name in ("trajectory.lammps", "trajectory.data"):
        shutil.copy(os.path.join(out, name), again)
    subprocess.run(["lmp", "-in", "trajectory.lammps", "-log", "none", "-screen", "none"], cwd=again, check=True,
                   env=dict(os.environ, OMP_NUM_THREADS="1"))
    dump = read_dump(os.path.join(again, "trajectory.lammpstrj"))
    pos = traj["particles/all/position/value"][:] * 10.0  # nm → Å
    check(len(dump) == pos.shape[0], f"lmp -in wrote {len(dump)} frames, the trajectory holds {pos.shape[0]}")
    edges = traj["particles/all/box"].get("edges")
    box = None
    if isinstance(edges, h5py.Dataset):
        box = edges[()] * 10.0
    elif isinstance(edges, h5py.Group):
        box = edges["value"][0] * 10.0
    worst = 0.0
    for k, (_, xyz) in enumerate(dump):
        d = xyz - pos[k]
        if box is not None and box.ndim == 1:
            d -= np.round(d / box) * box
        worst = max(worst, float(np.abs(d).max()))
    check(worst < 1e-3, f"lmp -in reproduces every frame's positions (largest difference {worst:.2e} Å)")
