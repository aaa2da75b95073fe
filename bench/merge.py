"""Merges the JSON of several `--only` runs of one side into one file (the cases of all; the rest from the first):
python3 bench/merge.py OUT.json PART.json..."""
import json
import os
import sys


def main(out_path, *parts):
    merged = None
    for path in parts:
        with open(path) as f:
            part = json.load(f)
        if merged is None:
            merged = part
            continue
        merged["cases"].update(part["cases"])
        if "flops_per_image" in part:
            merged.setdefault("flops_per_image", {}).update(part["flops_per_image"])
    with open(out_path + ".tmp", "w") as f:
        json.dump(merged, f, indent=1)
    os.replace(out_path + ".tmp", out_path)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
