"""Common random numbers: in jobs/ishigami-crn.ini (a = 7 vs 7.5) the paired difference of the
two scenarios is (7.5 - 7) sin^2 x2 draw by draw, so its standard error is sqrt(1/8) * 0.5 /
sqrt(n) (sd of sin^2 x2 for x2 ~ U(-pi, pi) is 1/sqrt(8)); with independent streams it is about
sqrt(Var(Y_7) + Var(Y_7.5) / n), some 30 times larger. Checks: the stored standard error equals
the closed form to 2%, is >= 5x smaller than with independent streams, and the mean difference
is 0.25 (= (7.5 - 7) / 2) within 4 standard errors in both runs."""
import math
import os
import subprocess
import sys
import tempfile

import h5py

import harness


def run(args, work, crn):
    out = os.path.join(work, f"crn-{crn}.h5")
    subprocess.run([args.mpiexec, "--oversubscribe", "-np", "2", args.costsweep, "run",
                    os.path.join(args.jobs, "ishigami-crn.ini"), "-q", "-o", out,
                    "--set", f"grid.common_random_numbers={crn}"],
                   check=True, stdout=subprocess.DEVNULL)
    with h5py.File(out, "r") as f:
        n = int(f["summary/count"][1, 0])
        return f["summary/diff_mean"][1, 0], f["summary/diff_se"][1, 0], n


def main():
    args = harness.arguments()
    failures = []
    with tempfile.TemporaryDirectory() as work:
        mean_crn, se_crn, n = run(args, work, "yes")
        mean_ind, se_ind, _ = run(args, work, "no")
    exact_se = 0.5 / math.sqrt(8) / math.sqrt(n)
    if abs(se_crn / exact_se - 1) > 0.02:
        failures.append(f"se with common random numbers {se_crn:.4g}, closed form {exact_se:.4g}")
    if se_ind < 5 * se_crn:
        failures.append(f"se {se_crn:.4g} with common random numbers is not 5x below {se_ind:.4g}")
    for name, mean, se in (("common", mean_crn, se_crn), ("independent", mean_ind, se_ind)):
        if abs(mean - 0.25) > 4 * se:
            failures.append(f"{name} streams: mean difference {mean:.5g}, expected 0.25 +- 4 x {se:.3g}")
    for failure in failures:
        print("FAIL:", failure, file=sys.stderr)
    print(f"common random numbers: se {se_crn:.4g} vs {se_ind:.4g} independent "
          f"({se_ind / se_crn:.0f}x); " + ("ok" if not failures else f"{len(failures)} failures"))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
