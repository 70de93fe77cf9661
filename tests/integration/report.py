"""tools/report on real result files: the Epoch article job (statistics only, and with every
draw stored), the 72-scenario sweep and its one-at-a-time version, Ishigami with Sobol indices
and tornado (5 quantile levels, and only P25/P50/P75 so the widest stored interval stands in
for the 90% one), the two-scenario Ishigami grid, the lifecycle frontier job, its quantization
grid and the energy-per-token grid (zipped axes). Every number in every CSV must equal the
HDF5 value bit for bit, every figure must be a PNG of sensible size linked from report.md, and
bad input (a text file, HDF5 without the costsweep attribute, a newer layout, a truncated file,
unknown names, a folder that is not a report) must exit 2 with one clear line and leave nothing
behind.
(The lifecycle model's job joins this test when that model is merged.)"""
import csv
import glob
import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile

import h5py

import harness

SUMMARY_STATS = ("count", "mean", "sd", "se", "min", "max", "diff_mean", "diff_se")
SOBOL_STATS = ("first", "first_halfwidth", "total", "total_halfwidth")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MIN_PIXELS, MAX_PIXELS = 400, 4000


class Checker:
    def __init__(self, args, work):
        self.args, self.work = args, work
        self.tool = os.path.join(os.path.dirname(os.path.abspath(args.jobs)), "tools", "report")
        self.failures = []

    def fail(self, what):
        self.failures.append(what)

    def run_job(self, job, name, *extra):
        out = os.path.join(self.work, name + ".h5")
        subprocess.run([self.args.mpiexec, "--oversubscribe", "-np", "2", self.args.costsweep,
                        "run", os.path.join(self.args.jobs, job), "-q", "-o", out, *extra],
                       check=True, stdout=subprocess.DEVNULL)
        return out

    def report(self, result, out, *flags):
        return subprocess.run([self.tool, result, "-o", out, *flags], capture_output=True,
                              text=True)


def same(a, b):
    """Bit-for-bit equality of a CSV value (parsed) and an HDF5 value; NaN equals NaN."""
    a, b = float(a), float(b)
    return (math.isnan(a) and math.isnan(b)) or a == b


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def check_summary(c, f, folder, tag):
    rows = read_csv(os.path.join(folder, "summary.csv"))
    outputs = list(f["outputs/name"].asstr()[:])
    scenarios = list(f["scenarios/name"].asstr()[:])
    levels = list(f["summary/quantile_levels"][:])
    expected = len(scenarios) * len(outputs) * (len(SUMMARY_STATS) + len(levels))
    if len(rows) != expected:
        c.fail(f"{tag}: summary.csv has {len(rows)} rows, expected {expected}")
    seen = set()
    for row in rows:
        s, o = int(row["scenario_index"]), outputs.index(row["output"])
        stat = row["stat"]
        seen.add((s, o, stat))
        if row["scenario"] != scenarios[s] or row["unit"] != f["outputs/unit"].asstr()[o]:
            c.fail(f"{tag}: summary.csv row {row} names the wrong scenario or unit")
        if stat in SUMMARY_STATS:
            stored = f["summary/" + stat][s, o]
        else:
            matches = [q for q, level in enumerate(levels)
                       if stat.startswith("p") and abs(float(stat[1:]) / 100 - level) < 1e-12]
            if len(matches) != 1:
                c.fail(f"{tag}: summary.csv stat '{stat}' is no stored quantile level {levels}")
                continue
            stored = f["summary/quantiles"][s, o, matches[0]]
        if not same(row["value"], stored):
            c.fail(f"{tag}: summary.csv {row['output']} {stat} = {row['value']}, HDF5 {stored!r}")
    if len(seen) != len(rows):
        c.fail(f"{tag}: summary.csv repeats rows")


def check_sensitivity(c, f, folder, tag):
    has_sobol, has_tornado = "sensitivity/sobol" in f, "sensitivity/tornado" in f
    for name, present in (("sobol.csv", has_sobol), ("tornado.csv", has_tornado)):
        if os.path.exists(os.path.join(folder, name)) != present:
            c.fail(f"{tag}: {name} {'missing' if present else 'written without the data'}")
    outputs = list(f["outputs/name"].asstr()[:])
    if has_sobol:
        groups = list(f["sensitivity/sobol/group"].asstr()[:])
        rows = read_csv(os.path.join(folder, "sobol.csv"))
        if len(rows) != f["sensitivity/sobol/first"].size * len(SOBOL_STATS):
            c.fail(f"{tag}: sobol.csv has {len(rows)} rows")
        for row in rows:
            s, o, g = int(row["scenario_index"]), outputs.index(row["output"]), \
                groups.index(row["group"])
            stored = f["sensitivity/sobol/" + row["stat"]][s, o, g]
            if not same(row["value"], stored):
                c.fail(f"{tag}: sobol.csv {row} differs from HDF5 {stored!r}")
    if has_tornado:
        groups = list(f["sensitivity/tornado/group"].asstr()[:])
        for row in read_csv(os.path.join(folder, "tornado.csv")):
            s, o = int(row["scenario_index"]), outputs.index(row["output"])
            if row["stat"] == "base":
                stored = f["sensitivity/tornado/base"][s, o]
            else:
                stored = f["sensitivity/tornado/" + row["stat"]][s, o, groups.index(row["group"])]
                level = f["sensitivity/tornado"].attrs[row["stat"] + "_level"]
                if not same(row["level"], level):
                    c.fail(f"{tag}: tornado.csv level {row['level']}, HDF5 {level!r}")
            if not same(row["value"], stored):
                c.fail(f"{tag}: tornado.csv {row} differs from HDF5 {stored!r}")


def check_rank(c, f, folder, tag):
    present = "sensitivity/rank" in f
    path = os.path.join(folder, "rank.csv")
    if os.path.exists(path) != present:
        c.fail(f"{tag}: rank.csv {'missing' if present else 'written without the data'}")
    if not present:
        return
    outputs, inputs = list(f["outputs/name"].asstr()[:]), list(f["inputs/name"].asstr()[:])
    data = {name: f["sensitivity/rank/" + name][:] for name in f["sensitivity/rank"]}
    rows = read_csv(path)
    if not rows:
        c.fail(f"{tag}: rank.csv is empty")
    for row in rows:
        s, o, i = int(row["scenario_index"]), outputs.index(row["output"]), inputs.index(row["input"])
        name = row["measure"] + ("" if row["stat"] == "value" else "_" + row["stat"])
        if not same(row["value"], data[name][s, o, i]):
            c.fail(f"{tag}: rank.csv {row} differs from HDF5 {data[name][s, o, i]!r}")
            return


def check_scenarios(c, f, folder, tag):
    axes = list(f["scenarios/axis"].asstr()[:])
    path = os.path.join(folder, "scenarios.csv")
    if not axes:
        if os.path.exists(path):
            c.fail(f"{tag}: scenarios.csv written for a job without a grid")
        return
    rows = read_csv(path)
    if len(rows) != f["scenarios/value_number"].size:
        c.fail(f"{tag}: scenarios.csv has {len(rows)} rows")
    for row in rows:
        s, a = int(row["scenario_index"]), axes.index(row["axis"])
        if row["label"] != f["scenarios/value_label"].asstr()[s, a] or \
                not same(row["value"], f["scenarios/value_number"][s, a]):
            c.fail(f"{tag}: scenarios.csv {row} differs from the HDF5 scenario table")


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != PNG_SIGNATURE or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def check_figures(c, folder, tag, expected):
    with open(os.path.join(folder, "report.md"), encoding="utf-8") as f:
        text = f.read()
    pngs = sorted(os.path.basename(p) for p in glob.glob(os.path.join(folder, "figures", "*")))
    for name in expected:
        if name not in pngs:
            c.fail(f"{tag}: figure {name} missing (have {pngs})")
    for name in pngs:
        size = png_size(os.path.join(folder, "figures", name))
        if size is None:
            c.fail(f"{tag}: {name} is not a PNG")
        elif not all(MIN_PIXELS <= x <= MAX_PIXELS for x in size):
            c.fail(f"{tag}: {name} is {size[0]} x {size[1]} pixels")
        if f"](figures/{name})" not in text:
            c.fail(f"{tag}: report.md does not link {name}")
    return text


def check_report(c, result, tag, expected_figures, *flags):
    folder = os.path.join(c.work, "report-" + tag)
    done = c.report(result, folder, *flags)
    if done.returncode != 0:
        c.fail(f"{tag}: tools/report exit {done.returncode}: {done.stderr}")
        return None
    with h5py.File(result, "r") as f:
        check_summary(c, f, folder, tag)
        check_sensitivity(c, f, folder, tag)
        check_rank(c, f, folder, tag)
        check_scenarios(c, f, folder, tag)
        text = check_figures(c, folder, tag, expected_figures)
        for name in f["outputs/name"].asstr()[:]:
            if f"`{name}`" not in text:
                c.fail(f"{tag}: report.md does not mention output {name}")
        for key in ("seed", "draws", "ranks", "costsweep_version"):
            if str(f["provenance"].attrs[key]) not in text:
                c.fail(f"{tag}: report.md lacks the provenance {key}")
    return done


def check_errors(c, article):
    bad = {"text": os.path.join(c.work, "notes.txt"),
           "foreign": os.path.join(c.work, "foreign.h5"),
           "newer": os.path.join(c.work, "newer.h5"),
           "truncated": os.path.join(c.work, "truncated.h5")}
    with open(bad["text"], "w") as f:
        f.write("not a result\n")
    with h5py.File(bad["foreign"], "w") as f:
        f["x"] = [1.0, 2.0]
    shutil.copy(article, bad["newer"])
    with h5py.File(bad["newer"], "a") as f:
        f.attrs["costsweep_layout"] = 99
    shutil.copy(article, bad["truncated"])
    os.truncate(bad["truncated"], os.path.getsize(article) // 3)
    bad["damaged"] = os.path.join(c.work, "damaged.h5")
    shutil.copy(article, bad["damaged"])
    with h5py.File(bad["damaged"], "r") as f:
        offset = f["summary/sd"].id.get_offset()
    with open(bad["damaged"], "r+b") as f:  # one byte of /summary/sd flipped on disk
        f.seek(offset + 5)
        byte = f.read(1)
        f.seek(offset + 5)
        f.write(bytes([byte[0] ^ 0x04]))
    cases = [(bad["text"], (), "not an HDF5 file"),
             (bad["foreign"], (), "no 'costsweep_layout' attribute"),
             (bad["newer"], (), "layout 99, newer than this tool reads (1)"),
             (bad["truncated"], (), "not a readable HDF5 file"),
             (bad["damaged"], (), "dataset '/summary/sd' is damaged"),
             (article, ("--output", "share[Nobody]"), "no output named 'share[Nobody]' "
                                                      "(outputs: 'cost[MiniMax-Text-01]'"),
             (article, ("--scenario", "dear"), "no scenario named 'dear' (scenarios: 'baseline'"),
             (article, ("--interval", "80"), "no 80% interval")]
    for result, flags, message in cases:
        out = os.path.join(c.work, "error-report")
        done = c.report(result, out, *flags)
        expected = f"report: cannot read {result}: "
        if done.returncode != 2 or not done.stderr.startswith(expected) or \
                message not in done.stderr or "Traceback" in done.stderr:
            c.fail(f"{result} {flags}: exit {done.returncode}, stderr {done.stderr!r}")
        if os.path.exists(out) or glob.glob(out + ".partial-*"):
            c.fail(f"{result} {flags}: left {out} or a partial folder behind")
    stranger = os.path.join(c.work, "not-a-report")
    os.mkdir(stranger)
    open(os.path.join(stranger, "keep.txt"), "w").close()
    done = c.report(article, stranger)
    if done.returncode != 2 or "is not a report folder" not in done.stderr or \
            not os.path.exists(os.path.join(stranger, "keep.txt")):
        c.fail(f"a folder that is not a report: exit {done.returncode}, {done.stderr!r}")


def main():
    args = harness.arguments()
    with tempfile.TemporaryDirectory() as work:
        c = Checker(args, work)
        article = c.run_job("epoch-2026-article.ini", "article", "--draws", "4000")
        samples = c.run_job("epoch-2026-article.ini", "samples", "--draws", "4000",
                            "--set", "job.save_samples=yes")
        sweep = c.run_job("epoch-2026-sweep.ini", "sweep", "--draws", "1000")
        oat = c.run_job("epoch-2026-sweep.ini", "oat", "--draws", "1000", "--set", "grid.mode=oat")
        ishigami = c.run_job("ishigami.ini", "ishigami", "--draws", "4096", "--set",
                             "sensitivity.sobol=yes", "--set", "sensitivity.tornado=yes")
        quartiles = c.run_job("ishigami.ini", "quartiles", "--draws", "4096", "--set",
                              "job.quantiles=0.25 0.5 0.75")
        crn = c.run_job("ishigami-crn.ini", "crn", "--draws", "4096")
        lifecycle = c.run_job("lifecycle-frontier.ini", "lifecycle", "--draws", "2000")
        quantization = c.run_job("lifecycle-quantization.ini", "quantization", "--draws", "2000")
        energy = c.run_job("energy-per-token.ini", "energy", "--draws", "500")
        article_figures = ["shares.png", "entry-costs.png", "distribution-share-minimax.png",
                           "tornado-share-minimax.png", "sobol-share-minimax.png", "rank-share-minimax.png"]
        check_report(c, article, "article", article_figures)
        check_report(c, samples, "samples", article_figures)
        check_report(c, sweep, "sweep", ["shares.png", "grid-share-minimax.png"])
        check_report(c, oat, "oat", ["scenarios-share-minimax.png"])
        check_report(c, ishigami, "ishigami", ["distribution-y.png", "sobol-y.png",
                                               "tornado-y.png"])
        done = check_report(c, quartiles, "quartiles", ["distribution-y.png"])
        if done and "widest stored interval, P25–P75" not in done.stderr:
            c.fail(f"quartiles: no note that P25-P75 stands in: {done.stderr!r}")
        check_report(c, crn, "crn", ["grid-y.png"])
        check_report(c, lifecycle, "lifecycle", ["distribution-cost-per-million-tokens-launch.png",
                                                 "tornado-inference-over-training.png"])
        check_report(c, quantization, "quantization", ["grid-cost-per-million-tokens-launch.png"])
        # Zipped axes (hardware, precision, bandwidth) make one axis of the heat-map, and the
        # output the grid moves most, energy per token, is among the headline figures.
        check_report(c, energy, "energy", ["grid-energy-per-token.png"])
        again = c.report(ishigami, os.path.join(work, "report-ishigami"))
        if again.returncode != 0:
            c.fail(f"replacing an earlier report: exit {again.returncode}: {again.stderr}")
        narrow = os.path.join(work, "narrow")
        done = c.report(sweep, narrow, "--output", "share[MiniMax]", "--scenario", "2")
        rows = read_csv(os.path.join(narrow, "summary.csv")) if done.returncode == 0 else []
        if {(r["scenario_index"], r["output"]) for r in rows} != {("2", "share[MiniMax]")}:
            c.fail(f"--output/--scenario: exit {done.returncode}, rows {len(rows)}")
        check_errors(c, article)
    for failure in c.failures:
        print("FAIL:", failure, file=sys.stderr)
    print("report:", "ok" if not c.failures else f"{len(c.failures)} failures")
    sys.exit(1 if c.failures else 0)


if __name__ == "__main__":
    main()
