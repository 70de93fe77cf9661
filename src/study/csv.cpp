#include "study/csv.hpp"

#include <algorithm>
#include <set>

#include "core/errors/errors.hpp"
#include "core/text/text.hpp"
#include "study/job.hpp"

namespace costsweep::study {
namespace {

class CsvReader {
 public:
  CsvReader(const std::string& path, const std::string& text) : path_(path), text_(text) {}

  /// The next record's cells and the line it starts on; false at the end.
  bool next(std::vector<std::string>& cells, int& start_line) {
    cells.clear();
    if (pos_ >= text_.size()) return false;
    start_line = line_;
    std::string cell;
    while (true) {
      const bool quoted = pos_ < text_.size() && text_[pos_] == '"';
      cell = quoted ? quoted_cell() : plain_cell();
      cells.push_back(cell);
      if (pos_ >= text_.size()) return true;
      const char c = text_[pos_++];
      if (c == ',') continue;
      if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
      ++line_;
      return true;  // '\n' or '\r'
    }
  }

  [[noreturn]] void fail(int line, const std::string& reason) const {
    throw DataError("cannot read " + path_ + " line " + std::to_string(line) + ": " + reason);
  }

 private:
  std::string plain_cell() {
    const auto end = text_.find_first_of(",\r\n", pos_);
    const auto stop = end == std::string::npos ? text_.size() : end;
    std::string cell = text_.substr(pos_, stop - pos_);
    if (cell.find('"') != std::string::npos) {
      fail(line_, "a quote inside an unquoted cell ('" + cell + "'); quote the whole cell");
    }
    pos_ = stop;
    return cell;
  }

  std::string quoted_cell() {
    const int start = line_;
    std::string cell;
    ++pos_;  // opening quote
    while (true) {
      if (pos_ >= text_.size()) fail(start, "a quoted cell is never closed");
      const char c = text_[pos_++];
      if (c == '"') {
        if (pos_ < text_.size() && text_[pos_] == '"') {
          cell += '"';
          ++pos_;
          continue;
        }
        break;
      }
      if (c == '\n') ++line_;
      cell += c;
    }
    if (pos_ < text_.size() && text_.find_first_of(",\r\n", pos_) != pos_) {
      fail(start, "a quoted cell opened on this line closes on line " + std::to_string(line_) +
                      " and is followed by text; is a closing quote missing?");
    }
    return cell;
  }

  const std::string& path_;
  const std::string& text_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

bool blank(const std::vector<std::string>& cells) {
  return std::all_of(cells.begin(), cells.end(), [](const std::string& c) {
    return c.find_first_not_of(" \t") == std::string::npos;
  });
}

using text::trim;

}  // namespace

models::Table parse_csv(const std::string& path, const std::string& file_text) {
  // Spreadsheet programs' "CSV UTF-8" starts with a byte-order mark: skipped.
  const std::string text(without_bom(file_text));
  if (const auto problem = text_problem(text); !problem.empty()) {
    throw DataError("cannot read " + path + " " + problem);
  }
  CsvReader reader(path, text);
  models::Table table{path, {}, {}, {}};
  std::vector<std::string> cells;
  int line = 0;
  if (!reader.next(cells, line) || blank(cells)) reader.fail(1, "no header row of column names");
  std::set<std::string> seen;
  for (const auto& name : cells) {
    const std::string column = trim(name);
    if (column.empty()) reader.fail(line, "an empty column name in the header");
    if (!seen.insert(column).second) reader.fail(line, "column '" + column + "' appears twice");
    table.columns.push_back(column);
  }
  while (reader.next(cells, line)) {
    if (blank(cells)) continue;
    if (cells.size() != table.columns.size()) {
      reader.fail(line, "the row has " + std::to_string(cells.size()) + " cells, the header has " +
                            std::to_string(table.columns.size()));
    }
    table.rows.push_back(cells);
    table.lines.push_back(line);
  }
  return table;
}

}  // namespace costsweep::study
