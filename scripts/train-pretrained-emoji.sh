#!/usr/bin/env bash
# Trains the model-zoo emoji model (issue 28) with docs/pretrained-emoji/recipe.yml, in the background-friendly way:
# every run of this script continues the run in OUT from its last checkpoint (bit for bit what one uninterrupted run
# gives), for at most MINUTES of training, until training.num_i. Kill it at any time; run it again to go on.
# usage: scripts/train-pretrained-emoji.sh OUT [MINUTES]
# Then, to ship its lowest-probe model: ./ddim eval --weights OUT/best-kid.ddim --dataset emoji-smileys --count 500
#   --steps 20 --out OUT-eval, and
#   ./ddim export --weights OUT/best-kid.ddim --out dl4j-ddim/src/main/resources/org/ddim4j/pretrained/emoji.safetensors --float16
#   (with the model's config.yml, `unzip -p OUT/best-kid.ddim config.yml`, as .../pretrained/emoji.yml and
#   docs/pretrained-emoji/config.yml, and DdimZooModel.EMOJI_ADLER32 set to the new file's; docs/pretrained-emoji/)
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
