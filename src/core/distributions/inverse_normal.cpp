#include <cmath>
#include <numbers>

#include "core/distributions/detail/vector_math.hpp"
#include "core/distributions/distribution.hpp"

namespace costsweep::dist {

double inverse_normal_cdf(double p) { return detail::inverse_normal_kernel(p); }

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::numbers::sqrt2); }

}  // namespace costsweep::dist
