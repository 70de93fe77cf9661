"""Figures (PNG, matplotlib Agg): distributions, per-entry costs and shares, and the helpers the
sensitivity measures' figures (reportlib.measures) and the grid's (gridplot) draw with. Each
figure function draws one figure and returns its caption."""
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
