"""Cross-check nanomix's H5MD output with independent readers: MDAnalysis' H5MD reader and h5py.

The fixture's positions are known in closed form (write_h5md_fixture.cpp), so the test checks
positions (MDAnalysis converts nm to Å), box, times and units against those formulas.
"""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
from MDAnalysis.coordinates.H5MD import H5MDReader

writer = sys.argv[1]
for swaps in (False, True):
  with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "t.h5")
    subprocess.run([writer, path] + (["--swaps"] if swaps else []), check=True)

    with h5py.File(path, "r") as f:
        assert tuple(f["h5md"].attrs["version"]) == (1, 1)
        pos = f["particles/all/position"]
        assert pos["value"].attrs["unit"] in (b"nm", "nm"), pos["value"].attrs["unit"]
        assert pos["time"].attrs["unit"] in (b"ps", "ps")
        assert f["particles/all/box/edges/value"].shape == (5, 3, 3)
        if swaps:  # time-dependent species: value (T, N) at the position's steps
            sp = f["particles/all/species"]
            assert sp["value"].shape == (5, 4), sp["value"].shape
            for t in range(5):
                assert list(sp["value"][t]) == ([11, 53, 17, 6] if t % 2 else [11, 17, 53, 6])
            assert list(sp["step"][:]) == list(pos["step"][:])
            np.testing.assert_allclose(sp["time"][:], pos["time"][:])
        else:
            assert list(f["particles/all/species"][:]) == [11, 17, 53, 6]
        assert [b if isinstance(b, str) else b.decode() for b in f["particles/all/box"].attrs["boundary"]] == [
            "none", "none", "periodic"]
        assert list(f["observables/temperature/value"][:]) == [300, 301, 302, 303, 304]

    reader = H5MDReader(path)
    assert reader.n_frames == 5, reader.n_frames
    assert reader.n_atoms == 4
    for t, ts in enumerate(reader):
        i = np.arange(4)
        expected = np.stack([1 + i + 0.1 * t, 2 + 0.5 * i, 3 + 0.25 * i * t], axis=1)
        np.testing.assert_allclose(ts.positions, expected, atol=1e-4)  # Å, float32 inside MDAnalysis
        assert abs(ts.time - 0.2 * t) < 1e-9, ts.time
        assert ts.data["step"] == 100 * t
        np.testing.assert_allclose(ts.dimensions, [30, 31, 32, 90, 90, 90], atol=1e-4)
print("H5MD read by MDAnalysis and h5py: positions, box, times and units as written")
