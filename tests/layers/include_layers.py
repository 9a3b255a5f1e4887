#!/usr/bin/python3
"""include_layers.py BUILD_DIR SOURCE_DIR: the per-target include directories enforce the layering.

For each library, takes the compile command CMake wrote for one of its real sources
(BUILD_DIR/compile_commands.json), swaps the source for a one-line probe `#include "HEADER"` and
compiles it with -fsyntax-only: headers of a layer the library may use must compile, headers of a
layer it may not use must fail with "HEADER: No such file" (failing for another reason would not
show the rule). Also refuses any `#include "../…"` in the libraries' sources, which would step
around the include directories. Exit 0 when every probe behaves, 1 otherwise.

The rules (DESIGN.md, "Rules of the house"): core depends on nothing of ours; sim, imaging and
topology on core only; app on all (the app reads movies and columns for topology).
"""
import json
import os
import re
import shlex
import subprocess
import sys

# (a real source of the target, header, must compile?)
PROBES = [
    ("core/config.cpp", "core/units.hpp", True),
    ("core/config.cpp", "sim/rocksalt.hpp", False),
    ("core/config.cpp", "imaging/ctf.hpp", False),
    ("core/config.cpp", "topology/lattice.hpp", False),
    ("core/config.cpp", "app/report/html.hpp", False),
    ("sim/rocksalt.cpp", "core/materials.hpp", True),
    ("sim/rocksalt.cpp", "sim/rocksalt.hpp", True),
    ("sim/rocksalt.cpp", "imaging/ctf.hpp", False),
    ("sim/rocksalt.cpp", "topology/lattice.hpp", False),
    ("sim/rocksalt.cpp", "app/report/html.hpp", False),
    ("imaging/ctf.cpp", "core/frame.hpp", True),
    ("imaging/ctf.cpp", "imaging/ctf.hpp", True),
    ("imaging/ctf.cpp", "sim/rocksalt.hpp", False),
    ("imaging/ctf.cpp", "topology/lattice.hpp", False),
    ("imaging/ctf.cpp", "app/report/html.hpp", False),
    ("imaging/detect/preprocess.cpp", "imaging/detect/movie_reader.hpp", True),
    ("imaging/detect/preprocess.cpp", "sim/md_params.hpp", False),
    ("topology/lattice.cpp", "core/frame.hpp", True),
    ("topology/lattice.cpp", "topology/lattice.hpp", True),
    ("topology/lattice.cpp", "sim/rocksalt.hpp", False),
    ("topology/lattice.cpp", "imaging/ctf.hpp", False),
    ("topology/lattice.cpp", "imaging/detect/movie_reader.hpp", False),
    ("topology/lattice.cpp", "app/report/html.hpp", False),
    ("topology/topology_run.cpp", "imaging/detect/movie_reader.hpp", False),
    ("topology/topology_run.cpp", "imaging/ctf.hpp", False),
    ("topology/topology_run.cpp", "sim/rocksalt.hpp", False),
]
LIBRARY_DIRS = ["core", "sim", "imaging", "topology"]


def compile_commands(build):
    with open(os.path.join(build, "compile_commands.json")) as f:
        entries = json.load(f)
    return {os.path.realpath(e["file"]): e for e in entries}


def probe_command(entry, probe_path):
    args = entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])
    source = os.path.realpath(os.path.join(entry["directory"], entry["file"]))
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
            continue
        if a in ("-o", "-MF", "-MT", "-MQ"):
            skip = True
            continue
        if a in ("-MD", "-MMD", "-c"):
            continue
        if os.path.realpath(os.path.join(entry["directory"], a)) == source:
            continue
        out.append(a)
    return out + ["-fsyntax-only", probe_path]


def main():
    build, source = (os.path.realpath(p) for p in sys.argv[1:3])
    commands = compile_commands(build)
    probe_dir = os.path.join(build, "tests", "layers", "probes")
    os.makedirs(probe_dir, exist_ok=True)
    failures = 0
    for i, (src, header, allowed) in enumerate(PROBES):
        entry = commands.get(os.path.realpath(os.path.join(source, src)))
        if entry is None:
            print(f"FAIL {src}: not in compile_commands.json")
            failures += 1
            continue
        probe = os.path.join(probe_dir, f"probe_{i}.cpp")
        with open(probe, "w") as f:
            f.write(f'#include "{header}"\n')
        r = subprocess.run(probe_command(entry, probe), cwd=entry["directory"], capture_output=True, text=True)
        missing = f"{header}: No such file" in r.stderr
        if allowed and r.returncode != 0:
            print(f"FAIL {src} cannot include {header} (allowed):\n{r.stderr.strip()[:600]}")
            failures += 1
        elif not allowed and r.returncode == 0:
            print(f"FAIL {src} can include {header} (forbidden by the layering)")
            failures += 1
        elif not allowed and not missing:
            print(f"FAIL {src}: {header} failed for another reason than not being found:\n{r.stderr.strip()[:600]}")
            failures += 1
        else:
            print(f"ok   {src}: {header} {'compiles' if allowed else 'not found'}")
    relative = re.compile(r'^\s*#\s*include\s*"\.\./')
    for d in LIBRARY_DIRS:
        for dirpath, _, files in os.walk(os.path.join(source, d)):
            for name in files:
                if not name.endswith((".cpp", ".hpp", ".h", ".in")):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, errors="replace") as f:
                    for n, line in enumerate(f, 1):
                        if relative.match(line):
                            print(f"FAIL {os.path.relpath(path, source)}:{n}: an include through '../' steps around the layering")
                            failures += 1
    print(f"{len(PROBES)} probes, {failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
