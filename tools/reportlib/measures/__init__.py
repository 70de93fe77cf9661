"""The sensitivity measures of the report, one plug-in module each.

A plug-in module defines everything the report needs of its measure:

- NAME: the Result attribute read() fills and the figure files' prefix (NAME-<output>.png);
  LABEL: how --help names its figures;
- read(f, data): its part of the open result file (data: read_layout's arrays), or a false
  value when the file has none; present(r): whether the result `r` has it;
- section(r, sel): its Markdown section (a list of lines) under "## Sensitivity";
- TABLE, HEADER and table_rows(r, sel): its tidy CSV file (the value last in every row);
- figure(r, s, o, path): draws its figure of output o in scenario s; returns the caption, or
  None when there is nothing to draw; FIGURE_POSITION: where its figures come among the
  measures' (the report draws tornado figures before Sobol ones).

ALL lists them in the order of the report's sections and tables; FIGURES in that of its
figures. A new measure is one module here and its entry in ALL (its datasets are in
result.DATASETS, the copy of the file layout).
"""
from . import rank, sobol, tornado

ALL = [sobol, tornado, rank]
FIGURES = sorted(ALL, key=lambda measure: measure.FIGURE_POSITION)
