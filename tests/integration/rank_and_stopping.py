"""Rank measures and the stopping rule from real runs.

Rank measures: the Epoch article job (one scenario: its draws split over 3 ranks and gathered)
and the 72-scenario sweep (rows whole on a rank, some split) with sensitivity.rank = yes and
saved samples; every Spearman and PRCC value must equal a numpy computation on the stored draws
(first rank_draws of them): average ranks for ties, Spearman = Pearson on ranks, PRCC from the
inverse of the rank correlation matrix of the varying inputs and the output; NaN exactly where
numpy finds nothing to correlate.

Stopping rule: Ishigami with Sobol indices and target_halfwidth stops at the first doubling
whose largest half-width is within the target, says so in /provenance/stopping, and its file
equals a plain run at the final draws; with a max_draws too small it warns, exits 0 and records
that the target was not reached."""
import os
import subprocess
import tempfile

import h5py
import numpy as np

import harness


def average_ranks(values):
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values))
    sorted_values = values[order]
    start = 0
    while start < len(values):
        end = start
        while end + 1 < len(values) and sorted_values[end + 1] == sorted_values[start]:
            end += 1
        ranks[order[start:end + 1]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def numpy_measures(inputs, outputs):
    """Spearman and PRCC [output][input] of columns of inputs (n x I) and outputs (n x O)."""
    n_in, n_out = inputs.shape[1], outputs.shape[1]
    r_in = np.column_stack([average_ranks(inputs[:, i]) for i in range(n_in)])
    r_out = np.column_stack([average_ranks(outputs[:, o]) for o in range(n_out)])
    spearman = np.full((n_out, n_in), np.nan)
    prcc = np.full((n_out, n_in), np.nan)
    varying = [i for i in range(n_in) if np.ptp(inputs[:, i]) > 0]
    for o in range(n_out):
        if np.ptp(outputs[:, o]) == 0:
            continue
        for i in varying:
            spearman[o, i] = np.corrcoef(r_in[:, i], r_out[:, o])[0, 1]
        # An output whose ranks are one input's ranks (e.g. a cost from fixed GPU-hours times a
        # drawn price) makes the matrix singular: PRCC is undefined for every input.
        if np.nanmax(np.abs(spearman[o])) >= 1 - 1e-12:
            continue
        c = np.corrcoef(np.column_stack([r_in[:, varying], r_out[:, o]]), rowvar=False)
        p = np.linalg.inv(c)
        k = len(varying)
        for j, i in enumerate(varying):
            prcc[o, i] = -p[j, k] / np.sqrt(p[j, j] * p[k, k])
    return spearman, prcc


def run(args, work, name, job, ranks, *extra):
    out = os.path.join(work, name + ".h5")
    result = subprocess.run([args.mpiexec, "--oversubscribe", "-np", str(ranks), args.costsweep,
                             "run", os.path.join(args.jobs, job), "-q", "-o", out, *extra],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"costsweep run {job} failed: {result.stderr}")
    return out, result.stderr


def check_rank(args, work, failures, name, job, draws, rank_draws, scenarios_checked):
    path, _ = run(args, work, name, job, 3, "--draws", str(draws), "--set", "job.save_samples=yes",
                  "--set", "sensitivity.rank=yes", "--set", f"sensitivity.rank_draws={rank_draws}",
                  "--set", "job.block_size=1000")
    with h5py.File(path, "r") as f:
        m = min(draws, rank_draws)
        if f["sensitivity/rank"].attrs["draws"] != m:
            failures.append(f"{name}: /sensitivity/rank draws {f['sensitivity/rank'].attrs['draws']}, expected {m}")
        specs = f["inputs/spec"].asstr()[:]
        worst = 0.0
        for s in scenarios_checked:
            drawn = [i for i, spec in enumerate(specs[s]) if spec != ""]
            inputs = f["samples/inputs"][s][drawn, :m].T
            outputs = f["samples/outputs"][s][:, :m].T
            spearman, prcc = numpy_measures(inputs, outputs)
            for label, ours, theirs in (("spearman", f["sensitivity/rank/spearman"][s][:, drawn], spearman),
                                        ("prcc", f["sensitivity/rank/prcc"][s][:, drawn], prcc)):
                if not np.array_equal(np.isnan(ours), np.isnan(theirs)):
                    failures.append(f"{name} scenario {s} {label}: NaN pattern differs from numpy")
                    continue
                both = ~np.isnan(ours)
                worst = max(worst, float(np.max(np.abs(ours[both] - theirs[both]), initial=0)))
            undrawn = [i for i, spec in enumerate(specs[s]) if spec == ""]
            if undrawn and not np.all(np.isnan(f["sensitivity/rank/spearman"][s][:, undrawn])):
                failures.append(f"{name} scenario {s}: inputs it does not draw have rank measures")
        low, high = f["sensitivity/rank/prcc_low"][:], f["sensitivity/rank/prcc_high"][:]
        values = f["sensitivity/rank/prcc"][:]
        defined = ~np.isnan(values)
        if not np.all((low[defined] <= values[defined]) & (values[defined] <= high[defined])):
            failures.append(f"{name}: a PRCC lies outside its interval")
    # Rank correlations of a few thousand draws agree to rounding (different summation order).
    if worst > 1e-9:
        failures.append(f"{name}: largest difference from numpy {worst:.3g} > 1e-9")
    print(f"{name}: {len(scenarios_checked)} scenarios x {m} draws, largest difference from numpy {worst:.2e}")


def check_stopping(args, work, failures):
    sobol = ["--set", "sensitivity.sobol=yes"]
    path, _ = run(args, work, "stop", "ishigami.ini", 2, "--draws", "1024", *sobol,
                  "--set", "sensitivity.target_halfwidth=0.03")
    with h5py.File(path, "r") as f:
        draws = int(f["provenance"].attrs["draws"])
        stopping = f["provenance"].attrs["stopping"]
        largest = max(np.nanmax(f["sensitivity/sobol/first_halfwidth"][:]),
                      np.nanmax(f["sensitivity/sobol/total_halfwidth"][:]))
    if "reached at" not in stopping or largest > 0.03 or draws <= 1024:
        failures.append(f"stopping: draws {draws}, largest half-width {largest}, '{stopping}'")
    # The previous round (half the draws) must have missed the target, or the rule ran too long.
    half, _ = run(args, work, "half", "ishigami.ini", 1, "--draws", str(draws // 2), *sobol)
    with h5py.File(half, "r") as f:
        if max(np.nanmax(f["sensitivity/sobol/first_halfwidth"][:]),
               np.nanmax(f["sensitivity/sobol/total_halfwidth"][:])) <= 0.03:
            failures.append(f"stopping: {draws // 2} draws already met the target")
    plain, _ = run(args, work, "plain", "ishigami.ini", 3, "--draws", str(draws), *sobol)
    diff = subprocess.run(["h5diff", "--exclude-path", "/provenance", path, plain],
                          capture_output=True, text=True)
    if diff.returncode != 0:
        failures.append(f"stopping: file differs from a plain run at {draws} draws: {diff.stdout[:300]}")
    capped, stderr = run(args, work, "capped", "ishigami.ini", 2, "--draws", "1024", *sobol,
                         "--set", "sensitivity.target_halfwidth=0.001",
                         "--set", "sensitivity.max_draws=4096")
    with h5py.File(capped, "r") as f:
        if "not reached" not in f["provenance"].attrs["stopping"] or f["provenance"].attrs["draws"] != 4096:
            failures.append(f"capped stopping: {f['provenance'].attrs['stopping']}")
    if "warning: target_halfwidth 0.001 not reached (max_draws 4096)" not in stderr:
        failures.append(f"capped stopping printed no warning: {stderr!r}")
    print(f"stopping: target 0.03 reached at {draws} draws (largest half-width {largest:.4f})")


def main():
    args = harness.arguments()
    failures = []
    with tempfile.TemporaryDirectory() as work:
        check_rank(args, work, failures, "article", "epoch-2026-article.ini", 6000, 4000, [0])
        check_rank(args, work, failures, "sweep", "epoch-2026-sweep.ini", 1500, 100000,
                   [0, 1, 23, 24, 25, 47, 48, 71])
        check_stopping(args, work, failures)
    harness.finish("rank and stopping", failures)


if __name__ == "__main__":
    main()
