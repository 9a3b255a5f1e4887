#!/usr/bin/python3
"""The attack table (issue 16, item 8): hostile and extreme inputs against every nanomix command.

Three families, every case classified by what the process did:
  keys   every config key every command reads (taken from `nanomix CMD --help`, so a new key is
         attacked without editing this file) set on the command line to values its declaration
         forbids: below the minimum, above the maximum, NaN, inf, text for a number, an unknown
         choice. Each is invalid by construction: the only right outcome is exit 2 with one line.
         --full adds the boundary values themselves (valid): exit 0 or a one-line refusal (exit 2,
         e.g. a memory cap) are right; a crash or a time-out is not.
  files  nanomix's own outputs (movie, columns, diagrams, comparison, trajectory) with bytes
         flipped at random offsets, fed to the commands that read them and to `nanomix info`:
         exit 0 (a flip in unused bytes) or exit 2 with one line are right.
  paths  output paths with spaces, '$', '#', quotes, a newline and a LAMMPS `shell` command
         (md and build): exit 0 and the file exactly where asked, or exit 2 with one line.

A crash (signal), a time-out, exit 1 (an internal error) or more than one stderr line on bad
input are findings; so is exit 0 on an invalid key value ("silent exit 0").

Usage: validation/attack/attack.py NANOMIX [--full] [--out RESULTS.md] [--timeout S]
Default: invalid key values, 4 flips per file, 30 s per case (about 2-4 minutes on 2 cores).
--full: + boundary values, 24 flips per file, 120 s per case.
"""
import argparse
import collections
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

COMMANDS = ["build", "md", "image", "detect", "topology", "compare", "run"]
KEY_LINE = re.compile(r"^  ([a-z0-9_]+) = (.*?)  \((integer|real|choice|text|path|boolean|list)(?:: (.*))?\)$")
SECTION_LINE = re.compile(r"^\[([a-z]+)\]")

SMALL = """[structure]
tube_n = 10
tube_m = 10
tube_length_angstrom = 24
ion_pairs = 8
seed = 3
[md]
mechanism = thermal
melt_ps = 0
frames = 3
frame_interval_ps = 0.02
[imaging]
pixel_size_angstrom = 0.2
[compare]
permutations = 19
"""


def run(cmd, cwd, timeout):
    """(outcome, seconds, stderr): outcome is 'exit N', 'signal NAME' or 'timeout'."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        _, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        return "timeout", time.monotonic() - t0, ""
    dt = time.monotonic() - t0
    err = err.decode("utf-8", "replace")
    if p.returncode < 0:
        return "signal " + signal.Signals(-p.returncode).name, dt, err
    return "exit %d" % p.returncode, dt, err


def keys_of(nanomix, command):
    """[(section, key, kind, spec)] from the command's --help."""
    out = subprocess.run([nanomix, command, "--help"], capture_output=True, text=True).stdout
    keys, section = [], None
    for line in out.splitlines():
        m = SECTION_LINE.match(line)
        if m:
            section = m.group(1)
            continue
        m = KEY_LINE.match(line)
        if m and section:
            keys.append((section, m.group(1), m.group(3), m.group(4) or ""))
    return keys


def number(text):
    return float(text.replace("+", ""))


def invalid_values(kind, spec):
    """Values the key's declaration forbids."""
    if kind in ("integer", "real"):
        lo, hi = [number(v) for v in re.match(r"(\S+) … (\S+)", spec).groups()]
        vals = ["nan", "inf", "-inf", "abc", ""]
        if kind == "integer":
            vals += ["1.5", "%d" % (int(lo) - 1), "%d" % (int(hi) + 1) if hi < 1e18 else "99999999999999999999"]
        else:
            vals += [repr(lo - max(abs(lo), 1.0)), repr(hi * 10 if hi > 0 else hi + 1)]
        return vals
    if kind == "choice":
        return ["no_such_choice", ""]
    if kind == "boolean":
        return ["maybe"]
    return []


def boundary_values(kind, spec):
    if kind in ("integer", "real"):
        lo, hi = re.match(r"(\S+) … (\S+)", spec).groups()
        return [lo, hi.replace("+", "")]
    return []


def command_line(command, inputs, out):
    """The command's required arguments on the prepared inputs."""
    c = {"build": ["--out", out + ".xyz"],
         "md": ["--out", out + ".h5"],
         "image": ["--structure", inputs["structure"], "--out", out + ".emd"],
         "detect": ["--movie", inputs["movie"], "--out", out + ".h5"],
         "topology": ["--structure", inputs["structure"], "--out", out + ".h5"],
         "compare": ["--simulated", inputs["diagrams"], "--experimental", inputs["diagrams"], "--out", out + ".h5"],
         "run": ["--out", out + "_run"]}
    return [command, "--config", inputs["config"], "--quiet"] + c[command]


def prepare(nanomix, work):
    """Small valid inputs, made once: config, structure, trajectory, movie, columns, diagrams, comparison."""
    cfg = os.path.join(work, "small.ini")
    open(cfg, "w").write(SMALL)
    f = {"config": cfg}
    steps = [("structure", ["build", "--out", "s.xyz"]),
             ("trajectory", ["md", "--out", "t.h5"]),
             ("movie", ["image", "--trajectory", "t.h5", "--out", "m.emd"]),
             ("columns", ["detect", "--movie", "m.emd", "--out", "c.h5"]),
             ("diagrams", ["topology", "--trajectory", "t.h5", "--out", "d.h5"]),
             ("comparison", ["compare", "--simulated", "d.h5", "--experimental", "d.h5", "--out", "cmp.h5"])]
    for name, args in steps:
        r = subprocess.run([nanomix] + args[:1] + ["--config", cfg, "--quiet"] + args[1:], cwd=work,
                           capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit("attack: preparing %s failed: %s" % (name, r.stderr.strip()))
        f[name] = os.path.join(work, args[-1])
    return f


def judge_invalid(outcome, err):
    lines = [l for l in err.splitlines() if l.strip()]
    if outcome == "exit 2" and len(lines) == 1:
        return "ok"
    if outcome == "exit 0":
        return "silent exit 0"
    if outcome == "exit 2":
        return "%d stderr lines" % len(lines)
    return outcome


def judge_tolerant(outcome, err):
    """exit 0, or exit 2 with one line."""
    lines = [l for l in err.splitlines() if l.strip() and "warning" not in l]
    if outcome == "exit 0" or (outcome == "exit 2" and len(lines) == 1):
        return "ok"
    if outcome == "exit 2":
        return "%d stderr lines" % len(lines)
    return outcome


def flip(src, dst, rng, count):
    data = bytearray(open(src, "rb").read())
    for _ in range(count):
        i = rng.randrange(len(data))
        data[i] ^= 1 << rng.randrange(8)
    open(dst, "wb").write(bytes(data))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("nanomix")
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--out", help="write the table (markdown) here")
    ap.add_argument("--timeout", type=float)
    a = ap.parse_args()
    nanomix = os.path.abspath(a.nanomix)
    timeout = a.timeout or (120 if a.full else 30)
    flips = 24 if a.full else 4
    work = tempfile.mkdtemp(prefix="nanomix_attack_")
    os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
    os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
    cases = []  # (family, command, case, outcome, seconds, verdict, stderr)
    try:
        inputs = prepare(nanomix, work)
        # keys
        for command in COMMANDS:
            for section, key, kind, spec in keys_of(nanomix, command):
                values = [(v, True) for v in invalid_values(kind, spec)]
                if a.full and command not in ("md", "run"):  # boundary runs of MD are long by request
                    values += [(v, False) for v in boundary_values(kind, spec)]
                for value, invalid in values:
                    out = os.path.join(work, "o")
                    for leftover in (out + ".xyz", out + ".h5", out + ".emd"):
                        if os.path.exists(leftover):
                            os.remove(leftover)
                    shutil.rmtree(out + "_run", ignore_errors=True)
                    args = command_line(command, inputs, out) + ["--%s.%s=%s" % (section, key, value)]
                    outcome, dt, err = run([nanomix] + args, work, timeout)
                    verdict = judge_invalid(outcome, err) if invalid else judge_tolerant(outcome, err)
                    cases.append(("keys" if invalid else "boundary", command, "%s.%s=%s" % (section, key, value),
                                  outcome, dt, verdict, err.strip()))
        # files
        rng = random.Random(16)
        readers = {"movie": [["info"], ["detect", "--config", inputs["config"], "--quiet", "--out", "x.h5", "--movie"],
                             ["topology", "--config", inputs["config"], "--quiet", "--out", "x.h5", "--movie"]],
                   "columns": [["info"], ["topology", "--config", inputs["config"], "--quiet", "--out", "x.h5", "--columns"]],
                   "diagrams": [["info"], ["compare", "--config", inputs["config"], "--quiet", "--out", "x.h5",
                                           "--experimental", inputs["diagrams"], "--simulated"]],
                   "comparison": [["info"]],
                   "trajectory": [["info"], ["image", "--config", inputs["config"], "--quiet", "--out", "x.emd", "--trajectory"],
                                  ["topology", "--config", inputs["config"], "--quiet", "--out", "x.h5", "--trajectory"]]}
        for kind, commands in readers.items():
            for k in range(flips):
                bad = os.path.join(work, "flip_%s_%d%s" % (kind, k, os.path.splitext(inputs[kind])[1]))
                flip(inputs[kind], bad, rng, 1 + k % 8)
                for c in commands:
                    outcome, dt, err = run([nanomix] + c + [bad], work, timeout)
                    cases.append(("files", c[0], "%s, %d flipped bit(s), #%d" % (kind, 1 + k % 8, k), outcome, dt,
                                  judge_tolerant(outcome, err), err.strip()))
        # paths
        for name in ["a b", "a$HOME", "a#b", "a'b\"c", "a\nshell touch PWNED", "a;b", "-dash"]:
            for command in ("build", "md"):
                d = os.path.join(work, "paths")
                os.makedirs(d, exist_ok=True)
                target = os.path.join(d, name + (".xyz" if command == "build" else ".h5"))
                args = [command, "--config", inputs["config"], "--quiet", "--out", target]
                outcome, dt, err = run([nanomix] + args, d, timeout)
                verdict = judge_tolerant(outcome, err)
                if outcome == "exit 0" and not os.path.isfile(target):
                    verdict = "exit 0 but no file at the path"
                if os.path.exists(os.path.join(d, "PWNED")) or os.path.exists(os.path.join(work, "PWNED")):
                    verdict = "COMMAND RAN"
                cases.append(("paths", command, repr(name), outcome, dt, verdict, err.strip()))
                shutil.rmtree(d, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(cases, a, timeout, flips)
    return 0 if all(c[5] == "ok" for c in cases) else 1


def report(cases, a, timeout, flips):
    lines = ["| family | cases | ok | silent exit 0 | exit 1 | signal | time-out | other | slowest (s) |",
             "|---|---|---|---|---|---|---|---|---|"]
    by = collections.OrderedDict()
    for c in cases:
        by.setdefault(c[0], []).append(c)
    for fam, cs in by.items():
        n = collections.Counter()
        for c in cs:
            v = c[5]
            n["ok" if v == "ok" else "silent" if v == "silent exit 0" else "exit1" if c[3] == "exit 1" else
              "signal" if c[3].startswith("signal") else "timeout" if c[3] == "timeout" else "other"] += 1
        lines.append("| %s | %d | %d | %d | %d | %d | %d | %d | %.1f |" % (
            fam, len(cs), n["ok"], n["silent"], n["exit1"], n["signal"], n["timeout"], n["other"], max(c[4] for c in cs)))
    findings = [c for c in cases if c[5] != "ok"]
    text = "\n".join(lines) + "\n"
    text += "\n%d cases (%s; %g s per case, %d flips per file); %d findings.\n" % (
        len(cases), "--full" if a.full else "default", timeout, flips, len(findings))
    for c in findings:
        text += "- %s / %s / %s: %s, %s — %s\n" % (c[0], c[1], c[2].replace("\n", "\\n"), c[3], c[5],
                                                 c[6].replace("\n", " ⏎ ")[:300])
    print(text)
    if a.out:
        open(a.out, "w").write(text)


if __name__ == "__main__":
    sys.exit(main())
