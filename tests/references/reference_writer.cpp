#include "reference_writer.hpp"

#include <boost/version.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace costsweep::test_data {
namespace {

// Shortest decimal that reads back as x: the inputs stay readable.
std::string decimal(double x) {
  char text[40];
  const auto [end, ec] = std::to_chars(text, text + sizeof text, x);
  return std::string(text, end);
}

// %a: exact, and strtod reads it back bit for bit (checked, since the tests depend on it).
std::string hex(double x) {
  if (!std::isfinite(x)) throw std::runtime_error("cannot write " + decimal(x) + ": not finite");
  char text[40];
  std::snprintf(text, sizeof text, "%a", x);
  if (std::strtod(text, nullptr) != x) throw std::runtime_error("cannot round-trip " + decimal(x));
  return text;
}

}  // namespace

ReferenceWriter::ReferenceWriter(const std::string& directory, const std::string& name,
                                 std::string_view test, std::string_view source)
    : path_(directory + "/" + name), out_(path_) {
  if (!out_) throw std::runtime_error("cannot create " + path_);
  out_ << "# Reference values for " << test << ", computed in 50 significant digits\n"
       << "# (Boost.Multiprecision cpp_bin_float_50, Boost " << BOOST_VERSION / 100000 << '.'
       << BOOST_VERSION / 100 % 1000 << ") by " << source << ".\n"
       << "# Regenerate every file of tests/data/references/ (never edit by hand):\n"
       << "#   cmake --build <build> --target test_references\n"
       << "# Row: <table> <input>... : <value>...; inputs in shortest round-trip decimal, values\n"
       << "# as %a (exact). Two values are a double-double: hi the nearest double of the\n"
       << "# reference, lo the nearest double of (reference - hi).\n";
}

void ReferenceWriter::row(std::string_view table, std::initializer_list<double> inputs,
                          std::initializer_list<double> values) {
  out_ << table;
  for (const double x : inputs) out_ << ' ' << decimal(x);
  out_ << " :";
  for (const double v : values) out_ << ' ' << hex(v);
  out_ << '\n';
}

void ReferenceWriter::double_double_row(std::string_view table,
                                        std::initializer_list<double> inputs, const Big& value) {
  const double hi = static_cast<double>(value);
  const double lo = static_cast<double>(value - hi);
  row(table, inputs, {hi, lo});
}

void ReferenceWriter::comment(std::string_view text) { out_ << "# " << text << '\n'; }

void ReferenceWriter::close() {
  out_.close();
  if (!out_) throw std::runtime_error("cannot write " + path_);
}

}  // namespace costsweep::test_data
