#pragma once
/// Lifecycle economics of one model: R&D and its final training run, then serving it for its
/// lifetime. Serving cost comes from a roofline (time per token = max of compute time and the
/// time to read the weights and KV cache, shared by the batch), GPU memory decides the GPUs per
/// replica, and the lifetime is integrated month by month with demand growth and price decline.
/// Formulas in README "Model `lifecycle`".
#include <string>
#include <vector>

#include "models/model.hpp"

namespace costsweep::models {

/// Column of each input in the input block (the order of ServingHardware::inputs).
enum LifecycleInput : int {
  kTrainingCost,
  kFinalRunShare,
  kActiveParams,
  kTotalParams,
  kRequestsPerDay,
  kRequestGrowth,
  kLifetimeMonths,
  kTokensPerRequest,
  kReasoningMultiplier,
  kSystemPromptTokens,
  kAgentCalls,
  kRagQueries,
  kRagTokensPerQuery,
  kBatchSize,
  kContextTokens,
  kKvBytesPerToken,
  kActivationOverhead,
  kComputeUtilization,
  kBandwidthUtilization,
  kPricePerGpuHour,
  kPriceDecline,
  kElectricityPrice,
  kPue,
  kLifecycleInputCount
};

/// Column of each output in the output block.
enum LifecycleOutput : int {
  kCostPerMillionLaunch,
  kCostPerMillionLifetime,
  kInferenceCost,
  kInferenceOverTraining,
  kRdCost,
  kLifecycleCost,
  kFinalRunShareOfLifecycle,
  kMonthsToPassTraining,
  kEnergyPerToken,
  kElectricityPerMillion,
  kGpusPerReplica,
  kMemoryPerReplica,
  kMemorySaving,
  kEffectiveTokens,
  kLifetimeTokens,
  kMemoryBound,
  kLifecycleOutputCount
};

/// Longest lifetime a job may draw, and the horizon of the break-even month, in months.
inline constexpr double kMaxLifetimeMonths = 600.0;

/// The accelerator and number formats a lifecycle job serves on, resolved from its settings.
struct ServingHardware {
  std::vector<InputSpec> inputs;  ///< in LifecycleInput order
  std::string hardware;           ///< row name in the hardware table
  std::string precision;          ///< weight format (bf16, int4, ...)
  std::string compute_precision;  ///< format of the matrix products (int4 weights: bf16)
  double bytes_per_weight = 2.0;
  double peak_flop_per_s = 0.0;  ///< dense peak at compute_precision, per GPU
  double bandwidth_bytes_per_s = 0.0;
  double memory_bytes = 0.0;  ///< per GPU
  double tdp_w = 0.0;
  double max_gpus_per_replica = 0.0;
  std::string max_gpus_where;  ///< `[<origin>, key model.max_gpus_per_replica]`
};

class Lifecycle final : public Model {
 public:
  explicit Lifecycle(ServingHardware plan);

  const std::string& name() const override { return name_; }
  const std::vector<InputSpec>& inputs() const override { return serving_.inputs; }
  const std::vector<OutputSpec>& outputs() const override { return outputs_; }
  void evaluate(const Eigen::Ref<const Block>& inputs, Eigen::Ref<Block> outputs) const override;
  /// A model that does not fit in max_gpus_per_replica GPUs at the largest values its inputs can
  /// take; active parameters that can exceed total parameters.
  std::vector<std::string> check_ranges(const std::vector<InputRange>& ranges) const override;

 private:
  void integrate_lifetime(const Eigen::Ref<const Block>& inputs, Eigen::Ref<Block> outputs) const;

  std::string name_ = "lifecycle";
  ServingHardware serving_;
  std::vector<OutputSpec> outputs_;
};

/// Memory of one replica in bytes: weights (total_params x bytes_per_weight) + KV cache
/// (batch x context x kv_bytes_per_token) + activations and workspace (activation_overhead x the
/// 16-bit weights, 2 bytes per parameter, whatever the weight format).
double replica_memory_bytes(double total_params, double bytes_per_weight, double batch,
                            double context_tokens, double kv_bytes_per_token,
                            double activation_overhead);

/// Builds the plan from the job's [model] settings and hardware table. Throws ConfigError listing
/// every problem (unknown hardware or precision, a precision the hardware has no peak for, ...),
/// each naming its key or the table's file, row and column.
ServingHardware build_serving_hardware(const ModelConfig& config);

/// The registry entry: parameters and factory.
ModelInfo lifecycle_info();

}  // namespace costsweep::models
