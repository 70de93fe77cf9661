"""A run killed mid-way (SIGKILL, SIGTERM, SIGINT, or mpirun alone killed) or failing on one rank
alone leaves no file under the final name and does not hang; a rerun equals a clean run; a run that finishes leaves exactly the final file and
no partial one."""
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


def processes_writing(out):
    """Pids of the processes whose command line names out."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                if out.encode() in f.read().split(b"\0"):
                    pids.append(int(entry))
        except OSError:
            pass
    return pids


def kill_launcher_alone(args, job, out, work):
    """SIGKILL of mpirun alone: its orphaned ranks stop at their next block, publish nothing and
    leave neither the temporary file nor the lock behind."""
    command = [args.mpiexec, "--oversubscribe", "-np", "2", args.costsweep, "run", job, "-q",
               "-o", out, "--draws", "3e8"]
    launcher = subprocess.Popen(command, cwd=work, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 60
    while not glob.glob(out + ".*.partial") and time.time() < deadline:
        time.sleep(0.01)
    assert glob.glob(out + ".*.partial"), "mpirun: the partial file never appeared"
    time.sleep(0.3)
    ranks = [p for p in processes_writing(out) if p != launcher.pid]
    assert len(ranks) >= 2, f"expected the 2 ranks of mpirun, found {ranks}"
    launcher.kill()
    launcher.wait(timeout=60)
    deadline = time.time() + 30
    while any(os.path.exists(f"/proc/{p}") for p in ranks) and time.time() < deadline:
        time.sleep(0.05)
    alive = [p for p in ranks if os.path.exists(f"/proc/{p}")]
    for p in alive:  # do not leave them running whatever the outcome
        os.kill(p, signal.SIGKILL)
    assert not alive, f"ranks {alive} ran on for 30 s after their launcher was killed"
    left = glob.glob(out + "*")
    assert not left, f"ranks orphaned by a killed mpirun left {left}"


def one_rank_fails_alone(args, job, work):
    """Under mpirun -np 3, rank 2 alone runs out of memory mid-run (its address space limited by
    prlimit, an MPMD launch): the job ends within a bounded time, exit 1, the message names rank
    2, and no file is left (no collective close while unwinding, no hang)."""
    out = os.path.join(work, "one-rank.h5")
    run = [args.costsweep, "run", job, "-q", "-o", out, "--draws", "3e8", "--set",
           "job.memory_limit=100G", "--set", "job.statistics=memory"]
    command = [args.mpiexec, "--oversubscribe", "-np", "2"] + run + \
        [":", "-np", "1", "prlimit", f"--as={700 << 20}"] + run
    started = time.time()
    try:
        done = subprocess.run(command, cwd=work, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        raise AssertionError("a run failing on one rank alone hung for 120 s")
    assert done.returncode == 1, f"one rank failing: exit {done.returncode}, not 1: " \
        + done.stderr[-600:]
    assert "error on rank 2: out of memory on rank 2" in done.stderr, done.stderr[-600:]
    left = glob.glob(out + "*")
    assert not left, f"one rank failing left {left}"
    print(f"one rank out of memory under mpirun -np 3: exit 1 in {time.time() - started:.1f} s")


def sigterm_while_writing(args, job, work):
    """SIGTERM once the last block is drawn (progress at 100.0%), while the samples are digested
    and the file written: the complete result is kept (exit 0, a note on stderr) and equals a
    clean run; or, had the signal beaten the last block, exit 3 and no file. Never a file under
    the final name that is not complete, never a partial file left."""
    out = os.path.join(work, "written.h5")
    run = [args.costsweep, "run", job, "-o", out, "--draws", "1e7", "--set",
           "job.save_samples=yes"]
    process = subprocess.Popen(run, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen = b""
    while b"100.0%" not in seen:
        chunk = process.stderr.read1(4096)
        assert chunk, "the run ended before its progress reached 100.0%"
        seen += chunk
    process.send_signal(signal.SIGTERM)
    err = (seen + process.stderr.read()).decode(errors="replace")
    process.wait(timeout=120)
    left = glob.glob(out + ".*")
    assert not left, f"SIGTERM while writing left {left}"
    if process.returncode == 3:
        assert not os.path.exists(out), "exit 3 but a file under the final name"
        print("SIGTERM while writing arrived before the last block: exit 3, no file")
        return
    assert process.returncode == 0, f"SIGTERM while writing: exit {process.returncode}: {err[-400:]}"
    assert "SIGTERM arrived after the last block" in err, err[-400:]
    clean = os.path.join(work, "written-clean.h5")
    subprocess.run(run[:4] + [clean] + run[5:] + ["-q"], check=True, stdout=subprocess.DEVNULL,
                   cwd=work)
    shown = subprocess.run([args.costsweep, "show", out], capture_output=True, text=True)
    assert shown.returncode == 0, "the kept result does not verify: " + shown.stderr
    diff = subprocess.run(["h5diff", "--exclude-path", "/provenance", out, clean],
                          capture_output=True, text=True)
    assert diff.returncode == 0, "the kept result differs from a clean run: " + diff.stdout[-500:]
    os.remove(out)
    os.remove(clean)


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
        kill_launcher_alone(args, job, out, work)
        one_rank_fails_alone(args, job, work)
        sigterm_while_writing(args, job, work)
        # A rerun after all that equals a clean run.
        clean = os.path.join(work, "clean.h5")
        for path in (out, clean):
            subprocess.run([args.costsweep, "run", job, "-q", "-o", path, "--draws", "20000"],
                           check=True, stdout=subprocess.DEVNULL, cwd=work)
        diff = subprocess.run(["h5diff", "--exclude-path", "/provenance", out, clean],
                              capture_output=True, text=True)
        assert diff.returncode == 0, "a rerun differs from a clean run: " + diff.stdout[-500:]
        os.remove(out)
        # SIGTERM, SIGINT and SIGUSR1 stop a run at its next block: a message, exit status 3,
        # no temporary or lock file left.
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGUSR1):
            for leftover in glob.glob(out + ".*"):
                os.remove(leftover)
            process = subprocess.Popen(long_run, cwd=work, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.PIPE, text=True)
            deadline = time.time() + 60
            while not glob.glob(out + ".*.partial") and time.time() < deadline:
                time.sleep(0.01)
            time.sleep(0.3)
            process.send_signal(sig)
            _, err = process.communicate(timeout=60)
            name = signal.Signals(sig).name
            assert process.returncode == 3, f"{name}: exit status {process.returncode}, not 3"
            assert f"interrupted by {name} at about" in err and "of 300000000 draws" in err, err
            left = glob.glob(out + "*")
            assert not left, f"{name}: left {left}"
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
