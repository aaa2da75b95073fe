"""Main effects of a two-level factorial recipe sweep, scored by KID (issue 28).

Reads a sweep's results.csv (./ddim sweep ... --out DIR) and, for each swept key, compares the mean KID of the
candidates at each of its two values (each mean over half the grid). A value other than the base's is kept only if it
lowers the mean KID by more than its candidates' mean KID std (the std over subsets that ./ddim eval and the sweep
report): the issue's rule, "kept only if KID improves beyond its std".

Main effects average over the other keys: where two keys interact (sweep 2: a cosine decay helps v-prediction and
hurts eps-prediction) the cells decide, and docs/quality/recipe.md says which.

usage: python3 docs/quality/effects.py DIR/results.csv [DIR2/results.csv ...] BASE.yml [--json]
A design split over several sweeps (one per core, e.g. sweep 3's two halves by batch size) is read as one grid.
Prints a markdown table (KID x1000), or with --json the kept values as {key: value}.
"""
import csv
import json
import sys

import yaml


# ddim4j's defaults for keys a config file may leave out (config.Defaults and the records' seed-default constructors)
DEFAULTS = {"diffusion.prediction": "epsilon", "training.loss_weighting": "uniform", "training.min_snr_gamma": 5.0,
            "optimizer.decay": "constant", "optimizer.warmup_iterations": 0, "diffusion.clip_x0": False,
            "diffusion.sampler": "ddim", "optimizer.beta_2": 0.999}


def base_value(base, key):
    section, name = key.split(".")
    value = base.get(section, {}).get(name)
    return DEFAULTS.get(key) if value is None else value


def same(a, b):
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return str(a).strip().lower() == str(b).strip().lower()


def main():
    args = [a for a in sys.argv[1:] if a != "--json"]
    if len(args) < 2:
        sys.exit("usage: effects.py RESULTS.csv [RESULTS.csv ...] BASE.yml [--json]")
    rows = [r for path in args[:-1] for r in csv.DictReader(open(path)) if r["status"] == "complete"]
    base = yaml.safe_load(open(args[-1]))
    fixed = {"rank", "candidate", "status", "validation_loss", "inversion_psnr", "sampling_seconds", "kid", "kid_std",
             "fid", "iterations", "training_loss", "seconds", "error"}
    keys = [k for k in rows[0] if k not in fixed]
    kept = {}
    lines = ["| key | base value | KID x1000 at base (n) | other value | KID x1000 there (n) | its mean std | change | decision |",
             "|---|---|---:|---|---:|---:|---:|---|"]
    for key in keys:
        values = []
        for r in rows:   # distinct values, "16" and "16.0" (an older resumed sweep's text) as one
            if not any(same(r[key], v) for v in values):
                values.append(r[key])
        values.sort()
        b = base_value(base, key)
        at_base = [r for r in rows if same(r[key], b)]
        others = [v for v in values if not same(v, b)]
        for v in others:
            at_v = [r for r in rows if same(r[key], v)]
            if not at_base or not at_v:
                continue
            kid_b = 1000 * sum(float(r["kid"]) for r in at_base) / len(at_base)
            kid_v = 1000 * sum(float(r["kid"]) for r in at_v) / len(at_v)
            std_v = 1000 * sum(float(r["kid_std"]) for r in at_v) / len(at_v)
            keep = kid_b - kid_v > std_v
            if keep:
                kept[key] = v
            lines.append(f"| `{key}` | {b} | {kid_b:.0f} ({len(at_base)}) | {v} | {kid_v:.0f} ({len(at_v)}) | {std_v:.0f} | "
                         f"{kid_v - kid_b:+.0f} | {'kept' if keep else 'dropped'} |")
    if "--json" in sys.argv:
        print(json.dumps(kept))
    else:
        print("\n".join(lines))


if __name__ == "__main__":
    main()
