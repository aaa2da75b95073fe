#!/usr/bin/env bash
# Issue 28's recipe sweep 3 (batch size x width x depth at the same wall-clock budget), its two halves side by side,
# one core each (two 2-thread native jobs on 2 cores slow each other badly). Resumable: run it again to continue.
# Then: python3 docs/quality/effects.py OUT/sweep-recipe-3-b16/results.csv OUT/sweep-recipe-3-b32/results.csv
# docs/quality/sweep-recipe-3/base.yml prints the main effects over both halves.
# usage: docs/quality/run-recipe-sweep-3.sh OUT
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/../.."
out="${1:?usage: run-recipe-sweep-3.sh OUT}"
mkdir -p "$out"
# each process plans its memory limits (and the inversion's plan budget) for half of the machine's: with the whole
# machine's each, two candidates' evaluations at once passed it and the OOM killer stopped one (sweep 3)
export DDIM_MEM_KB=$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 2 ))
for b in 16 32; do
  OMP_NUM_THREADS=1 "$root/ddim" sweep --spec "$here/sweep-recipe-3/sweep-b$b.yml" --out "$out/sweep-recipe-3-b$b" \
      --resume > "$out/sweep-recipe-3-b$b.log" 2>&1 &
done
wait
