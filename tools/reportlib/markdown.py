"""The Markdown report: provenance, summary tables, sensitivity tables (each measure's section is
its plug-in's, reportlib.measures), figure links."""
import math

from . import fmt

PROVENANCE = (("title", "title"), ("job", "job_path"), ("job SHA-256", "job_sha256"),
              ("model", "model"), ("seed", "seed"), ("draws", "draws"),
              ("scenarios", "scenarios"), ("grid mode", "grid_mode"),
              ("common random numbers", "common_random_numbers"), ("shard", "shard"),
              ("ranks", "ranks"), ("block size", "block_size"),
              ("costsweep version", "costsweep_version"), ("git commit", "git_commit"),
              ("command line", "command_line"), ("started", "start_time"),
              ("finished", "end_time"), ("wall time", "wall_seconds"))
GRID_COLUMNS = 4        # headline outputs in the one-row-per-scenario table


def cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(x) for x in row) + " |" for row in rows]
    return lines + [""]


def provenance(r):
    rows = []
    for label, key in PROVENANCE:
        if key not in r.provenance:
            continue
        value = r.provenance[key]
        if key == "wall_seconds":
            value = f"{value:.3g} s"
        elif key in ("job_path", "command_line", "job_sha256", "git_commit"):
            value = f"`{value}`"
        rows.append([label, value])
    if r.total_scenarios != len(r.scenarios):
        rows.append(["rows in this file", f"scenarios {r.first_scenario} to "
                     f"{r.first_scenario + len(r.scenarios) - 1} of the job's "
                     f"{r.total_scenarios} (a shard; #N below counts rows of this file)"])
    if not rows:
        rows.append(["(none)", "the file has no /provenance attributes"])
    return ["## Provenance", ""] + table(["", ""], rows)


def scenario_title(r, s):
    title = f"Scenario #{s}: {r.scenarios[s]}"
    return title + (" (baseline of the paired differences)" if s == r.baseline else "")


def summary(r, sel, iv):
    what = iv.center_name
    head = f"{what} [{iv.label} interval]" if iv.label else what
    lines = ["## Summary", "",
             f"{what.capitalize()} and {iv.label or 'no'} interval"
             f"{' (' + iv.ends + ')' if iv.label and iv.ends != iv.label else ''} of every "
             "output; fractions are shown in %. All statistics: `summary.csv`.", ""]
    lines += [f"Note: {note}." for note in iv.notes] + ([""] if iv.notes else [])
    many = len(sel.scenarios) > 1
    for s in sel.scenarios:
        rows = []
        for o in sel.outputs:
            center, low, high = iv.values(r, s, o)
            row = [f"`{r.outputs[o]}`", fmt.shown_unit(r.units[o]),
                   fmt.with_interval(center, low, high, r.units[o]),
                   fmt.number(r.stats["mean"][s, o], r.units[o]),
                   fmt.number(r.stats["sd"][s, o], r.units[o]), int(r.stats["count"][s, o])]
            if many:
                row.append(diff(r, s, o))
            rows.append(row)
        header = ["output", "unit", head, "mean", "sd", "draws"] + (["Δ mean vs baseline ± se"]
                                                                   if many else [])
        if many:
            lines += [f"<details><summary>{cell(scenario_title(r, s))}</summary>", ""]
        elif r.scenarios[s] != "baseline":
            lines += [f"### {scenario_title(r, s)}", ""]
        lines += table(header, rows) + (["</details>", ""] if many else [])
    return lines


def diff(r, s, o):
    unit = r.units[o]
    mean, se = r.stats["diff_mean"][s, o], r.stats["diff_se"][s, o]
    if fmt.is_fraction(unit):
        return f"{100 * mean:+.2f} ± {100 * se:.2f} points"
    return f"{fmt.number(mean, unit)} ± {fmt.number(se, unit)}"


def grid(r, sel, iv):
    """One row per scenario: its axis labels and the headline outputs' median [interval]."""
    if not r.axes or len(sel.scenarios) < 2:
        return []
    heads = sel.chosen[:GRID_COLUMNS]
    header = ["#"] + [f"`{a}`" for a in r.axes] + [f"`{r.outputs[o]}`" for o in heads]
    rows = []
    for s in sel.scenarios:
        row = [s] + list(r.value_label[s])
        row += [fmt.with_interval(*iv.values(r, s, o), r.units[o]) for o in heads]
        rows.append(row)
    return (["## Scenarios", "", f"Median [{iv.label}] of the headline outputs in every scenario "
             "(axis values by label; `scenarios.csv` has them as numbers).", ""] +
            table(header, rows))


def nan_to_zero(x):
    return 0.0 if math.isnan(x) else x


def sensitivity(r, sel):
    """The section of every sensitivity measure the result has (reportlib.measures)."""
    from . import measures  # here: the measures import this module's helpers
    present = [measure for measure in measures.ALL if measure.present(r)]
    if not present:
        return []
    where = "" if len(r.scenarios) == 1 else f" of {scenario_title(r, sel.figure_scenario)}"
    lines = ["## Sensitivity", "", f"The headline outputs{where}.", ""]
    for measure in present:
        lines += measure.section(r, sel)
    return lines


def report(r, sel, iv, figures, csv_files, skipped):
    title = r.provenance.get("title") or r.provenance.get("job_path") or r.path
    lines = [f"# costsweep report: {title}", "",
             f"From `{r.path}` (result layout {r.layout}). Generated by `tools/report`; do not "
             "edit by hand.", ""]
    lines += provenance(r) + grid(r, sel, iv) + summary(r, sel, iv) + sensitivity(r, sel)
    lines += ["## Figures", ""]
    lines += [f"![{cell(caption)}](figures/{name})" + "\n" for name, caption in figures]
    lines += [f"- not drawn: {why}" for why in skipped] + ([""] if skipped else [])
    lines += ["## Tables", ""] + [f"- [`{name}`]({name})" for name in csv_files] + [""]
    return "\n".join(lines)
