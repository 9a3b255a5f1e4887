#!/usr/bin/python3
"""h5_same.py [--scaled-ulps N] OLD.h5 NEW.h5: are two nanomix output files the same, dataset by dataset?

Prints one verdict line ("same" or "DIFFERENT", then up to 20 lines naming what differs) and exits
0 when the files are the same, 1 when they differ, 2 when one cannot be read.

Same means: the same groups and datasets; every dataset with the same dtype, shape and values
(bit for bit, NaN equal to NaN); every attribute with the same value, except the ones in IGNORED
below, which legitimately differ between two runs or two builds. Text datasets named
CONFIG_DATASET (the resolved INI config each stage stores) are compared as section.key = value
maps, comments ignored: a key only the NEW file has is allowed (a refactor may add a key with a
default that changes nothing) and reported; a key missing from NEW or with another value differs.

--scaled-ulps N relaxes "bit for bit" for floating-point values: |old - new| may reach N
units in the last place of the dataset's largest magnitude (N * eps * max|old|). For the 3D alpha
diagrams, whose values two runs of one binary reproduce only to a few ulps (docs/topology.md,
"Reproducibility"); floating-point attributes too (persistence-image ranges derive from the
diagrams); integers, text and shapes stay exact.
"""
import sys

import h5py
import numpy as np

# (object path, attribute name) pairs that may differ; "*" as the path matches any object.
IGNORED = [
    ("/microscope", "render_seconds"),  # wall-clock seconds of the render
    ("/microscope", "threads"),  # threads the render ran on
    ("/microscope", "mpi_ranks"),  # ranks the render ran on
    ("/", "creator"),  # "nanomix <version>" / "nanomix detect"
    ("*", "nanomix_version"),  # version string
    ("*", "git_commit"),  # commit string (if a build stamps one)
    ("*", "created"),  # timestamps (if a writer stamps one)
    ("*", "timestamp"),
    ("*", "wall_seconds"),
    ("*", "elapsed_seconds"),
]
CONFIG_DATASET = "config"  # /parameters/config


def ignored(path, name):
    return any((p == "*" or p == path) and n == name for p, n in IGNORED)


def as_text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray) and value.dtype.kind == "O" and value.shape == ():
        return as_text(value[()])
    return value if isinstance(value, str) else None


def same_values(a, b, scaled_ulps=0):
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype.kind == "f" and scaled_ulps > 0 and a.size:
        finite = np.isfinite(a)
        if not np.array_equal(finite, np.isfinite(b)) or not np.array_equal(a[~finite], b[~finite], equal_nan=True):
            return False
        scale = float(np.max(np.abs(a[finite]))) if finite.any() else 0.0
        return bool(np.all(np.abs(a[finite].astype(float) - b[finite].astype(float)) <= scaled_ulps * np.finfo(a.dtype).eps * scale))
    if a.dtype.kind == "f":
        # Bit for bit, except that every NaN equals every NaN.
        both_nan = np.isnan(a) & np.isnan(b)
        return bool(np.all((a.view(f"u{a.dtype.itemsize}") == b.view(f"u{b.dtype.itemsize}")) | both_nan))
    if a.dtype.kind == "O":
        return [as_text(x) if as_text(x) is not None else x for x in a.ravel()] == \
               [as_text(x) if as_text(x) is not None else x for x in b.ravel()]
    return bool(np.array_equal(a, b))


def config_map(text):
    section, keys = "", {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
        elif "=" in line:
            k, v = line.split("=", 1)
            keys[f"{section}.{k.strip()}"] = v.strip()
    return keys


def describe_first_difference(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype != b.dtype:
        return f"dtype {a.dtype} vs {b.dtype}"
    if a.shape != b.shape:
        return f"shape {a.shape} vs {b.shape}"
    if a.dtype.kind in "fiu" and a.size:
        differ = ~((a == b) | (np.isnan(a) & np.isnan(b)) if a.dtype.kind == "f" else (a == b))
        idx = np.argwhere(differ)
        first = tuple(int(i) for i in idx[0]) if idx.size else ()
        extra = ""
        if a.dtype.kind == "f":
            with np.errstate(invalid="ignore"):
                extra = f", max |diff| {float(np.nanmax(np.abs(a.astype(float) - b.astype(float)))):.3g}"
        return f"{int(differ.sum())} of {a.size} values differ (first at {first}: {a[first]!r} vs {b[first]!r}{extra})"
    return "values differ"


def compare(old_path, new_path, scaled_ulps=0):
    problems, notes, counts = [], [], {"datasets": 0, "attributes": 0, "ignored": 0}
    with h5py.File(old_path, "r") as fa, h5py.File(new_path, "r") as fb:
        objects_a, objects_b = {"/": fa}, {"/": fb}
        fa.visititems(lambda n, o: objects_a.__setitem__("/" + n, o))
        fb.visititems(lambda n, o: objects_b.__setitem__("/" + n, o))
        for path in sorted(set(objects_a) - set(objects_b)):
            problems.append(f"{path}: only in OLD")
        for path in sorted(set(objects_b) - set(objects_a)):
            problems.append(f"{path}: only in NEW")
        for path in sorted(set(objects_a) & set(objects_b)):
            oa, ob = objects_a[path], objects_b[path]
            if isinstance(oa, h5py.Dataset) != isinstance(ob, h5py.Dataset):
                problems.append(f"{path}: a dataset in one file, a group in the other")
                continue
            if isinstance(oa, h5py.Dataset):
                counts["datasets"] += 1
                va, vb = oa[()], ob[()]
                ta, tb = as_text(va), as_text(vb)
                if path.rsplit("/", 1)[-1] == CONFIG_DATASET and ta is not None and tb is not None:
                    ma, mb = config_map(ta), config_map(tb)
                    for k in sorted(ma):
                        if k not in mb:
                            problems.append(f"{path}: key {k} only in OLD")
                        elif ma[k] != mb[k]:
                            problems.append(f"{path}: {k} = {ma[k]!r} in OLD, {mb[k]!r} in NEW")
                    for k in sorted(set(mb) - set(ma)):
                        notes.append(f"{path}: new key {k} = {mb[k]!r}")
                elif not same_values(va, vb, scaled_ulps):
                    problems.append(f"{path}: {describe_first_difference(va, vb)}")
            names = set(oa.attrs) | set(ob.attrs)
            for name in sorted(names):
                if ignored(path, name):
                    counts["ignored"] += 1
                    continue
                counts["attributes"] += 1
                if name not in oa.attrs or name not in ob.attrs:
                    problems.append(f"{path}@{name}: only in {'NEW' if name in ob.attrs else 'OLD'}")
                elif not same_values(oa.attrs[name], ob.attrs[name], scaled_ulps):
                    problems.append(f"{path}@{name}: {oa.attrs[name]!r} vs {ob.attrs[name]!r}")
    return problems, notes, counts


def main():
    args, scaled_ulps = sys.argv[1:], 0
    if len(args) == 4 and args[0] == "--scaled-ulps":
        scaled_ulps, args = int(args[1]), args[2:]
    if len(args) != 2:
        print("usage: h5_same.py [--scaled-ulps N] OLD.h5 NEW.h5", file=sys.stderr)
        return 2
    old_path, new_path = args
    label = new_path.rsplit("/", 1)[-1]
    try:
        problems, notes, counts = compare(old_path, new_path, scaled_ulps)
    except (OSError, KeyError) as e:
        print(f"UNREADABLE {label}: {e}")
        return 2
    summary = f"{counts['datasets']} datasets, {counts['attributes']} attributes compared, {counts['ignored']} ignored"
    if scaled_ulps:
        summary += f"; floats to {scaled_ulps} ulps of each dataset's largest value"
    if problems:
        print(f"DIFFERENT  {label}: {len(problems)} difference(s); {summary}")
        for p in problems[:20]:
            print(f"    {p}")
        if len(problems) > 20:
            print(f"    … and {len(problems) - 20} more")
    else:
        print(f"same       {label}: {summary}")
    for n in notes:
        print(f"    note: {n}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
