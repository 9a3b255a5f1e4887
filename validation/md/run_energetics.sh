#!/bin/bash
# Energetics table of the seed's candidate end states (issue 12). --full: more sizes and tubes,
# 300 and 400 K, longer averages. Usage: validation/md/run_energetics.sh [--full] [BUILD_DIR]
full=0
[ "${1:-}" = "--full" ] && { full=1; shift; }
build=${1:-build}
NANOMIX_VALIDATION_FULL=$full "$build/validation/md/md_energetics" -s 2>&1 | grep -E "^\||^bulk|^surface|^interface|test cases|assertions|Status|ERROR"
