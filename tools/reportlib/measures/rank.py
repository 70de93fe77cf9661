"""Rank measures: Spearman and partial rank correlation (PRCC) of every input with every
output, with optional intervals, and the first-order Sobol index estimated from the ranks
(/sensitivity/rank/<measure>, <measure>_low, <measure>_high)."""
import math

import numpy as np

from ..markdown import nan_to_zero, table
from ..result import leaves

NAME = "rank"
LABEL = "rank"
TABLE = "rank.csv"
HEADER = ["scenario_index", "scenario", "output", "input", "measure", "stat", "value"]
FIGURE_POSITION = 2
# The measures the layout has, without their optional _low / _high interval bounds.
MEASURES = tuple(n for n in leaves("sensitivity/rank/", "sensitivity.rank")
                 if not n.endswith(("_low", "_high")))
LABELS = {"spearman": "Spearman", "prcc": "PRCC", "first_order": "S1 (ranks)"}


def read(f, data):
    """{measure: {"value": [S, O, I], "low": ..., "high": ...}} (intervals optional) of the
    measures the file has; empty when it has none."""
    out = {}
    for measure in MEASURES:
        name = "sensitivity/rank/" + measure
        if name not in data:
            continue
        out[measure] = {"value": data[name]}
        for end in ("low", "high"):
            if f"{name}_{end}" in data:
                out[measure][end] = data[f"{name}_{end}"]
    return out


def present(r):
    return bool(r.rank)


def section(r, sel):
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
            order = [i for i in sorted(range(len(values)),
                                       key=lambda i: -abs(nan_to_zero(values[i])))
                     if not math.isnan(values[i])][:10]
            for i in order:
                text = f"{values[i]:+.3f}"
                if "low" in arrays and "high" in arrays:
                    text += f" [{arrays['low'][s, o, i]:+.3f}, {arrays['high'][s, o, i]:+.3f}]"
                rows.append([f"`{r.outputs[o]}`", LABELS.get(measure, measure), r.inputs[i],
                             text])
    return lines + table(["output", "measure", "input", "value"], rows)


def table_rows(r, sel):
    for measure, arrays in r.rank.items():
        for s in sel.scenarios:
            for o in sel.outputs:
                for i, name in enumerate(r.inputs):
                    for stat, values in arrays.items():
                        yield [s, r.scenarios[s], r.outputs[o], name, measure, stat,
                               values[s, o, i]]


def figure(r, s, o, path):
    """One bar per measure and input, inputs by decreasing |first measure| (at most 15)."""
    from ..figures import COLORS, bar_figure, save, scenario_note, set_rows, title  # matplotlib
    measures = list(r.rank)
    first = r.rank[measures[0]]["value"][s, o]
    rows = [i for i in sorted(range(len(r.inputs)), key=lambda i: -abs(np.nan_to_num(first[i])))
            if np.isfinite(first[i])][:15]
    if not rows:
        return None
    fig, ax = bar_figure(8.5, len(rows), 0.45)
    y = np.arange(len(rows))[::-1]
    height = 0.8 / len(measures)
    for m, measure in enumerate(measures):
        arrays = r.rank[measure]
        values = np.array([arrays["value"][s, o, i] for i in rows])
        errors = None
        if "low" in arrays and "high" in arrays:
            errors = [values - [arrays["low"][s, o, i] for i in rows],
                      [arrays["high"][s, o, i] for i in rows] - values]
        ax.barh(y + 0.4 - height * (m + 0.5), values, height=height, xerr=errors,
                color=COLORS[m], label=LABELS.get(measure, measure),
                error_kw={"elinewidth": 1, "capsize": 3})
    set_rows(ax, [r.inputs[i] for i in rows])
    ax.set_xlim(-1.05, 1.05)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("rank correlation with the output (S1: share of its variance)")
    ax.legend(loc="lower right", fontsize=9)
    ax.grid(axis="x", alpha=0.3)
    title(ax, f"Rank correlations: {r.outputs[o]}", "inputs by decreasing |correlation|" +
          (f"; {scenario_note(r, s)}" if scenario_note(r, s) else ""))
    save(fig, path)
    return f"Rank correlations of {r.outputs[o]}"
