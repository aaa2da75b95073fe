#!/usr/bin/env bash
# Images unlike the shipped emoji model's training set (Google's Noto emoji), for the README's inversion tables:
#   DIR/emoji: the 8 held-out "Smileys & Emotion" emoji as Twitter and Apple draw them (npm: emoji-datasource-twitter
#              and emoji-datasource-apple 16.0.0, 64x64 PNGs), 16 images;
#   DIR/photos: 8 photographs from scikit-image's data (Debian: python3-skimage).
# usage: scripts/unlike-images.sh DIR      (needs npm, and python3-skimage installed with apt-get)
set -euo pipefail
dir="${1:?usage: scripts/unlike-images.sh DIR}"
codes=(1f4a6 1f608 1f61c 1f62f 1f641 1f648 1f913 1f92a)   # the emoji set's validation smileys (invert-compare's)
mkdir -p "$dir/emoji" "$dir/photos" "$dir/.npm"
for vendor in twitter apple; do
  tgz="$dir/.npm/emoji-datasource-$vendor-16.0.0.tgz"
  [[ -f "$tgz" ]] || npm pack "emoji-datasource-$vendor@16.0.0" --pack-destination "$dir/.npm" > /dev/null
  mkdir -p "$dir/.npm/$vendor" && tar xzf "$tgz" -C "$dir/.npm/$vendor"
  for c in "${codes[@]}"; do cp "$dir/.npm/$vendor/package/img/$vendor/64/$c.png" "$dir/emoji/$vendor-$c.png"; done
done
data=/usr/lib/python3/dist-packages/skimage/data
if [[ ! -d "$data" ]]; then
  echo "unlike-images: $data not found; install it with: sudo apt-get install python3-skimage" >&2
  exit 2
fi
for f in astronaut.png camera.png chelsea.png coffee.png hubble_deep_field.jpg motorcycle_left.png motorcycle_right.png rocket.jpg; do
  cp "$data/$f" "$dir/photos/"
done
echo "wrote $(ls "$dir/emoji" | wc -l) emoji and $(ls "$dir/photos" | wc -l) photos under $dir"
