#!/usr/bin/python3
"""Summarises a compare.sh log: per method, the median tokens/s of Java and PyTorch, their
ratio, and MFU. Writes <log stem>.csv and <log stem>.md next to the log and prints the table.

  /usr/bin/python3 benchmarks/peer/summarize.py benchmarks/results/compare-<time>.log

Input lines (key=value pairs after the tag):
  RESULT round=R impl=java|pytorch method=M ... median_s=S tokens_per_step=T [gflop_per_step=G]
  MATMUL_PEAK gflops=X ...                 (DJL's libtorch, dev.finetune.bench.MatmulRate)
  MATMUL_PEAK impl=pytorch gflops=X ...    (the peer's torch, for reference)

Per method and side: median over rounds of each run's median step time; tokens/s =
tokens_per_step / that median; ratio = Java tokens/s / PyTorch tokens/s (> 1: Java faster);
MFU = gflop_per_step / median step time / peak, where gflop_per_step comes from the Java
side's StepFlops (the same architecture on both sides) and peak is the best MATMUL_PEAK of
DJL's libtorch seen in the log.
"""
import csv
import statistics
import sys
from pathlib import Path


def fields(line):
    out = {}
    for token in line.split()[1:]:
        if "=" in token:
            k, v = token.split("=", 1)
            out[k] = v
    return out


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    log = Path(argv[1])
    results, peaks, torch_peaks = [], [], []
    for line in log.read_text().splitlines():
        if line.startswith("RESULT "):
            results.append(fields(line))
        elif line.startswith("MATMUL_PEAK "):
            f = fields(line)
            (torch_peaks if f.get("impl") == "pytorch" else peaks).append(float(f["gflops"]))
    if not results:
        print(f"error: no RESULT lines in {log}", file=sys.stderr)
        return 1
    peak = max(peaks) if peaks else float("nan")
    methods = list(dict.fromkeys(r["method"] for r in results))
    rows = []
    for method in methods:
        row = {"method": method}
        gflop = next((float(r["gflop_per_step"]) for r in results
                      if r["method"] == method and "gflop_per_step" in r), float("nan"))
        row["gflop_per_step"] = gflop
        for impl in ("java", "pytorch"):
            runs = [r for r in results if r["method"] == method and r["impl"] == impl]
            if not runs:
                row.update({f"{impl}_runs": 0, f"{impl}_s_per_step": float("nan"),
                            f"{impl}_tokens_per_s": float("nan"), f"{impl}_mfu": float("nan"),
                            f"{impl}_trainable": "", f"{impl}_peak_rss_mb": float("nan")})
                continue
            seconds = statistics.median(float(r["median_s"]) for r in runs)
            tokens = int(runs[0]["tokens_per_step"])
            row[f"{impl}_runs"] = len(runs)
            row[f"{impl}_s_per_step"] = seconds
            row[f"{impl}_s_range"] = (f"{min(float(r['median_s']) for r in runs):.3f}-"
                                      f"{max(float(r['median_s']) for r in runs):.3f}")
            row[f"{impl}_tokens_per_s"] = tokens / seconds
            row[f"{impl}_mfu"] = gflop / seconds / peak
            row[f"{impl}_trainable"] = runs[0].get("trainable", "")
            rss = [float(r["peak_rss_mb"]) for r in runs if "peak_rss_mb" in r]
            row[f"{impl}_peak_rss_mb"] = statistics.median(rss) if rss else float("nan")
        row["ratio_java_over_pytorch"] = row["java_tokens_per_s"] / row["pytorch_tokens_per_s"]
        rows.append(row)

    columns = ["method", "java_tokens_per_s", "pytorch_tokens_per_s", "ratio_java_over_pytorch",
               "java_s_per_step", "pytorch_s_per_step", "java_s_range", "pytorch_s_range",
               "java_mfu", "pytorch_mfu", "gflop_per_step", "java_runs", "pytorch_runs",
               "java_trainable", "pytorch_trainable", "java_peak_rss_mb", "pytorch_peak_rss_mb"]
    csv_path = log.with_suffix(".csv")
    with csv_path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: (f"{v:.4g}" if isinstance(v, float) else v) for k, v in row.items()})

    header = log.read_text().splitlines()[0].lstrip("# ")
    md = [f"Comparison ({header})", "",
          f"Matmul peak, DJL libtorch: {peak:.1f} GFLOP/s (best of {len(peaks)} measurements);"
          f" peer's torch: {max(torch_peaks):.1f} GFLOP/s." if torch_peaks else
          f"Matmul peak, DJL libtorch: {peak:.1f} GFLOP/s.", "",
          "| method | Java tokens/s | PyTorch tokens/s | Java/PyTorch | Java s/step (range) |"
          " PyTorch s/step (range) | GFLOP/step | MFU Java | MFU PyTorch | trainable (Java / PyTorch) |"
          " peak RSS MiB (Java / PyTorch) |",
          "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        md.append(
            f"| {r['method']} | {r['java_tokens_per_s']:,.0f} | {r['pytorch_tokens_per_s']:,.0f} |"
            f" **{r['ratio_java_over_pytorch']:.2f}** |"
            f" {r['java_s_per_step']:.3f} ({r.get('java_s_range', '-')}) |"
            f" {r['pytorch_s_per_step']:.3f} ({r.get('pytorch_s_range', '-')}) |"
            f" {r['gflop_per_step']:.3g} | {r['java_mfu']:.2f} | {r['pytorch_mfu']:.2f} |"
            f" {r['java_trainable']} / {r['pytorch_trainable']} |"
            f" {r['java_peak_rss_mb']:,.0f} / {r['pytorch_peak_rss_mb']:,.0f} |")
    md_path = log.with_suffix(".md")
    md_path.write_text("\n".join(md) + "\n")
    print("\n".join(md))
    print(f"\nwritten: {csv_path} {md_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
