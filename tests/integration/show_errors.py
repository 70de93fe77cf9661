"""`costsweep show` on a missing, corrupted, foreign or newer-layout file, or with bad usage:
a clear one-line error and exit status 2 (bad input, as for merge and tools/report), never a
crash."""
import os
import shutil
import subprocess
import sys
import tempfile

import h5py

import harness


def expect(costsweep, args, status, fragments):
    done = subprocess.run([costsweep, "show"] + args, capture_output=True, text=True, timeout=60)
    problems = []
    if done.returncode != status:
        problems.append(f"status {done.returncode}, expected {status}")
    for fragment in fragments:
        if fragment not in done.stderr:
            problems.append(f"message lacks {fragment!r}")
    if problems:
        print(f"FAIL show {args}: {'; '.join(problems)}\n  stderr: {done.stderr.strip()}")
    return not problems


def main():
    args = harness.arguments()
    cs = args.costsweep
    ok = True
    with tempfile.TemporaryDirectory() as work:
        good = os.path.join(work, "good.h5")
        subprocess.run([cs, "run", os.path.join(args.jobs, "ishigami.ini"), "-q", "-o", good,
                        "--draws", "1000"], check=True, stdout=subprocess.DEVNULL)
        ok &= expect(cs, [good], 0, [])

        text = os.path.join(work, "notes.h5")
        with open(text, "w") as f:
            f.write("not hdf5\n")
        ok &= expect(cs, [text], 2, ["notes.h5", "not an HDF5 file"])

        truncated = os.path.join(work, "truncated.h5")
        with open(good, "rb") as f, open(truncated, "wb") as g:
            g.write(f.read()[:2000])
        ok &= expect(cs, [truncated], 2, ["truncated.h5", "cannot"])

        foreign = os.path.join(work, "foreign.h5")
        with h5py.File(foreign, "w") as f:
            f["data"] = [1, 2, 3]
        ok &= expect(cs, [foreign], 2, ["not a costsweep result"])

        newer = os.path.join(work, "newer.h5")
        shutil.copy(good, newer)
        with h5py.File(newer, "r+") as f:
            f.attrs["costsweep_layout"] = 99
        ok &= expect(cs, [newer], 2, ["layout 99", "newer"])

        missing_part = os.path.join(work, "missing_part.h5")
        shutil.copy(good, missing_part)
        with h5py.File(missing_part, "r+") as f:
            del f["summary/quantiles"]
        ok &= expect(cs, [missing_part], 2, ["summary/quantiles", "missing"])

        ok &= expect(cs, [os.path.join(work, "absent.h5")], 2, ["absent.h5", "no such file"])
        ok &= expect(cs, [], 2, ["expected exactly one result file"])
    print("show errors:", "ok" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
