"""`costsweep selftest` under mpiexec at 1 and 2 ranks: every known-answer check passes, the
output names each problem and check, and no temporary folder is left behind."""
import glob
import subprocess
import tempfile

import harness


def main():
    args = harness.arguments()
    failures = []
    before = set(glob.glob(tempfile.gettempdir() + "/costsweep-selftest-*"))
    for ranks in (1, 2):
        done = subprocess.run([args.mpiexec, "--oversubscribe", "-np", str(ranks), args.costsweep,
                               "selftest"], capture_output=True, text=True, timeout=300)
        out = done.stdout
        checks = [line for line in out.splitlines() if line.startswith("  pass")]
        if done.returncode != 0 or "selftest: all checks passed" not in out or len(checks) != 27:
            failures.append(f"np {ranks}: status {done.returncode}, {len(checks)} passing checks "
                            f"of 27:\n{out}{done.stderr}")
        for name in ("Ishigami", "lognormal product", "linear model", f"on {ranks} ranks"):
            if name not in out:
                failures.append(f"np {ranks}: output lacks {name!r}")
    if set(glob.glob(tempfile.gettempdir() + "/costsweep-selftest-*")) - before:
        failures.append("selftest left its temporary folder")
    harness.finish("selftest", failures)


if __name__ == "__main__":
    main()
