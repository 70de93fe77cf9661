"""How numbers are shown: units (fractions as %, USD as $k/$M/$B), quantile levels, intervals."""
import math
import re

LEVEL_TOLERANCE = 1e-9


class SelectionError(Exception):
    """A flag asks for something the result file does not have; the message lists what it has."""


def level_name(level):
    """0.05 -> 'p5', 0.025 -> 'p2.5' (the CSV stat name of a quantile level)."""
    return "p" + f"{100 * level:.10g}"


def is_fraction(unit):
    return unit == "fraction"


def scale(unit):
    """Factor from stored values to shown values (fractions are shown in %)."""
    return 100.0 if is_fraction(unit) else 1.0


def shown_unit(unit):
    """The unit as an axis label shows it ('' for dimensionless)."""
    if is_fraction(unit):
        return "%"
    return "" if unit in ("", "1") else unit


def money(value):
    magnitude = abs(value)
    for threshold, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if magnitude >= threshold:
            return f"${value / threshold:.3g}{suffix}"
    return f"${value:.3g}"


def number(value, unit):
    """One value with its unit, for tables and labels."""
    if value is None or not math.isfinite(value):
        return "n/a" if value is None else str(value)
    if is_fraction(unit):
        return f"{100 * value:.2f}%"
    if unit == "USD":
        return money(value)
    text = f"{value:.4g}"
    return text if shown_unit(unit) == "" else f"{text} {unit}"


def with_interval(center, low, high, unit):
    if low is None:
        return number(center, unit)
    return f"{number(center, unit)} [{number(low, unit)}, {number(high, unit)}]"


def find_level(levels, target):
    for i, level in enumerate(levels):
        if abs(level - target) <= LEVEL_TOLERANCE:
            return i
    return None


class Interval:
    """The quantile columns shown: median (or None: use the mean) and the interval's ends.

    low/high are indices into /summary/quantile_levels, or None when no interval is stored;
    `label` names it ('90%' or 'P10-P90'); `notes` say what was substituted and why.
    """

    def __init__(self, levels, percent, explicit):
        self.notes = []
        levels = [float(x) for x in levels]
        self.median = find_level(levels, 0.5)
        if self.median is None:
            self.notes.append("the file stores no median (P50); the mean is shown instead")
        tail = (1 - percent / 100) / 2
        self.low, self.high = find_level(levels, tail), find_level(levels, 1 - tail)
        self.label = f"{percent:g}%"
        self.ends = f"{level_name(tail).upper()}–{level_name(1 - tail).upper()}"
        if self.low is not None and self.high is not None:
            return
        if explicit:
            raise SelectionError(f"no {percent:g}% interval: the file stores quantile levels "
                                 f"{stored(levels)} (choose --interval from "
                                 f"{available_intervals(levels) or 'none'})")
        below = [i for i, x in enumerate(levels) if x < 0.5]
        above = [i for i, x in enumerate(levels) if x > 0.5]
        if not below or not above:
            self.low = self.high = None
            self.label = self.ends = None
            self.notes.append(f"no interval: the file stores only quantile levels {stored(levels)}")
            return
        self.low = min(below, key=lambda i: levels[i])
        self.high = max(above, key=lambda i: levels[i])
        self.ends = f"{level_name(levels[self.low]).upper()}–{level_name(levels[self.high]).upper()}"
        self.label = self.ends
        self.notes.append(f"the file has no {percent:g}% interval ({level_name(tail).upper()}/"
                          f"{level_name(1 - tail).upper()}; levels {stored(levels)}); the widest "
                          f"stored interval, {self.ends}, is shown")

    @property
    def center_name(self):
        return "median" if self.median is not None else "mean"

    def values(self, r, s, o, factor=1.0):
        """(centre, low, high) of output o in scenario s, times factor; low/high None without
        an interval."""
        center = r.quantiles[s, o, self.median] if self.median is not None else \
            r.stats["mean"][s, o]
        if self.low is None:
            return factor * center, None, None
        return (factor * center, factor * r.quantiles[s, o, self.low],
                factor * r.quantiles[s, o, self.high])


def stored(levels):
    return "[" + ", ".join(f"{x:g}" for x in levels) + "]" if levels else "[] (none)"


def available_intervals(levels):
    out = []
    for level in levels:
        if level < 0.5 and find_level(levels, 1 - level) is not None:
            out.append(f"{100 * (1 - 2 * level):g}")
    return ", ".join(out)


def slug(name):
    """A file-name-safe form of an output name: 'share[MiniMax; x]' -> 'share-minimax-x'."""
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or "output"
