#!/usr/bin/env bash
# Trains the model-zoo emoji model (issue 28) with docs/pretrained-emoji/recipe.yml, in the background-friendly way:
# every run of this script continues the run in OUT from its last checkpoint (bit for bit what one uninterrupted run
# gives), for at most MINUTES of training, until training.num_i. Kill it at any time; run it again to go on.
# usage: scripts/train-pretrained-emoji.sh OUT [MINUTES]
# Then, to ship it: ./ddim eval --weights OUT --dataset emoji-smileys --count 500 --steps 20 --out OUT-eval, and
#   ./ddim export --weights OUT --out dl4j-ddim/src/main/resources/org/ddim4j/pretrained/emoji.safetensors --float16
#   (with OUT/config.yml copied to dl4j-ddim/src/main/resources/org/ddim4j/pretrained/emoji.yml; docs/pretrained-emoji/)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: train-pretrained-emoji.sh OUT [MINUTES]}"
minutes=("${2:+--minutes}" "${2:-}")
[[ -n "${2:-}" ]] || minutes=()
if [[ -f "$out/checkpoint.ckpt" ]]; then
  exec "$root/ddim" train --out "$out" --resume "${minutes[@]}"
else
  exec "$root/ddim" train --config "$root/docs/pretrained-emoji/recipe.yml" --out "$out" "${minutes[@]}"
fi
