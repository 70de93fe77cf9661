#include "driver/block_runner.hpp"

#include "core/sampling/plans.hpp"

namespace costsweep::driver {

BlockRunner::BlockRunner(const study::Study& study)
    : study_(study), uniforms_(static_cast<Eigen::Index>(study.block_size)) {}

void BlockRunner::run(std::uint64_t first_draw, Eigen::Ref<models::Block> inputs,
                      Eigen::Ref<models::Block> outputs) {
  const Eigen::Index rows = inputs.rows();
  auto u = uniforms_.head(rows);
  for (std::size_t i = 0; i < study_.inputs.size(); ++i) {
    const auto& input = study_.inputs[i];
    sampling::fill_uniforms(study_.plan, study_.seed, input.stream, static_cast<std::uint32_t>(i),
                            study_.n_draws, first_draw, u);
    input.distribution->quantile(u, inputs.col(static_cast<Eigen::Index>(i)));
  }
  study_.model->evaluate(inputs, outputs);
}

}  // namespace costsweep::driver
