"""Checkpoints and resume (#15). A 72-scenario sweep (epoch-2026-sweep) interrupted by SIGTERM
writes a checkpoint beside its output and exits 4; `run --resume` then gives a file equal to an
uninterrupted run's (h5diff --exclude-path /provenance) and removes the checkpoint, and the
provenance records both generations. Killed with SIGKILL at random moments, resumed each time,
it still ends equal. Checkpointed on 3 ranks (SIGUSR1 to mpirun, as Slurm's --signal) it resumes
on 2 and on 1. A leftover temporary piece (a write cut short) is ignored; a truncated or damaged
piece, or one of another seed, job text or draw count, is refused with exit 2 saying what differs,
and so is a run without --resume while a checkpoint exists; nothing is changed by a refusal.
A stopping rule's run resumed mid-way ends equal too. One scenario (split between ranks, or a
rank's whole row) checkpoints in the middle of its draws, in pass 0 (with its Sobol and rank
measures' state) and later (pass 1 on a quiet machine), and resumes on 1 process, from 3 ranks on 2, from 2 on 3, and
after SIGKILLs, equal to a clean run."""
import glob
import hashlib
import os
import random
import shutil
import signal
import subprocess
import tempfile
import time

import harness

DRAWS = "10000"


def digest(folder):
    h = hashlib.sha256()
    for path in sorted(glob.glob(os.path.join(folder, "*"))):
        with open(path, "rb") as f:
            h.update(os.path.basename(path).encode() + f.read())
    return h.hexdigest()


def main():
    args = harness.arguments()
    failures = []
    exe = args.costsweep
    rng = random.Random(15)

    with tempfile.TemporaryDirectory() as work:
        configs = os.path.join(os.path.dirname(os.path.abspath(args.jobs)), "configs")
        with open(os.path.join(args.jobs, "epoch-2026-sweep.ini"), encoding="utf-8") as f:
            text = f.read().replace("../configs/", configs + "/")
        job = os.path.join(work, "sweep.ini")
        with open(job, "w", encoding="utf-8") as f:
            f.write(text)
        common = ["-q", "--draws", DRAWS, "--set", "job.checkpoint_interval=0.05"]

        def command(out, *extra):
            return [exe, "run", job, *common, "-o", out, *extra]

        def same(a, b):
            d = subprocess.run(["h5diff", "--exclude-path", "/provenance", a, b],
                               capture_output=True, text=True)
            return d.returncode == 0

        def interrupt(out, sig, after):
            """Starts a run, waits for its first checkpoint piece (then `after` seconds more)
            and sends sig; returns the process's status and stderr."""
            process = subprocess.Popen(command(out), cwd=work,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                       text=True, start_new_session=True)
            deadline = time.time() + 60
            while not glob.glob(out + ".checkpoint/*.ckpt") and time.time() < deadline:
                if process.poll() is not None:
                    break
                time.sleep(0.005)
            time.sleep(after)
            process.send_signal(sig)
            _, err = process.communicate(timeout=120)
            return process.returncode, err

        def resume(out):
            return subprocess.run(command(out, "--resume"), cwd=work,
                                  capture_output=True, text=True)

        clean = os.path.join(work, "clean.h5")
        subprocess.run([exe, "run", job, "-q", "--draws", DRAWS, "-o", clean], check=True,
                       cwd=work, stdout=subprocess.DEVNULL)

        # SIGTERM, then refusals, then resume.
        out = os.path.join(work, "term.h5")
        status, err = interrupt(out, signal.SIGTERM, 0.3)
        folder = out + ".checkpoint"
        if status != 4 or "--resume" not in err or "scenarios done" not in err:
            failures.append(f"SIGTERM: status {status}, stderr {err.strip()[-300:]!r}")
        if not glob.glob(folder + "/*.ckpt"):
            failures.append("SIGTERM: no checkpoint piece written")
        if os.path.exists(out) or glob.glob(out + ".*partial") or os.path.exists(out + ".lock"):
            failures.append("SIGTERM: left a result, temporary or lock file")
        before = digest(folder)

        def refused(what, extra, fragments):
            draws = [] if "--draws" in extra else ["--draws", DRAWS]
            done = subprocess.run([exe, "run", job, "-q", *draws, "-o", out, *extra],
                                  cwd=work, capture_output=True, text=True)
            if done.returncode != 2 or not all(f in done.stderr for f in fragments):
                failures.append(f"{what}: status {done.returncode}, stderr "
                                f"{done.stderr.strip()!r} (expected 2 with {fragments})")
            if digest(folder) != before or os.path.exists(out):
                failures.append(f"{what}: the checkpoint or output changed")

        refused("run without --resume", [], ["holds the checkpoint", "--resume"])
        refused("another seed", ["--resume", "--seed", "7"], ["job.seed (checkpoint 20260323, "
                                                               "this run 7)"])
        refused("another draw count", ["--resume", "--draws", "30000"], ["job.draws"])
        refused("checkpoints off", ["--resume", "--set", "job.checkpoint_interval=0"],
                ["writes no checkpoints"])
        with open(job, "a", encoding="utf-8") as f:
            f.write("\n# a comment changes the job text\n")
        refused("another job text", ["--resume"], ["job text (SHA-256)"])
        with open(job, "w", encoding="utf-8") as f:
            f.write(text)
        piece = sorted(glob.glob(folder + "/*.ckpt"))[0]
        with open(piece, "rb") as f:
            original = f.read()
        for what, damaged, fragment in (
                ("a truncated piece", original[:len(original) // 2], "SHA-256"),
                ("a damaged piece", original[:100] + bytes([original[100] ^ 1]) + original[101:],
                 "SHA-256"),
                ("a foreign file", b"not a checkpoint\n" * 8, "not a costsweep checkpoint")):
            with open(piece, "wb") as f:
                f.write(damaged)
            before = digest(folder)
            refused(what, ["--resume"], [fragment, os.path.basename(piece)])
        with open(piece, "wb") as f:
            f.write(original)
        # A write cut short leaves a temporary piece: ignored (and removed), never half-used.
        with open(piece + ".tmp", "wb") as f:
            f.write(original[:len(original) // 3])
        saved = os.path.join(work, "saved.checkpoint")
        shutil.copytree(folder, saved)
        done = resume(out)
        if done.returncode != 0 or "resuming from" not in done.stderr:
            failures.append(f"resume: status {done.returncode}, {done.stderr.strip()[-300:]!r}")
        elif not same(out, clean):
            failures.append("resumed after SIGTERM: differs from a clean run")
        if os.path.exists(folder):
            failures.append("the checkpoint was not removed once the result was complete")
        history = subprocess.run(["h5dump", "-a", "/provenance/checkpoint_history", out],
                                 capture_output=True, text=True).stdout
        if "stopped by SIGTERM" not in history or "generation 1" not in history:
            failures.append(f"provenance lacks the interruption and resume: {history[-300:]!r}")

        # SIGKILL at random moments (computing, between or during piece writes, while the
        # result file is open), resumed each time until a run completes.
        out = os.path.join(work, "kill.h5")
        kills = 0
        for attempt in range(6):
            process = subprocess.Popen(command(out, "--resume"), cwd=work,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.3, 1.2))
            if process.poll() is None:
                process.kill()
                kills += 1
            process.wait(timeout=60)
        done = resume(out)
        if done.returncode != 0 or not same(out, clean):
            failures.append(f"after {kills} SIGKILLs and resumes: status {done.returncode}, "
                            f"equal {done.returncode == 0 and same(out, clean)}")
        if kills < 2:
            failures.append(f"only {kills} of the runs were killed (the test needs longer runs)")

        # A checkpoint left beside a complete result (a run killed between the rename and the
        # removal): resumed, the same result again, and the checkpoint gone.
        out, folder = os.path.join(work, "term.h5"), os.path.join(work, "term.h5.checkpoint")
        shutil.copytree(saved, folder)
        shutil.rmtree(saved)
        done = resume(out)
        if done.returncode != 0 or not same(out, clean) or os.path.exists(folder):
            failures.append(f"a checkpoint beside a complete result: status {done.returncode}")

        # Checkpointed on 3 ranks, resumed on 2; checkpointed on 2, resumed on 1 (a 120-scenario
        # Ishigami grid: each rank finishes several batches of rows).
        ishigami = os.path.join(args.jobs, "ishigami.ini")
        grid = ["-q", "--draws", "400000", "--set", "job.checkpoint_interval=0.05",
                "--set", "grid.axis.model.a = " + " | ".join(f"{5 + i / 10:g}" for i in range(40)),
                "--set", "grid.axis.model.b = 0.1 | 0.2 | 0.3"]
        grid_clean = os.path.join(work, "grid-clean.h5")
        subprocess.run([exe, "run", ishigami, *grid, "-o", grid_clean], check=True, cwd=work,
                       stdout=subprocess.DEVNULL)
        for ranks, again in ((3, 2), (2, 1)):
            out = os.path.join(work, f"mpi{ranks}.h5")
            launch = [args.mpiexec, "--oversubscribe", "-np", str(ranks), exe, "run", ishigami,
                      *grid, "-o", out]
            process = subprocess.Popen(launch, cwd=work, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.PIPE, text=True)
            deadline = time.time() + 60
            while not glob.glob(out + ".checkpoint/*.ckpt") and time.time() < deadline \
                    and process.poll() is None:
                time.sleep(0.005)
            time.sleep(0.05)
            process.send_signal(signal.SIGUSR1)  # mpirun forwards it to every rank
            _, err = process.communicate(timeout=120)
            pieces = glob.glob(out + ".checkpoint/*.ckpt")
            if process.returncode != 4 or not pieces:
                failures.append(f"SIGUSR1 to mpirun -np {ranks}: status {process.returncode}, "
                                f"{len(pieces)} pieces, {err.strip()[-300:]!r}")
            resumed = subprocess.run([args.mpiexec, "--oversubscribe", "-np", str(again)] +
                                     launch[4:] + ["--resume"], cwd=work, capture_output=True,
                                     text=True)
            if resumed.returncode != 0 or not same(out, grid_clean):
                failures.append(f"checkpointed on {ranks} ranks, resumed on {again}: status "
                                f"{resumed.returncode}, {resumed.stderr.strip()[-300:]!r}")

        # A stopping rule (rounds of doubled draws) interrupted, then resumed: the same file.
        rule = ["-q", "--draws", "4096", "--set", "grid.axis.model.a = 5 | 6 | 7 | 8 | 9 | 10",
                "--set", "sensitivity.sobol=yes", "--set", "sensitivity.target_halfwidth=0.003",
                "--set", "sensitivity.max_draws=1048576",
                "--set", "job.checkpoint_interval=0.05"]
        plain = os.path.join(work, "rule-clean.h5")
        subprocess.run([exe, "run", ishigami, *rule, "-o", plain], check=True, cwd=work,
                       stdout=subprocess.DEVNULL)
        out = os.path.join(work, "rule.h5")
        process = subprocess.Popen([exe, "run", ishigami, *rule, "-o", out], cwd=work,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        while not glob.glob(out + ".checkpoint/*.ckpt") and time.time() < deadline \
                and process.poll() is None:
            time.sleep(0.005)
        time.sleep(2.5)  # a few rounds in (the whole run takes about 7 s)
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
        if process.returncode != 4:
            failures.append(f"stopping rule, SIGTERM: status {process.returncode} "
                            f"{err.strip()[-200:]!r}")
        done = subprocess.run([exe, "run", ishigami, *rule, "-o", out, "--resume"], cwd=work,
                              capture_output=True, text=True)
        if done.returncode != 0 or not same(out, plain):
            failures.append(f"stopping rule resumed: status {done.returncode}, "
                            f"{done.stderr.strip()[-300:]!r}")
        # One scenario: its state in the middle of its draws is in the pieces.
        single = ["-q", "--draws", "6000000", "--set", "sensitivity.rank=yes",
                  "--set", "job.statistics=streaming", "--set", "job.checkpoint_interval=0.2"]
        cases = (("pass 0, 1 process, SIGTERM", 1, 1, signal.SIGTERM, 0.4, ["sensitivity.sobol=yes"],
                  "pass 0"),
                 ("pass 0, 3 ranks -> 2, SIGUSR1", 3, 2, signal.SIGUSR1, 0.4,
                  ["sensitivity.sobol=yes"], "pass 0"),
                 # Pass 1 on a quiet machine; a loaded one may still be in pass 0.
                 ("late, 2 ranks -> 3, SIGUSR1", 2, 3, signal.SIGUSR1, 0.75, [], "pass "))
        cleans = {}
        for what, ranks, again, sig, fraction, extra, where in cases:
            sets = [a for e in extra for a in ("--set", e)]
            key = tuple(extra)
            if key not in cleans:
                cleans[key] = os.path.join(work, f"single-clean-{len(cleans)}.h5")
                started = time.time()
                subprocess.run([exe, "run", ishigami, *single, *sets, "-o", cleans[key]],
                               check=True, cwd=work, stdout=subprocess.DEVNULL)
                cleans[key, "seconds"] = time.time() - started
            out = os.path.join(work, f"single-{ranks}-{again}.h5")
            launch = [exe, "run", ishigami, *single, *sets, "-o", out]
            if ranks > 1:
                launch = [args.mpiexec, "--oversubscribe", "-np", str(ranks)] + launch
            process = subprocess.Popen(launch, cwd=work, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.PIPE, text=True)
            time.sleep(0.2 + fraction * cleans[key, "seconds"] / min(ranks, 2))
            process.send_signal(sig)
            _, err = process.communicate(timeout=120)
            said = [line for line in err.splitlines() if line.startswith("costsweep:")]
            if process.returncode != 4 or "in the middle of its draws (" + where not in err:
                failures.append(f"one scenario, {what}: status {process.returncode}, {said!r}")
            relaunch = [exe, "run", ishigami, *single, *sets, "-o", out, "--resume"]
            if again > 1:
                relaunch = [args.mpiexec, "--oversubscribe", "-np", str(again)] + relaunch
            done = subprocess.run(relaunch, cwd=work, capture_output=True, text=True)
            if done.returncode != 0 or "in the middle of its draws" not in done.stderr \
                    or not same(out, cleans[key]):
                failures.append(f"one scenario, {what}, resumed on {again}: status "
                                f"{done.returncode}, {done.stderr.strip()[-300:]!r}")
        # SIGKILL at random moments of one process (its pieces mid-write among them).
        out = os.path.join(work, "single-kill.h5")
        key = ("sensitivity.sobol=yes",)
        sets = ["--set", "sensitivity.sobol=yes"]
        single_kills = 0
        for attempt in range(4):
            process = subprocess.Popen([exe, "run", ishigami, *single, *sets, "-o", out,
                                        "--resume"], cwd=work, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.3, 0.5) * cleans[key, "seconds"])
            if process.poll() is None:
                process.kill()
                single_kills += 1
            process.wait(timeout=60)
        done = subprocess.run([exe, "run", ishigami, *single, *sets, "-o", out, "--resume"],
                              cwd=work, capture_output=True, text=True)
        if done.returncode != 0 or not same(out, cleans[key]) or single_kills < 2:
            failures.append(f"one scenario after {single_kills} SIGKILLs: status "
                            f"{done.returncode}, {done.stderr.strip()[-300:]!r}")

        leftovers = [p for p in glob.glob(os.path.join(work, "*"))
                     if p.endswith((".checkpoint", ".lock", ".partial"))]
        if leftovers:
            failures.append(f"left behind: {[os.path.basename(p) for p in leftovers]}")
        print(f"checkpoint: SIGTERM, {kills} SIGKILLs, 3->2 and 2->1 ranks, stopping rule; "
              f"one scenario: 3 interruptions, {single_kills} SIGKILLs")
    harness.finish("checkpoint", failures)


if __name__ == "__main__":
    main()
