#include <algorithm>

#include "models/formula.hpp"
#include "models/ishigami.hpp"
#include "models/lifecycle.hpp"
#include "models/model.hpp"
#include "models/training_cost.hpp"

namespace costsweep::models {

const std::vector<ModelInfo>& registry() {
  static const std::vector<ModelInfo> models = {
      formula_info(),
      {"ishigami",
       "Ishigami test function (3 inputs, 1 output) with closed-form moments and Sobol indices",
       {{"a", ParameterKind::kNumber, "7", "weight of sin^2 x2"},
        {"b", ParameterKind::kNumber, "0.1", "weight of x3^4 sin x1"}},
       &Ishigami::make},
      lifecycle_info(),
      training_cost_info(),
  };
  return models;
}

const ModelInfo* find_model(const std::string& name) {
  const auto& models = registry();
  const auto it = std::find_if(models.begin(), models.end(),
                               [&](const ModelInfo& m) { return m.name == name; });
  return it == models.end() ? nullptr : &*it;
}

}  // namespace costsweep::models
