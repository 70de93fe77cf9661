#include "driver/measures/registry.hpp"

#include <array>

namespace costsweep::driver {

std::span<const Measure* const> all_measures() {
  static const std::array<const Measure*, 3> all = {&measures::sobol(), &measures::rank(),
                                                    &measures::tornado()};
  return all;
}

std::vector<const Measure*> enabled_measures(const study::Job& job) {
  std::vector<const Measure*> on;
  for (const auto* measure : all_measures()) {
    if (measure->enabled(job)) on.push_back(measure);
  }
  return on;
}

}  // namespace costsweep::driver
