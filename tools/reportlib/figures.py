"""Figures (PNG, matplotlib Agg): distributions, per-entry costs, shares, tornado, Sobol and rank
bars, grid lines and heat-maps. Each function draws one figure and returns its caption."""
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
import numpy as np  # noqa: E402
from matplotlib.ticker import FuncFormatter, LogLocator  # noqa: E402

from . import fmt  # noqa: E402

DPI = 110
MAX_BARS = 60
COLORS = plt.get_cmap("tab10").colors
RANK_LABELS = {"spearman": "Spearman", "prcc": "PRCC", "first_order": "S1 (ranks)"}
plt.rcParams.update({"font.size": 10, "axes.titlesize": 12, "axes.labelsize": 10,
                     "figure.titlesize": 12, "text.parse_math": False})  # '$' is dollars


def bar_figure(width, n_bars, inches_per_bar, fixed=1.6):
    """A figure tall enough for n_bars rows of labels, between 4.2 and 30 inches (at DPI,
    roughly 460 to 3300 pixels)."""
    return plt.subplots(figsize=(width, min(max(4.2, fixed + inches_per_bar * n_bars), 30)))


def set_rows(ax, labels):
    """Row labels top to bottom; few rows keep the height of four so bars stay slim."""
    n = len(labels)
    ax.set_yticks(np.arange(n)[::-1])
    ax.set_yticklabels(labels)
    pad = max(0.0, (4 - n) / 2)
    ax.set_ylim(-0.6 - pad, n - 0.4 + pad)


def save(fig, path):
    fig.savefig(path, dpi=DPI, bbox_inches="tight")
    plt.close(fig)


def wrap(text, width):
    return "\n".join(textwrap.wrap(text, width)) if text else ""


def axis_label(name, unit):
    shown = fmt.shown_unit(unit)
    return f"{name} ({shown})" if shown else name


def use_log(values, unit):
    """Costs (USD) spanning more than a factor 20 get a log axis."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    return (unit == "USD" and values.size > 0 and values.min() > 0 and
            values.max() / values.min() > 20)


def format_axis(ax, which, unit, log):
    """Log scale when asked; dollars as $1M; fractions (already scaled) as %."""
    axis = ax.xaxis if which == "x" else ax.yaxis
    if log:
        (ax.set_xscale if which == "x" else ax.set_yscale)("log")
        low, high = (ax.get_xlim if which == "x" else ax.get_ylim)()
        if high / low < 1e3:  # few decades: label 1, 2, 5 of each
            axis.set_major_locator(LogLocator(subs=(1, 2, 5)))
    if fmt.is_fraction(unit):
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}%"))
    elif unit == "USD":
        axis.set_major_formatter(FuncFormatter(lambda v, _: fmt.money(v)))


def title(ax, main, sub=None):
    """A bold main line and a wrapped explanatory line, no wider than the figure."""
    # About 9 characters of 12-point text per inch, from the axes' left edge to the figure's right.
    width = int(ax.figure.get_figwidth() * 9)
    ax.set_title(wrap(main, width) + ("\n" + wrap(sub, width) if sub else ""),
                 loc="left")


def scenario_note(r, s):
    if len(r.scenarios) == 1:
        return ""
    name = r.scenarios[s] if len(r.scenarios[s]) <= 70 else ""
    return f"scenario #{s}" + (f" ({name})" if name else "")


def center_interval(r, iv, s, o):
    """Centre and interval in shown units (fractions in %)."""
    return iv.values(r, s, o, fmt.scale(r.units[o]))


def distribution(r, iv, s, o, path):
    """Histogram of the stored draws, or the CDF through the stored quantiles."""
    unit, k = r.units[o], fmt.scale(r.units[o])
    center, low, high = center_interval(r, iv, s, o)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    what = iv.center_name
    if r.samples is not None:
        x = r.draws(s, o) * k
        log = use_log(x, unit)
        bins = np.geomspace(x.min(), x.max(), 60) if log else 60
        ax.hist(x, bins=bins, color=COLORS[0], alpha=0.75)
        ax.set_ylim(0, ax.get_ylim()[1] * 1.2)  # headroom for the legend
        ax.set_ylabel("draws per bin")
        source = f"histogram of {x.size:,} draws"
    else:
        levels = list(r.levels)
        q = list(r.quantiles[s, o] * k)
        xs = [r.stats["min"][s, o] * k] + q + [r.stats["max"][s, o] * k]
        ys = [0.0] + levels + [1.0]
        log = use_log(xs, unit)
        ax.plot(xs, ys, "-o", color=COLORS[0], markersize=4)
        ax.set_ylabel("cumulative probability")
        ax.set_ylim(0, 1)
        source = "CDF through the stored quantiles (no draws stored)"
    if low is not None:
        ax.axvspan(low, high, color=COLORS[1], alpha=0.18, zorder=0,
                   label=f"{iv.label} interval [{fmt.number(low / k, unit)}, "
                         f"{fmt.number(high / k, unit)}]")
    ax.axvline(center, color=COLORS[3], linewidth=2,
               label=f"{what} {fmt.number(center / k, unit)}")
    format_axis(ax, "x", unit, log)
    ax.set_xlabel(axis_label(r.outputs[o], unit))
    ax.legend(loc="upper right" if r.samples is not None else "lower right", fontsize=9)
    title(ax, f"Distribution of {r.outputs[o]}",
          "; ".join(x for x in (r.descriptions[o], scenario_note(r, s), source) if x))
    save(fig, path)
    return f"Distribution of {r.outputs[o]}: {source}"


def bracket(name):
    """'cost[Hailuo-02]' -> 'Hailuo-02'."""
    return name[name.index("[") + 1:-1] if "[" in name and name.endswith("]") else name


def owner(description):
    """The '(Company)' a description ends with, or ''."""
    if description.endswith(")") and "(" in description:
        return description[description.rindex("(") + 1:-1]
    return ""


def interval_bars(ax, r, iv, s, outs, colors):
    """Horizontal bars at the centre with interval whiskers, first output on top."""
    y = np.arange(len(outs))[::-1]
    values = [center_interval(r, iv, s, o) for o in outs]
    centers = np.array([v[0] for v in values])
    ax.barh(y, centers, color=colors, alpha=0.85, height=0.7)
    if iv.low is not None:
        lows, highs = np.array([v[1] for v in values]), np.array([v[2] for v in values])
        ax.errorbar(centers, y, xerr=[centers - lows, highs - centers], fmt="none",
                    ecolor="black", elinewidth=1, capsize=3)
    set_rows(ax, [bracket(r.outputs[o]) for o in outs])
    return values


def company_colors(labels):
    names = list(dict.fromkeys(labels))
    return [COLORS[names.index(x) % len(COLORS)] for x in labels], names


def legend_for(ax, names, colors_of):
    if len(names) > 1:
        handles = [plt.Rectangle((0, 0), 1, 1, color=colors_of(n)) for n in names]
        ax.legend(handles, names, loc="lower right", fontsize=9)


def entry_costs(r, iv, s, outs, path):
    """Per-entry costs: median bars with interval whiskers on a log axis, coloured by owner."""
    shown = sorted(outs, key=lambda o: -r.quantiles[s, o, iv.median or 0])[:MAX_BARS] \
        if len(outs) > MAX_BARS else outs
    owners = [owner(r.descriptions[o]) for o in shown]
    colors, names = company_colors(owners)
    fig, ax = bar_figure(9, len(shown), 0.26, 1.2)
    interval_bars(ax, r, iv, s, shown, colors)
    format_axis(ax, "x", "USD", True)
    ax.grid(axis="x", which="major", alpha=0.3)
    ax.set_xlabel("cost (USD, log scale)")
    legend_for(ax, names, lambda n: colors[owners.index(n)])
    cut = f"; the {MAX_BARS} largest of {len(outs)}" if len(shown) < len(outs) else ""
    what = iv.center_name
    title(ax, f"Cost per entry: {what} and {iv.label or 'no'} interval",
          "; ".join(x for x in (r.provenance.get("title", ""), scenario_note(r, s)) if x) + cut)
    save(fig, path)
    return f"Cost per entry ({what}, {iv.label} interval, log scale)"


def shares(r, iv, s, outs, path):
    """The share outputs in %, bars with interval whiskers and the numbers written beside."""
    companies = [bracket(r.outputs[o]).split(";")[0].strip() for o in outs]
    colors, names = company_colors(companies)
    fig, ax = bar_figure(9, len(outs), 0.55)
    values = interval_bars(ax, r, iv, s, outs, colors)
    top = max((v[2] if v[2] is not None else v[0]) for v in values)
    for y, (center, low, high) in zip(np.arange(len(outs))[::-1], values):
        text = f"{center:.1f}%" + (f"  [{low:.1f}, {high:.1f}]" if low is not None else "")
        ax.text((high if high is not None else center) + top * 0.015, y, text, va="center",
                fontsize=9)
    ax.set_xlim(0, top * 1.3)
    format_axis(ax, "x", "fraction", False)
    ax.grid(axis="x", alpha=0.3)
    o = outs[0]
    meaning = r.descriptions[o].replace(bracket(r.outputs[o]) + "'s ", "")
    ax.set_xlabel(f"{meaning} (%)" if meaning else "share (%)")
    what = iv.center_name
    title(ax, f"Shares: {what} and {iv.label or 'no'} interval",
          "; ".join(x for x in (r.provenance.get("title", ""), scenario_note(r, s)) if x))
    save(fig, path)
    return f"Shares with {iv.label} intervals"


def tornado(r, s, o, path):
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


def sobol(r, s, o, path):
    sb = r.sobol
    rows = sorted(range(len(sb["groups"])), key=lambda g: -np.nan_to_num(sb["total"][s, o, g]))
    rows = [g for g in rows if max(abs(sb["total"][s, o, g]), abs(sb["first"][s, o, g])) >= 0.005]
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
          "below 0.005 left out" + (f"; {scenario_note(r, s)}" if scenario_note(r, s) else ""))
    save(fig, path)
    return f"Sobol indices of {r.outputs[o]}"


def rank(r, s, o, path):
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
                color=COLORS[m], label=RANK_LABELS.get(measure, measure),
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
