"""Grid figures: an output across one axis (line) or two axes (heat-map), the other axes held at
the baseline scenario's values (or the first selected scenario's, when the baseline is not in
the file or the selection)."""
import math

import numpy as np

from . import figures, fmt
from .figures import COLORS, plt


class Slice:
    """The scenarios that vary only `axes` (indices into /scenarios/axis), the others held at the
    baseline's labels; `categories[k]` lists axis k's labels in scenario order."""

    def __init__(self, r, scenarios, axes):
        self.axes = axes
        held = [a for a in range(len(r.axes))
                if a not in axes and not any(zipped(r, scenarios, a, b) for b in axes)]
        base = r.baseline if r.baseline in scenarios else scenarios[0]
        self.held = [(r.axes[a], r.value_label[base, a]) for a in held]
        self.scenarios = [s for s in scenarios
                          if all(r.value_label[s, a] == r.value_label[base, a] for a in held)]
        self.categories = [list(dict.fromkeys(r.value_label[s, a] for s in self.scenarios))
                           for a in axes]

    def note(self):
        if not self.held:
            return ""
        return "other axes held at " + ", ".join(f"{a}={v}" for a, v in self.held)


def zipped(r, scenarios, a, b):
    """Whether axes a and b move together in these scenarios (each one's label determines the
    other's, as `zip` makes them): they are drawn as one axis, labelled by the first."""
    pairs = {(r.value_label[s, a], r.value_label[s, b]) for s in scenarios}
    return len(pairs) == len({p[0] for p in pairs}) == len({p[1] for p in pairs})


def varying_axes(r, scenarios):
    """Axes whose labels vary, leaving out those zipped with an earlier one."""
    axes = []
    for a in range(len(r.axes)):
        if len({r.value_label[s, a] for s in scenarios}) > 1 and \
                not any(zipped(r, scenarios, a, b) for b in axes):
            axes.append(a)
    return axes


def choose(r, scenarios, wanted):
    """The slice to draw, or (None, reason)."""
    axes = wanted if wanted else varying_axes(r, scenarios)[:2]
    if not axes:
        return None, "grid figures: no axis varies among the selected scenarios"
    grid = Slice(r, scenarios, axes)
    if len(grid.scenarios) < 2:
        return None, "grid figures: fewer than two scenarios vary only the chosen axes"
    return grid, None


def line(r, iv, grid, o, path):
    a = grid.axes[0]
    unit, k = r.units[o], fmt.scale(r.units[o])
    numbers = [r.value_number[s, a] for s in grid.scenarios]
    numeric = all(math.isfinite(x) for x in numbers)
    order = sorted(range(len(grid.scenarios)),
                   key=lambda i: numbers[i] if numeric else
                   grid.categories[0].index(r.value_label[grid.scenarios[i], a]))
    ss = [grid.scenarios[i] for i in order]
    x = [numbers[i] for i in order] if numeric else list(range(len(ss)))
    values = [figures.center_interval(r, iv, s, o) for s in ss]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.plot(x, [v[0] for v in values], "-o", color=COLORS[0],
            label=iv.center_name)
    if iv.low is not None:
        ax.fill_between(x, [v[1] for v in values], [v[2] for v in values], color=COLORS[0],
                        alpha=0.2, label=f"{iv.label} interval")
    if not numeric:
        ax.set_xticks(x)
        ax.set_xticklabels([r.value_label[s, a] for s in ss])
    ax.set_xlabel(r.axes[a])
    figures.format_axis(ax, "y", unit, figures.use_log([v[0] for v in values], unit))
    ax.set_ylabel(figures.axis_label(r.outputs[o], unit))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9)
    what = iv.center_name + (
        f" and {iv.label} interval" if iv.low is not None else "")
    figures.title(ax, f"{r.outputs[o]}: {what} across {r.axes[a]}", grid.note())
    figures.save(fig, path)
    return f"{r.outputs[o]} across {r.axes[a]}"


def heatmap(r, iv, grid, o, path):
    a, b = grid.axes[:2]
    rows, cols = grid.categories
    unit, k = r.units[o], fmt.scale(r.units[o])
    cells = np.full((len(rows), len(cols)), np.nan)
    texts = {}
    for s in grid.scenarios:
        i, j = rows.index(r.value_label[s, a]), cols.index(r.value_label[s, b])
        center, low, high = figures.center_interval(r, iv, s, o)
        cells[i, j] = center / k
        texts[i, j] = fmt.number(center / k, unit) + (
            f"\n[{fmt.number(low / k, unit)}, {fmt.number(high / k, unit)}]" if low is not None
            else "")
    fig, ax = plt.subplots(figsize=(min(max(6.5, 2.6 + 1.5 * len(cols)), 30),
                                    min(max(4.2, 1.8 + 0.7 * len(rows)), 30)))
    image = ax.imshow(cells * k, cmap="viridis", aspect="auto")
    bar = fig.colorbar(image, ax=ax)
    bar.set_label(figures.axis_label(r.outputs[o], unit))
    if unit == "USD":
        bar.ax.yaxis.set_major_formatter(figures.FuncFormatter(lambda v, _: fmt.money(v)))
    low, high = np.nanmin(cells * k), np.nanmax(cells * k)
    for i in range(len(rows)):
        for j in range(len(cols)):
            if math.isfinite(cells[i, j]):
                dark = (cells[i, j] * k - low) < 0.6 * (high - low)
                ax.text(j, i, texts[i, j], ha="center", va="center",
                        color="white" if dark else "black", fontsize=9)
    ax.set_xticks(range(len(cols)))
    ax.set_xticklabels(cols)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(rows)
    ax.set_xlabel(r.axes[b])
    ax.set_ylabel(r.axes[a])
    what = iv.center_name
    interval = f" [{iv.label} interval]" if iv.low is not None else ""
    figures.title(ax, f"{r.outputs[o]}: {what}{interval} across two axes", grid.note())
    figures.save(fig, path)
    return f"{r.outputs[o]} ({what}) across {r.axes[a]} and {r.axes[b]}"


MAX_SCENARIOS = 40
MODES = {"oat": "one axis at a time from the baseline (grid mode oat)",
         "list": "the scenarios the job lists (grid mode list)"}


def shorten(label, width=60):
    return label if len(label) <= width else label[:width - 1] + "…"


def per_scenario(r, iv, scenarios, o, path):
    """One row per scenario (one-at-a-time and listed grids): centre and interval, with the
    baseline's centre as a vertical line."""
    unit = r.units[o]
    shown = scenarios[:MAX_SCENARIOS]
    fig, ax = figures.bar_figure(9, len(shown), 0.4)
    values = [figures.center_interval(r, iv, s, o) for s in shown]
    y = np.arange(len(shown))[::-1]
    centers = np.array([v[0] for v in values])
    if iv.low is not None:
        ax.errorbar(centers, y, xerr=[centers - [v[1] for v in values],
                                      [v[2] for v in values] - centers],
                    fmt="o", color=COLORS[0], ecolor=COLORS[0], capsize=3,
                    label=f"{iv.center_name} and {iv.label} interval")
    else:
        ax.plot(centers, y, "o", color=COLORS[0], label=iv.center_name)
    if r.baseline in shown:
        ax.axvline(figures.center_interval(r, iv, r.baseline, o)[0], color="gray",
                   linestyle="--", linewidth=1, label="baseline")
    figures.set_rows(ax, [shorten(f"#{s} {r.scenarios[s]}") for s in shown])
    figures.format_axis(ax, "x", unit, figures.use_log(
        [v for triple in values for v in triple if v is not None], unit))
    ax.set_xlabel(figures.axis_label(r.outputs[o], unit))
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=9, loc="best")
    cut = f"; the first {MAX_SCENARIOS} of {len(scenarios)}" if len(shown) < len(scenarios) else ""
    mode = r.provenance.get("grid_mode", "")
    figures.title(ax, f"{r.outputs[o]} in every scenario", MODES.get(mode, mode) + cut)
    figures.save(fig, path)
    return f"{r.outputs[o]} in every scenario"


def draw(r, iv, grid, o, path):
    return (line if len(grid.axes) == 1 else heatmap)(r, iv, grid, o, path)
