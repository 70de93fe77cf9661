// make_test_references <directory>: writes the reference files the unit tests read
// (tests/data/references/*.txt). Not part of the default build; run it through
//   cmake --build <build> --target test_references
#include <cstdio>
#include <exception>
#include <string>

#include "reference_writer.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <directory>\n", argv[0]);
    return 2;
  }
  const std::string directory = argv[1];
  try {
    costsweep::test_data::write_distributions_references(directory);
    costsweep::test_data::write_beta_quantile_references(directory);
    costsweep::test_data::write_inverse_normal_references(directory);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_test_references: %s\n", e.what());
    return 1;
  }
  return 0;
}
