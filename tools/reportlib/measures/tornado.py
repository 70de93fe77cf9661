"""Tornado: each output with one group of inputs at a time at its low and high quantile and
every other input at its median (/sensitivity/tornado)."""
import math

import numpy as np

from .. import fmt
from ..markdown import table
from ..result import leaves, strings

NAME = "tornado"
LABEL = "tornado"
TABLE = "tornado.csv"
HEADER = ["scenario_index", "scenario", "output", "unit", "group", "stat", "level", "value"]
FIGURE_POSITION = 0


def read(f, data):
    """dict (groups, base, low, high, low_level, high_level) or None."""
    if "sensitivity/tornado" not in f:
        return None
    attrs = f["sensitivity/tornado"].attrs
    tornado = {name: data["sensitivity/tornado/" + name]
               for name in leaves("sensitivity/tornado/", "sensitivity.tornado")}
    tornado.update(groups=strings(f, "sensitivity/tornado/group"),
                   low_level=float(attrs.get("low_level", np.nan)),
                   high_level=float(attrs.get("high_level", np.nan)))
    return tornado


def present(r):
    return bool(r.tornado)


def section(r, sel):
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
                         swing_text(swing, unit)])
    return lines + table(["output", "group", "at medians", f"at {low}", f"at {high}", "swing"],
                         rows)


def swing_text(swing, unit):
    return f"{100 * swing:.2f} points" if fmt.is_fraction(unit) else fmt.number(swing, unit)


def table_rows(r, sel):
    t = r.tornado
    for s in sel.scenarios:
        for o in sel.outputs:
            head = [s, r.scenarios[s], r.outputs[o], r.units[o]]
            yield head + ["", "base", 0.5, t["base"][s, o]]
            for g, group in enumerate(t["groups"]):
                yield head + [group, "low", t["low_level"], t["low"][s, o, g]]
                yield head + [group, "high", t["high_level"], t["high"][s, o, g]]


def figure(r, s, o, path):
    """Low and high bars from the all-medians value, groups by decreasing swing (at most 15)."""
    from ..figures import (COLORS, axis_label, bar_figure, format_axis, save,  # matplotlib
                           scenario_note, set_rows, title)
    t, unit = r.tornado, r.units[o]
    k = fmt.scale(unit)
    base = t["base"][s, o] * k
    rows = [(abs(t["high"][s, o, g] - t["low"][s, o, g]) * k, g) for g in range(len(t["groups"]))
            if np.isfinite(t["low"][s, o, g]) and np.isfinite(t["high"][s, o, g])]
    still = [t["groups"][g] for swing, g in rows if swing == 0]
    rows = [x for x in sorted(rows, reverse=True) if x[0] > 0][:15]
    if not rows:
        return None
    fig, ax = bar_figure(8.5, len(rows), 0.4)
    y = np.arange(len(rows))[::-1]
    low_name = fmt.level_name(t["low_level"]).upper()
    high_name = fmt.level_name(t["high_level"]).upper()
    lows = np.array([t["low"][s, o, g] * k for _, g in rows])
    highs = np.array([t["high"][s, o, g] * k for _, g in rows])
    ax.barh(y, lows - base, left=base, color=COLORS[0], label=f"group at its {low_name}")
    ax.barh(y, highs - base, left=base, color=COLORS[1], label=f"group at its {high_name}")
    ax.axvline(base, color="black", linewidth=1)
    set_rows(ax, [t["groups"][g] for _, g in rows])
    format_axis(ax, "x", unit, False)
    ax.set_xlabel(axis_label(r.outputs[o], unit) + f"; every input at its median: "
                  f"{fmt.number(base / k, unit)}")
    ax.legend(loc="lower right", fontsize=9)
    ax.grid(axis="x", alpha=0.3)
    notes = ["one group of inputs at a time, the others at their medians; groups by decreasing "
             "swing", f"no swing: {', '.join(still)}" if still else "", scenario_note(r, s)]
    title(ax, f"Tornado: {r.outputs[o]}", "; ".join(x for x in notes if x))
    save(fig, path)
    return f"Tornado of {r.outputs[o]}"
