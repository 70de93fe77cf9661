"""Tidy CSV tables (one row per scenario x output x ... x stat) with every number as
repr(float), so that parsing a CSV value gives back the HDF5 value bit for bit: the summary, the
grid's scenarios and one table per sensitivity measure (its plug-in's, reportlib.measures)."""
import csv
import os

import numpy as np

from . import fmt, measures


def value_text(value):
    """17 significant digits (repr); integers as integers; 'nan' where not applicable."""
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return repr(float(value))


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row[:-1] + [value_text(row[-1])])


def summary_rows(r, sel):
    for s in sel.scenarios:
        for o in sel.outputs:
            head = [s, r.scenarios[s], r.outputs[o], r.units[o]]
            for stat, values in r.stats.items():
                yield head + [stat, values[s, o]]
            for q, level in enumerate(r.levels):
                yield head + [fmt.level_name(level), r.quantiles[s, o, q]]


def scenario_rows(r, sel):
    for s in sel.scenarios:
        for a, axis in enumerate(r.axes):
            yield [s, r.scenarios[s], axis, r.value_label[s, a], r.value_number[s, a]]


def write_all(r, sel, folder):
    """Writes every table of `r` restricted to the selection; returns the file names."""
    tables = [("summary.csv", ["scenario_index", "scenario", "output", "unit", "stat", "value"],
               summary_rows)]
    if r.axes:
        tables.append(("scenarios.csv", ["scenario_index", "scenario", "axis", "label",
                                         "value"], scenario_rows))
    tables += [(measure.TABLE, measure.HEADER, measure.table_rows) for measure in measures.ALL
               if measure.present(r)]
    for name, header, rows in tables:
        write_csv(os.path.join(folder, name), header, rows(r, sel))
    return [name for name, _, _ in tables]
