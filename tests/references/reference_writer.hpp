#pragma once
/// Writing the reference files of tests/data/references/ (read by
/// tests/support/reference_table.hpp), from 50-digit values.
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <fstream>
#include <initializer_list>
#include <string>
#include <string_view>

namespace costsweep::test_data {

using Big = boost::multiprecision::cpp_bin_float_50;

/// One reference file, written line by line.
class ReferenceWriter {
 public:
  /// Creates <directory>/<name> with a header naming the test it serves and the generator
  /// source (test and source are paths in the repository); throws std::runtime_error if it
  /// cannot be created.
  ReferenceWriter(const std::string& directory, const std::string& name, std::string_view test,
                  std::string_view source);
  /// `table inputs... : values...`, the values as %a.
  void row(std::string_view table, std::initializer_list<double> inputs,
           std::initializer_list<double> values);
  /// `table inputs... : hi lo`, the double-double of value.
  void double_double_row(std::string_view table, std::initializer_list<double> inputs,
                         const Big& value);
  /// A `# text` line.
  void comment(std::string_view text);
  /// Flushes and closes; throws std::runtime_error if a write failed.
  void close();

 private:
  std::string path_;
  std::ofstream out_;
};

void write_distributions_references(const std::string& directory);
void write_beta_quantile_references(const std::string& directory);
void write_inverse_normal_references(const std::string& directory);

}  // namespace costsweep::test_data
