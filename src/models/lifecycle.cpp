// The lifecycle model's physics, vectorised over the draws of a block (README "Model
// `lifecycle`" states every formula used here).
#include "models/lifecycle.hpp"

#include <cmath>
#include <sstream>

namespace costsweep::models {
namespace {

constexpr double kBytesPer16BitWeight = 2.0;
constexpr double kDaysPerMonth = 365.25 / 12.0;
constexpr double kSecondsPerHour = 3600.0;
constexpr double kJoulesPerKwh = 3.6e6;
constexpr double kMillion = 1e6;

std::string number_text(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

}  // namespace

double replica_memory_bytes(double total_params, double bytes_per_weight, double batch,
                            double context_tokens, double kv_bytes_per_token,
                            double activation_overhead) {
  return total_params * bytes_per_weight + batch * context_tokens * kv_bytes_per_token +
         activation_overhead * total_params * kBytesPer16BitWeight;
}

Lifecycle::Lifecycle(ServingHardware plan) : serving_(std::move(plan)) {
  outputs_ = {
      {"cost_per_million_tokens_launch", "USD/Mtok", "serving cost per million tokens at launch"},
      {"cost_per_million_tokens_lifetime", "USD/Mtok",
       "lifetime inference cost over lifetime tokens, per million"},
      {"inference_cost_lifetime", "USD", "inference cost integrated month by month over the life"},
      {"inference_over_training", "ratio", "lifetime inference cost / final-run training cost"},
      {"rd_compute_cost", "USD", "R&D compute including the final run: training / its share"},
      {"lifecycle_cost", "USD", "R&D compute (with the final run) + lifetime inference"},
      {"final_run_share_of_lifecycle", "fraction", "final-run training cost / lifecycle cost"},
      {"months_to_inference_passes_training", "months",
       "when cumulative inference spend passes the training cost (600: not within 600 months)"},
      {"energy_per_token", "J", "GPU power x GPU-time per token x PUE"},
      {"electricity_usd_per_million_tokens", "USD/Mtok",
       "energy x electricity price (part of the GPU-hour price, not added to it)"},
      {"gpus_per_replica", "GPUs", "ceil(memory per replica / GPU memory)"},
      {"memory_per_replica", "bytes", "weights + KV cache + activation overhead"},
      {"memory_saving_vs_fp16", "fraction", "1 - memory per replica / memory with 16-bit weights"},
      {"tokens_per_request_effective", "tokens",
       "(1 + agent calls) x (tokens x reasoning + system prompt + RAG queries x RAG tokens)"},
      {"lifetime_tokens", "tokens", "tokens served over the lifetime"},
      {"memory_bound", "fraction", "1 if reading memory takes longer than computing, else 0"},
  };
}

void Lifecycle::evaluate(const Eigen::Ref<const Block>& inputs, Eigen::Ref<Block> outputs) const {
  const auto in = [&](int column) { return inputs.col(column); };
  const auto out = [&](int column) { return outputs.col(column); };
  out(kEffectiveTokens) =
      (1.0 + in(kAgentCalls)) * (in(kTokensPerRequest)*in(kReasoningMultiplier) +
                                 in(kSystemPromptTokens) + in(kRagQueries)*in(kRagTokensPerQuery));

  const Eigen::ArrayXd weights = in(kTotalParams)*serving_.bytes_per_weight;
  const Eigen::ArrayXd kv_cache = in(kBatchSize)*in(kContextTokens)*in(kKvBytesPerToken);
  const Eigen::ArrayXd activations = in(kActivationOverhead)*in(kTotalParams)*kBytesPer16BitWeight;
  out(kMemoryPerReplica) = weights + kv_cache + activations;
  out(kMemorySaving) = 1.0 - out(kMemoryPerReplica) /
                                 (in(kTotalParams)*kBytesPer16BitWeight + kv_cache + activations);
  out(kGpusPerReplica) = (out(kMemoryPerReplica) / serving_.memory_bytes).ceil();

  // GPU-seconds per token. A decode step of a batch of B on G GPUs does B x 2 N_active FLOP and
  // reads the weights and the batch's KV cache once, so G cancels from GPU-seconds per token.
  const Eigen::ArrayXd compute_s =
      2.0 * in(kActiveParams) / (serving_.peak_flop_per_s * in(kComputeUtilization));
  const Eigen::ArrayXd memory_s =
      (weights + kv_cache) /
      (in(kBatchSize)*serving_.bandwidth_bytes_per_s * in(kBandwidthUtilization));
  out(kMemoryBound) = (memory_s > compute_s).cast<double>();
  const Eigen::ArrayXd gpu_s = compute_s.max(memory_s);
  out(kCostPerMillionLaunch) = gpu_s / kSecondsPerHour * in(kPricePerGpuHour)*kMillion;
  out(kEnergyPerToken) = gpu_s * serving_.tdp_w * in(kPue);
  out(kElectricityPerMillion) =
      out(kEnergyPerToken) * kMillion / kJoulesPerKwh * in(kElectricityPrice);

  integrate_lifetime(inputs, outputs);
  out(kInferenceOverTraining) = out(kInferenceCost) / in(kTrainingCost);
  out(kRdCost) = in(kTrainingCost) / in(kFinalRunShare);
  out(kLifecycleCost) = out(kRdCost) + out(kInferenceCost);
  out(kFinalRunShareOfLifecycle) = in(kTrainingCost) / out(kLifecycleCost);
}

/// Month m (0-based) serves requests x days x effective tokens x (1 + growth)^(m/12) tokens at
/// the launch cost per token x (1 - decline)^(m/12); it counts for min(1, max(0, L - m)) of its
/// cost, so a fractional lifetime ends with a partial month. The break-even month keeps going
/// past the lifetime (same growth and decline) up to kMaxLifetimeMonths, interpolating linearly
/// inside the month where the cumulative spend passes the training cost.
void Lifecycle::integrate_lifetime(const Eigen::Ref<const Block>& inputs,
                                   Eigen::Ref<Block> outputs) const {
  const Eigen::Index rows = inputs.rows();
  const auto lifetime = inputs.col(kLifetimeMonths);
  const auto training = inputs.col(kTrainingCost);
  const Eigen::ArrayXd volume_step = (1.0 + inputs.col(kRequestGrowth)).pow(1.0 / 12.0);
  const Eigen::ArrayXd price_step = (1.0 - inputs.col(kPriceDecline)).pow(1.0 / 12.0);
  const Eigen::ArrayXd first_tokens =
      inputs.col(kRequestsPerDay) * kDaysPerMonth * outputs.col(kEffectiveTokens);
  const Eigen::ArrayXd cost_per_token = outputs.col(kCostPerMillionLaunch) / kMillion;
  Eigen::ArrayXd volume = Eigen::ArrayXd::Ones(rows), price = Eigen::ArrayXd::Ones(rows);
  Eigen::ArrayXd month_tokens(rows), month_cost(rows), weight(rows);
  Eigen::ArrayXd spent = Eigen::ArrayXd::Zero(rows), served = Eigen::ArrayXd::Zero(rows);
  Eigen::ArrayXd cumulative = Eigen::ArrayXd::Zero(rows);
  Eigen::ArrayXd passed = Eigen::ArrayXd::Constant(rows, kMaxLifetimeMonths);
  Eigen::Array<bool, Eigen::Dynamic, 1> crossed = Eigen::Array<bool, Eigen::Dynamic, 1>::Zero(rows);
  Eigen::Array<bool, Eigen::Dynamic, 1> now(rows);
  const double last_month = rows > 0 ? lifetime.maxCoeff() : 0.0;
  double m = 0.0;
  for (; m < kMaxLifetimeMonths && m < last_month; m += 1.0) {
    month_tokens = first_tokens * volume;
    month_cost = month_tokens * cost_per_token * price;
    weight = (lifetime - m).min(1.0).max(0.0);
    // Months past the lifetime add exact zeros, even where extreme growth overflowed to inf.
    spent += (weight > 0.0).select(weight * month_cost, 0.0);
    served += (weight > 0.0).select(weight * month_tokens, 0.0);
    now = !crossed && (cumulative + month_cost >= training);
    passed = now.select(m + (training - cumulative) / month_cost, passed);
    crossed = crossed || now;
    cumulative += month_cost;
    volume *= volume_step;
    price *= price_step;
  }
  // Past every lifetime only the break-even search goes on, and only for the draws that have
  // not crossed: one draw at a time, the same operations in the same order (same bits).
  for (Eigen::Index i = 0; i < rows; ++i) {
    if (crossed(i)) continue;
    double draw_cumulative = cumulative(i), draw_volume = volume(i), draw_price = price(i);
    for (double month = m; month < kMaxLifetimeMonths; month += 1.0) {
      const double cost = first_tokens(i) * draw_volume * cost_per_token(i) * draw_price;
      if (draw_cumulative + cost >= training(i)) {
        passed(i) = month + (training(i) - draw_cumulative) / cost;
        break;
      }
      draw_cumulative += cost;
      draw_volume *= volume_step(i);
      draw_price *= price_step(i);
    }
  }
  outputs.col(kInferenceCost) = spent;
  outputs.col(kLifetimeTokens) = served;
  outputs.col(kCostPerMillionLifetime) = spent / served * kMillion;
  outputs.col(kMonthsToPassTraining) = passed;
}

std::vector<std::string> Lifecycle::check_ranges(const std::vector<InputRange>& ranges) const {
  std::vector<std::string> problems;
  const auto top = [&](int input) { return ranges.at(static_cast<std::size_t>(input)).upper; };
  if (top(kActiveParams) > ranges.at(kTotalParams).lower) {
    problems.push_back("cannot use inputs.active_params: it reaches " +
                       number_text(top(kActiveParams)) + ", above the least total_params (" +
                       number_text(ranges.at(kTotalParams).lower) +
                       "); active parameters are a subset of the total");
  }
  const double memory =
      replica_memory_bytes(top(kTotalParams), serving_.bytes_per_weight, top(kBatchSize),
                           top(kContextTokens), top(kKvBytesPerToken), top(kActivationOverhead));
  const double gpus = std::ceil(memory / serving_.memory_bytes);
  if (!(gpus <= serving_.max_gpus_per_replica)) {
    problems.push_back(
        "cannot fit the model in a replica: at the largest total_params, batch_size, "
        "context_tokens, kv_bytes_per_token and activation_overhead its inputs allow, a replica "
        "needs " +
        number_text(memory) + " bytes, " + number_text(gpus) + " GPUs of " + serving_.hardware +
        " (" + number_text(serving_.memory_bytes) + " bytes each) at " + serving_.precision +
        ", more than max_gpus_per_replica = " + number_text(serving_.max_gpus_per_replica) +
        "; raise it, quantize, or bound those inputs " + serving_.max_gpus_where);
  }
  return problems;
}

}  // namespace costsweep::models
