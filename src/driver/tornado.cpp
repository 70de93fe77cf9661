#include "driver/tornado.hpp"

#include <algorithm>
#include <limits>

namespace costsweep::driver {

void add_tornado_rows(const study::Scenario& scenario, io::Tornado& tornado) {
  const auto& groups = scenario.groups();
  const auto n_in = static_cast<Eigen::Index>(scenario.inputs.size());
  const auto n_out = static_cast<Eigen::Index>(scenario.model->outputs().size());
  const auto n_groups = static_cast<Eigen::Index>(groups.size());
  // Row 0: every input at its median; rows 1 + 2g and 2 + 2g: group g at the low / high level.
  models::Block inputs(1 + 2 * n_groups, n_in), outputs(1 + 2 * n_groups, n_out);
  for (Eigen::Index i = 0; i < n_in; ++i) {
    inputs.col(i).setConstant(
        scenario.inputs[static_cast<std::size_t>(i)].distribution()->quantile(0.5));
  }
  for (Eigen::Index g = 0; g < n_groups; ++g) {
    for (const auto i : groups[static_cast<std::size_t>(g)].inputs) {
      const auto& d = *scenario.inputs[i].distribution();
      inputs(1 + 2 * g, static_cast<Eigen::Index>(i)) =
          d.quantile(scenario.job().sensitivity.tornado_low);
      inputs(2 + 2 * g, static_cast<Eigen::Index>(i)) =
          d.quantile(scenario.job().sensitivity.tornado_high);
    }
  }
  scenario.model->evaluate(inputs, outputs);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (Eigen::Index o = 0; o < n_out; ++o) {
    tornado.base.push_back(outputs(0, o));
    for (const auto& name : tornado.groups) {
      const auto it = std::find_if(groups.begin(), groups.end(),
                                   [&](const study::InputGroup& g) { return g.name == name; });
      const auto g = static_cast<Eigen::Index>(it - groups.begin());
      tornado.low.push_back(it == groups.end() ? nan : outputs(1 + 2 * g, o));
      tornado.high.push_back(it == groups.end() ? nan : outputs(2 + 2 * g, o));
    }
  }
}

}  // namespace costsweep::driver
