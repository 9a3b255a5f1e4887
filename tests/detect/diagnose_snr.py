#!/usr/bin/env python3
"""The SNR of validation/detect/diagnose_tube.py (the numbers behind RESULTS.md's detectable
fractions) against brute force: for a Gaussian column on a flat background sampled as expected
counts, the standard error the script computes for the fitted amplitude must equal the spread of
the same fit over many Poisson draws of those counts (Monte Carlo, numpy's Poisson generator), and
its amplitude on the noise-free image must be the drawn one. Exit 1 on a mismatch.
"""
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "validation" / "detect"))
import diagnose_tube as dt  # noqa: E402

px = py = 0.15                      # Å
dose = 400.0                        # e/Å²
n = 48
x0, y0, amp = 3.52, 3.31, 0.3       # Å, Å, relative contrast of the column
jj, ii = np.mgrid[0:n, 0:n]
profile = np.exp(-((ii * px - x0) ** 2 + (jj * py - y0) ** 2) / (2 * dt.SIGMA0 ** 2))
expected = dose * px * py * (1.0 + amp * profile)  # counts per pixel
mean = expected.mean()
clean = expected / mean - 1.0
noise = np.sqrt(expected) / mean
a_clean, se = dt.amplitude(clean, noise, px, py, x0, y0)
rng = np.random.default_rng(7)
draws = [dt.amplitude(rng.poisson(expected) / mean - 1.0, noise, px, py, x0, y0)[0] for _ in range(3000)]
spread = float(np.std(draws))
ok = True
# The clean amplitude in units of the normalised image: amp × (1 / mean-normalisation factor).
want = amp * dose * px * py / mean
if abs(a_clean - want) > 1e-6 * want:
    print(f"noise-free amplitude {a_clean:.6g}, want {want:.6g}")
    ok = False
if abs(se / spread - 1) > 0.05:  # 3000 draws: the spread is known to ~1.3 %
    print(f"standard error {se:.5g} against a Monte Carlo spread of {spread:.5g}")
    ok = False
print(f"amplitude {a_clean:.5f} (want {want:.5f}), standard error {se:.5f}, Monte Carlo spread {spread:.5f}, SNR {a_clean / se:.2f}")
sys.exit(0 if ok else 1)
