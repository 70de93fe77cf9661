"""Corrupted data tables of the training_cost model (copies of configs/epoch-2026 and
configs/hardware.csv): each run exits with status 2, names the file, the row and the column where
one applies, says what was wrong, and leaves no output file (not even a partial one)."""
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile

import harness

DATA_FILES = ["entries.csv", "companies.csv", "openai-2024.csv"]


def job_text(article, out):
    """jobs/epoch-2026-article.ini reading the copies beside it, with few draws."""
    text = re.sub(r"(?m)^(entries|companies|hardware)\s*=.*/([^/\n]+)$", r"\1 = \2", article)
    text = re.sub(r"(?m)^draws\s*=.*$", "draws = 200", text)
    return re.sub(r"(?m)^output\s*=.*$", f"output = {out}", text)


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def where(file, rows, key, column):
    """`<file> row R (line L), column '<column>'` for the first data row of key (an entry or a
    company name): R counts data rows from 1, L file lines (the header is line 1 and these files
    have no multi-line cells, so L = R + 1)."""
    key_column = 1 if rows[0][1] == "entry" else 0
    r = next(i for i, row in enumerate(rows[1:], start=1) if row[key_column] == key)
    return f"{file} row {r} (line {r + 1}), column '{column}'"


def set_cells(folder, file, key, changes):
    """Sets cells of the row whose entry (or company) is key; returns the rows as they were."""
    path = os.path.join(folder, file)
    rows = read_csv(path)
    key_column = 1 if rows[0][1] == "entry" else 0
    row = next(row for row in rows[1:] if row[key_column] == key)
    for column, value in changes.items():
        row[rows[0].index(column)] = value
    write_csv(path, rows)
    return rows


# Each case corrupts the copies in a folder and returns the fragments stderr must contain (a
# tuple: any one of them).
def missing_base(d):
    rows = set_cells(d, "entries.csv", "Hailuo-02 (SFT phase)", {"base": "Hailuo-03 (pretraining)"})
    return [where("entries.csv", rows, "Hailuo-02 (SFT phase)", "base"),
            "base entry 'Hailuo-03 (pretraining)'", "no entry has that name"]


def base_cycle(d):
    # AutoGLM-Rumination <- GLM-Z1-Rumination-32B-0414 <- GLM-4-32B-0414, closed into a loop.
    rows = set_cells(d, "entries.csv", "GLM-4-32B-0414",
                     {"flop": "rl_fraction", "base": "AutoGLM-Rumination", "mfu": "rl"})
    loop = ["GLM-4-32B-0414", "GLM-Z1-Rumination-32B-0414", "AutoGLM-Rumination"]
    return ["bases form a cycle", tuple(where("entries.csv", rows, e, "base") for e in loop)] + [
        f"'{e}'" for e in loop]


def unknown_hardware(d):
    rows = set_cells(d, "entries.csv", "MiniMax-VL-01", {"hardware": "NVIDIA H900 SXM5"})
    return [where("entries.csv", rows, "MiniMax-VL-01", "hardware"),
            "unknown hardware 'NVIDIA H900 SXM5'", "hardware.csv"]


def unknown_precision(d):
    rows = set_cells(d, "entries.csv", "MiniMax-M1 (continual pretrain)", {"precision": "fp6"})
    return [where("entries.csv", rows, "MiniMax-M1 (continual pretrain)", "precision"),
            "unknown precision 'fp6'"]


def duplicate_name(d):
    rows = set_cells(d, "entries.csv", "GLM-4.5-Air", {"entry": "GLM-4.5"})
    first = where("entries.csv", rows, "GLM-4.5", "entry")  # the original GLM-4.5 row
    r = int(re.search(r"row (\d+)", first).group(1))
    return [f"entries.csv row {r + 1} (line {r + 2}), column 'entry'", "'GLM-4.5'",
            f"already used at row {r}"]


def malformed_distribution(d):
    rows = set_cells(d, "entries.csv", "Hailuo-02 (pretraining)",
                     {"flop": "uniform(1.479e+24 1.342e+25)"})
    return [where("entries.csv", rows, "Hailuo-02 (pretraining)", "flop"),
            "cannot parse distribution 'uniform(1.479e+24 1.342e+25)'"]


def negative_flop(d):
    rows = set_cells(d, "entries.csv", "MiniMax-VL-01", {"flop": "-1.41e+23"})
    return [where("entries.csv", rows, "MiniMax-VL-01", "flop"), "-1.41e+23", "must be positive"]


def missing_column(d):
    path = os.path.join(d, "entries.csv")
    rows = read_csv(path)
    drop = rows[0].index("mfu")
    write_csv(path, [row[:drop] + row[drop + 1:] for row in rows])
    return ["entries.csv", "missing column 'mfu'"]


def company_without_rd_row(d):
    path = os.path.join(d, "companies.csv")
    companies = read_csv(path)
    write_csv(path, [row for row in companies if row[0] != "Z.ai/Zhipu"])
    entries = read_csv(os.path.join(d, "entries.csv"))
    first = next(i for i, row in enumerate(entries[1:], start=1) if row[0] == "Z.ai/Zhipu")
    return ["company 'Z.ai/Zhipu'", "companies.csv",
            f"entries.csv row {first} (line {first + 1}), column 'company'"]


def empty_rd_compute(d):
    rows = set_cells(d, "companies.csv", "MiniMax", {"rd_compute": ""})
    return [where("companies.csv", rows, "MiniMax", "rd_compute"), "no R&D compute figure"]


def unknown_currency(d):
    rows = set_cells(d, "companies.csv", "Z.ai/Zhipu", {"currency": "YEN"})
    return [where("companies.csv", rows, "Z.ai/Zhipu", "currency"), "currency 'YEN'", "unknown"]


def unclosed_quote(d):
    path = os.path.join(d, "entries.csv")
    with open(path) as f:
        lines = f.read().split("\n")
    # Drop the quote that closes the file's last quoted cell, so no later quote can close it.
    i = max(n for n, line in enumerate(lines) if '"' in line)
    assert lines[i].count('"') == 2, lines[i]
    lines[i] = lines[i][::-1].replace('"', "", 1)[::-1]
    with open(path, "w") as f:
        f.write("\n".join(lines))
    return [f"entries.csv line {i + 1}", "quoted cell is never closed", "key model.entries"]


def missing_file(d):
    os.remove(os.path.join(d, "companies.csv"))
    return ["companies.csv", "no such file", "key model.companies"]


def duplicate_hardware_row(d):
    # A second row for a GPU: the last one used to win silently (a median share of 224%).
    path = os.path.join(d, "hardware.csv")
    rows = read_csv(path)
    h100 = next(i for i, row in enumerate(rows) if row[0] == "NVIDIA H100 SXM5 80GB")
    copy = list(rows[h100])
    copy[rows[0].index("bf16_dense_flops")] = "9.89e13"
    write_csv(path, rows + [copy])
    return ["hardware.csv", "'NVIDIA H100 SXM5 80GB' has two rows",
            f"row {h100} and row {len(rows)}", f"row {len(rows)} (line {len(rows) + 1})"]


def variant_matching_nothing(d):
    # A misspelt exclude filter left the "without Hailuo" totals equal to the unfiltered ones.
    job = os.path.join(d, "job.ini")
    with open(job) as f:
        text = f.read()
    assert "variant.without_hailuo.exclude = Hailuo" in text
    with open(job, "w") as f:
        f.write(text.replace("variant.without_hailuo.exclude = Hailuo",
                             "variant.without_hailuo.exclude = Hailou"))
    return ["model.variant.without_hailuo.exclude 'Hailou'", "matches no entry name"]


def not_utf8(d):
    # An entry name saved as Windows-1252 (e with acute accent = 0xE9): would go into the file's
    # UTF-8 strings and break readers.
    path = os.path.join(d, "companies.csv")
    with open(path, "rb") as f:
        data = f.read()
    first_line_end = data.index(b"\n")
    with open(path, "wb") as f:
        f.write(data[:first_line_end + 1] + b"Caf\xe9 Labs" + data[first_line_end + 1:])
    return ["companies.csv line 2, byte 4: byte 0xE9 is not UTF-8", "save the file as UTF-8"]


def control_character(d):
    rows = set_cells(d, "entries.csv", "MiniMax-VL-01", {"hardware": "NVIDIA\x07H100"})
    r = next(i for i, row in enumerate(rows[1:], start=1) if row[1] == "MiniMax-VL-01")
    return [f"entries.csv line {r + 1}", "control character 0x07"]


CASES = [missing_base, base_cycle, unknown_hardware, unknown_precision, duplicate_name,
         malformed_distribution, negative_flop, missing_column, company_without_rd_row,
         empty_rd_compute, unknown_currency, unclosed_quote, missing_file, duplicate_hardware_row,
         variant_matching_nothing, not_utf8, control_character]
UNDER_MPI = {"missing_base", "unclosed_quote", "missing_file"}


def prepare(work, name, jobs):
    """A folder with copies of the data and a job that reads them."""
    folder = os.path.join(work, name)
    os.makedirs(folder)
    configs = os.path.join(jobs, os.pardir, "configs")
    for file in DATA_FILES:
        shutil.copy(os.path.join(configs, "epoch-2026", file), folder)
    shutil.copy(os.path.join(configs, "hardware.csv"), folder)
    with open(os.path.join(jobs, "epoch-2026-article.ini")) as f:
        article = f.read()
    job = os.path.join(folder, "job.ini")
    with open(job, "w") as f:
        f.write(job_text(article, os.path.join(folder, "result.h5")))
    return folder, job


def run(costsweep, mpiexec, folder, job, ranks):
    command = [costsweep, "run", job, "-q"]
    if ranks > 1:
        command = [mpiexec, "--oversubscribe", "-np", str(ranks)] + command
    return subprocess.run(command, capture_output=True, text=True, cwd=folder, timeout=120)


def run_case(args, work, case, ranks):
    folder, job = prepare(work, f"{case.__name__}-np{ranks}", args.jobs)
    fragments = case(folder)
    done = run(args.costsweep, args.mpiexec, folder, job, ranks)
    problems = []
    if done.returncode != 2:
        problems.append(f"exit status {done.returncode}, expected 2")
    if "error" not in done.stderr:
        problems.append("no error message")
    for fragment in fragments:
        alternatives = fragment if isinstance(fragment, tuple) else (fragment,)
        if not any(a in done.stderr for a in alternatives):
            problems.append(f"message lacks {' or '.join(map(repr, alternatives))}")
    left = [n for n in os.listdir(folder) if n.endswith((".h5", ".partial"))]
    if left:
        problems.append(f"left files {left}")
    if problems:
        print(f"FAIL {case.__name__} (np {ranks}): {'; '.join(problems)}\n"
              f"  stderr: {done.stderr.strip()}")
    return not problems


def main():
    args = harness.arguments()
    failures = 0
    with tempfile.TemporaryDirectory() as work:
        # The unmodified copies must run, or every case below proves nothing.
        folder, job = prepare(work, "good", args.jobs)
        done = run(args.costsweep, args.mpiexec, folder, job, 1)
        assert done.returncode == 0 and os.path.exists(os.path.join(folder, "result.h5")), (
            f"the reference job failed ({done.returncode}): {done.stderr}")
        # A byte-order mark (Excel's "CSV UTF-8") before a table's header is skipped.
        folder, job = prepare(work, "bom", args.jobs)
        for file in DATA_FILES + ["hardware.csv"]:
            path = os.path.join(folder, file)
            with open(path, "rb") as f:
                data = f.read()
            with open(path, "wb") as f:
                f.write(b"\xef\xbb\xbf" + data)
        done = run(args.costsweep, args.mpiexec, folder, job, 1)
        if done.returncode != 0:
            print(f"FAIL tables with a byte-order mark: {done.returncode}: {done.stderr.strip()}")
            failures += 1
        for ranks in (1, 2):
            for case in CASES:
                if ranks == 2 and case.__name__ not in UNDER_MPI:
                    continue
                failures += not run_case(args, work, case, ranks)
    print(f"bad data: {len(CASES)} corrupted tables, {failures} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
