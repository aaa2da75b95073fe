"""The zoo emoji model's samples per class beside that class's training images (docs/pretrained-emoji/per-class.png).

usage: /usr/bin/python3 docs/pretrained-emoji/per_class.py SAMPLES_DIR EMOJI_ROOT OUT.png
  SAMPLES_DIR: CLASS.npz per class, from
      ./ddim sample --weights W --config C --class CLASS --count 8 --steps 20 --seed 5 --output SAMPLES_DIR/CLASS.npz
      (the same noise for every class: a column is one latent told each class in turn)
  EMOJI_ROOT: the Noto package folder (~/.ddim4j/datasets/emoji-datasource-google-16.0.0)
Each row: the class name and its training-image count, up to 8 of its training images (the split of EmojiDataset:
files sorted by name, index mod 20 = 19 held out), then the 8 samples. Needs numpy and PIL (Debian: python3-numpy,
python3-pil).
"""
import io
import json
import os
import sys
import zipfile

import numpy as np
from PIL import Image, ImageDraw

samples_dir, root, out = sys.argv[1:4]
meta = {}
for o in json.load(open(os.path.join(root, "emoji.json"), encoding="utf-8")):
    cat = (o["category"], o["subcategory"])
    meta[o["image"]] = cat
    for v in (o.get("skin_variations") or {}).values():
        meta[v["image"]] = cat
images = os.path.join(root, "img", "google", "64")
files = sorted(f for f in os.listdir(images) if f.endswith(".png"))
train = [f for i, f in enumerate(files) if i % 20 != 19]
classes = sorted(f[:-4] for f in os.listdir(samples_dir) if f.endswith(".npz"))


def npz_array(path):
    with zipfile.ZipFile(path) as z:
        name = [n for n in z.namelist() if n.endswith(".npy")][0]
        return np.load(io.BytesIO(z.read(name)))


CELL, PER_ROW, LABEL = 32, 8, 215
width = LABEL + CELL * PER_ROW * 2 + 12
height = CELL * len(classes) + 20
sheet = Image.new("RGB", (width, height), "white")
draw = ImageDraw.Draw(sheet)
draw.text((LABEL, 4), "training images", fill="black")
draw.text((LABEL + CELL * PER_ROW + 12, 4), "samples (S = 20, seed 5)", fill="black")
for r, c in enumerate(classes):
    y = 20 + r * CELL
    real = [f for f in train if meta.get(f) == ("Smileys & Emotion", c)]
    draw.text((4, y + 10), "%s (%d)" % (c, len(real)), fill="black")
    for k, f in enumerate(real[:PER_ROW]):
        im = Image.open(os.path.join(images, f)).convert("RGBA")
        bg = Image.new("RGBA", im.size, "white")
        sheet.paste(Image.alpha_composite(bg, im).convert("RGB").resize((CELL, CELL), Image.BILINEAR), (LABEL + k * CELL, y))
    x = npz_array(os.path.join(samples_dir, c + ".npz"))
    for k in range(min(PER_ROW, x.shape[0])):
        pixels = ((np.clip(x[k].transpose(1, 2, 0), -1, 1) + 1) * 127.5).round().astype(np.uint8)
        sheet.paste(Image.fromarray(pixels), (LABEL + CELL * PER_ROW + 12 + k * CELL, y))
tmp = out + ".tmp"
sheet.save(tmp, format="PNG")
os.replace(tmp, out)
print("wrote", out, "(%d classes)" % len(classes))
