#!/usr/bin/env python3
"""Why detection inside a thin nanotube misses columns and finds false ones: per truth column and per
false positive, from a movie of validate_tube.py and nanomix detect's columns.h5 of it.

For every truth column (validate_tube.py's grouping and interior) of every frame:
  * its composition (Na, Cl, I), its distance to the nearest other truth column, its distance from the
    tube axis relative to the tube radius;
  * its contrast in the NOISE-FREE image (`/data/expected_counts`, normalised as nanomix detect does,
    I / mean - 1, polarity of the columns file): the amplitude A of a Gaussian of the detector's
    column width (sigma0 = 0.6 A) at the truth position with a constant background, by linear least
    squares over a disc of --disc A (default 1.8, tube_fit_radius_angstrom: the detector's acceptance
    statistic in a tube, computed on the clean image);
  * its SNR at the movie's dose: A / (standard error of A for Poisson pixel noise), the pixel noise of
    the normalised image being sqrt(E) / mean(E) (E the expected counts; gain 1, no read noise) -
    the matched-filter SNR, i.e. contrast x sqrt(dose x effective area of the column);
  * matched or not (1 A, Hungarian, as validate_tube.py).
For every false positive: distance to the nearest ion and nearest truth column, distance from the axis.

Usage: diagnose_tube.py MOVIE.h5 COLUMNS.h5 [--snr-min 3] [--disc 1.8] [--json OUT]
"""
import argparse
import json
import sys
from pathlib import Path

import h5py
import numpy as np
from scipy.optimize import linear_sum_assignment

sys.path.insert(0, str(Path(__file__).resolve().parent))
import validate_tube as vt  # noqa: E402

SIGMA0 = 0.6
DISC = 1.8  # A: the detector's fit disc in a frame with a tube (tube_fit_radius_angstrom)


def group(xy, z, tol):
    """Projected columns: single linkage within tol; per column the mean position and member indices."""
    n = len(xy)
    parent = np.arange(n)

    def root(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k
    for i in range(n):
        for j in range(i + 1, n):
            if np.hypot(*(xy[i] - xy[j])) <= tol:
                parent[root(i)] = root(j)
    roots = np.array([root(k) for k in range(n)])
    return [np.flatnonzero(roots == r) for r in np.unique(roots)]


def amplitude(img, noise, px, py, x0, y0):
    """Fixed-shape amplitude (Gaussian sigma0 + constant, LS over the disc) and its standard error for
    the per-pixel noise map `noise`: (A, se)."""
    ny, nx = img.shape
    i0, i1 = max(0, int(np.floor((x0 - DISC) / px))), min(nx - 1, int(np.ceil((x0 + DISC) / px)))
    j0, j1 = max(0, int(np.floor((y0 - DISC) / py))), min(ny - 1, int(np.ceil((y0 + DISC) / py)))
    jj, ii = np.mgrid[j0:j1 + 1, i0:i1 + 1]
    r2 = (ii * px - x0) ** 2 + (jj * py - y0) ** 2
    m = r2 <= DISC * DISC
    g = np.exp(-r2[m] / (2 * SIGMA0 ** 2))
    M = np.stack([g, np.ones_like(g)], axis=1)
    d = img[jj[m], ii[m]]
    coef, *_ = np.linalg.lstsq(M, d, rcond=None)
    pinv = np.linalg.pinv(M)  # (2, n)
    se = float(np.sqrt(np.sum(pinv[0] ** 2 * noise[jj[m], ii[m]] ** 2)))
    return float(coef[0]), se


def analyse(movie, columns_file, tol=vt.GROUP_TOL, match=vt.MATCH_RADIUS):
    with h5py.File(movie) as f:
        g = f["ground_truth"]
        pos = g["projected_positions_angstrom"][...]
        zz = g["atomic_numbers"][...]
        inside = g["in_field_of_view"][...].astype(bool)
        expected = f["data/expected_counts/data"][...]  # (nx, ny, T)
        dose = float(f["microscope"].attrs["dose_e_per_angstrom2"])
    with h5py.File(columns_file) as f:
        det = f["columns"][...]
        m = f["movie"].attrs
        nx, ny = int(m["nx"]), int(m["ny"])
        px, py = float(m["pixel_size_x_angstrom"]), float(m["pixel_size_y_angstrom"])
        pol = m["polarity_used"]
        pol = pol.decode() if isinstance(pol, bytes) else str(pol)
    sign = -1.0 if pol == "dark" else 1.0
    lx, ly = (nx - 1) * px, (ny - 1) * py
    zt = zz if zz.ndim == 2 else np.broadcast_to(zz, pos.shape[:2])
    truth_rows, fp_rows = [], []
    for t in range(pos.shape[0]):
        e = expected[:, :, t].T.astype(float)  # (ny, nx): [j, i]
        mean = e.mean()
        img = sign * (e / mean - 1.0)
        noise = np.sqrt(np.maximum(e, 1e-9)) / mean
        xy, z = pos[t][inside[t]], zt[t][inside[t]]
        axis, normal, centre, radius, half = vt.tube_frame(xy[z == 6])

        def where(p):
            d = p - centre
            s, u = np.abs(d @ normal), np.abs(d @ axis)
            border = (p[:, 0] >= vt.EDGE) & (p[:, 0] <= lx - vt.EDGE) & (p[:, 1] >= vt.EDGE) & (p[:, 1] <= ly - vt.EDGE)
            return border & (s <= radius - vt.WALL) & (u <= half - vt.WALL), s
        ions = np.isin(z, vt.ION_Z)
        ixy, iz = xy[ions], z[ions]
        groups = group(ixy, iz, tol)
        cols = np.array([ixy[gm].mean(axis=0) for gm in groups]).reshape(-1, 2)
        keep, s_all = where(cols)
        d_t = det[det[:, 0] == t]
        dint, _ = where(d_t[:, 1:3])
        d_t = d_t[dint]
        ci_keep = np.flatnonzero(keep)
        matched = {}
        if len(ci_keep) and len(d_t):
            dist = np.hypot(d_t[:, None, 1] - cols[None, ci_keep, 0], d_t[:, None, 2] - cols[None, ci_keep, 1])
            cost = np.where(dist <= match, dist, 1e6)
            rr, cc = linear_sum_assignment(cost)
            for r_, c_ in zip(rr, cc):
                if cost[r_, c_] < 1e6:
                    matched[ci_keep[c_]] = (r_, dist[r_, c_])
        for k in ci_keep:
            gm = groups[k]
            others = np.delete(cols, k, axis=0)
            nn = float(np.min(np.hypot(*(others - cols[k]).T))) if len(others) else np.inf
            a, se = amplitude(img, noise, px, py, *cols[k])
            spread = float(np.max(np.hypot(*(ixy[gm] - cols[k]).T)))
            truth_rows.append(dict(frame=t, x=float(cols[k, 0]), y=float(cols[k, 1]),
                                   na=int(np.sum(iz[gm] == 11)), cl=int(np.sum(iz[gm] == 17)), i=int(np.sum(iz[gm] == 53)),
                                   spread=spread, nearest=nn, s_over_r=float(s_all[k] / radius), wall_gap=float(radius - s_all[k]),
                                   contrast=a, snr=a / se if se > 0 else 0.0,
                                   found=k in matched, err=float(matched[k][1]) if k in matched else float("nan"),
                                   det_class=int(d_t[matched[k][0], 4]) if k in matched else -1))
        used = {v[0] for v in matched.values()}
        for r_ in range(len(d_t)):
            if r_ in used:
                continue
            p = d_t[r_, 1:3]
            d_ion = float(np.min(np.hypot(*(ixy - p).T))) if len(ixy) else np.inf
            d_col = float(np.min(np.hypot(*(cols - p).T))) if len(cols) else np.inf
            d_c = float(np.min(np.hypot(*(xy[z == 6] - p).T)))
            s = float(abs((p - centre) @ normal))
            fp_rows.append(dict(frame=t, x=float(p[0]), y=float(p[1]), nearest_ion=d_ion, nearest_column=d_col,
                                nearest_carbon=d_c, s_over_r=s / radius, wall_gap=radius - s, intensity=float(d_t[r_, 3])))
    return dict(dose=dose, polarity=pol, truth=truth_rows, fp=fp_rows)


def summary(res, snr_min=3.0):
    T, F = res["truth"], res["fp"]
    if not T:
        return "no truth columns"
    found = np.array([r["found"] for r in T])
    snr = np.array([r["snr"] for r in T])
    det = snr >= snr_min
    tp, fn = int(found.sum()), int((~found).sum())
    fp = len(F)
    lines = [f"dose {res['dose']:.0f} e/A^2, polarity {res['polarity']}: {len(T)} truth columns, TP {tp} FN {fn} FP {fp}"]
    p, r = tp / max(1, tp + fp), tp / len(T)
    lines.append(f"  P {p:.3f} R {r:.3f} F1 {2 * p * r / max(1e-9, p + r):.3f}")
    lines.append(f"  detectable (SNR >= {snr_min:g} at this dose): {det.sum()} of {len(T)} = {det.mean():.2f}; "
                 f"recall on them {found[det].mean() if det.any() else float('nan'):.3f}, on the rest {found[~det].mean() if (~det).any() else float('nan'):.3f}")
    # F1 restricted to detectable columns: FPs that match an undetectable column within 1 A are not counted
    tp_d = int(found[det].sum())
    p_d, r_d = tp_d / max(1, tp_d + fp), tp_d / max(1, det.sum())
    lines.append(f"  F1 restricted to detectable columns (same FPs): P {p_d:.3f} R {r_d:.3f} F1 {2 * p_d * r_d / max(1e-9, p_d + r_d):.3f}")
    def brk(name, key):
        vals = np.array([key(r) for r in T])
        out = []
        for v in np.unique(vals):
            mm = vals == v
            out.append(f"{v}: {int(found[mm].sum())}/{int(mm.sum())} (SNR med {np.median(snr[mm]):.1f})")
        lines.append(f"  by {name}: " + "; ".join(out))
    brk("ions in column", lambda r: min(r["na"] + r["cl"] + r["i"], 6))
    brk("holds I", lambda r: r["i"] > 0)
    brk("cation/anion", lambda r: "mixed" if r["na"] and (r["cl"] or r["i"]) else ("Na" if r["na"] else "anion"))
    brk("|s|/R", lambda r: f"{min(int(r['s_over_r'] * 5), 4) / 5:.1f}")
    brk("nearest truth col (A)", lambda r: "<1.5" if r["nearest"] < 1.5 else ("<2.4" if r["nearest"] < 2.4 else ">=2.4"))
    brk("member spread (A)", lambda r: "<0.3" if r["spread"] < 0.3 else ("<0.6" if r["spread"] < 0.6 else ">=0.6"))
    errs = np.array([r["err"] for r in T if r["found"]])
    if len(errs):
        lines.append(f"  RMS {100 * np.sqrt(np.mean(errs ** 2)):.1f} pm; matched at > 0.3 A: {int(np.sum(errs > 0.3))}, > 0.5 A: {int(np.sum(errs > 0.5))}")
    if F:
        ni = np.array([r["nearest_ion"] for r in F])
        nc = np.array([r["nearest_column"] for r in F])
        sr = np.array([r["s_over_r"] for r in F])
        lines.append(f"  FP: nearest ion <1 A {int(np.sum(ni < 1))}, 1-2 A {int(np.sum((ni >= 1) & (ni < 2)))}, 2-3 A {int(np.sum((ni >= 2) & (ni < 3)))}, "
                     f">=3 A {int(np.sum(ni >= 3))}; nearest truth column <1.5 A {int(np.sum(nc < 1.5))}; |s|/R > 0.6: {int(np.sum(sr > 0.6))}")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("movie")
    ap.add_argument("columns")
    ap.add_argument("--snr-min", type=float, default=3.0)
    ap.add_argument("--disc", type=float, default=DISC, help="radius (A) of the disc of the SNR statistic")
    ap.add_argument("--json")
    a = ap.parse_args()
    globals()["DISC"] = a.disc
    res = analyse(a.movie, a.columns)
    print(summary(res, a.snr_min))
    if a.json:
        Path(a.json).write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
