#pragma once
/// Precomputed reference values for the unit tests, read from tests/data/references/*.txt
/// (written by tests/references/make_references.cpp).
#include <cstddef>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace costsweep::test_data {

/// A reference carried beyond double: value = hi + lo, hi the nearest double, lo the nearest
/// double of value - hi.
struct DoubleDouble {
  double hi = 0, lo = 0;
};

/// |got - (hi + lo)| in double: got - hi is exact when got is within a factor 2 of hi, so the
/// only rounding is the final one (a relative 2^-53 of the error itself).
double absolute_error(double got, DoubleDouble want);

/// The rows of one reference file. Each line is `<table> <input>... : <value>...`; blank lines
/// and lines starting with # are skipped. Numbers are C literals (decimal or %a hex).
class ReferenceTable {
 public:
  /// Reads the file at path; throws std::runtime_error "cannot read <path> line <n>: <reason>"
  /// if it is missing or a line is malformed or repeated.
  explicit ReferenceTable(std::string path);

  /// The n_values values of row `table inputs...`; throws std::runtime_error naming the file
  /// if there is no such row or it holds another number of values.
  const std::vector<double>& values(std::string_view table, std::initializer_list<double> inputs,
                                    std::size_t n_values) const;
  /// A row holding one value.
  double value(std::string_view table, std::initializer_list<double> inputs) const;
  /// A row holding two values, hi and lo.
  DoubleDouble double_double(std::string_view table, std::initializer_list<double> inputs) const;

 private:
  struct Row {
    std::vector<double> values;
    int line = 0;
  };
  std::string path_;
  std::map<std::string, Row, std::less<>> rows_;  // key: table and inputs as %a
};

/// The reference file tests/data/references/<name>, read once per test program.
const ReferenceTable& reference_file(const std::string& name);

}  // namespace costsweep::test_data
