"""The table of docs/pretrained-emoji/evaluate.sh: python3 docs/pretrained-emoji/table.py DIR (markdown on stdout).

One row per ./ddim eval JSON in DIR (SAMPLER-sSTEPS.json): the sampler, its steps and network evaluations, FID,
KID x 1000 with its std over 100 subsets, precision, recall, the memorised share and the sampling seconds; then the
real-data floor (KID between random halves of the reference) the runs report."""
import glob
import json
import os
import sys

ORDER = ["ddim", "dpm++2m", "dpm++3m", "unipc", "heun", "bdia", "edict"]


def main():
    rows, floor = [], None
    for f in glob.glob(os.path.join(sys.argv[1], "*.json")):
        j = json.load(open(f))
        s = j["samples"]
        floor = j.get("floor_reference_halves", floor)
        sampler = j.get("sampler", "ddim")
        evaluations = j["steps"]                         # ./ddim eval records the network evaluations as "steps"
        steps = (evaluations + 1) // 2 if sampler == "heun" else evaluations // 2 if sampler == "edict" else evaluations
        rows.append((steps, ORDER.index(sampler), sampler, evaluations, s))
    print("| sampler | steps | network evaluations | FID | KID x1000 (std) | precision | recall | memorised share | sampling s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for steps, _, sampler, evaluations, s in sorted(rows):
        j = json.load(open(os.path.join(sys.argv[1], f"{sampler}-s{steps}.json")))
        print(f"| {sampler} | {steps} | {evaluations} | {s['fid']:.2f} | {s['kid_mean'] * 1000:.0f} ({s['kid_std'] * 1000:.0f}) "
              f"| {s['precision']:.3f} | {s['recall']:.3f} | {s['memorised_share']:.3f} | {j['sampling_seconds']:.1f} |")
    if floor:
        print(f"\nReal-data floor (KID x1000 between random halves of the reference, {floor['splits']} splits of "
              f"{floor['half_size']}): {floor['kid_mean'] * 1000:.0f} (std {floor['kid_std'] * 1000:.0f}).")


if __name__ == "__main__":
    main()
