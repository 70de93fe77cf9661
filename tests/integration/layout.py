"""The file a run writes matches the README's table of the result layout, both ways: every
dataset of a run with every feature on (a grid, Sobol, tornado and rank measures, samples) is a
row of the table, and every row is in the file with the type and shape the table gives ([S, O,
Q], ... in the file's own sizes); the attributes the table names are there."""
import os
import re
import subprocess
import tempfile

import h5py

import harness

JOB = """[job]
model = ishigami
draws = {draws}
seed = 5
quantiles = 0.05, 0.5, 0.95
save_samples = yes
output = {out}
[model]
a = 7
b = 0.1
[inputs]
x1 = uniform(-pi, pi)
x2 = uniform(-pi, pi)
x3 = uniform(-pi, pi)
[grid]
axis.model.a = low: 5 | 7 | high: 9
[sensitivity]
sobol = yes
tornado = yes
rank = yes
"""


def extra(parser):
    parser.add_argument("--readme", required=True, help="the README.md with the layout table")


def table_rows(readme):
    """(paths, shape cell, content cell) of each row of the table under `| path | shape, type |`."""
    rows, inside = [], False
    for line in open(readme, encoding="utf-8"):
        if line.startswith("| path | shape, type | content |"):
            inside = True
            continue
        if inside and not line.startswith("|"):
            break
        if inside and line.startswith("| `/"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            names = re.findall(r"`([^`]+)`", cells[0])
            first = names[0]
            parent = first.rsplit("/", 1)[0]
            paths = [n if n.startswith("/") else parent + "/" + n for n in names]
            rows.append((paths, cells[1], cells[2], cells[0]))
    return rows


def main():
    args = harness.arguments(extra=extra)
    failures = []
    rows = table_rows(args.readme)
    if len(rows) < 15:
        harness.finish("layout", [f"found only {len(rows)} rows of the layout table in README"])
    with tempfile.TemporaryDirectory() as work:
        draws = 2048
        out = os.path.join(work, "full.h5")
        job = os.path.join(work, "full.ini")
        with open(job, "w") as f:
            f.write(JOB.format(draws=draws, out=out))
        subprocess.run([args.costsweep, "run", job, "-q"], check=True, stdout=subprocess.DEVNULL,
                       cwd=work)
        with h5py.File(out, "r") as f:
            datasets = {}
            f.visititems(lambda name, obj: datasets.__setitem__("/" + name, obj)
                         if isinstance(obj, h5py.Dataset) else None)
            size = {"S": len(f["scenarios/name"]), "O": len(f["outputs/name"]),
                    "I": len(f["inputs/name"]), "Q": len(f["summary/quantile_levels"]),
                    "A": len(f["scenarios/axis"]), "N": draws}
            if size["S"] != 3 or size["A"] != 1:
                failures.append(f"the grid gave {size['S']} scenarios and {size['A']} axes, not 3, 1")
            listed = set()
            for paths, shape_cell, content, first_cell in rows:
                if "attributes" in first_cell:
                    obj = f[paths[0]]
                    for name in re.findall(r"`([a-z_]+)`", content):
                        if name in ("merged", "merged_from", "stopping"):
                            continue  # only in merged files or with a stopping rule
                        if name not in obj.attrs:
                            failures.append(f"{paths[0]} lacks attribute {name!r} of the table")
                    continue
                match = re.match(r"\[([A-Z, ]+)\] (string|float64|int64)", shape_cell)
                if not match:
                    failures.append(f"cannot read the shape cell {shape_cell!r}")
                    continue
                dims = [d.strip() for d in match.group(1).split(",")]
                for path in paths:
                    listed.add(path)
                    if path not in datasets:
                        failures.append(f"the table lists {path}, the file has no such dataset")
                        continue
                    d = datasets[path]
                    group = path.rsplit("/", 1)[0]
                    sizes = dict(size, G=len(f[group + "/group"]) if group + "/group" in f else -1)
                    want = tuple(sizes[x] for x in dims)
                    if d.shape != want:
                        failures.append(f"{path}: shape {d.shape}, the table says {dims} = {want}")
                    kind = match.group(2)
                    is_string = h5py.check_string_dtype(d.dtype) is not None
                    if (kind == "string") != is_string or \
                            (kind != "string" and d.dtype.str != {"float64": "<f8",
                                                                   "int64": "<i8"}[kind]):
                        failures.append(f"{path}: type {d.dtype}, the table says {kind}")
            for path in sorted(set(datasets) - listed):
                failures.append(f"{path} is in the file but not in the README's layout table")
    harness.finish("layout", failures)


if __name__ == "__main__":
    main()
