#!/bin/bash
# Runs the md validation and prints its table rows. --full: longer NPT and NVE runs.
# Usage: validation/md/run_validation.sh [--full] [BUILD_DIR]
full=0
[ "${1:-}" = "--full" ] && { full=1; shift; }
build=${1:-build}
NANOMIX_VALIDATION_FULL=$full "$build/validation/md/validate_md" -s 2>&1 | grep -E "^\||test cases|assertions|Status"
