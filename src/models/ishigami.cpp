#include "models/ishigami.hpp"

namespace costsweep::models {

Ishigami::Ishigami(double a, double b) : a_(a), b_(b) {
  for (const char* name : {"x1", "x2", "x3"}) {
    inputs_.push_back(
        {name, name, "uniform(-pi, pi)", "1", "Ishigami input, U(-pi, pi) by definition", "", {}});
  }
  outputs_.push_back({"y", "1", "sin x1 + a sin^2 x2 + b x3^4 sin x1"});
}

ModelPtr Ishigami::make(const ModelConfig& config) {
  return std::make_shared<Ishigami>(config.number("a", 7.0), config.number("b", 0.1));
}

void Ishigami::evaluate(const Eigen::Ref<const Block>& inputs, Eigen::Ref<Block> outputs) const {
  const auto sin_x1 = inputs.col(0).sin();
  const auto sin_x2 = inputs.col(1).sin();
  const auto x3_squared = inputs.col(2).square();
  outputs.col(0) = sin_x1 + a_ * sin_x2.square() + b_ * x3_squared.square() * sin_x1;
}

}  // namespace costsweep::models
