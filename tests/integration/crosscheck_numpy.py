"""costsweep against an independent numpy implementation of the same method
(tools/epoch-numpy, written from the published method, not from costsweep's code): for the
article, final and OpenAI jobs at 200,000 draws, every entry's and company's P5, P50 and P95
agree within 4.5 standard errors of their difference. The two use different random numbers,
so agreement is statistical: each side's standard error comes from its own draws
(distribution-free order-statistic interval, half-width / 1.96); 4.5 sigma over ~300 comparisons
leaves a false alarm chance near 0.2%, while a real method difference (a wrong scope, a wrong
peak) moves medians by many sigma.

With --table, prints the side-by-side Markdown table the README shows."""
import json
import math
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

import harness

DRAWS = 200_000
LEVELS = (0.05, 0.5, 0.95)
JOBS = ("epoch-2026-article.ini", "epoch-2026-final.ini", "openai-2024.ini")


def halfwidth(sorted_draws, q):
    """95% distribution-free interval half-width of the q-quantile (same rule as epoch-numpy)."""
    n = sorted_draws.size
    d = 1.96 * math.sqrt(n * q * (1 - q))
    lo = min(max(math.floor(n * q - d), 1), n) - 1
    hi = min(max(math.ceil(n * q + d), 1), n) - 1
    return (sorted_draws[hi] - sorted_draws[lo]) / 2


def run_costsweep(args, job, work):
    out = os.path.join(work, os.path.basename(job) + ".h5")
    subprocess.run([args.mpiexec, "--oversubscribe", "-np", "2", args.costsweep, "run", job, "-q",
                    "-o", out, "--draws", str(DRAWS), "--set", "job.save_samples=yes",
                    "--set", "job.quantiles=0.05 0.5 0.95"],
                   check=True, stdout=subprocess.DEVNULL)
    result = {}
    with h5py.File(out, "r") as f:
        names = list(f["outputs/name"].asstr()[:])
        quantiles = f["summary/quantiles"][0]
        samples = f["samples/outputs"]
        for o, name in enumerate(names):
            draws = np.sort(samples[0, o])
            result[name] = {f"p{round(100 * q)}": (quantiles[o, i], halfwidth(draws, q))
                            for i, q in enumerate(LEVELS)}
    return result


def run_numpy(args, job, work):
    tool = os.path.join(os.path.dirname(os.path.abspath(args.jobs)), "tools", "epoch-numpy")
    out = os.path.join(work, os.path.basename(job) + ".json")
    subprocess.run(["/usr/bin/python3", tool, job, "--draws", str(DRAWS), "--seed", "1",
                    "--json", out, "--quiet"], check=True)
    with open(out) as f:
        data = json.load(f)
    return {name: {k: (v[k], v["ci_halfwidth"][k]) for k in ("p5", "p50", "p95")}
            for name, v in data["outputs"].items()}


def compare(job, ours, theirs, rows):
    failures = []
    if set(ours) != set(theirs):
        failures.append(f"{job}: output names differ: only costsweep {sorted(set(ours) - set(theirs))}, "
                        f"only numpy {sorted(set(theirs) - set(ours))}")
    for name in sorted(set(ours) & set(theirs)):
        for level in ("p5", "p50", "p95"):
            (a, hw_a), (b, hw_b) = ours[name][level], theirs[name][level]
            se = math.hypot(hw_a, hw_b) / 1.96
            z = abs(a - b) / se if se > 0 else (0.0 if a == b else math.inf)
            if z > 4.5:
                failures.append(f"{job} {name} {level}: costsweep {a:.6g}, numpy {b:.6g}, "
                                f"{z:.1f} standard errors apart")
            rows.append((job, name, level, a, b, z))
    return failures


def print_table(rows):
    print("| job | output | level | costsweep | numpy | difference / SE |")
    print("|---|---|---|---|---|---|")
    for job, name, level, a, b, z in rows:
        if level == "p50" or name.startswith("share"):
            fmt = (lambda x: f"{100 * x:.2f}%") if name.startswith("share") else (lambda x: f"{x / 1e6:.3f} M$")
            print(f"| {job} | `{name}` | {level.upper()} | {fmt(a)} | {fmt(b)} | {z:.2f} |")


def main():
    args = harness.arguments(extra=lambda p: [p.add_argument("--table", action="store_true")])
    failures, rows = [], []
    with tempfile.TemporaryDirectory() as work:
        for job in JOBS:
            path = os.path.join(args.jobs, job)
            failures += compare(job, run_costsweep(args, path, work), run_numpy(args, path, work), rows)
    if args.table:
        print_table(rows)
    for failure in failures:
        print("FAIL:", failure, file=sys.stderr)
    worst = max(rows, key=lambda r: r[5])
    print(f"crosscheck: {len(rows)} quantiles compared, largest difference {worst[5]:.2f} SE "
          f"({worst[1]} {worst[2]}), {len(failures)} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
