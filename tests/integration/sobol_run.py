"""Sobol indices from a real run: jobs/ishigami.ini with sensitivity.sobol = yes and 2^16 base
draws gives the exact Ishigami indices (Sobol' & Levitan 1999: S1 = 0.3139, 0.4424, 0;
ST = 0.5576, 0.4424, 0.2437) within 0.02, on 2 ranks; the same function written as a formula
job gives the same indices (the two models agree to the last bits or nearly); and the plain
statistics do not change when Sobol indices are asked for (they come from the base draws)."""
import os
import subprocess
import tempfile

import h5py
import numpy as np

import harness

S1 = [0.3139, 0.4424, 0.0]
ST = [0.5576, 0.4424, 0.2437]


def run(args, work, job, *extra):
    out = os.path.join(work, os.path.basename(job) + "-".join(extra).replace("=", "_") + ".h5")
    subprocess.run([args.mpiexec, "--oversubscribe", "-np", "2", args.costsweep, "run", job, "-q",
                    "-o", out, "--draws", "65536", *extra], check=True, stdout=subprocess.DEVNULL)
    return h5py.File(out, "r")


def main():
    args = harness.arguments()
    failures = []
    with tempfile.TemporaryDirectory() as work:
        builtin = run(args, work, os.path.join(args.jobs, "ishigami.ini"), "--set", "sensitivity.sobol=yes")
        formula = run(args, work, os.path.join(args.jobs, "ishigami-formula.ini"), "--set", "sensitivity.sobol=yes")
        plain = run(args, work, os.path.join(args.jobs, "ishigami.ini"))
        groups = list(builtin["sensitivity/sobol/group"].asstr()[:])
        if groups != ["x1", "x2", "x3"]:
            failures.append(f"groups {groups}")
        first = builtin["sensitivity/sobol/first"][0, 0]
        total = builtin["sensitivity/sobol/total"][0, 0]
        for i in range(3):
            if abs(first[i] - S1[i]) > 0.02:
                failures.append(f"S1[x{i + 1}] = {first[i]:.4f}, exact {S1[i]}")
            if abs(total[i] - ST[i]) > 0.02:
                failures.append(f"ST[x{i + 1}] = {total[i]:.4f}, exact {ST[i]}")
        for name in ("first", "total"):
            a, b = builtin["sensitivity/sobol/" + name][:], formula["sensitivity/sobol/" + name][:]
            if not np.allclose(a, b, rtol=0, atol=1e-9):
                failures.append(f"formula job's {name} indices {b.ravel()} differ from {a.ravel()}")
        for name in ("mean", "sd", "quantiles"):
            if not np.array_equal(builtin["summary/" + name][:], plain["summary/" + name][:]):
                failures.append(f"summary/{name} changed when Sobol indices were asked for")
    harness.finish("sobol run", failures)


if __name__ == "__main__":
    main()
