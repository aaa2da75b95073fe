#!/usr/bin/env bash
# Issue 28's recipe sweeps side by side, one core each (two 2-thread native jobs on 2 cores slow each other badly):
# sweep 1 (the levers the config had) and sweep 2 (the options issue 28 added), both on the demo's pre-issue-28
# recipe. Resumable: run it again to continue. Then: python3 docs/quality/effects.py OUT/sweep-recipe-N/results.csv
# docs/quality/sweep-recipe-N/base.yml prints each sweep's main effects.
# usage: docs/quality/run-recipe-sweeps.sh OUT
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/../.."
out="${1:?usage: run-recipe-sweeps.sh OUT}"
mkdir -p "$out"
# each process plans its memory limits (and the inversion's plan budget) for half of the machine's: with the whole
# machine's each, two candidates' evaluations at once passed it and the OOM killer stopped one (sweep 3)
export DDIM_MEM_KB=$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 2 ))
for n in 1 2; do
  OMP_NUM_THREADS=1 "$root/ddim" sweep --spec "$here/sweep-recipe-$n/sweep.yml" --out "$out/sweep-recipe-$n" --resume \
      > "$out/sweep-recipe-$n.log" 2>&1 &
done
wait
