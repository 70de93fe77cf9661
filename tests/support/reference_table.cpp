#include "reference_table.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <span>
#include <sstream>
#include <stdexcept>

namespace costsweep::test_data {
namespace {

std::string key_of(std::string_view table, std::span<const double> inputs) {
  std::string key(table);
  for (const double x : inputs) {
    char text[40];
    std::snprintf(text, sizeof text, " %a", x);
    key += text;
  }
  return key;
}

// The row as the file writes it (shortest round-trip decimal), for messages.
std::string describe(std::string_view table, std::initializer_list<double> inputs) {
  std::string row(table);
  for (const double x : inputs) {
    char text[40];
    const auto [end, ec] = std::to_chars(text, text + sizeof text, x);
    row += ' ' + std::string(text, end);
  }
  return row;
}

bool parse_number(const std::string& text, double& value) {
  char* end = nullptr;
  value = std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size() && std::isfinite(value);
}

}  // namespace

double absolute_error(double got, DoubleDouble want) {
  return std::fabs((got - want.hi) - want.lo);
}

ReferenceTable::ReferenceTable(std::string path) : path_(std::move(path)) {
  std::ifstream in(path_);
  if (!in) throw std::runtime_error("cannot read " + path_ + ": no such file");
  int line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (line.empty() || line[0] == '#') continue;
    const auto fail = [&](const std::string& reason) {
      throw std::runtime_error("cannot read " + path_ + " line " + std::to_string(line_number) +
                               ": " + reason + " in '" + line + "'");
    };
    std::istringstream fields(line);
    std::string table, token;
    fields >> table;
    std::vector<double> inputs, values;
    bool after_colon = false;
    while (fields >> token) {
      if (token == ":") {
        if (after_colon) fail("a second ':'");
        after_colon = true;
        continue;
      }
      double x = 0;
      if (!parse_number(token, x)) fail("'" + token + "' is not a finite number");
      (after_colon ? values : inputs).push_back(x);
    }
    if (!after_colon || values.empty()) fail("no ': <value>...'");
    const auto [at, inserted] = rows_.emplace(key_of(table, inputs), Row{values, line_number});
    if (!inserted) fail("repeats the row of line " + std::to_string(at->second.line));
  }
  if (rows_.empty()) throw std::runtime_error("cannot read " + path_ + ": no rows");
}

const std::vector<double>& ReferenceTable::values(std::string_view table,
                                                  std::initializer_list<double> inputs,
                                                  std::size_t n_values) const {
  const std::string key = key_of(table, std::span<const double>(inputs.begin(), inputs.size()));
  const auto at = rows_.find(key);
  if (at == rows_.end()) {
    throw std::runtime_error("cannot find row '" + describe(table, inputs) + "' in " + path_ +
                             " (regenerate it: cmake --build <build> --target test_references)");
  }
  if (at->second.values.size() != n_values) {
    throw std::runtime_error("cannot read " + path_ + " line " + std::to_string(at->second.line) +
                             ": " + std::to_string(at->second.values.size()) +
                             " values where the test expects " + std::to_string(n_values));
  }
  return at->second.values;
}

double ReferenceTable::value(std::string_view table, std::initializer_list<double> inputs) const {
  return values(table, inputs, 1)[0];
}

DoubleDouble ReferenceTable::double_double(std::string_view table,
                                           std::initializer_list<double> inputs) const {
  const auto& v = values(table, inputs, 2);
  return {v[0], v[1]};
}

const ReferenceTable& reference_file(const std::string& name) {
  static std::map<std::string, std::unique_ptr<ReferenceTable>> files;
  auto& file = files[name];
  if (!file) {
    file = std::make_unique<ReferenceTable>(std::string(COSTSWEEP_TEST_DATA_DIR) + "/references/" +
                                            name);
  }
  return *file;
}

}  // namespace costsweep::test_data
