#!/usr/bin/env bash
# The zoo emoji model's quality on the README's protocol (500 samples, seed 0, emoji features, the config's
# quadratic spacing, reference: the 161 training images of "Smileys & Emotion"): DDIM at S = 10, 20 and 50, and
# every other sampler at 10 and 20 steps; one ./ddim eval JSON per run in OUT, then the table (table.py).
# usage: docs/pretrained-emoji/evaluate.sh WEIGHTS CONFIG OUT      (WEIGHTS: a run folder, model or .safetensors)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
weights="${1:?usage: evaluate.sh WEIGHTS CONFIG OUT}"
config="${2:?usage: evaluate.sh WEIGHTS CONFIG OUT}"
out="${3:?usage: evaluate.sh WEIGHTS CONFIG OUT}"
mkdir -p "$out"
runs=("ddim 10" "ddim 20" "ddim 50")
for s in dpm++2m dpm++3m unipc heun bdia edict; do runs+=("$s 10" "$s 20"); done
for r in "${runs[@]}"; do
  read -r sampler steps <<< "$r"
  json="$out/$sampler-s$steps.json"
  [[ -f "$json" ]] && continue            # a re-run skips what is done
  "$root/ddim" eval --weights "$weights" --config "$config" --dataset emoji-smileys --count 500 --steps "$steps" \
    --sampler "$sampler" --seed 0 --out "$out/$sampler-s$steps" > "$out/$sampler-s$steps.log"
  cp "$out/$sampler-s$steps/metrics.json" "$json.tmp" && mv "$json.tmp" "$json"
done
/usr/bin/python3 "$root/docs/pretrained-emoji/table.py" "$out"
