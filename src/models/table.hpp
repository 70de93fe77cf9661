#pragma once
/// A data table (CSV read by the study) and the model settings a job gives, both carrying where
/// each value came from so models can name file, row, column or key in their errors.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace costsweep::models {

/// A table with a header row. Cells are text exactly as read (quotes removed).
struct Table {
  std::string path;  ///< as the job names it (for messages)
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;  ///< rows[r][c]; every row has columns.size() cells
  std::vector<int> lines;                      ///< file line where row r starts

  /// Index of a column, or nullopt.
  std::optional<std::size_t> column(const std::string& name) const;
  /// The cell, trimmed; empty when the column is absent.
  std::string cell(std::size_t row, const std::string& name) const;
  /// `<path> row <r+1> (line <l>), column '<name>'`
  std::string where(std::size_t row, const std::string& name) const;
  /// A message for every row whose cell in `column` repeats an earlier row's (a key column such
  /// as a hardware name: a second row would silently replace or shadow the first).
  std::vector<std::string> repeated(const std::string& column) const;
};

/// The [model] section of a job after the study's checks: every value as text (numbers are
/// known to parse), with its origin, and every table parameter loaded.
struct ModelConfig {
  std::map<std::string, std::string> values;   ///< key without `model.`
  std::map<std::string, std::string> origins;  ///< e.g. `jobs/x.ini line 12`; absent for defaults
  std::map<std::string, Table> tables;
  std::set<std::string> unusable;  ///< keys set but rejected (already reported): do not re-report

  /// The value or fallback when the key is unset.
  std::string text(const std::string& key, const std::string& fallback = "") const;
  /// The value as a number (the study has checked it parses), or fallback when unset; throws
  /// ConfigError naming the key for a value that is not a number.
  double number(const std::string& key, double fallback) const;
  /// Keys that start with prefix (e.g. `peak.`), in order.
  std::vector<std::string> keys_with_prefix(const std::string& prefix) const;
  /// `[<origin>, key model.<key>]` for messages.
  std::string where(const std::string& key) const;
};

}  // namespace costsweep::models
