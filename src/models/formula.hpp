#pragma once
/// Outputs written in the job as arithmetic expressions over named inputs:
/// `[model] output.<name> = <expression>`, optional `unit.<name>` and `const.<name> = <number>`.
/// Every free variable that is neither a constant nor an output is an input the job must draw.
#include <string>
#include <vector>

#include "models/detail/expression.hpp"
#include "models/model.hpp"

namespace costsweep::models {

class Formula final : public Model {
 public:
  /// evaluators[k] computes outputs[k]; its column c is input c for c < inputs.size(), else
  /// output c - inputs.size(). order lists every output after the outputs it reads.
  Formula(std::vector<InputSpec> inputs, std::vector<OutputSpec> outputs,
          std::vector<detail::Evaluator> evaluators, std::vector<int> order);

  /// Throws ConfigError listing every problem, each naming its key.
  static ModelPtr make(const ModelConfig& config);

  const std::string& name() const override { return name_; }
  const std::vector<InputSpec>& inputs() const override { return inputs_; }
  const std::vector<OutputSpec>& outputs() const override { return outputs_; }
  void evaluate(const Eigen::Ref<const Block>& inputs, Eigen::Ref<Block> outputs) const override;

 private:
  void evaluate_chunk(const Eigen::Ref<const Block>& inputs, Eigen::Ref<Block> outputs,
                      Eigen::Index row, std::vector<const double*>& columns,
                      std::vector<detail::Chunk>& scratch) const;

  std::string name_ = "formula";
  std::vector<InputSpec> inputs_;
  std::vector<OutputSpec> outputs_;
  std::vector<detail::Evaluator> evaluators_;
  std::vector<int> order_;
  int scratch_size_ = 0;
};

/// The registry entry: parameters and factory.
ModelInfo formula_info();

}  // namespace costsweep::models
