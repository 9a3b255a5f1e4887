#!/usr/bin/python3
"""h5_same_test.py: h5_same.py (the comparer of tests/refactor/same_outputs.sh) can fail.

Writes small HDF5 files with h5py and checks the comparer's exit code: 0 for equal files and for
files differing only in an ignored attribute, a comment of the stored config or a key only the
NEW config has; 1 for one value one ulp off, a changed attribute, a dataset only in one file, a
changed dtype, a config value changed or a config key dropped. With --scaled-ulps 4: 0 for a
value one ulp off, 1 for a value 1e-9 off and for a NaN replaced by a number.
"""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIG = "# nanomix resolved configuration (from {})\n[imaging]\ndefocus_angstrom = 30\n[detect]\nmin_separation_angstrom = 2.4\n"


def write(path, change=None):
    with h5py.File(path, "w") as f:
        f.attrs["creator"] = "nanomix 0.1.0"
        d = f.create_dataset("data/counts", data=np.array([[1.5, np.nan], [3.0, 4.0]]))
        d.attrs["units"] = "counts"
        m = f.create_group("microscope")
        m.attrs["defocus_angstrom"] = 30.0
        m.attrs["render_seconds"] = 2.5
        f.create_dataset("frames", data=np.arange(4, dtype=np.int64))
        f.create_dataset("parameters/config", data=CONFIG.format("a.ini"), dtype=h5py.string_dtype())
        if change:
            change(f)


def replace(f, name, data, **kw):
    """Rewrites dataset `name` with `data`, keeping its attributes (so only the values differ)."""
    attrs = dict(f[name].attrs)
    del f[name]
    d = f.create_dataset(name, data=data, **kw)
    for k, v in attrs.items():
        d.attrs[k] = v


ULPS = ["--scaled-ulps", "4"]
CASES = [  # (what, change to NEW, expected exit code, options)
    ("identical", None, 0, []),
    ("ignored attributes (render seconds, creator)",
     lambda f: (f["microscope"].attrs.__setitem__("render_seconds", 9.0), f.attrs.__setitem__("creator", "nanomix 0.2.0")), 0, []),
    ("config: another comment and a key only NEW has",
     lambda f: replace(f, "parameters/config", CONFIG.format("b.ini") + "[compare]\nsubset = ions\n", dtype=h5py.string_dtype()), 0, []),
    ("a value one ulp off", lambda f: replace(f, "data/counts", np.array([[np.nextafter(1.5, 2.0), np.nan], [3.0, 4.0]])), 1, []),
    ("NaN replaced by a number", lambda f: replace(f, "data/counts", np.array([[1.5, 0.0], [3.0, 4.0]])), 1, []),
    ("a physics attribute changed", lambda f: f["microscope"].attrs.__setitem__("defocus_angstrom", 31.0), 1, []),
    ("an attribute dropped", lambda f: f["data/counts"].attrs.__delitem__("units"), 1, []),
    ("a dataset only in NEW", lambda f: f.create_dataset("extra", data=[1]), 1, []),
    ("the dtype changed", lambda f: replace(f, "frames", np.arange(4, dtype=np.int32)), 1, []),
    ("config: a value changed",
     lambda f: replace(f, "parameters/config", CONFIG.format("a.ini").replace("= 30", "= 31"), dtype=h5py.string_dtype()), 1, []),
    ("config: a key dropped",
     lambda f: replace(f, "parameters/config", CONFIG.format("a.ini").split("[detect]")[0], dtype=h5py.string_dtype()), 1, []),
    ("--scaled-ulps 4: a value one ulp off",
     lambda f: replace(f, "data/counts", np.array([[np.nextafter(1.5, 2.0), np.nan], [3.0, 4.0]])), 0, ULPS),
    ("--scaled-ulps 4: a value 1e-9 off", lambda f: replace(f, "data/counts", np.array([[1.5 + 1e-9, np.nan], [3.0, 4.0]])), 1, ULPS),
    ("--scaled-ulps 4: NaN replaced by a number", lambda f: replace(f, "data/counts", np.array([[1.5, 0.0], [3.0, 4.0]])), 1, ULPS),
    ("--scaled-ulps 4: an integer one off", lambda f: replace(f, "frames", np.array([0, 1, 2, 4], dtype=np.int64)), 1, ULPS),
]


def main():
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        old = os.path.join(tmp, "old.h5")
        write(old)
        for i, (name, change, expected, options) in enumerate(CASES):
            new = os.path.join(tmp, f"new_{i}.h5")
            write(new, change)
            r = subprocess.run([sys.executable, os.path.join(HERE, "h5_same.py"), *options, old, new], capture_output=True, text=True)
            if r.returncode != expected:
                failures += 1
                print(f"FAIL {name}: exit {r.returncode}, expected {expected}\n{r.stdout}{r.stderr}")
            else:
                print(f"ok   {name}: exit {expected}: {r.stdout.splitlines()[1].strip() if expected else 'same'}")
    print(f"{len(CASES)} cases, {failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
