#include "models/model.hpp"

#include <cmath>
#include <sstream>

namespace costsweep::models {
namespace {

std::string number_text(double x) {
  if (x == std::numeric_limits<double>::infinity()) return "inf";
  if (x == -std::numeric_limits<double>::infinity()) return "-inf";
  std::ostringstream out;
  out << x;
  return out.str();
}

}  // namespace

bool Bounds::admits(double support_lower, double support_upper, bool fixed) const {
  const bool lower_ok = support_lower > lower || (support_lower == lower && !(lower_open && fixed));
  const bool upper_ok = support_upper < upper || (support_upper == upper && !(upper_open && fixed));
  return lower_ok && upper_ok;
}

std::string Bounds::describe() const {
  return std::string(lower_open || std::isinf(lower) ? "(" : "[") + number_text(lower) + ", " +
         number_text(upper) + (upper_open || std::isinf(upper) ? ")" : "]");
}

std::vector<std::string> Model::check_ranges(const std::vector<InputRange>& /*ranges*/) const {
  return {};
}

}  // namespace costsweep::models
