"""The table of bench/commands: python3 bench/commands_table.py RECORDS.tsv OUT.json

RECORDS.tsv: one line per process, round case side wall_s cpu_s peak_rss_kb. Prints markdown: per case, each side's
median wall time, CPU time and peak RSS over the rounds, the median of the rounds' wall-time ratios (ddim4j over
PyTorch; a round's two processes ran one after the other, so a slow spell tends to hit both) with each round's, and
the same for peak RSS. Writes the figures as JSON to OUT.json (through a temporary file)."""
import collections
import json
import os
import statistics
import sys

TARGET = 1.0   # issue 29: every command at most PyTorch's time at the median, JVM start included


def main():
    records, out = sys.argv[1], sys.argv[2]
    runs = collections.defaultdict(dict)      # case -> round -> side -> (wall, cpu, rss MB)
    order = []
    with open(records) as f:
        for line in f:
            r, case, side, wall, cpu, rss = line.split("\t")
            if case not in order:
                order.append(case)
            runs[case].setdefault(int(r), {})[side] = (float(wall), float(cpu), int(rss) / 1024)
    print("| command | ddim4j wall s | PyTorch wall s | wall ratio (rounds) | ddim4j CPU s | PyTorch CPU s "
          "| peak RSS MB ddim4j / PyTorch (ratio) | target |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    table = {}
    for case in order:
        rounds = [runs[case][r] for r in sorted(runs[case]) if len(runs[case][r]) == 2]
        if not rounds:
            continue
        med = {side: [statistics.median(x[side][k] for x in rounds) for k in range(3)] for side in ("ddim4j", "pytorch")}
        ratios = [x["ddim4j"][0] / x["pytorch"][0] for x in rounds]
        rss_ratios = [x["ddim4j"][2] / x["pytorch"][2] for x in rounds]
        ratio = statistics.median(ratios)
        table[case] = {"ddim4j": med["ddim4j"], "pytorch": med["pytorch"], "wall_ratio": ratio, "wall_ratios": ratios,
                       "rss_ratio": statistics.median(rss_ratios), "rounds": len(rounds)}
        print(f"| {case} | {med['ddim4j'][0]:.2f} | {med['pytorch'][0]:.2f} | {ratio:.2f} "
              f"({', '.join(f'{v:.2f}' for v in ratios)}) | {med['ddim4j'][1]:.2f} | {med['pytorch'][1]:.2f} "
              f"| {med['ddim4j'][2]:.0f} / {med['pytorch'][2]:.0f} ({statistics.median(rss_ratios):.2f}) "
              f"| {TARGET} {'met' if ratio <= TARGET else 'missed'} |")
    with open(out + ".tmp", "w") as f:
        json.dump(table, f, indent=1)
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    main()
