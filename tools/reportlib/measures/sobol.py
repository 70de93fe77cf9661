"""Sobol indices: first-order (S1) and total (ST) index of every group of inputs, with 95%
half-widths (/sensitivity/sobol)."""
import numpy as np

from ..markdown import nan_to_zero, table
from ..result import leaves, strings

NAME = "sobol"
LABEL = "Sobol"
TABLE = "sobol.csv"
HEADER = ["scenario_index", "scenario", "output", "group", "stat", "value"]
FIGURE_POSITION = 1
STATS = leaves("sensitivity/sobol/", "sensitivity.sobol")
MIN_INDEX = 0.005       # groups whose indices are all below this are summarised in one line


def read(f, data):
    """dict (groups, first, first_halfwidth, total, total_halfwidth) or None."""
    if "sensitivity/sobol" not in f:
        return None
    sobol = {name: data["sensitivity/sobol/" + name] for name in STATS}
    sobol["groups"] = strings(f, "sensitivity/sobol/group")
    return sobol


def present(r):
    return bool(r.sobol)


def section(r, sel):
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


def table_rows(r, sel):
    for s in sel.scenarios:
        for o in sel.outputs:
            for g, group in enumerate(r.sobol["groups"]):
                for stat in STATS:
                    yield [s, r.scenarios[s], r.outputs[o], group, stat, r.sobol[stat][s, o, g]]


def figure(r, s, o, path):
    """S1 and ST bars with 95% whiskers, groups by decreasing ST (at most 15)."""
    from ..figures import COLORS, bar_figure, save, scenario_note, set_rows, title  # matplotlib
    sb = r.sobol
    rows = sorted(range(len(sb["groups"])), key=lambda g: -np.nan_to_num(sb["total"][s, o, g]))
    rows = [g for g in rows
            if max(abs(sb["total"][s, o, g]), abs(sb["first"][s, o, g])) >= MIN_INDEX]
    rows = rows[:15]
    if not rows:
        return None
    fig, ax = bar_figure(8.5, len(rows), 0.5)
    y = np.arange(len(rows))[::-1]
    for shift, stat, label, color in ((0.18, "first", "first order S1", COLORS[0]),
                                      (-0.18, "total", "total ST", COLORS[1])):
        values = [sb[stat][s, o, g] for g in rows]
        errors = [sb[stat + "_halfwidth"][s, o, g] for g in rows]
        ax.barh(y + shift, values, height=0.36, xerr=errors, color=color, label=label,
                error_kw={"elinewidth": 1, "capsize": 3})
    set_rows(ax, [sb["groups"][g] for g in rows])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("Sobol index (fraction of the output's variance), with 95% intervals")
    ax.legend(loc="lower right", fontsize=9)
    ax.grid(axis="x", alpha=0.3)
    title(ax, f"Sobol indices: {r.outputs[o]}", "groups by decreasing total index; groups "
          f"below {MIN_INDEX} left out" +
          (f"; {scenario_note(r, s)}" if scenario_note(r, s) else ""))
    save(fig, path)
    return f"Sobol indices of {r.outputs[o]}"
