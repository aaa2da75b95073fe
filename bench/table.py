"""Prints the benchmark table (markdown) from the two sides' JSON: python3 bench/table.py DDIM4J.json PYTORCH.json"""
import json
import sys

TARGETS = {"forward small b16": 1.0, "forward large b16": 1.0, "train": 1.0, "forward small b1": 1.5,
           "forward large b1": 1.5, "sample10 small b1": 1.5}


def target(case):
    for prefix, limit in TARGETS.items():
        if case.startswith(prefix):
            return limit
    return None


def main(java_path, torch_path):
    j = json.load(open(java_path))
    t = json.load(open(torch_path))
    print(f"ddim4j: {j['backend']}, natives {j['natives']}, {j['threads']} threads, Java {j['java']}, "
          f"native memory limit {j['max_physical_bytes']}; "
          f"PyTorch {t['version']} ({t['blas']}), {t['threads']} threads, Python {t['python']}")
    print()
    print("| case | ddim4j median s | PyTorch median s | time ratio | target | met | ddim4j peak RSS MB "
          "| PyTorch peak RSS MB | memory ratio (target <= 1.5) |")
    print("|---|---:|---:|---:|---:|---|---:|---:|---:|")
    for case, tj in j["cases"].items():
        tt = t["cases"].get(case)
        if tt is None:
            continue
        limit = target(case)
        mem = f"{tj['peak_rss_mb'] / tt['peak_rss_mb']:.2f}"
        if "error" in tj:
            print(f"| {case} | failed: {tj['error'][:80]} | {tt['median_s']:.4f} | - | "
                  f"{'' if limit is None else f'<= {limit}'} | **no** | > {tj['peak_rss_mb']:.0f} | "
                  f"{tt['peak_rss_mb']:.0f} | > {mem} |")
            continue
        ratio = tj["median_s"] / tt["median_s"]
        met = "" if limit is None else ("yes" if ratio <= limit else "**no**")
        print(f"| {case} | {tj['median_s']:.4f} | {tt['median_s']:.4f} | {ratio:.2f} | "
              f"{'' if limit is None else f'<= {limit}'} | {met} | {tj['peak_rss_mb']:.0f} | {tt['peak_rss_mb']:.0f} | {mem} |")
    print()
    print("Forward pass, achieved GFLOP/s (FLOPs of convolutions, linear layers and attention products, counted on "
          "the PyTorch model):")
    print()
    print("| case | GFLOP per image | ddim4j GFLOP/s | PyTorch GFLOP/s |")
    print("|---|---:|---:|---:|")
    for case, tj in j["cases"].items():
        if not case.startswith("forward") or case not in t["cases"] or "error" in tj:
            continue
        label, batch = case.split()[1], int(case.split()[2][1:])
        gflop = t["flops_per_image"][label] / 1e9
        print(f"| {case} | {gflop:.3f} | {gflop * batch / tj['median_s']:.1f} | "
              f"{gflop * batch / t['cases'][case]['median_s']:.1f} |")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
