"""`mpirun -np 2 nanomix run` against one process: every output file the same. Structures,
trajectories (the md stage runs LAMMPS on rank 0 alone unless [run] md_all_ranks) and images must
be bitwise equal; persistence values agree to 1e-12 (GUDHI's exact alpha mode rounds the last ulp
differently between runs, see docs/topology.md).
usage: mpi_run_test.py NANOMIX CONFIG
"""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

nanomix, config = sys.argv[1], sys.argv[2]
env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
with tempfile.TemporaryDirectory() as tmp:
    one, two = os.path.join(tmp, "one"), os.path.join(tmp, "two")
    subprocess.run([nanomix, "run", "--quiet", "--config", config, "--out", one], check=True, env=env)
    subprocess.run(["mpirun", "--oversubscribe", "-np", "2", nanomix, "run", "--quiet", "--config", config, "--out", two],
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
print("mpirun -np 2 nanomix run gives the outputs of one process:", ", ".join(outputs))
