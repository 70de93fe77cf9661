#include "driver/measures/registry.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "study/sensitivity.hpp"

namespace costsweep::driver {

bool Measure::enabled(const study::Job& job) const {
  const auto& keys = study::measure_keys();
  const auto it = std::find_if(keys.begin(), keys.end(),
                               [&](const study::MeasureKeys& k) { return k.name == key(); });
  if (it == keys.end())
    throw std::logic_error("measure '" + std::string(key()) + "' has no job keys");
  return job.sensitivity.*(it->on);
}

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
