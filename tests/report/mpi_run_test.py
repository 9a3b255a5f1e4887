"""`mpirun -np 2 nanomix run` against one process: every output file the same. Structures,
trajectories (the md stage runs LAMMPS on rank 0 alone unless [run] md_all_ranks) and images must
be bitwise equal; persistence values agree to 1e-12 (GUDHI's exact alpha mode rounds the last ulp
differently between runs, see docs/topology.md).
usage: mpi_run_test.py NANOMIX CONFIG [--processes] [OVERRIDES...]
--processes: instead, `nanomix run --run.processes=2` (stages as child processes beside the run, as
soon as their inputs are made) against `--run.processes=1` (one stage after the other in plan order);
OVERRIDES (--section.key=value) go to both runs.
"""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

nanomix, config = sys.argv[1], sys.argv[2]
processes = "--processes" in sys.argv[3:]
overrides = [a for a in sys.argv[3:] if a != "--processes"]
env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
with tempfile.TemporaryDirectory() as tmp:
    one, two = os.path.join(tmp, "one"), os.path.join(tmp, "two")
    if processes:
        subprocess.run([nanomix, "run", "--quiet", "--config", config, "--out", one, "--run.processes=1"] + overrides, check=True, env=env)
        r = subprocess.run([nanomix, "run", "--config", config, "--out", two, "--run.processes=2"] + overrides, check=True, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        background = [line for line in r.stdout.splitlines() if "ran in the background" in line]
        assert len(background) >= 3, "too few stages ran in child processes:\n" + r.stdout
        print("\n".join(background))
    else:
        subprocess.run([nanomix, "run", "--quiet", "--config", config, "--out", one] + overrides, check=True, env=env)
        subprocess.run(["mpirun", "--oversubscribe", "-np", "2", nanomix, "run", "--quiet", "--config", config, "--out", two] + overrides,
                       check=True, env=env)
    outputs = sorted(f for f in os.listdir(one) if f.endswith((".h5", ".emd", ".xyz", ".tif")))
    assert outputs == sorted(f for f in os.listdir(two) if f.endswith((".h5", ".emd", ".xyz", ".tif"))), "different files"
    assert "movie.emd" in outputs and "diagrams_atoms.h5" in outputs, outputs
    with open(config) as c:
        if "[md]" in c.read():
            assert "trajectory.h5" in outputs, outputs
    for name in outputs:
        a, b = os.path.join(one, name), os.path.join(two, name)
        if not name.endswith((".h5", ".emd")):  # .emd is HDF5 too (its attributes hold timings)
            assert open(a, "rb").read() == open(b, "rb").read(), f"{name} differs"
            continue
        exact = not name.startswith("diagrams")
        with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
            def check(path, obj):
                if not isinstance(obj, h5py.Dataset) or obj.dtype.kind not in "fiu":
                    return
                x, y = obj[()], fb[path][()]
                assert x.shape == y.shape, f"{name}:{path} shape {x.shape} vs {y.shape}"
                if exact or x.dtype.kind in "iu":
                    assert np.array_equal(x, y, equal_nan=True), f"{name}:{path} differs"
                else:
                    np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-12, err_msg=f"{name}:{path}")
            fa.visititems(check)
print("processes = 2 gives the outputs of processes = 1:" if processes else "mpirun -np 2 nanomix run gives the outputs of one process:",
      ", ".join(outputs))
