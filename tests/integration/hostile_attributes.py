"""The result reader on files with hostile attributes (arrays, strings or floats where one integer
belongs, out-of-range scenario indices, checksums that are not one string): `show` and `merge`
exit 2 naming the file and the attribute, never crash or read past a buffer. Provenance
attributes another tool added (arrays, compounds, empty or fixed-length strings) are shown as a
short description or their text, and `merge` carries them over."""
import os
import shutil
import subprocess
import tempfile

import h5py
import numpy as np

import harness


def replace(obj, name, value):
    if name in obj.attrs:
        del obj.attrs[name]
    obj.attrs.create(name, value)


# name: (edit of the file, fragments of the message; None: the file is read)
CASES = {
    "layout_array": (lambda f: replace(f, "costsweep_layout", np.arange(3)),
                     ["'costsweep_layout'", "must be one integer", "3 values"]),
    "layout_string": (lambda f: replace(f, "costsweep_layout", "1"),
                      ["'costsweep_layout'", "must be one integer", "class string"]),
    "layout_float": (lambda f: replace(f, "costsweep_layout", 1.5),
                     ["'costsweep_layout'", "must be one integer", "class float"]),
    "layout_zero": (lambda f: replace(f, "costsweep_layout", 0),
                    ["'costsweep_layout' is 0"]),
    "checksum_integers": (lambda f: replace(f["summary/mean"], "sha256", np.arange(50)),
                          ["'sha256' of 'summary/mean'", "must be one string", "50 values"]),
    "checksum_strings": (lambda f: replace(f["summary/mean"], "sha256", ["x" * 64] * 50),
                         ["'sha256' of 'summary/mean'", "must be one string", "50 values"]),
    "baseline_array": (lambda f: replace(f["scenarios"], "baseline", np.arange(20)),
                       ["'baseline' of 'scenarios'", "must be one integer", "20 values"]),
    "baseline_beyond": (lambda f: replace(f["scenarios"], "baseline", 10**15),
                        ["baseline 1000000000000000", "0 <= baseline < total_scenarios"]),
    "baseline_negative": (lambda f: replace(f["scenarios"], "baseline", -5),
                          ["baseline -5"]),
    "first_beyond": (lambda f: replace(f["scenarios"], "first_scenario", 10**15),
                     ["first_scenario 1000000000000000"]),
    "total_negative": (lambda f: replace(f["scenarios"], "total_scenarios", -1),
                       ["total_scenarios -1"]),
    "tornado_level_string": (lambda f: replace(f["sensitivity/tornado"], "low_level", "0.1"),
                             ["'low_level' of 'sensitivity/tornado'", "must be one number"]),
    # Read: the checksum as a fixed-length string (numpy bytes) still verifies.
    "checksum_fixed_length": (lambda f: replace(f["summary/mean"], "sha256",
                                                np.bytes_(f["summary/mean"].attrs["sha256"])),
                              None),
}

# Provenance attributes added by another tool: (value written, text expected after a merge)
PROVENANCE = {
    "tags": (["a" * 10] * 1000, "(1000 values of HDF5 class string, not shown)"),
    "counts": (np.arange(100), "(100 values of HDF5 class integer, not shown)"),
    "pair": (np.zeros(1, dtype=[("a", "i4"), ("b", "f8")])[0],
             "(1 value of HDF5 class compound, not shown)"),
    "nothing": (h5py.Empty("f8"), "(0 values of HDF5 class float, not shown)"),
    "fixed": (np.bytes_("hello"), "hello"),
    "long": ("x" * 60000, "x" * 60000),
}


def run(costsweep, args):
    return subprocess.run([costsweep] + args, capture_output=True, text=True, timeout=60)


def main():
    args = harness.arguments()
    cs = args.costsweep
    failures = []
    with tempfile.TemporaryDirectory() as work:
        good = os.path.join(work, "good.h5")
        subprocess.run([cs, "run", os.path.join(args.jobs, "ishigami.ini"), "-q", "-o", good,
                        "--draws", "4000", "--set", "sensitivity.tornado=yes"],
                       check=True, stdout=subprocess.DEVNULL)
        with h5py.File(good, "r") as f:
            if "sensitivity/tornado" not in f:
                failures.append("the ishigami job wrote no tornado group to damage")
        for name, (edit, fragments) in CASES.items():
            path = os.path.join(work, name + ".h5")
            shutil.copy(good, path)
            with h5py.File(path, "r+") as f:
                edit(f)
            for command in (["show", path], ["merge", "-o", path + ".merged.h5", path]):
                done = run(cs, command)
                what = f"{command[0]} {name}"
                if fragments is None:
                    if done.returncode != 0:
                        failures.append(f"{what}: exit {done.returncode}: {done.stderr.strip()}")
                    continue
                if done.returncode != 2:
                    failures.append(f"{what}: exit {done.returncode}, not 2: "
                                    f"{done.stderr.strip()[-300:]!r}")
                    continue
                missing = [x for x in [path] + fragments if x not in done.stderr]
                if missing:
                    failures.append(f"{what}: message lacks {missing}: {done.stderr.strip()!r}")
                if os.path.exists(path + ".merged.h5"):
                    failures.append(f"{what}: merge wrote a file from a damaged input")

        added = os.path.join(work, "provenance.h5")
        shutil.copy(good, added)
        with h5py.File(added, "r+") as f:
            for key, (value, _) in PROVENANCE.items():
                f["provenance"].attrs.create(key, value)
        done = run(cs, ["show", added])
        if done.returncode != 0:
            failures.append(f"show with added provenance: exit {done.returncode}: {done.stderr}")
        merged = os.path.join(work, "provenance-merged.h5")
        done = run(cs, ["merge", "-o", merged, added])
        if done.returncode != 0:
            failures.append(f"merge with added provenance: exit {done.returncode}: {done.stderr}")
        else:
            with h5py.File(merged, "r") as f:
                for key, (_, want) in PROVENANCE.items():
                    got = f["provenance"].attrs.get(key)
                    got = got.decode() if isinstance(got, bytes) else got
                    if got != want:
                        failures.append(f"merged provenance {key}: {str(got)[:80]!r}, "
                                        f"not {want[:80]!r}")
    harness.finish("hostile_attributes", failures)


if __name__ == "__main__":
    main()
