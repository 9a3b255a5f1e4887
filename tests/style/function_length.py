#!/usr/bin/env python3
"""function_length.py ROOT [--max N]: no function in nanomix's sources (core, sim, imaging,
topology, app) is longer than N lines (default 80, signature to closing brace) unless the line
just above its signature, or a comment line in the block just above it, starts with `// Long:`
and says why (issue 17: "no function over 80 lines without a reason written beside it").

A function here is a definition that starts at column 0 (nanomix does not indent namespaces) and
whose body opens with `{`; lambdas and member functions defined inside a class body count towards
the function or class around them. Prints every offender as FILE:LINE NAME LENGTH and exits 1 if
there is any.
"""
import os
import re
import sys

SIGNATURE = re.compile(r"^(?!namespace\b|class\b|struct\b|enum\b|union\b|using\b|template\b|extern\b|static_assert\b|return\b)"
                       r"[A-Za-z_][\w:<>,\s\*&~\[\]]*?\b([\w:~]+(?:operator\S+)?)\s*\(")


def functions(lines):
    """(start line index, name, length) of every column-0 function definition."""
    i = 0
    while i < len(lines):
        m = SIGNATURE.match(lines[i])
        if not m or lines[i].rstrip().endswith(";"):
            i += 1
            continue
        # The body opens on this line or a later one, before any ';' that would end a declaration.
        j = i
        while j < len(lines) and "{" not in lines[j] and not lines[j].rstrip().endswith(";"):
            j += 1
        if j >= len(lines) or "{" not in lines[j]:
            i = j + 1
            continue
        depth, k = 0, j
        while k < len(lines):
            code = re.sub(r'"(\\.|[^"\\])*"|\'(\\.|[^\'\\])*\'|//.*$', "", lines[k])
            depth += code.count("{") - code.count("}")
            if depth <= 0 and k >= j:
                break
            k += 1
        yield i, m.group(1), k - i + 1
        i = k + 1


def has_reason(lines, start):
    k = start - 1
    while k >= 0 and lines[k].startswith("//"):
        if lines[k].startswith("// Long:") and len(lines[k].strip()) > len("// Long:") + 5:
            return True
        k -= 1
    return False


def main():
    args = sys.argv[1:]
    limit = 80
    if "--max" in args:
        limit = int(args[args.index("--max") + 1])
        del args[args.index("--max"):args.index("--max") + 2]
    root = args[0]
    offenders, counted = [], 0
    for folder in ("core", "sim", "imaging", "topology", "app"):
        for dirpath, _, names in os.walk(os.path.join(root, folder)):
            for name in sorted(names):
                if not name.endswith(".cpp"):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8", errors="replace") as f:
                    lines = f.read().split("\n")
                for start, fn, length in functions(lines):
                    counted += 1
                    if length > limit and not has_reason(lines, start):
                        offenders.append(f"{os.path.relpath(path, root)}:{start + 1} {fn} {length} lines")
    for o in offenders:
        print(o)
    print(f"{counted} functions checked; {len(offenders)} over {limit} lines without a '// Long:' reason")
    return 1 if offenders else 0


if __name__ == "__main__":
    sys.exit(main())
