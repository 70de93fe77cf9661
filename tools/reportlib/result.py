"""Reading a costsweep result file (layout 1, README "Result file") into numpy arrays.

Every problem a user can cause (not HDF5, not a costsweep file, a newer layout, a missing or
misshapen dataset, values that do not match their checksum) raises ResultError with the reason; h5py's own exceptions never escape.
"""
import hashlib
import os

import h5py
import numpy as np

LAYOUT_VERSION = 1

# The result layout (src/io/layout.hpp, printed by `costsweep layout`; tests/integration/layout.py
# checks this copy against it): path, element type, dimension names, when present, and whether
# files of earlier versions may lack it. The reader checks every present dataset's shape
# against it and reads every numeric one but the samples.
DATASETS = (
    ("scenarios/name", "string", ("scenario",), "always", False),
    ("scenarios/axis", "string", ("axis",), "always", False),
    ("scenarios/value_text", "string", ("scenario", "axis"), "always", False),
    ("scenarios/value_label", "string", ("scenario", "axis"), "always", False),
    ("scenarios/value_number", "float64", ("scenario", "axis"), "always", False),
    ("outputs/name", "string", ("output",), "always", False),
    ("outputs/unit", "string", ("output",), "always", False),
    ("outputs/description", "string", ("output",), "always", False),
    ("inputs/name", "string", ("input",), "always", False),
    ("inputs/spec", "string", ("scenario", "input"), "always", False),
    ("summary/count", "int64", ("scenario", "output"), "always", False),
    ("summary/mean", "float64", ("scenario", "output"), "always", False),
    ("summary/sd", "float64", ("scenario", "output"), "always", False),
    ("summary/se", "float64", ("scenario", "output"), "always", False),
    ("summary/min", "float64", ("scenario", "output"), "always", False),
    ("summary/max", "float64", ("scenario", "output"), "always", False),
    ("summary/diff_mean", "float64", ("scenario", "output"), "always", False),
    ("summary/diff_se", "float64", ("scenario", "output"), "always", False),
    ("summary/quantile_levels", "float64", ("quantile level",), "always", False),
    ("summary/quantiles", "float64", ("scenario", "output", "quantile level"), "always", False),
    ("sensitivity/sobol/group", "string", ("Sobol group",), "sensitivity.sobol", False),
    ("sensitivity/sobol/first", "float64", ("scenario", "output", "Sobol group"),
     "sensitivity.sobol", False),
    ("sensitivity/sobol/first_halfwidth", "float64", ("scenario", "output", "Sobol group"),
     "sensitivity.sobol", False),
    ("sensitivity/sobol/total", "float64", ("scenario", "output", "Sobol group"),
     "sensitivity.sobol", False),
    ("sensitivity/sobol/total_halfwidth", "float64", ("scenario", "output", "Sobol group"),
     "sensitivity.sobol", False),
    ("sensitivity/rank/spearman", "float64", ("scenario", "output", "input"), "sensitivity.rank",
     False),
    ("sensitivity/rank/spearman_low", "float64", ("scenario", "output", "input"),
     "sensitivity.rank", False),
    ("sensitivity/rank/spearman_high", "float64", ("scenario", "output", "input"),
     "sensitivity.rank", False),
    ("sensitivity/rank/prcc", "float64", ("scenario", "output", "input"), "sensitivity.rank",
     False),
    ("sensitivity/rank/prcc_low", "float64", ("scenario", "output", "input"), "sensitivity.rank",
     False),
    ("sensitivity/rank/prcc_high", "float64", ("scenario", "output", "input"),
     "sensitivity.rank", False),
    ("sensitivity/rank/first_order", "float64", ("scenario", "output", "input"),
     "sensitivity.rank", True),
    ("sensitivity/tornado/group", "string", ("tornado group",), "sensitivity.tornado", False),
    ("sensitivity/tornado/base", "float64", ("scenario", "output"), "sensitivity.tornado", False),
    ("sensitivity/tornado/low", "float64", ("scenario", "output", "tornado group"),
     "sensitivity.tornado", False),
    ("sensitivity/tornado/high", "float64", ("scenario", "output", "tornado group"),
     "sensitivity.tornado", False),
    ("samples/outputs", "float64", ("scenario", "output", "draw"), "job.save_samples", False),
    ("samples/inputs", "float64", ("scenario", "input", "draw"), "job.save_samples", False),
)
# The group whose presence in a file makes each optional part present.
PRESENCE_GROUP = {"always": "", "sensitivity.sobol": "sensitivity/sobol",
                  "sensitivity.rank": "sensitivity/rank",
                  "sensitivity.tornado": "sensitivity/tornado", "job.save_samples": "samples"}
# The dataset whose length is each dimension's size (draws: any).
DIMENSION_NAMES = {"scenario": "scenarios/name", "axis": "scenarios/axis",
                   "output": "outputs/name", "input": "inputs/name",
                   "quantile level": "summary/quantile_levels",
                   "Sobol group": "sensitivity/sobol/group",
                   "tornado group": "sensitivity/tornado/group"}


def leaves(prefix, presence="always"):
    """Names after `prefix` of the layout's float datasets directly under it."""
    return tuple(path[len(prefix):] for path, kind, _, when, _ in DATASETS
                 if path.startswith(prefix) and "/" not in path[len(prefix):]
                 and kind != "string" and when == presence)


SUMMARY_STATS = tuple(n for n in leaves("summary/") if n not in ("quantile_levels", "quantiles"))


class ResultError(Exception):
    """A result file that cannot be read; the message is the reason."""


class Result:
    """A result file's tables. Arrays are indexed [scenario, output, ...] as in the file.

    Every sensitivity measure of reportlib.measures adds the attribute its NAME says, what its
    read() returns (a false value when the file lacks the measure).
    """

    def __init__(self, path):
        self.path = path
        self.samples = None

    def draws(self, s, o):
        """Every stored draw of output o in scenario s (read now: the file stays open)."""
        try:
            return np.asarray(self.samples[s, o, :], dtype=float)
        except (OSError, ValueError) as error:
            raise ResultError(f"cannot read the draws of '{self.outputs[o]}' ({error})") from None


def strings(f, name):
    return [str(s) for s in dataset(f, name).asstr()[()].ravel()]


def dataset(f, name):
    if name not in f or not isinstance(f[name], h5py.Dataset):
        raise ResultError(f"dataset '/{name}' is missing")
    return f[name]


def verified(d, name):
    """The dataset's values, checked against the SHA-256 costsweep wrote beside them (its values
    as little-endian doubles or 64-bit integers; files written before checksums have none)."""
    raw = d[()]
    expected = d.attrs.get("sha256")
    if expected is not None:
        kind = "<f8" if np.issubdtype(d.dtype, np.floating) else "<i8"
        expected = expected.decode() if isinstance(expected, bytes) else str(expected)
        if hashlib.sha256(np.asarray(raw).astype(kind).tobytes()).hexdigest() != expected:
            raise ResultError(f"dataset '/{name}' is damaged: its values do not match the "
                              f"checksum written with them")
    return raw


def read_layout(f):
    """Every dataset the layout gives this file, its shape checked against the file's name
    lists: {path: numpy array} of the numeric ones but the samples (strings are read apart)."""
    sizes = {}
    for dim, path in DIMENSION_NAMES.items():
        if path in f:
            sizes[dim] = len(dataset(f, path))
    data = {}
    for path, kind, dims, when, may_be_absent in DATASETS:
        group = PRESENCE_GROUP[when]
        if group and group not in f:
            continue
        if may_be_absent and path not in f:
            continue
        shape = tuple(sizes.get(d, -1) for d in dims)
        found = dataset(f, path).shape
        if len(found) != len(dims) or any(n not in (-1, m) for n, m in zip(shape, found)):
            raise ResultError(f"dataset '/{path}' has shape {list(found)}; the layout gives it "
                              f"[{', '.join(dims)}], which is {list(shape)} for this file's names")
        if kind != "string" and when != "job.save_samples":
            data[path] = np.asarray(verified(f[path], path),
                                    dtype=np.int64 if kind == "int64" else float)
    return data


def open_file(path):
    if not os.path.exists(path):
        raise ResultError("no such file")
    if os.path.isdir(path):
        raise ResultError("it is a folder, not a result file")
    try:
        if not h5py.is_hdf5(path):
            raise ResultError("not an HDF5 file")
        return h5py.File(path, "r")
    except OSError as error:
        raise ResultError(f"not a readable HDF5 file ({error})") from None


def layout(f):
    if "costsweep_layout" not in f.attrs:
        raise ResultError("it is an HDF5 file but not a costsweep result (no 'costsweep_layout' "
                          "attribute)")
    try:
        version = int(np.asarray(f.attrs["costsweep_layout"]).ravel()[0])
    except (TypeError, ValueError, IndexError):
        raise ResultError("its 'costsweep_layout' attribute is not a number") from None
    if version > LAYOUT_VERSION:
        raise ResultError(f"written with result layout {version}, newer than this tool reads "
                          f"({LAYOUT_VERSION}); use the tools of the costsweep that wrote it")
    return version


def provenance(f):
    if "provenance" not in f:
        return {}
    out = {}
    for key, value in f["provenance"].attrs.items():
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        elif isinstance(value, np.generic):
            value = value.item()
        out[key] = value
    return out


def read_scenarios(f, r, data):
    r.scenarios = strings(f, "scenarios/name")
    r.axes = strings(f, "scenarios/axis")
    S, A = len(r.scenarios), len(r.axes)
    r.value_label = np.array(strings(f, "scenarios/value_label"), dtype=object).reshape(S, A)
    r.value_number = data["scenarios/value_number"]
    # baseline and first_scenario count scenarios of the job; a shard holds rows from
    # first_scenario on, and its baseline may lie in another shard (then None).
    attrs = f["scenarios"].attrs
    r.first_scenario = int(attrs.get("first_scenario", 0))
    r.total_scenarios = int(attrs.get("total_scenarios", S))
    row = int(attrs.get("baseline", 0)) - r.first_scenario
    r.baseline = row if 0 <= row < S else None


def read_summary(r, data):
    r.levels = np.asarray(data["summary/quantile_levels"], dtype=float).ravel()
    r.stats = {name: data["summary/" + name] for name in SUMMARY_STATS}
    r.quantiles = data["summary/quantiles"]


def load(path):
    """The result file at `path`; raises ResultError."""
    from . import measures  # here: the measures import this module's helpers
    f = open_file(path)
    try:
        r = Result(path)
        r.layout = layout(f)
        data = read_layout(f)
        read_scenarios(f, r, data)
        r.outputs = strings(f, "outputs/name")
        r.units = strings(f, "outputs/unit")
        r.descriptions = strings(f, "outputs/description")
        r.inputs = strings(f, "inputs/name")
        if not len(r.units) == len(r.descriptions) == len(r.outputs):
            raise ResultError("the output names, units and descriptions differ in length")
        read_summary(r, data)
        for measure in measures.ALL:
            setattr(r, measure.NAME, measure.read(f, data))
        r.provenance = provenance(f)
        if "samples/outputs" in f:
            shape = f["samples/outputs"].shape
            if len(shape) != 3 or shape[:2] != (len(r.scenarios), len(r.outputs)):
                raise ResultError("dataset '/samples/outputs' does not match the scenario and "
                                  "output names")
            r.samples = f["samples/outputs"]
        r.file = f
        return r
    except ResultError:
        f.close()
        raise
    except (OSError, KeyError, ValueError, TypeError) as error:
        f.close()
        raise ResultError(f"the file is damaged ({error})") from None
