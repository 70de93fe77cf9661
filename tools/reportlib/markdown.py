"""The Markdown report: provenance, summary tables, sensitivity tables, figure links."""
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
MEASURES = {"spearman": "Spearman", "prcc": "PRCC", "first_order": "S1 (ranks)"}
GRID_COLUMNS = 4        # headline outputs in the one-row-per-scenario table
MIN_INDEX = 0.005       # Sobol groups whose indices are all below this are summarised in one line


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


def sobol(r, sel):
    lines = ["### Sobol indices", "", "First-order (S1) and total (ST) indices with 95% "
             f"half-widths, groups by decreasing ST; groups with both below {MIN_INDEX} are "
             "listed together. Every output and group: `sobol.csv`.", ""]
    sb, s = r.sobol, sel.figure_scenario
    rows = []
    for o in sel.chosen:
        order = sorted(range(len(sb["groups"])), key=lambda g: -nan_to_zero(sb["total"][s, o, g]))
        small = []
        for g in order:
            if max(abs(sb["first"][s, o, g]), abs(sb["total"][s, o, g])) < MIN_INDEX:
                small.append(sb["groups"][g])
                continue
            rows.append([f"`{r.outputs[o]}`", sb["groups"][g],
                         f"{sb['first'][s, o, g]:.3f} ± {sb['first_halfwidth'][s, o, g]:.3f}",
                         f"{sb['total'][s, o, g]:.3f} ± {sb['total_halfwidth'][s, o, g]:.3f}"])
        if small:
            rows.append([f"`{r.outputs[o]}`", ", ".join(small), f"< {MIN_INDEX}", f"< {MIN_INDEX}"])
    return lines + table(["output", "group", "S1 ± 95%", "ST ± 95%"], rows)


def nan_to_zero(x):
    return 0.0 if math.isnan(x) else x


def tornado(r, sel):
    t, s = r.tornado, sel.figure_scenario
    low, high = fmt.level_name(t["low_level"]).upper(), fmt.level_name(t["high_level"]).upper()
    lines = ["### Tornado", "", f"Each group at its {low} and {high} with every other input at "
             "its median, groups by decreasing swing. Every value: `tornado.csv`.", ""]
    rows = []
    for o in sel.chosen:
        unit = r.units[o]
        swings = [(abs(t["high"][s, o, g] - t["low"][s, o, g]), g) for g in range(len(t["groups"]))
                  if not math.isnan(t["low"][s, o, g])]
        for swing, g in sorted(swings, reverse=True):
            rows.append([f"`{r.outputs[o]}`", t["groups"][g], fmt.number(t["base"][s, o], unit),
                         fmt.number(t["low"][s, o, g], unit), fmt.number(t["high"][s, o, g], unit),
                         diff_text(swing, unit)])
    return lines + table(["output", "group", "at medians", f"at {low}", f"at {high}", "swing"],
                         rows)


def diff_text(swing, unit):
    return f"{100 * swing:.2f} points" if fmt.is_fraction(unit) else fmt.number(swing, unit)


def rank(r, sel):
    s = sel.figure_scenario
    lines = ["### Rank measures", "", "Spearman rank correlation and partial rank correlation "
             "(PRCC) of each input with each headline output, and its first-order Sobol index "
             "estimated from the ranks of the same draws (S1 (ranks); Gamboa, Klein & Lagnoux "
             "2022), inputs by decreasing |value| (at most 10 per output). Every value: "
             "`rank.csv`.", ""]
    rows = []
    for measure, arrays in r.rank.items():
        for o in sel.chosen:
            values = arrays["value"][s, o]
            order = [i for i in sorted(range(len(values)), key=lambda i: -abs(nan_to_zero(values[i])))
                     if not math.isnan(values[i])][:10]
            for i in order:
                text = f"{values[i]:+.3f}"
                if "low" in arrays and "high" in arrays:
                    text += f" [{arrays['low'][s, o, i]:+.3f}, {arrays['high'][s, o, i]:+.3f}]"
                rows.append([f"`{r.outputs[o]}`", MEASURES.get(measure, measure), r.inputs[i],
                             text])
    return lines + table(["output", "measure", "input", "value"], rows)


def sensitivity(r, sel):
    if not (r.sobol or r.tornado or r.rank):
        return []
    where = "" if len(r.scenarios) == 1 else f" of {scenario_title(r, sel.figure_scenario)}"
    lines = ["## Sensitivity", "", f"The headline outputs{where}.", ""]
    if r.sobol:
        lines += sobol(r, sel)
    if r.tornado:
        lines += tornado(r, sel)
    if r.rank:
        lines += rank(r, sel)
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
