#include "driver/block_runner.hpp"

#include "core/sampling/methods.hpp"

namespace costsweep::driver {

BlockRunner::BlockRunner(const study::Scenario& scenario, std::uint64_t n_draws)
    : scenario_(scenario),
      n_draws_(n_draws),
      uniforms_(static_cast<Eigen::Index>(scenario.job().block_size)) {}

void BlockRunner::draw(std::uint64_t first_draw, bool second, Eigen::Ref<models::Block> inputs) {
  // A different stream key for matrix B; any fixed odd constant keeps streams distinct.
  constexpr std::uint64_t kSecondMatrix = 0x9E3779B97F4A7C15ULL;
  const Eigen::Index rows = inputs.rows();
  auto u = uniforms_.head(rows);
  const auto n_inputs = static_cast<std::uint32_t>(scenario_.inputs.size());
  for (std::uint32_t i = 0; i < n_inputs; ++i) {
    const auto& input = scenario_.inputs[i];
    sampling::fill_uniforms(scenario_.job().method, scenario_.job().seed,
                            second ? input.stream ^ kSecondMatrix : input.stream,
                            second ? n_inputs + i : i, n_draws_, first_draw, u);
    input.distribution()->quantile(u, inputs.col(static_cast<Eigen::Index>(i)));
  }
}

void BlockRunner::run(std::uint64_t first_draw, Eigen::Ref<models::Block> inputs,
                      Eigen::Ref<models::Block> outputs) {
  draw(first_draw, false, inputs);
  scenario_.model->evaluate(inputs, outputs);
}

}  // namespace costsweep::driver
