#!/usr/bin/env python3
"""Detection where the experiment is: ion clusters inside carbon nanotubes, scored inside the tube.

For each tube (n,n), cluster arrangement and per-frame dose, `nanomix build` makes the structure
(MD frame convention: tube axis z), `nanomix image --structure` renders a movie of it viewed along x
(the demo's side view: tube axis horizontal or vertical in the image, beam across the tube), with
the structure repeated for independent Poisson noise per frame, and `nanomix detect` finds the
columns. Scoring, independent of nanomix's own code (h5py, numpy, scipy):

  * truth: the ions (Na, Cl, I; carbon never) of each frame from the movie's own ground truth
    (`/ground_truth/projected_positions_angstrom`, atomic numbers, in-field flags), grouped into
    projected columns by single linkage within GROUP_TOL; a column is heavy when it holds an iodide;
  * the tube interior from the ground truth's carbon: the axis by principal components of the
    projected carbon, the radius from its extent across the axis, the ends from its extent along
    it; a truth column or detection counts when it lies within R - WALL of the axis and between the
    tube's ends (so that the side walls, which are only carbon, are out of the score; carbon of the
    front and back walls projects onto the interior and a detection there is a false positive);
  * detections OUTSIDE the tube (beyond R + WALL from the axis or beyond the ends) are counted
    separately as "vacuum" detections (the goal: none);
  * one-to-one matching within MATCH_RADIUS (1 Å, as in issue 11), optimal assignment (Hungarian,
    scipy.optimize.linear_sum_assignment);
  * precision, recall, F1, RMS position error (pm) over matched pairs; heavy-class precision (of
    matched detections classed heavy, the fraction whose truth column holds I) and recall (of
    matched truth columns holding I, the fraction classed heavy); class accuracy over matched pairs.

Usage: validate_tube.py NANOMIX WORKDIR [--full] [--results FILE.md] [--detect-ini EXTRA] [--require-classes]
                       [--tubes 10,15] [--arrangements heterostructure,disordered] [--doses 400] [--seed 3]
Exit status 1 when a crystalline cluster misses the goal at the demo dose (F1 >= 0.9, RMS <= 20 pm,
no detections in vacuum; with --require-classes also heavy precision and recall >= 0.85: met in the
quick run, random_mixed only just (heavy P 0.853 on the envelope images) — validation/detect/RESULTS.md)
in the default (quick) run or a subset run. (10,10) cannot meet F1 >= 0.9 at 400 e/A^2: half its
columns are single ions below SNR 3 (diagnose_tube.py; RESULTS.md, "Thin tubes").
"""
import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np
from scipy.optimize import linear_sum_assignment

sys.path.insert(0, str(Path(__file__).resolve().parent))
import validate_detect  # noqa: E402  (same folder)

GROUP_TOL = 0.8     # Å: jittered atoms of one projected column (rock-salt column spacing >= 2.8 Å)
MATCH_RADIUS = 1.0  # Å
WALL = 2.0          # Å: interior = within R - WALL of the axis; vacuum = beyond R + WALL or the ends
EDGE = 1.5          # Å: border strip left out (edge_margin_angstrom = 1)
ION_Z = (11, 17, 53)
DEMO_DOSE = 400.0

# Ion pairs that fill about half of a 60 Å tube of each size (inner radius R - 3 Å).
PAIRS = {10: 24, 12: 40, 15: 70, 18: 110, 20: 150}


def structure_ini(n, arrangement, seed):
    jitter = "position_jitter_angstrom = 0.7\n" if arrangement == "disordered" else ""
    arr = "random_mixed" if arrangement == "disordered" else arrangement
    return (f"[structure]\nkind = tube_cluster\ntube_n = {n}\ntube_m = {n}\ntube_length_angstrom = 60\n"
            f"ion_pairs = {PAIRS[n]}\niodide_fraction = 0.5\narrangement = {arr}\nseed = {seed}\n{jitter}")


def run(cmd):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"command failed ({r.returncode}): {' '.join(map(str, cmd))}\n{r.stderr}")
    return r


def truth_columns(xy, z):
    # The projected columns of validate_detect.py, with this script's grouping tolerance.
    return validate_detect.truth_columns(xy, z, tol=GROUP_TOL)


def tube_frame(carbon):
    """Axis (unit vector), centre, radius and half-length of the projected tube, from its carbon."""
    c = carbon.mean(axis=0)
    w, v = np.linalg.eigh(np.cov((carbon - c).T))
    axis = v[:, np.argmax(w)]
    normal = np.array([-axis[1], axis[0]])
    s = (carbon - c) @ normal
    t = (carbon - c) @ axis
    centre = c + normal * 0.5 * (s.max() + s.min()) + axis * 0.5 * (t.max() + t.min())
    return axis, normal, centre, 0.5 * (s.max() - s.min()), 0.5 * (t.max() - t.min())


def score(movie, columns_file):
    with h5py.File(movie) as f:
        g = f["ground_truth"]
        pos = g["projected_positions_angstrom"][...]
        zz = g["atomic_numbers"][...]
        inside_fov = g["in_field_of_view"][...].astype(bool) if "in_field_of_view" in g else np.ones(pos.shape[:2], bool)
    with h5py.File(columns_file) as f:
        det = f["columns"][...]
        m = f["movie"].attrs
        nx, ny = int(m["nx"]), int(m["ny"])
        px, py = float(m["pixel_size_x_angstrom"]), float(m["pixel_size_y_angstrom"])
        split = int(m["classes_split"]) if "classes_split" in m else -1
    lx, ly = (nx - 1) * px, (ny - 1) * py
    zt = zz if zz.ndim == 2 else np.broadcast_to(zz, pos.shape[:2])  # per-frame species when the file has them
    tp = fp = fn = vac = 0
    err2 = []
    hh = hl = lh = ll = 0  # (detected class, truth) heavy/light counts over matched pairs
    for t in range(pos.shape[0]):
        xy, z = pos[t][inside_fov[t]], zt[t][inside_fov[t]]
        axis, normal, centre, radius, half = tube_frame(xy[z == 6])

        def where(p):
            d = p - centre
            s, u = np.abs(d @ normal), np.abs(d @ axis)
            border = (p[:, 0] >= EDGE) & (p[:, 0] <= lx - EDGE) & (p[:, 1] >= EDGE) & (p[:, 1] <= ly - EDGE)
            interior = border & (s <= radius - WALL) & (u <= half - WALL)
            vacuum = border & ((s > radius + WALL) | (u > half + WALL))
            return interior, vacuum
        cols, heavy = truth_columns(xy, z)
        keep, _ = where(cols)
        cols, heavy = cols[keep], heavy[keep]
        d_t = det[det[:, 0] == t]
        interior, vacuum = where(d_t[:, 1:3])
        vac += int(vacuum.sum())
        d_t = d_t[interior]
        if len(cols) == 0 or len(d_t) == 0:
            fp += len(d_t)
            fn += len(cols)
            continue
        dist = np.hypot(d_t[:, None, 1] - cols[None, :, 0], d_t[:, None, 2] - cols[None, :, 1])
        cost = np.where(dist <= MATCH_RADIUS, dist, 1e6)
        rows, ci = linear_sum_assignment(cost)
        ok = cost[rows, ci] < 1e6
        rows, ci = rows[ok], ci[ok]
        tp += len(rows)
        fp += len(d_t) - len(rows)
        fn += len(cols) - len(rows)
        err2.extend(dist[rows, ci] ** 2)
        dh = d_t[rows, 4] == 1
        th = heavy[ci]
        hh += int(np.sum(dh & th))
        hl += int(np.sum(dh & ~th))
        lh += int(np.sum(~dh & th))
        ll += int(np.sum(~dh & ~th))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return dict(tp=tp, fp=fp, fn=fn, vacuum=vac, precision=p, recall=r, f1=2 * p * r / (p + r) if p + r else 0.0,
                rms_pm=100 * float(np.sqrt(np.mean(err2))) if err2 else float("nan"),
                heavy_precision=hh / (hh + hl) if hh + hl else float("nan"),
                heavy_recall=hh / (hh + lh) if hh + lh else float("nan"),
                class_accuracy=(hh + ll) / (hh + hl + lh + ll) if hh + hl + lh + ll else float("nan"),
                classes_split=split)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("nanomix")
    ap.add_argument("workdir")
    ap.add_argument("--full", action="store_true", help="all tubes, arrangements and doses (slow)")
    ap.add_argument("--results", help="write the Markdown table here")
    ap.add_argument("--detect-ini", default="", help="extra [detect] lines (e.g. 'tube = off')")
    ap.add_argument("--frames", type=int, default=0)
    ap.add_argument("--tubes", default="", help="comma-separated n of the (n,n) tubes to run (default: the mode's)")
    ap.add_argument("--arrangements", default="", help="comma-separated clusters to run (default: the mode's)")
    ap.add_argument("--seed", type=int, default=3, help="structure seed (3: the tables of RESULTS.md)")
    ap.add_argument("--doses", default="", help="comma-separated doses in e/Å² (default: the mode's)")
    ap.add_argument("--temporal-coherence", default="",
                    help="[imaging] temporal_coherence of the movies (default: nanomix's default, the defocus sum)")
    ap.add_argument("--require-classes", action="store_true",
                    help="also fail on heavy-class precision/recall < 0.85 (random_mixed (20,20): heavy P 0.85, just met: validation/detect/RESULTS.md)")
    a = ap.parse_args()
    work = Path(a.workdir)
    work.mkdir(parents=True, exist_ok=True)
    if a.full:
        tubes, doses = [10, 15, 20], [100.0, 400.0, 1000.0, 4000.0]
        arrangements = ["heterostructure", "random_mixed", "disordered"]
        frames = a.frames or 3
    else:
        tubes, doses, arrangements, frames = [20], [DEMO_DOSE], ["heterostructure", "random_mixed"], a.frames or 2
    tubes = [int(v) for v in a.tubes.split(",")] if a.tubes else tubes
    arrangements = a.arrangements.split(",") if a.arrangements else arrangements
    doses = [float(v) for v in a.doses.split(",")] if a.doses else doses
    detect_ini = work / "detect.ini"
    detect_ini.write_text("[detect]\nmin_separation_angstrom = 2.4\n" + a.detect_ini.replace("\\n", "\n") + "\n")
    rows, failures = [], []
    for n in tubes:
        for arr in arrangements:
            tag = f"t{n}_{arr}" + (f"_s{a.seed}" if a.seed != 3 else "")
            ini = structure_ini(n, arr, seed=a.seed)
            cfg = work / f"{tag}.ini"
            cfg.write_text(ini)
            xyz = work / f"{tag}.xyz"
            run([a.nanomix, "build", "--config", cfg, "--out", xyz, "--quiet"])
            xyz_n = work / f"{tag}_x{frames}.xyz"
            xyz_n.write_text(xyz.read_text() * frames)
            for dose in doses:
                # Named by every imaging setting, so a movie made with other settings is never reused.
                movie = work / f"{tag}_{int(dose)}_{a.temporal_coherence or 'default'}_x{frames}.h5"
                if not movie.exists():
                    icfg = work / f"{tag}_{int(dose)}_image.ini"
                    icfg.write_text(ini + f"[imaging]\nprojection_axis = x\npixel_size_angstrom = 0.15\n"
                                    f"dose_e_per_angstrom2 = {dose}\n"
                                    + (f"temporal_coherence = {a.temporal_coherence}\n" if a.temporal_coherence else ""))
                    run([a.nanomix, "image", "--config", icfg, "--structure", xyz_n, "--out", movie, "--quiet"])
                cols = work / f"{tag}_{int(dose)}_columns.h5"
                t0 = time.perf_counter()
                run([a.nanomix, "detect", "--config", detect_ini, "--movie", movie, "--out", cols, "--quiet"])
                s = score(movie, cols)
                s.update(tube=f"({n},{n})", arrangement=arr, dose=dose, detect_s=time.perf_counter() - t0)
                rows.append(s)
                print(f"({n},{n}) {arr:16s} dose {dose:6.0f}  P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f} "
                      f"RMS {s['rms_pm']:5.1f} pm  TP {s['tp']} FP {s['fp']} FN {s['fn']} vacuum {s['vacuum']}  "
                      f"heavy P {s['heavy_precision']:.2f} R {s['heavy_recall']:.2f} acc {s['class_accuracy']:.2f} "
                      f"split {s['classes_split']}  ({s['detect_s']:.1f} s)", flush=True)
                if arr != "disordered" and dose == DEMO_DOSE:
                    bad = []
                    if s["f1"] < 0.9:
                        bad.append(f"F1 {s['f1']:.3f}")
                    if not s["rms_pm"] <= 20:
                        bad.append(f"RMS {s['rms_pm']:.1f} pm")
                    if a.require_classes and not (s["heavy_precision"] >= 0.85 and s["heavy_recall"] >= 0.85):
                        bad.append(f"heavy P/R {s['heavy_precision']:.2f}/{s['heavy_recall']:.2f}")
                    if s["vacuum"]:
                        bad.append(f"{s['vacuum']} detections in vacuum")
                    if bad:
                        failures.append(f"({n},{n}) {arr} at {dose:.0f} e/Å²: " + ", ".join(bad))
    (work / "results.json").write_text(json.dumps(rows, indent=1))
    if a.results:
        lines = ["| tube | cluster | dose (e/Å²) | precision | recall | F1 | RMS (pm) | TP / FP / FN | in vacuum | classes split | heavy P | heavy R | class acc. |",
                 "|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|"]
        for s in rows:
            lines.append(f"| {s['tube']} | {s['arrangement']} | {s['dose']:.0f} | {s['precision']:.3f} | {s['recall']:.3f} | "
                         f"{s['f1']:.3f} | {s['rms_pm']:.1f} | {s['tp']} / {s['fp']} / {s['fn']} | {s['vacuum']} | "
                         f"{'yes' if s['classes_split'] == 1 else 'no'} | "
                         f"{s['heavy_precision']:.2f} | {s['heavy_recall']:.2f} | {s['class_accuracy']:.2f} |")
        Path(a.results).write_text("\n".join(lines) + "\n")
    for f in failures:
        print("GOAL MISSED:", f)
    return 1 if failures and not a.full else 0


if __name__ == "__main__":
    sys.exit(main())
