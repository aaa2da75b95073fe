"""Prints the benchmark table (markdown) from the two sides' JSON, one pair per round:
python3 bench/table.py [--shipped PYTORCH-AS-SHIPPED.json] DDIM4J-1.json PYTORCH-1.json [DDIM4J-2.json PYTORCH-2.json ...]
PYTORCH-k.json ran with the same native settings as ddim4j, right after DDIM4J-k.json (the ratios and the targets use
it); the optional PyTorch in the environment Debian ships it with adds a column for reference. With several rounds,
each side's time is the median of its rounds' medians and the time ratio is the median of the rounds' ratios (a
round's two runs are minutes apart, so a slow spell of the machine tends to hit both)."""
import argparse
import json
import statistics

TARGETS = {"forward small b16": 1.0, "forward large b16": 1.0, "train": 1.0, "forward small b1": 1.5,
           "forward large b1": 1.5, "sample10 small b1": 1.5, "inception b32": 1.0,
           "dpm++2m10": 1.0, "edict-invert10": 1.0, "bdia-invert10": 1.0}


def target(case):
    for prefix, limit in TARGETS.items():
        if case.startswith(prefix):
            return limit
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shipped")
    ap.add_argument("runs", nargs="+", help="DDIM4J.json PYTORCH.json, one pair per round")
    args = ap.parse_args()
    if len(args.runs) % 2:
        ap.error("the JSON files come in pairs: DDIM4J.json PYTORCH.json per round")
    rounds = [(json.load(open(args.runs[i])), json.load(open(args.runs[i + 1]))) for i in range(0, len(args.runs), 2)]
    shipped = json.load(open(args.shipped))["cases"] if args.shipped else {}
    j, t = rounds[0]
    print(f"ddim4j: {j['backend']}, natives {j['natives']}, {j['threads']} threads, Java {j['java']}, "
          f"GC {j.get('gc', '?')}, native memory limit {j['max_physical_bytes']}; "
          f"PyTorch {t['version']} ({t['blas']}), {t['threads']} threads, Python {t['python']}; both sides "
          f"OMP_WAIT_POLICY={t.get('omp_wait_policy', '?')}, GOMP_SPINCOUNT={t.get('gomp_spincount', '?')}, "
          f"OPENBLAS_CORETYPE={t.get('openblas_coretype', '?')}, GLIBC_TUNABLES={t.get('glibc_tunables', '?')}; "
          f"{len(rounds)} round(s)")
    print()
    several = len(rounds) > 1
    print("| case | ddim4j median s | PyTorch median s | time ratio |" + (" ratio per round |" if several else "") +
          " target | met |" + (" PyTorch as shipped, median s |" if shipped else "") +
          " ddim4j peak RSS MB | PyTorch peak RSS MB | memory ratio (target <= 1.5) |")
    print("|---|---:|---:|---:|" + ("---:|" if several else "") + "---:|---|" + ("---:|" if shipped else "") +
          "---:|---:|---:|")
    medians = {}
    for case in j["cases"]:
        pairs = [(rj["cases"].get(case), rt["cases"].get(case)) for rj, rt in rounds]
        if any(b is None for _, b in pairs) or any(a is None for a, _ in pairs):
            continue
        limit = target(case)
        lim = "" if limit is None else f"<= {limit}"
        ts = f" {shipped[case]['median_s']:.4f} |" if case in shipped else (" - |" if shipped else "")
        failed = [a for a, _ in pairs if "error" in a]
        mem_j = statistics.median(a["peak_rss_mb"] for a, _ in pairs)
        mem_t = statistics.median(b["peak_rss_mb"] for _, b in pairs)
        if failed:
            print(f"| {case} | failed: {failed[0]['error'][:80]} | {statistics.median(b['median_s'] for _, b in pairs):.4f} "
                  f"| - |" + (" - |" if several else "") + f" {lim} | **no** |{ts} > {mem_j:.0f} | {mem_t:.0f} | "
                  f"> {mem_j / mem_t:.2f} |")
            continue
        sj = statistics.median(a["median_s"] for a, _ in pairs)
        st = statistics.median(b["median_s"] for _, b in pairs)
        ratios = [a["median_s"] / b["median_s"] for a, b in pairs]
        ratio = statistics.median(ratios)
        medians[case] = (sj, st)
        met = "" if limit is None else ("yes" if ratio <= limit else "**no**")
        per_round = (" " + ", ".join(f"{r:.2f}" for r in ratios) + " |") if several else ""
        print(f"| {case} | {sj:.4f} | {st:.4f} | {ratio:.2f} |{per_round} {lim} | {met} |{ts} {mem_j:.0f} | "
              f"{mem_t:.0f} | {mem_j / mem_t:.2f} |")
    print()
    print("Forward pass, achieved GFLOP/s (FLOPs of convolutions, linear layers and attention products, counted on "
          "the PyTorch model; the median times above):")
    print()
    print("| case | GFLOP per image | ddim4j GFLOP/s | PyTorch GFLOP/s |")
    print("|---|---:|---:|---:|")
    for case, (sj, st) in medians.items():
        if not case.startswith("forward"):
            continue
        label, batch = case.split()[1], int(case.split()[2][1:])
        gflop = t["flops_per_image"][label] / 1e9
        print(f"| {case} | {gflop:.3f} | {gflop * batch / sj:.1f} | {gflop * batch / st:.1f} |")


if __name__ == "__main__":
    main()
