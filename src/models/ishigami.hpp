#pragma once
/// The Ishigami function, a standard test of sensitivity analysis with closed-form moments:
/// Y = sin x1 + a sin^2 x2 + b x3^4 sin x1, x_i ~ U(-pi, pi).
/// E[Y] = a/2, Var[Y] = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2 (Ishigami & Homma 1990).
#include <map>
#include <string>

#include "models/model.hpp"

namespace costsweep::models {

class Ishigami final : public Model {
 public:
  Ishigami(double a, double b);
  static ModelPtr make(const ModelConfig& config);

  const std::string& name() const override { return name_; }
  const std::vector<InputSpec>& inputs() const override { return inputs_; }
  const std::vector<OutputSpec>& outputs() const override { return outputs_; }
  void evaluate(const Eigen::Ref<const Block>& inputs, Eigen::Ref<Block> outputs) const override;

 private:
  std::string name_ = "ishigami";
  std::vector<InputSpec> inputs_;
  std::vector<OutputSpec> outputs_;
  double a_, b_;
};

}  // namespace costsweep::models
