"""`costsweep show` on a missing, corrupted, foreign or newer-layout file, or with bad usage:
a clear one-line error and exit status 2 (bad input, as for merge and tools/report), never a
crash."""
import hashlib
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

        # A dataset of another shape or type than the layout (src/io/layout.hpp) gives it.
        misshapen = os.path.join(work, "misshapen.h5")
        shutil.copy(good, misshapen)
        with h5py.File(misshapen, "r+") as f:
            S, O = f["summary/sd"].shape
            del f["summary/sd"]
            f["summary/sd"] = [[0.0] * (O + 1)] * S
        ok &= expect(cs, [misshapen], 2, ["misshapen.h5", "'summary/sd' has shape",
                                          f"[{S}, {O + 1}]", "[S, O] float64",
                                          f"[{S}, {O}]"])
        retyped = os.path.join(work, "retyped.h5")
        shutil.copy(good, retyped)
        with h5py.File(retyped, "r+") as f:
            count = f["summary/count"][()].astype(float)
            del f["summary/count"]
            f["summary/count"] = count
        ok &= expect(cs, [retyped], 2, ["'summary/count' holds HDF5 class float, not int64"])

        # One byte of /summary/mean overwritten on disk (the HDF5 structure stays intact): the
        # checksum written with the values catches it, in show and in merge.
        for name, dataset in (("damaged_mean.h5", "summary/mean"),
                              ("damaged_count.h5", "summary/count")):
            damaged = os.path.join(work, name)
            shutil.copy(good, damaged)
            with h5py.File(damaged, "r") as f:
                offset = f[dataset].id.get_offset()
            with open(damaged, "r+b") as f:
                f.seek(offset + 3)
                byte = f.read(1)
                f.seek(offset + 3)
                f.write(bytes([byte[0] ^ 0x10]))
            ok &= expect(cs, [damaged], 2, [name, f"dataset '{dataset}' is damaged"])
        shard = os.path.join(work, "shard.h5")
        subprocess.run([cs, "run", os.path.join(args.jobs, "ishigami.ini"), "-q", "-o", shard,
                        "--draws", "1000", "--set", "grid.axis.model.a = 7 | 8", "--shard", "0/2"],
                       check=True, stdout=subprocess.DEVNULL)
        with h5py.File(shard, "r") as f:
            offset = f["summary/quantiles"].id.get_offset()
        with open(shard, "r+b") as f:
            f.seek(offset)
            f.write(b"\x00\x01")
        merged = subprocess.run([cs, "merge", "-o", os.path.join(work, "merged.h5"), shard],
                                capture_output=True, text=True)
        if merged.returncode != 2 or "'summary/quantiles' is damaged" not in merged.stderr:
            print(f"FAIL merge of a damaged shard: status {merged.returncode}, "
                  f"{merged.stderr.strip()!r}")
            ok = False
        # Samples carry a checksum too (written by every rank, digested on rank 0 in pieces:
        # 3 x 3e6 input draws exceed one 8 Mi-value read), the SHA-256 of their values computed
        # here whole; a damaged sample byte stops merge.
        sampled = os.path.join(work, "sampled.h5")
        subprocess.run([cs, "run", os.path.join(args.jobs, "ishigami.ini"), "-q", "-o", sampled,
                        "--draws", "3e6", "--set", "job.save_samples=yes"],
                       check=True, stdout=subprocess.DEVNULL)
        with h5py.File(sampled, "r") as f:
            for kind in ("inputs", "outputs"):
                d = f["samples/" + kind]
                digest = hashlib.sha256(d[()].astype("<f8").tobytes()).hexdigest()
                stored = d.attrs.get("sha256")
                stored = stored.decode() if isinstance(stored, bytes) else stored
                if stored != digest:
                    print(f"FAIL samples/{kind}: checksum {stored!r}, values give {digest}")
                    ok = False
            offset = f["samples/outputs"].id.get_chunk_info(0).byte_offset
        with open(sampled, "r+b") as f:
            f.seek(offset + 5)
            byte = f.read(1)
            f.seek(offset + 5)
            f.write(bytes([byte[0] ^ 0x01]))
        merged = subprocess.run([cs, "merge", "-o", os.path.join(work, "merged_samples.h5"), sampled],
                                capture_output=True, text=True)
        if merged.returncode != 2 or "'samples/outputs' is damaged" not in merged.stderr:
            print(f"FAIL merge of damaged samples: status {merged.returncode}, "
                  f"{merged.stderr.strip()!r}")
            ok = False
        ok &= expect(cs, [os.path.join(work, "absent.h5")], 2, ["absent.h5", "no such file"])
        ok &= expect(cs, [], 2, ["expected exactly one result file"])
        # Selections the file cannot satisfy name the file as well as what it has.
        ok &= expect(cs, [good, "--output", "nope"], 2,
                     ["cannot show output 'nope'", "outputs: 'y'", f"[{good}]"])
        ok &= expect(cs, [good, "--scenario", "nope", "--stat", "nope"], 2,
                     ["cannot show scenario 'nope'", "cannot show stat 'nope'", f"[{good}]"])
    print("show errors:", "ok" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
