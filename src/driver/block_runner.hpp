#pragma once
/// The vectorised core of a run: one block of draws from uniforms to model outputs.
#include <cstdint>

#include "models/model.hpp"
#include "study/scenario.hpp"

namespace costsweep::driver {

/// Evaluates blocks of draws of one study. Holds scratch space for one block; not thread-safe.
class BlockRunner {
 public:
  /// n_draws: the run's draws per scenario (the stopping rule's rounds grow it past the study's).
  BlockRunner(const study::Scenario& scenario, std::uint64_t n_draws);

  /// Draws [first_draw, first_draw + inputs.rows()): fills inputs (rows x n_inputs) with each
  /// input's quantile of its plan's uniforms (MC, LHS or Sobol; input i is Sobol dimension i) and
  /// outputs (rows x n_outputs) with the model's values. rows <= study.job().block_size. Pure: the
  /// same draws give the same bits anywhere.
  void run(std::uint64_t first_draw, Eigen::Ref<models::Block> inputs,
           Eigen::Ref<models::Block> outputs);
  /// The inputs of matrix A (as run() draws them) or, with second, of the pick-freeze design's
  /// independent matrix B: the same plan on other streams (Sobol: dimensions n_inputs + i).
  void draw(std::uint64_t first_draw, bool second, Eigen::Ref<models::Block> inputs);

 private:
  const study::Scenario& scenario_;
  std::uint64_t n_draws_;
  Eigen::ArrayXd uniforms_;
};

}  // namespace costsweep::driver
