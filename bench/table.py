"""Prints the benchmark table (markdown) from the two sides' JSON:
python3 bench/table.py DDIM4J.json PYTORCH.json [PYTORCH-AS-SHIPPED.json]
PYTORCH.json ran with the same native settings as ddim4j (the ratio and the targets use it); the optional third file,
PyTorch in the environment Debian ships it with, adds a column for reference."""
import json
import sys

TARGETS = {"forward small b16": 1.0, "forward large b16": 1.0, "train": 1.0, "forward small b1": 1.5,
           "forward large b1": 1.5, "sample10 small b1": 1.5}


def target(case):
    for prefix, limit in TARGETS.items():
        if case.startswith(prefix):
            return limit
    return None


def main(java_path, torch_path, shipped_path=None):
    j = json.load(open(java_path))
    t = json.load(open(torch_path))
    shipped = json.load(open(shipped_path))["cases"] if shipped_path else {}
    print(f"ddim4j: {j['backend']}, natives {j['natives']}, {j['threads']} threads, Java {j['java']}, "
          f"GC {j.get('gc', '?')}, native memory limit {j['max_physical_bytes']}; "
          f"PyTorch {t['version']} ({t['blas']}), {t['threads']} threads, Python {t['python']}; both sides "
          f"OMP_WAIT_POLICY={t.get('omp_wait_policy', '?')}, OPENBLAS_CORETYPE={t.get('openblas_coretype', '?')}")
    print()
    extra = " PyTorch as shipped, median s | ratio to it |" if shipped else ""
    print("| case | ddim4j median s | PyTorch median s | time ratio | target | met |" + extra +
          " ddim4j peak RSS MB | PyTorch peak RSS MB | memory ratio (target <= 1.5) |")
    print("|---|---:|---:|---:|---:|---|" + ("---:|---:|" if shipped else "") + "---:|---:|---:|")
    for case, tj in j["cases"].items():
        tt = t["cases"].get(case)
        if tt is None:
            continue
        limit = target(case)
        mem = f"{tj['peak_rss_mb'] / tt['peak_rss_mb']:.2f}"
        ts = shipped.get(case)
        if "error" in tj:
            cols = f" {ts['median_s']:.4f} | - |" if ts else (" - | - |" if shipped else "")
            print(f"| {case} | failed: {tj['error'][:80]} | {tt['median_s']:.4f} | - | "
                  f"{'' if limit is None else f'<= {limit}'} | **no** |{cols} > {tj['peak_rss_mb']:.0f} | "
                  f"{tt['peak_rss_mb']:.0f} | > {mem} |")
            continue
        ratio = tj["median_s"] / tt["median_s"]
        met = "" if limit is None else ("yes" if ratio <= limit else "**no**")
        cols = f" {ts['median_s']:.4f} | {tj['median_s'] / ts['median_s']:.2f} |" if ts else (" - | - |" if shipped else "")
        print(f"| {case} | {tj['median_s']:.4f} | {tt['median_s']:.4f} | {ratio:.2f} | "
              f"{'' if limit is None else f'<= {limit}'} | {met} |{cols} {tj['peak_rss_mb']:.0f} | "
              f"{tt['peak_rss_mb']:.0f} | {mem} |")
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
    main(*sys.argv[1:4])
