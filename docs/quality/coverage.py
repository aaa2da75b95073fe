"""How evenly a model's samples spread over the training images (issue 28's long runs).

Each sample (its emoji features, in the features.npz that ./ddim eval writes) is assigned to its nearest reference
image (Euclidean distance in the same features; the reference features are the ones ./ddim eval cached, in
~/.ddim4j/cache/features/DATASET-train-32px-N-FEATURES.npz). Prints, per eval folder: how many reference images are
some sample's nearest, the effective number exp(entropy) of that assignment, and the share of samples on the ten
most visited images. A model that draws some training images far more often than others has a lower effective
number and a higher top-10 share, which FID and KID count against it even when precision and the memorised share
rise. Read the figures against each other at the same sample count: even a perfect model's 500 draws over 161
images leave some images unvisited.

usage: python3 docs/quality/coverage.py REFERENCE.npz EVAL_DIR [EVAL_DIR ...]
"""
import sys

import numpy as np


def coverage(samples, reference):
    """(distinct nearest images, effective number, top-10 share) of samples [n, d] against reference [m, d]."""
    d = (samples ** 2).sum(1)[:, None] - 2 * samples @ reference.T + (reference ** 2).sum(1)[None, :]
    counts = np.bincount(d.argmin(1), minlength=len(reference))
    p = counts[counts > 0] / counts.sum()
    effective = float(np.exp(-(p * np.log(p)).sum()))
    top10 = float(np.sort(counts)[::-1][:10].sum() / counts.sum())
    return int((counts > 0).sum()), effective, top10


def main(argv):
    if len(argv) < 2:
        sys.exit("usage: coverage.py REFERENCE.npz EVAL_DIR [EVAL_DIR ...]")
    ref_file = np.load(argv[0])
    reference = ref_file[ref_file.files[0]].astype(np.float64)
    print(f"| eval | samples | reference images | nearest to some sample | effective number | top-10 share |")
    print(f"|---|---:|---:|---:|---:|---:|")
    for folder in argv[1:]:
        samples = np.load(folder.rstrip("/") + "/features.npz")["features"].astype(np.float64)
        if samples.shape[1] != reference.shape[1]:
            sys.exit(f"{folder}: features of width {samples.shape[1]}, the reference's are {reference.shape[1]}")
        distinct, effective, top10 = coverage(samples, reference)
        print(f"| {folder} | {len(samples)} | {len(reference)} | {distinct} | {effective:.1f} | {top10:.3f} |")


if __name__ == "__main__":
    main(sys.argv[1:])
