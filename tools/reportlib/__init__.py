"""tools/report: costsweep result file -> Markdown report, tidy CSV tables and PNG figures."""
