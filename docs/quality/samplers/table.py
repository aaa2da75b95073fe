"""The README's sampler table and docs/quality/samplers/kid.png from the ./ddim eval JSON files here (and DDIM at 50
steps from ../shipped-s50.json): python3 docs/quality/samplers/table.py  (prints the markdown; needs matplotlib)."""
import glob
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ORDER = ["ddim", "dpm++2m", "dpm++3m", "unipc", "heun", "bdia", "edict"]


def rows():
    files = glob.glob(os.path.join(HERE, "*.json")) + [os.path.join(HERE, "..", "shipped-s50.json")]
    out = []
    for f in files:
        j = json.load(open(f))
        s = j["samples"]
        sampler = j.get("sampler", "ddim")
        evaluations = j["steps"]                        # ./ddim eval records the network evaluations as "steps"
        steps = (evaluations + 1) // 2 if sampler == "heun" else evaluations // 2 if sampler == "edict" else evaluations
        out.append({"sampler": sampler, "steps": steps, "evaluations": evaluations, "fid": s["fid"],
                    "kid": s["kid_mean"] * 1000, "kid_std": s["kid_std"] * 1000, "precision": s["precision"],
                    "recall": s["recall"], "memorised": s["memorised_share"], "seconds": j["sampling_seconds"]})
    return sorted(out, key=lambda r: (r["evaluations"] + (1 if r["sampler"] in ("heun", "edict") else 0),
                                      ORDER.index(r["sampler"])))


def main():
    rs = rows()
    print("| sampler | network evaluations | FID | KID x1000 (std) | precision | recall | memorised share | sampling s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rs:
        name = r["sampler"] + (f" (S = {r['steps']})" if r["sampler"] in ("heun", "edict") else "")
        print(f"| {name} | {r['evaluations']} | {r['fid']:.2f} | {r['kid']:.0f} ({r['kid_std']:.0f}) | {r['precision']:.3f} "
              f"| {r['recall']:.3f} | {r['memorised']:.3f} | {r['seconds']:.1f} |")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=100)
    for name in ORDER:
        pts = sorted((r["evaluations"], r["kid"], r["kid_std"]) for r in rs if r["sampler"] == name)
        ax.errorbar([p[0] for p in pts], [p[1] for p in pts], yerr=[p[2] for p in pts], marker="o", capsize=3,
                    label=name)
    ddim50 = [r["kid"] for r in rs if r["sampler"] == "ddim" and r["evaluations"] == 50][0]
    ax.axhline(ddim50, color="grey", linestyle=":", label="DDIM at 50")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks([5, 10, 20, 50])
    ax.set_xticklabels(["5", "10", "20", "50"])
    ax.set_xlabel("network evaluations per sample")
    ax.set_ylabel("KID x1000 (emoji features, 500 samples; log)")
    ax.set_title("Samplers on the shipped emoji model")
    ax.legend()
    fig.tight_layout()
    tmp = os.path.join(HERE, "kid.png.tmp")
    fig.savefig(tmp, format="png")
    os.replace(tmp, os.path.join(HERE, "kid.png"))


if __name__ == "__main__":
    main()
