// References of tests/unit/inverse_normal_test.cpp: the standard normal quantile at the test's
// probe points, as double-doubles (the test's 1e-15 relative contract is about 4.5 ulp, so a
// reference rounded to double would move the measured error by up to a tenth of it), and the
// cdf at its tail points, rounded to double (tolerances of 4 ulp and more).
#include <boost/math/distributions/normal.hpp>
#include <set>
#include <vector>

#include "reference_points.hpp"
#include "reference_writer.hpp"

namespace costsweep::test_data {
namespace {

std::vector<double> probe_points() { return inverse_normal_probe_points(); }

}  // namespace

void write_inverse_normal_references(const std::string& directory) {
  ReferenceWriter out(directory, "inverse_normal.txt", "tests/unit/inverse_normal_test.cpp",
                      "tests/references/inverse_normal_references.cpp");
  out.comment("quantile p: the standard normal quantile (double-double); cdf x: its cdf.");
  const boost::math::normal_distribution<Big> standard;
  std::set<double> written;
  for (const double p : probe_points()) {
    if (!written.insert(p).second) continue;  // 1e-300 is a probe and the sweep's start
    out.double_double_row("quantile", {p}, boost::math::quantile(standard, Big(p)));
  }
  for (const double x : {-37.5, -30.0, -20.0, -8.0, -5.0, -1.0, -0.1, 0.0, 0.3, 1.0, 5.0, 8.0}) {
    out.row("cdf", {x}, {static_cast<double>(boost::math::cdf(standard, Big(x)))});
  }
  out.close();
}

}  // namespace costsweep::test_data
