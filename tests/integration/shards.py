"""Sharding: the sweep job run as 3 shards (one of them on 2 ranks) and merged gives every
dataset of a plain 2-rank run, bit for bit (h5diff, provenance excluded); merging an incomplete,
duplicated or mismatched set of shards exits 2, names the problem and writes nothing."""
import glob
import os
import subprocess
import tempfile

import harness

DRAWS = "3001"


def main():
    args = harness.arguments()
    job = os.path.join(args.jobs, "epoch-2026-sweep.ini")
    failures = []

    def run(out, *extra, ranks=1):
        command = [args.costsweep, "run", job, "-q", "-o", out, "--draws", DRAWS,
                   "--set", "job.save_samples=yes", *extra]
        if ranks > 1:
            command = [args.mpiexec, "--oversubscribe", "-np", str(ranks)] + command
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    def merge(out, shards, status, fragment=""):
        done = subprocess.run([args.costsweep, "merge", "-o", out, *shards], capture_output=True,
                              text=True)
        if done.returncode != status or fragment not in done.stderr:
            failures.append(f"merge {[os.path.basename(s) for s in shards]}: status "
                            f"{done.returncode} (expected {status}), stderr {done.stderr.strip()!r}"
                            f" lacks {fragment!r}")
        if status != 0 and (os.path.exists(out) or glob.glob(out + ".*partial")):
            failures.append(f"a failed merge left {out}")

    with tempfile.TemporaryDirectory() as work:
        whole = os.path.join(work, "whole.h5")
        run(whole, ranks=2)
        shards = [os.path.join(work, f"shard-{i}-of-3.h5") for i in range(3)]
        for i, shard in enumerate(shards):
            run(shard, "--shard", f"{i}/3", ranks=2 if i == 1 else 1)
        merged = os.path.join(work, "merged.h5")
        merge(merged, [shards[2], shards[0], shards[1]], 0)  # any order
        diff = subprocess.run(["h5diff", "--exclude-path", "/provenance", whole, merged],
                              capture_output=True, text=True)
        if diff.returncode != 0:
            failures.append("merged shards differ from the single run:\n" + diff.stdout[:2000])

        other_seed = os.path.join(work, "seed7-shard-2-of-3.h5")
        run(other_seed, "--shard", "2/3", "--seed", "7")
        bad = os.path.join(work, "bad.h5")
        merge(bad, shards[:2], 2, "shard 2/3 is missing")
        merge(bad, [shards[0], shards[1], shards[1], shards[2]], 2, "is given twice")
        merge(bad, [shards[0], shards[1], other_seed], 2, "differ in seed")
        merge(bad, [shards[0], os.path.join(work, "absent.h5")], 2, "no such file")
    harness.finish("shards", failures)


if __name__ == "__main__":
    main()
