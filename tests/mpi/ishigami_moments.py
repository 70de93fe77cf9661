"""Ishigami job under mpiexec: closed-form mean and variance within 4 standard errors, and
every stored statistic equal to numpy's on the stored draws.

Closed forms (Ishigami & Homma 1990; Sobol' & Levitan 1999), x_i ~ U(-pi, pi):
  E[Y] = a/2,  Var[Y] = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2.
"""
import argparse
import math
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--costsweep", required=True)
    parser.add_argument("--mpiexec", required=True)
    parser.add_argument("--np", type=int, required=True)
    parser.add_argument("--job", required=True)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as work:
        out = os.path.join(work, "ishigami.h5")
        subprocess.run([args.mpiexec, "--oversubscribe", "-np", str(args.np), args.costsweep,
                        "run", args.job, "-q", "-o", out, "--set", "job.save_samples=yes"],
                       check=True, stdout=subprocess.DEVNULL)
        with h5py.File(out, "r") as f:
            check(f, args.np)
    print("ishigami moments: ok at np", args.np)


def check(f, np_ranks):
    a, b = 7.0, 0.1
    exact_mean = a / 2
    exact_var = a**2 / 8 + b * math.pi**4 / 5 + b**2 * math.pi**8 / 18 + 0.5
    assert abs(exact_var - 13.8446) < 5e-5, exact_var  # the published value

    y = f["samples/outputs"][0, 0]
    n = y.size
    assert n == 1_000_000 and f["summary/count"][0, 0] == n
    assert f["provenance"].attrs["ranks"] == np_ranks

    mean, sd, se = (f["summary/" + k][0, 0] for k in ("mean", "sd", "se"))
    assert abs(mean - exact_mean) <= 4 * se, (mean, se)
    # Standard error of the sample variance: sqrt((m4 - s^4) / n), m4 the 4th central moment.
    m4 = np.mean((y - y.mean()) ** 4)
    se_var = math.sqrt((m4 - sd**4) / n)
    assert abs(sd**2 - exact_var) <= 4 * se_var, (sd**2, exact_var, se_var)

    # The stored statistics are those of the stored draws (a second method: numpy).
    assert math.isclose(mean, y.mean(), rel_tol=1e-14), (mean, y.mean())
    assert math.isclose(sd, y.std(ddof=1), rel_tol=1e-12), (sd, y.std(ddof=1))
    assert math.isclose(se, sd / math.sqrt(n), rel_tol=1e-15)
    assert f["summary/min"][0, 0] == y.min() and f["summary/max"][0, 0] == y.max()
    levels = f["summary/quantile_levels"][:]
    stored = f["summary/quantiles"][0, 0]
    expected = np.quantile(y, levels)  # numpy's default, method="linear"
    assert np.array_equal(stored, expected), (stored, expected)

    names = list(f["inputs/name"].asstr()[:])
    assert names == ["x1", "x2", "x3"], names
    for i, name in enumerate(names):
        x = f["samples/inputs"][0, i]
        assert x.min() > -math.pi and x.max() < math.pi
        assert abs(x.mean()) < 4 * math.pi / math.sqrt(3 * n)  # sd of U(-pi, pi) is pi/sqrt(3)


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print("FAIL:", e, file=sys.stderr)
        raise
