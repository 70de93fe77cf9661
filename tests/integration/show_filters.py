"""`costsweep show` filters and CSV mode on a real grid run with every sensitivity table.

Every number of `show --csv` must equal the HDF5 dataset it comes from (exactly: 17 significant
digits), one row per scenario x output x measure (x group or input); --output, --scenario and
--stat keep exactly the rows and columns they name ('*' patterns, scenario indices); unknown
names exit 2 with a message listing what the file has."""
import csv
import io
import os
import subprocess
import tempfile

import h5py
import numpy as np

import harness


def show(args, path, *options):
    return subprocess.run([args.costsweep, "show", path, *options], capture_output=True, text=True,
                          timeout=120)


class Whole:
    """The file's datasets read whole once (element reads through h5py are slow)."""

    def __init__(self, f):
        self.f, self.cache = f, {}

    def __getitem__(self, name):
        if name not in self.cache:
            dataset = self.f[name]
            self.cache[name] = dataset.asstr()[:] if dataset.dtype.kind == "O" else dataset[:]
        return self.cache[name]


def expected_rows(f, scenarios, outputs, columns, tables):
    """The rows show --csv must print, from the file's datasets."""
    f = Whole(f)
    names = f["scenarios/name"]
    out_names, units = f["outputs/name"], f["outputs/unit"]
    levels = list(f["summary/quantile_levels"][:])
    rows = []
    for s in scenarios:
        for o in outputs:
            for column in columns:
                if column.startswith("p"):
                    level = next(q for q in levels if f"p{100 * q:g}" == column)
                    value = f["summary/quantiles"][s, o, levels.index(level)]
                else:
                    value = f["summary/" + column][s, o]
                rows.append((names[s], out_names[o], units[o], column, "", float(value)))
            if "sobol" in tables:
                for g, group in enumerate(f["sensitivity/sobol/group"]):
                    for m in ("first", "first_halfwidth", "total", "total_halfwidth"):
                        rows.append((names[s], out_names[o], units[o], "sobol_" + m, group,
                                     float(f["sensitivity/sobol/" + m][s, o, g])))
            if "rank" in tables:
                for i, name in enumerate(f["inputs/name"]):
                    if np.isnan(f["sensitivity/rank/spearman"][s, o, i]):
                        continue
                    for m in ("spearman", "spearman_low", "spearman_high", "prcc", "prcc_low", "prcc_high",
                              "first_order"):
                        rows.append((names[s], out_names[o], units[o],
                                     "rank_first_order" if m == "first_order" else m, name,
                                     float(f["sensitivity/rank/" + m][s, o, i])))
            if "tornado" in tables:
                rows.append((names[s], out_names[o], units[o], "tornado_base", "",
                             float(f["sensitivity/tornado/base"][s, o])))
                for g, group in enumerate(f["sensitivity/tornado/group"]):
                    for m in ("low", "high"):
                        rows.append((names[s], out_names[o], units[o], "tornado_" + m, group,
                                     float(f["sensitivity/tornado/" + m][s, o, g])))
    return rows


def parsed(text):
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    assert header == ["scenario", "output", "unit", "measure", "about", "value"], header
    return [(r[0], r[1], r[2], r[3], r[4], float(r[5])) for r in reader]


def same(a, b):
    return len(a) == len(b) and all(x[:5] == y[:5] and (x[5] == y[5] or (np.isnan(x[5]) and np.isnan(y[5])))
                                    for x, y in zip(a, b))


def main():
    args = harness.arguments()
    failures = []
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "sweep.h5")
        subprocess.run([args.mpiexec, "--oversubscribe", "-np", "2", args.costsweep, "run",
                        os.path.join(args.jobs, "epoch-2026-sweep.ini"), "-q", "-o", path,
                        "--draws", "600", "--set", "sensitivity.sobol=yes", "--set",
                        "sensitivity.tornado=yes", "--set", "sensitivity.rank=yes"],
                       check=True, stdout=subprocess.DEVNULL)
        with h5py.File(path, "r") as f:
            n_s, n_o = f["summary/mean"].shape
            levels = [f"p{100 * q:g}" for q in f["summary/quantile_levels"][:]]
            columns = ["count", "mean", "sd", "se", "min"] + levels + ["max", "diff_mean", "diff_se"]
            done = show(args, path, "--csv")
            everything = expected_rows(f, range(n_s), range(n_o), columns, ("sobol", "rank", "tornado"))
            if done.returncode != 0 or not same(parsed(done.stdout), everything):
                failures.append(f"show --csv differs from the HDF5 datasets ({len(everything)} rows expected)")
            out_names = list(f["outputs/name"].asstr()[:])
            shares = [o for o, name in enumerate(out_names) if name.startswith("share[")]
            names = f["scenarios/name"]
            done = show(args, path, "--csv", "--output", "share[*]", "--scenario", "3", "--scenario",
                        names[40], "--stat", "p50", "--stat", "diff_mean", "--stat", "sobol")
            if done.returncode != 0 or not same(parsed(done.stdout),
                                                expected_rows(f, [3, 40], shares, ["p50", "diff_mean"], ("sobol",))):
                failures.append(f"filtered CSV wrong: {done.stderr or done.stdout[:400]}")
            text = show(args, path, "--output", "share[MiniMax]", "--stat", "P95", "--scenario", "0")
            lines = text.stdout.splitlines()
            header = next((l for l in lines if l.startswith("output")), "")
            if text.returncode != 0 or header.split() != ["output", "unit", "P95"] or \
                    sum(l.startswith("share[") for l in lines) != 1 or "Sobol" in text.stdout:
                failures.append(f"filtered table wrong:\n{text.stdout[-800:]}")
            print(f"show: {len(everything)} CSV rows equal the HDF5 values; filters keep what they name")
        for options, fragments in ((["--output", "nope"], ["cannot show output 'nope'", "'cost[MiniMax-Text-01]'", "in all)"]),
                                   (["--stat", "p51"], ["cannot show stat 'p51'", "'p50'", "'sobol'"]),
                                   (["--scenario", "9999"], ["cannot show scenario '9999'", "72 in all"])):
            done = show(args, path, *options)
            if done.returncode != 2 or any(x not in done.stderr for x in fragments) or "Traceback" in done.stderr:
                failures.append(f"show {options}: status {done.returncode}, stderr {done.stderr[:300]!r}")
    harness.finish("show filters", failures)


if __name__ == "__main__":
    main()
