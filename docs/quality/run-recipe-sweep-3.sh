#!/usr/bin/env bash
# Issue 28's recipe sweep 3 (batch size x width x depth at the same wall-clock budget): its two halves, one per batch
# size, side by side on one core each (run-recipe-sweeps.sh). Resumable: run it again to continue. Then:
# python3 docs/quality/effects.py OUT/sweep-recipe-3-b16/results.csv OUT/sweep-recipe-3-b32/results.csv
# docs/quality/sweep-recipe-3/base.yml prints the main effects over both halves.
# usage: docs/quality/run-recipe-sweep-3.sh OUT
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$here/run-recipe-sweeps.sh" "${1:?usage: run-recipe-sweep-3.sh OUT}" \
    "$here/sweep-recipe-3/sweep-b16.yml" "$here/sweep-recipe-3/sweep-b32.yml"
