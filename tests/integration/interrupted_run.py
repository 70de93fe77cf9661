"""A run killed mid-way (SIGKILL, SIGTERM, SIGINT) leaves no file under the final name; a run
that finishes leaves exactly the final file and no partial one."""
import glob
import os
import signal
import subprocess
import sys
import tempfile
import time

import harness


def kill_midway(command, out, sig, cwd):
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 60
    while not glob.glob(out + ".*.partial") and time.time() < deadline:
        if process.poll() is not None:
            raise AssertionError("the run ended before it could be interrupted")
        time.sleep(0.01)
    assert glob.glob(out + ".*.partial"), "the partial file never appeared"
    time.sleep(0.3)
    os.killpg(process.pid, sig)
    process.wait(timeout=60)
    assert not os.path.exists(out), f"{signal.Signals(sig).name}: a file exists under the final name"


def main():
    args = harness.arguments()
    job = os.path.join(args.jobs, "ishigami.ini")
    with tempfile.TemporaryDirectory() as work:
        out = os.path.join(work, "killed.h5")
        # Large enough to take several seconds: interrupted while computing.
        long_run = [args.costsweep, "run", job, "-q", "-o", out, "--draws", "3e8"]
        for sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGINT):
            kill_midway(long_run, out, sig, work)
            kill_midway([args.mpiexec, "--oversubscribe", "-np", "2"] + long_run, out, sig, work)
        finished = os.path.join(work, "finished.h5")
        subprocess.run([args.costsweep, "run", job, "-q", "-o", finished, "--draws", "1000"],
                       check=True, stdout=subprocess.DEVNULL)
        assert os.path.exists(finished) and not glob.glob(finished + ".*partial")
        assert not os.path.exists(finished + ".lock"), "the finished run left its lock file"
    print("interrupted runs leave no final file: ok")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print("FAIL:", e, file=sys.stderr)
        sys.exit(1)
