"""Reading a costsweep result file (layout 1, README "Result file") into numpy arrays.

Every problem a user can cause (not HDF5, not a costsweep file, a newer layout, a missing or
misshapen dataset, values that do not match their checksum) raises ResultError with the reason; h5py's own exceptions never escape.
"""
import hashlib
import os

import h5py
import numpy as np

LAYOUT_VERSION = 1
SUMMARY_STATS = ("count", "mean", "sd", "se", "min", "max", "diff_mean", "diff_se")
SOBOL_STATS = ("first", "first_halfwidth", "total", "total_halfwidth")
RANK_MEASURES = ("spearman", "prcc", "first_order")  # first_order: older files lack it


class ResultError(Exception):
    """A result file that cannot be read; the message is the reason."""


class Result:
    """A result file's tables. Arrays are indexed [scenario, output, ...] as in the file.

    sobol: dict (groups, first, first_halfwidth, total, total_halfwidth) or None.
    tornado: dict (groups, base, low, high, low_level, high_level) or None.
    rank: {measure: {"value": [S, O, I], "low": ..., "high": ...}} (intervals optional).
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


def array(f, name, shape):
    """A float dataset of exactly `shape`."""
    values = np.asarray(verified(dataset(f, name), name),
                        dtype=float if name != "summary/count" else np.int64)
    if values.shape != tuple(shape):
        raise ResultError(f"dataset '/{name}' has shape {list(values.shape)}, expected "
                          f"{list(shape)} from the scenario, output and level names")
    return values


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


def read_scenarios(f, r):
    r.scenarios = strings(f, "scenarios/name")
    r.axes = strings(f, "scenarios/axis")
    S, A = len(r.scenarios), len(r.axes)
    r.value_label = np.array(strings(f, "scenarios/value_label"), dtype=object).reshape(S, A)
    r.value_number = array(f, "scenarios/value_number", (S, A))
    # baseline and first_scenario count scenarios of the job; a shard holds rows from
    # first_scenario on, and its baseline may lie in another shard (then None).
    attrs = f["scenarios"].attrs
    r.first_scenario = int(attrs.get("first_scenario", 0))
    r.total_scenarios = int(attrs.get("total_scenarios", S))
    row = int(attrs.get("baseline", 0)) - r.first_scenario
    r.baseline = row if 0 <= row < S else None


def read_summary(f, r):
    S, O = len(r.scenarios), len(r.outputs)
    r.levels = np.asarray(verified(dataset(f, "summary/quantile_levels"), "summary/quantile_levels"),
                          dtype=float).ravel()
    r.stats = {name: array(f, "summary/" + name, (S, O)) for name in SUMMARY_STATS}
    r.quantiles = array(f, "summary/quantiles", (S, O, len(r.levels)))


def read_sobol(f, r):
    if "sensitivity/sobol" not in f:
        return None
    groups = strings(f, "sensitivity/sobol/group")
    shape = (len(r.scenarios), len(r.outputs), len(groups))
    sobol = {name: array(f, "sensitivity/sobol/" + name, shape) for name in SOBOL_STATS}
    sobol["groups"] = groups
    return sobol


def read_tornado(f, r):
    if "sensitivity/tornado" not in f:
        return None
    groups = strings(f, "sensitivity/tornado/group")
    S, O = len(r.scenarios), len(r.outputs)
    attrs = f["sensitivity/tornado"].attrs
    return {"groups": groups,
            "base": array(f, "sensitivity/tornado/base", (S, O)),
            "low": array(f, "sensitivity/tornado/low", (S, O, len(groups))),
            "high": array(f, "sensitivity/tornado/high", (S, O, len(groups))),
            "low_level": float(attrs.get("low_level", np.nan)),
            "high_level": float(attrs.get("high_level", np.nan))}


def read_rank(f, r):
    """/sensitivity/rank/<measure> [S, O, I] with optional <measure>_low / _high."""
    out = {}
    shape = (len(r.scenarios), len(r.outputs), len(r.inputs))
    for measure in RANK_MEASURES:
        name = "sensitivity/rank/" + measure
        if name not in f:
            continue
        out[measure] = {"value": array(f, name, shape)}
        for end in ("low", "high"):
            if f"{name}_{end}" in f:
                out[measure][end] = array(f, f"{name}_{end}", shape)
    return out


def load(path):
    """The result file at `path`; raises ResultError."""
    f = open_file(path)
    try:
        r = Result(path)
        r.layout = layout(f)
        read_scenarios(f, r)
        r.outputs = strings(f, "outputs/name")
        r.units = strings(f, "outputs/unit")
        r.descriptions = strings(f, "outputs/description")
        r.inputs = strings(f, "inputs/name")
        if not len(r.units) == len(r.descriptions) == len(r.outputs):
            raise ResultError("the output names, units and descriptions differ in length")
        read_summary(f, r)
        r.sobol = read_sobol(f, r)
        r.tornado = read_tornado(f, r)
        r.rank = read_rank(f, r)
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
