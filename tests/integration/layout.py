"""The result layout is declared once (src/io/layout.hpp, printed by `costsweep layout`), and
everything else agrees with it: the README's table lists the same datasets with the same shapes
and types; the Python reader's copy (tools/reportlib/result.py DATASETS) is the same table; and
the file a run with every feature on writes (a grid, Sobol, tornado and rank measures, samples)
holds exactly the layout's datasets, each with its type, its shape in the file's own sizes and
the dimension scales of its named dimensions; the attributes the README names are there."""
import os
import re
import subprocess
import sys
import tempfile

import h5py

import harness

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from reportlib import result as reportlib_result  # noqa: E402

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


def declared_layout(costsweep):
    """{path: (type, shape letters, dimension names, present, may_be_absent)} from `costsweep
    layout`."""
    text = subprocess.run([costsweep, "layout"], check=True, capture_output=True,
                          text=True).stdout
    lines = text.splitlines()
    assert lines[0].split("\t")[:3] == ["path", "type", "shape"], lines[0]
    table = {}
    for line in lines[1:]:
        path, kind, shape, dims, present, _csv, absent = line.split("\t")
        table[path] = (kind, tuple(shape.split(",")), tuple(dims.split(",")), present,
                       absent == "yes")
    return table


def check_declarations(layout, rows, failures):
    """README's table and the Python reader's copy against the declared layout."""
    readme = {}
    for paths, shape_cell, _content, first_cell in rows:
        if "attributes" in first_cell:
            continue
        match = re.match(r"\[([A-Z, ]+)\] (string|float64|int64)", shape_cell)
        if not match:
            failures.append(f"cannot read the README's shape cell {shape_cell!r}")
            continue
        for path in paths:
            readme[path] = (match.group(2), tuple(d.strip() for d in match.group(1).split(",")))
    declared = {path: (kind, shape) for path, (kind, shape, _, _, _) in layout.items()}
    for path in sorted(set(declared) | set(readme)):
        if path not in readme:
            failures.append(f"{path} is in `costsweep layout` but not in the README's table")
        elif path not in declared:
            failures.append(f"{path} is in the README's table but not in `costsweep layout`")
        elif readme[path] != declared[path]:
            failures.append(f"{path}: README says {readme[path]}, the layout {declared[path]}")
    python = {"/" + path: (kind, tuple(dims), present, absent)
              for path, kind, dims, present, absent in reportlib_result.DATASETS}
    ours = {path: (kind, dims, present, absent)
            for path, (kind, _, dims, present, absent) in layout.items()}
    if list(python) != list(ours):
        failures.append(f"reportlib's DATASETS list {list(python)}, the layout {list(ours)}")
    for path in ours:
        if path in python and python[path] != ours[path]:
            failures.append(f"{path}: reportlib says {python[path]}, the layout {ours[path]}")


def main():
    args = harness.arguments(extra=extra)
    failures = []
    rows = table_rows(args.readme)
    if len(rows) < 15:
        harness.finish("layout", [f"found only {len(rows)} rows of the layout table in README"])
    layout = declared_layout(args.costsweep)
    if len(layout) < 30:
        harness.finish("layout", [f"`costsweep layout` lists only {len(layout)} datasets"])
    check_declarations(layout, rows, failures)
    scale_of = {"scenario": "/scenarios/name", "axis": "/scenarios/axis",
                "output": "/outputs/name", "input": "/inputs/name",
                "quantile level": "/summary/quantile_levels",
                "Sobol group": "/sensitivity/sobol/group",
                "tornado group": "/sensitivity/tornado/group"}
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
            # Every dataset of the layout (this job has every part), with the dimension scales
            # of its named dimensions attached.
            for path, (kind, shape, dims, _present, _absent) in layout.items():
                if path not in datasets:
                    failures.append(f"{path} of the layout is not in the file")
                    continue
                d = datasets[path]
                for axis, dim in enumerate(dims):
                    scale = scale_of.get(dim)
                    if scale is None or scale == path:
                        continue
                    attached = [s.name for s in d.dims[axis].values()]
                    if attached != [scale]:
                        failures.append(f"{path}: dimension {axis} ({dim}) has scales "
                                        f"{attached}, not {scale}")
    harness.finish("layout", failures)


if __name__ == "__main__":
    main()
