#!/usr/bin/env python3
"""Every real microscope file of ../shared/realdata against its truth.json.

truth.json was written from independent readers (ncempy, RosettaSciIO/HyperSpy, tifffile, h5py and
the files' own vendor metadata); nanomix's readers are run through realdata_probe (read_movie with
non-images allowed, so that their refusal is visible). Each file must be read with the true image
size, frame count, pixel size in Å (or none when the file has none) and frame time with its kind,
or refused for a stated reason when it is not a real-space image (spectra, diffraction patterns).

With NANOMIX, `nanomix info` must also describe every file (exit 0; the pixel size it prints is
the probe's, or the reciprocal one, or "none"; a refusal is named).

Usage: check_realdata.py REALDATA_PROBE DIR [NANOMIX]   (exit 77 = skipped: DIR absent)
"""
import json
import math
import os
import subprocess
import sys


def close(a, b, rel=2e-4):
    return abs(a - b) <= rel * max(abs(a), abs(b))


def main():
    probe, folder = sys.argv[1], sys.argv[2]
    truth_path = os.path.join(folder, "truth.json")
    if not os.path.isfile(truth_path):
        print(f"SKIP: {truth_path} not found (the real-data folder sits beside the repository in CI)")
        return 77
    with open(truth_path) as f:
        truth = json.load(f)
    if isinstance(truth, dict):
        truth = truth.get("files", list(truth.values()))
    paths = [os.path.join(folder, t["file"]) for t in truth]
    out = subprocess.run([probe] + paths, capture_output=True, text=True, check=True).stdout
    got = {os.path.basename(json.loads(line)["path"]): json.loads(line) for line in out.splitlines()}
    failures = []

    def fail(name, what):
        failures.append(f"{name}: {what}")

    for t in truth:
        name = t["file"]
        g = got.get(name)
        if g is None:
            fail(name, "no result")
            continue
        if not g["ok"]:
            fail(name, "refused as unreadable: " + g["error"])
            continue
        kind = t["kind"].lower()
        not_image = kind.startswith("spectrum") or kind.startswith("diffraction")
        if not_image:
            # Must be recognised and refused for real-space analysis, with a reason naming what it is.
            word = "spectrum" if kind.startswith("spectrum") else "diffraction"
            if word not in g["refusal"]:
                fail(name, f"{word} not refused (refusal: {g['refusal']!r})")
            if g["pixel_source"] == "file":
                fail(name, f"a real-space pixel size {g['pixel_x']} Å was reported for a {word}")
            if "reciprocal_pixel_size" in t:
                if not close(g["reciprocal"], t["reciprocal_pixel_size"], 1e-4):
                    fail(name, f"reciprocal pixel {g['reciprocal']} 1/Å, truth {t['reciprocal_pixel_size']}")
        else:
            if g["refusal"]:
                fail(name, "an image refused: " + g["refusal"])
            for key, ours in (("nx", g["nx"]), ("ny", g["ny"]), ("frames", g["frames"])):
                if ours != t[key]:
                    fail(name, f"{key} = {ours}, truth {t[key]}")
            px = t["pixel_size_angstrom"]
            if px is None:
                if g["pixel_source"] != "unknown":
                    fail(name, f"pixel size {g['pixel_x']} Å from '{g['pixel_source']}', the file has none")
            else:
                py = t.get("pixel_size_y_angstrom", px)
                if g["pixel_source"] != "file" or not close(g["pixel_x"], px) or not close(g["pixel_y"], py):
                    fail(name, f"pixel {g['pixel_x']} x {g['pixel_y']} Å ({g['pixel_source']}), truth {px} x {py}")
        dt = t["frame_time_s"]
        if dt is None:
            if g["frame_time_source"] == "file":
                fail(name, f"frame time {g['frame_time']} s from the file, the file has none")
        else:
            truth_kind = t["frame_time_kind"].split("(")[0].split(";")[0].strip()
            if g["frame_time_source"] != "file" or not close(g["frame_time"], dt, 1e-6):
                fail(name, f"frame time {g['frame_time']} s ({g['frame_time_source']}), truth {dt} s")
            elif not truth_kind.startswith(g["frame_time_kind"]) or not g["frame_time_kind"]:
                fail(name, f"frame time kind '{g['frame_time_kind']}', truth '{truth_kind}'")
        for s in t.get("signals", []):
            if not any(x["name"] == s["title"] and x["nx"] == s["nx"] and x["ny"] == s["ny"] and x["frames"] == s["frames"]
                       for x in g["signals"]):
                fail(name, f"signal {s['title']!r} ({s['nx']} x {s['ny']} x {s['frames']}) not listed: {g['signals']}")
        status = ("refused: " + g["refusal"]) if g["refusal"] else (
            f"{g['nx']} x {g['ny']} x {g['frames']}, pixel {g['pixel_x']:.6g} Å ({g['pixel_source']}), "
            f"frame time {g['frame_time']:.6g} s ({g['frame_time_kind'] or g['frame_time_source']})")
        print(f"{name}: {status}")
    if len(sys.argv) > 3:
        for t in truth:
            name = t["file"]
            r = subprocess.run([sys.argv[3], "info", os.path.join(folder, name)], capture_output=True, text=True)
            g = got.get(name, {})
            if r.returncode != 0:
                fail(name, f"nanomix info exit {r.returncode}: {r.stderr.strip()}")
            elif g.get("refusal") and "not a real-space image: " + g["refusal"] not in r.stdout:
                fail(name, "nanomix info does not say why it is not a real-space image")
            elif g.get("pixel_source") == "file" and f"pixel:  {g['pixel_x']:.6g} × " not in r.stdout:
                fail(name, f"nanomix info pixel line differs from the reader's {g['pixel_x']:.6g}: {r.stdout}")
        print(f"nanomix info described all {len(truth)} files")
    if failures:
        print("\nFAILED:\n  " + "\n  ".join(failures))
        return 1
    print(f"\nall {len(truth)} files agree with truth.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
