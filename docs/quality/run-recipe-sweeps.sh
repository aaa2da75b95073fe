#!/usr/bin/env bash
# Issue 28's recipe sweeps side by side, one core each (two 2-thread native jobs on 2 cores slow each other badly).
# With no SPEC: sweep 1 (the levers the config had) and sweep 2 (the options issue 28 added), both on the demo's
# pre-issue-28 recipe; docs/quality/run-recipe-sweep-3.sh passes sweep 3's two halves. Each SPEC's results go to
# OUT/<its folder>[-<its file name, unless sweep>]. Resumable: run it again to continue. Then:
# python3 docs/quality/effects.py OUT/sweep-recipe-N/results.csv docs/quality/sweep-recipe-N/base.yml prints a
# sweep's main effects.
# usage: docs/quality/run-recipe-sweeps.sh OUT [SPEC.yml ...]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/../.."
out="${1:?usage: run-recipe-sweeps.sh OUT [SPEC.yml ...]}"
shift
specs=("$@")
(( ${#specs[@]} > 0 )) || specs=("$here/sweep-recipe-1/sweep.yml" "$here/sweep-recipe-2/sweep.yml")
mkdir -p "$out"
# each process plans its memory limits (and the inversion's plan budget) for its share of the memory ./ddim would
# plan for (the cgroup's limit where set, else the machine's; DDIM_MEM_KB if given): with the whole of it each, two
# candidates' evaluations at once passed it and the OOM killer stopped one (sweep 3)
source "$root/scripts/memory-defaults.sh"
export DDIM_MEM_KB=$(( ddim_mem_kb / ${#specs[@]} ))
for spec in "${specs[@]}"; do
  [[ -f "$spec" ]] || { echo "run-recipe-sweeps.sh: no sweep file $spec" >&2; exit 2; }
  name="$(basename "$(dirname "$spec")")"
  stem="$(basename "$spec" .yml)"
  [[ "$stem" == sweep ]] || name="$name-${stem#sweep-}"
  OMP_NUM_THREADS=1 "$root/ddim" sweep --spec "$spec" --out "$out/$name" --resume > "$out/$name.log" 2>&1 &
done
wait
