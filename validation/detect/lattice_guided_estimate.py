#!/usr/bin/env python3
"""Estimate, not a detector: what a lattice-guided search would add to nanomix detect's columns.

For every detected column with a lattice spacing (/column_spacing_angstrom) and each of its
first-shell neighbours (within 1.2 x the nearest, at most 4), the lattice predicts a site on the
opposite side (2 p_i - p_j); sites with no detection within 1.8 A, inside the tube interior of the
scoring (validate_tube.py) and 1 A from each other are kept. At each site the fixed-shape amplitude
A of diagnose_tube.py (Gaussian sigma 0.6 A + constant, least squares over a 1.8 A disc, NO position
refinement) is measured in the NOISY frame (counts, normalised as detect does, dark polarity), with
its standard error from the Poisson noise of the expected counts; a site is accepted when
A / se >= a threshold. Accepted sites are scored against the truth columns not already matched
(1 A): the F1 the detections would have with them added, per threshold.

Usage: lattice_guided_estimate.py MOVIE.h5 COLUMNS.h5
"""
import sys
from pathlib import Path

import h5py
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import validate_tube as vt  # noqa: E402
import diagnose_tube as dt  # noqa: E402
from scipy.optimize import linear_sum_assignment  # noqa: E402

movie, colsf = sys.argv[1], sys.argv[2]
with h5py.File(movie) as f:
    g = f['ground_truth']; pos = g['projected_positions_angstrom'][...]; zz = g['atomic_numbers'][...]
    inside = g['in_field_of_view'][...].astype(bool)
    counts = f['data/counts/data'][...]; expected = f['data/expected_counts/data'][...]
with h5py.File(colsf) as f:
    det = f['columns'][...]; sp = f['column_spacing_angstrom'][...]
    m = f['movie'].attrs; nx, ny = int(m['nx']), int(m['ny']); px, py = float(m['pixel_size_x_angstrom']), float(m['pixel_size_y_angstrom'])
    lx, ly = (nx-1)*px, (ny-1)*py
zt = zz if zz.ndim == 2 else np.broadcast_to(zz, pos.shape[:2])
base = dict(tp=0, fp=0, fn=0)
cands = []  # (snr, truth-hit?) per frame
for t in range(pos.shape[0]):
    e = expected[:, :, t].T.astype(float); c = counts[:, :, t].T.astype(float)
    mean = c.mean(); img = -(c/mean - 1.0); noise = np.sqrt(np.maximum(e, 1e-9))/e.mean()
    xy, z = pos[t][inside[t]], zt[t][inside[t]]
    axis, normal, centre, radius, half = vt.tube_frame(xy[z == 6])
    def where(p):
        d = p - centre; s, u = np.abs(d @ normal), np.abs(d @ axis)
        border = (p[:, 0] >= vt.EDGE) & (p[:, 0] <= lx - vt.EDGE) & (p[:, 1] >= vt.EDGE) & (p[:, 1] <= ly - vt.EDGE)
        return border & (s <= radius - vt.WALL) & (u <= half - vt.WALL)
    cols, heavy = vt.truth_columns(xy, z); cols = cols[where(cols)]
    idx = np.where(det[:, 0] == t)[0]; d = det[idx, 1:3]
    dint = where(d)
    # base match
    D = np.hypot(d[dint][:, None, 0]-cols[None, :, 0], d[dint][:, None, 1]-cols[None, :, 1]); cost = np.where(D <= 1, D, 1e6)
    r, cc = linear_sum_assignment(cost); ok = cost[r, cc] < 1e6
    matched = set(cc[ok]); base['tp'] += ok.sum(); base['fp'] += dint.sum()-ok.sum(); base['fn'] += len(cols)-ok.sum()
    # predicted sites: for columns with a lattice spacing, mirror of each neighbour within 1.2 x nearest
    sites = []
    for a in range(len(d)):
        if not np.isfinite(sp[idx[a]]): continue
        dd = np.hypot(*(d - d[a]).T); dd[a] = np.inf; o = np.argsort(dd)[:4]
        for b in o:
            if dd[b] > 1.2*dd[o[0]]: continue
            s = 2*d[a] - d[b]
            if np.min(np.hypot(*(d - s).T)) < 1.8: continue
            if sites and np.min(np.hypot(*(np.array(sites) - s).T)) < 1.0: continue
            sites.append(s)
    sites = np.array(sites).reshape(-1, 2)
    if len(sites) == 0: continue
    sites = sites[where(sites)]
    for s in sites:
        A, se = dt.amplitude(img, noise, px, py, *s)
        dtr = np.hypot(*(cols - s).T); k = np.argmin(dtr)
        hit = dtr[k] <= 1.0 and k not in matched
        cands.append((A/se, hit, t, k if hit else -1))
print('base', base, 'F1', 2*base['tp']/(2*base['tp']+base['fp']+base['fn']))
cands.sort(key=lambda x: -x[0])
print('sites', len(cands), 'hits possible', sum(h for _, h, _, _ in cands))
for thr in (1.5, 2.0, 2.5, 3.0):
    used = set(); tp = fp = 0
    for snr, hit, t, k in cands:
        if snr < thr: break
        if hit and (t, k) not in used: tp += 1; used.add((t, k))
        else: fp += 1
    TP, FP, FN = base['tp']+tp, base['fp']+fp, base['fn']-tp
    print(f"thr {thr}: +TP {tp} +FP {fp} -> F1 {2*TP/(2*TP+FP+FN):.3f}")
