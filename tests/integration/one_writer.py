"""One writer per output, and never over an input. Two runs given the same output: the second
exits 2 naming the first (its host and pid) and the first's file is complete and equal to a
clean run's. `-o` naming the job file, a data table or a folder, and `merge -o` naming a shard
(by another spelling) or a folder, exit 2 before any work and leave every file as it was. A lock
left by a killed run is taken over with a note and its temporary file removed. Shards beyond the
scenario count and an empty quantile list are refused before any compute."""
import glob
import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import time

import harness


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    args = harness.arguments()
    failures = []
    exe = args.costsweep

    def run(*argv, cwd):
        return subprocess.run([exe, *argv], cwd=cwd, capture_output=True, text=True, errors="replace")

    def expect_refusal(what, done, fragments, cwd, untouched=()):
        if done.returncode != 2:
            failures.append(f"{what}: status {done.returncode}, expected 2 ({done.stderr.strip()!r})")
        for fragment in fragments:
            if fragment not in done.stderr:
                failures.append(f"{what}: stderr {done.stderr.strip()!r} lacks {fragment!r}")
        for path, before in untouched:
            if digest(path) != before:
                failures.append(f"{what}: {os.path.basename(path)} was changed")
        left = glob.glob(os.path.join(cwd, "*partial")) + glob.glob(os.path.join(cwd, "*.lock"))
        if left:
            failures.append(f"{what}: left {[os.path.basename(p) for p in left]}")

    with tempfile.TemporaryDirectory() as work:
        job = os.path.join(work, "ishigami.ini")
        shutil.copy(os.path.join(args.jobs, "ishigami.ini"), job)
        lifecycle_job = os.path.join(work, "lifecycle.ini")
        with open(os.path.join(args.jobs, "lifecycle-frontier.ini"), encoding="utf-8") as f:
            text = f.read()
        configs = os.path.join(os.path.dirname(os.path.abspath(args.jobs)), "configs")
        with open(lifecycle_job, "w", encoding="utf-8") as f:
            f.write(text.replace("../configs/", configs + "/"))
        table = shutil.copy(os.path.join(configs, "hardware.csv"), os.path.join(work, "hw.csv"))

        # Two writers of one output: the second is refused, the first completes correctly.
        out = os.path.join(work, "same.h5")
        first = subprocess.Popen([exe, "run", job, "-q", "--draws", "2e7", "--seed", "1",
                                  "-o", out], cwd=work, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        while not os.path.exists(out + ".lock") and time.time() < deadline:
            time.sleep(0.01)
        second = run("run", job, "-q", "--draws", "1000", "--seed", "2", "-o", out, cwd=work)
        if second.returncode != 2 or f"pid {first.pid}" not in second.stderr:
            failures.append(f"second writer: status {second.returncode}, stderr "
                            f"{second.stderr.strip()!r} (expected 2 naming pid {first.pid})")
        first.wait(timeout=600)
        if first.returncode != 0:
            failures.append(f"first writer failed: {first.stderr.strip()!r}")
        clean = os.path.join(work, "clean.h5")
        run("run", job, "-q", "--draws", "2e7", "--seed", "1", "-o", clean, cwd=work)
        same = subprocess.run(["h5diff", "--exclude-path", "/provenance", out, clean],
                              capture_output=True, text=True)
        if same.returncode != 0:
            failures.append(f"the first writer's file differs from a clean run: {same.stdout[:300]}")
        if glob.glob(os.path.join(work, "*partial")) or glob.glob(os.path.join(work, "*.lock")):
            failures.append("the two writers left a temporary or lock file")

        # Outputs that are inputs, or folders.
        job_before, table_before = digest(job), digest(table)
        expect_refusal("run -o the job", run("run", job, "-q", "-o", job, cwd=work),
                       ["ishigami.ini", "which this command reads"], work, [(job, job_before)])
        expect_refusal("run -o ./job", run("run", "ishigami.ini", "-q", "-o", "./ishigami.ini",
                                           cwd=work),
                       ["which this command reads"], work, [(job, job_before)])
        expect_refusal("run -o a data table",
                       run("run", lifecycle_job, "-q", "--draws", "100", "--set",
                           f"model.hardware_table={table}", "-o", table, cwd=work),
                       ["hw.csv", "which this command reads"], work, [(table, table_before)])
        os.mkdir(os.path.join(work, "folder"))
        expect_refusal("run -o a folder", run("run", job, "-q", "-o", "folder", cwd=work),
                       ["folder"], work)
        shards = []
        for i in range(2):
            shards.append(os.path.join(work, f"s{i}.h5"))
            done = run("run", job, "-q", "--draws", "1000", "--set",
                       "grid.axis.model.a = 7 | 8", "--shard", f"{i}/2", "-o", shards[-1],
                       cwd=work)
            if done.returncode != 0:
                failures.append(f"shard {i}: {done.stderr.strip()!r}")
        s0 = digest(shards[0])
        expect_refusal("merge -o ./s0.h5", run("merge", "-o", "./s0.h5", "s0.h5", "s1.h5",
                                               cwd=work),
                       ["which this command reads"], work, [(shards[0], s0)])
        expect_refusal("merge -o a folder", run("merge", "-o", "folder", "s0.h5", "s1.h5",
                                                cwd=work), ["it is a folder"], work)

        # Shards beyond the scenarios, and no quantiles: refused before compute.
        expect_refusal("--shard 2/3 of 2 scenarios",
                       run("run", job, "-q", "--set", "grid.axis.model.a = 7 | 8",
                           "--shard", "2/3", "-o", "x.h5", cwd=work),
                       ["--shard 2/3", "2 scenarios", "at most 2 shards"], work)
        expect_refusal("validate --shard 1/2 of 1 scenario",
                       run("validate", job, "--shard", "1/2", cwd=work),
                       ["--shard 1/2", "1 scenario"], work)
        expect_refusal("empty quantiles", run("run", job, "-q", "--set", "job.quantiles=",
                                              "-o", "x.h5", cwd=work),
                       ["at least one level", "job.quantiles"], work)
        if os.path.exists(os.path.join(work, "x.h5")):
            failures.append("a refused run wrote x.h5")

        # A run killed with SIGKILL leaves its lock; the next run takes it over and cleans up.
        killed = os.path.join(work, "killed.h5")
        process = subprocess.Popen([exe, "run", job, "-q", "--draws", "3e8", "-o", killed],
                                   cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        while not glob.glob(killed + ".*.partial") and time.time() < deadline:
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        if not os.path.exists(killed + ".lock"):
            failures.append("the killed run left no lock file (the test cannot check takeover)")
        rerun = run("run", job, "-q", "--draws", "1000", "-o", killed, cwd=work)
        if rerun.returncode != 0 or "no longer alive" not in rerun.stderr or \
                f"pid {process.pid}" not in rerun.stderr:
            failures.append(f"rerun after SIGKILL: status {rerun.returncode}, stderr "
                            f"{rerun.stderr.strip()!r}")
        if glob.glob(killed + ".*partial") or os.path.exists(killed + ".lock"):
            failures.append("the rerun left the killed run's temporary or lock file")
    harness.finish("one writer per output", failures)


if __name__ == "__main__":
    main()
