"""Rank measures and the stopping rule from real runs.

Rank measures: the Epoch article job (one scenario: its draws split over 3 ranks and gathered)
and the 72-scenario sweep (rows whole on a rank, some split) with sensitivity.rank = yes and
saved samples; every Spearman and PRCC value must equal a numpy computation on the stored draws
(first rank_draws of them): average ranks for ties, Spearman = Pearson on ranks, PRCC from the
inverse of the rank correlation matrix of the varying inputs and the output; NaN exactly where
numpy finds nothing to correlate.

Rank-based first-order indices (Gamboa, Klein & Lagnoux 2022): equal to numpy's computation of
the same estimator on the stored draws; on Ishigami within sampling error of the closed forms
and of the pick-freeze Sobol indices of the same run; on the Epoch article job, for
flop[Hailuo-02 (pretraining)] (a Sobol group of its own), within the pick-freeze index's
interval plus sampling error, for every output.

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


def numpy_first_order(inputs, outputs):
    """The rank-based first-order indices [output][input], written out: draws sorted by the input
    (ties in draw order), each output value paired with the next draw's (the last with the
    first), S = sum(y y_next) / sum(y^2) of the centred output."""
    n_in, n_out = inputs.shape[1], outputs.shape[1]
    first = np.full((n_out, n_in), np.nan)
    for i in range(n_in):
        if np.ptp(inputs[:, i]) == 0:
            continue
        order = np.argsort(inputs[:, i], kind="stable")
        for o in range(n_out):
            y = outputs[order, o] - outputs[:, o].mean()
            if np.sum(y * y) > 0:
                first[o, i] = np.sum(y * np.roll(y, -1)) / np.sum(y * y)
    return first


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
            first = numpy_first_order(inputs, outputs)
            for label, ours, theirs in (("spearman", f["sensitivity/rank/spearman"][s][:, drawn], spearman),
                                        ("prcc", f["sensitivity/rank/prcc"][s][:, drawn], prcc),
                                        ("first_order", f["sensitivity/rank/first_order"][s][:, drawn],
                                         first)):
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


def check_first_order_against_sobol(args, work, failures):
    # Ishigami (a = 7, b = 0.1): S1 = 0.3139, S2 = 0.4424, S3 = 0 (closed forms). The rank
    # estimator's standard deviation at 1e5 draws is about 0.003 (unit tests: replicates), so
    # 0.02 is more than 5 of them.
    a, b = 7.0, 0.1
    v1, v2 = 0.5 * (1 + b * np.pi ** 4 / 5) ** 2, a * a / 8
    v = v1 + v2 + 8 * b * b * np.pi ** 8 / 225
    closed = np.array([v1 / v, v2 / v, 0.0])
    path, _ = run(args, work, "ishigami_s1", "ishigami.ini", 2, "--draws", "100000",
                  "--set", "sensitivity.sobol=yes", "--set", "sensitivity.rank=yes")
    with h5py.File(path, "r") as f:
        inputs = list(f["inputs/name"].asstr()[:])
        groups = list(f["sensitivity/sobol/group"].asstr()[:])
        ranked = f["sensitivity/rank/first_order"][0, 0]
        sobol = f["sensitivity/sobol/first"][0, 0]
        halfwidth = f["sensitivity/sobol/first_halfwidth"][0, 0]
    for k, name in enumerate(["x1", "x2", "x3"]):
        r = ranked[inputs.index(name)]
        g = groups.index(name)
        if not abs(r - closed[k]) < 0.02:
            failures.append(f"ishigami: rank S1 of {name} {r:.4f}, closed form {closed[k]:.4f}")
        if not abs(r - sobol[g]) < halfwidth[g] + 0.02:
            failures.append(f"ishigami: rank S1 of {name} {r:.4f}, pick-freeze {sobol[g]:.4f} "
                            f"+- {halfwidth[g]:.4f}")
    print("ishigami: rank S1 " + ", ".join(f"{x:.4f}" for x in ranked[[inputs.index(n) for n in
                                                                         ("x1", "x2", "x3")]])
          + " vs closed " + ", ".join(f"{x:.4f}" for x in closed))
    # The Epoch article job at its own 50,000 draws: Hailuo-02's FLOP is a group of its own.
    path, _ = run(args, work, "article_s1", "epoch-2026-article.ini", 2,
                  "--set", "sensitivity.tornado=no")
    with h5py.File(path, "r") as f:
        i = list(f["inputs/name"].asstr()[:]).index("flop[Hailuo-02 (pretraining)]")
        g = list(f["sensitivity/sobol/group"].asstr()[:]).index("hailuo_02_flop")
        ranked = f["sensitivity/rank/first_order"][0, :, i]
        sobol = f["sensitivity/sobol/first"][0, :, g]
        halfwidth = f["sensitivity/sobol/first_halfwidth"][0, :, g]
        outputs = f["outputs/name"].asstr()[:]
    # The rank estimator at 50,000 draws: standard deviation below 0.01.
    worst = np.abs(ranked - sobol) - halfwidth
    for o in np.flatnonzero(~(worst < 0.03)):
        failures.append(f"article: rank S1 of Hailuo-02's FLOP for {outputs[o]} {ranked[o]:.4f}, "
                        f"pick-freeze {sobol[o]:.4f} +- {halfwidth[o]:.4f}")
    top = int(np.nanargmax(sobol))
    print(f"article: rank S1 of Hailuo-02's FLOP within the pick-freeze interval + "
          f"{max(0.0, float(np.nanmax(worst))):.4f} for all {len(outputs)} outputs "
          f"(largest: {outputs[top]} {ranked[top]:.4f} vs {sobol[top]:.4f} +- {halfwidth[top]:.4f})")


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
        check_first_order_against_sobol(args, work, failures)
        check_stopping(args, work, failures)
    harness.finish("rank and stopping", failures)


if __name__ == "__main__":
    main()
