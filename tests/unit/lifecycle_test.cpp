#include "models/lifecycle.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "core/errors/errors.hpp"

// Every expected number is worked out by hand in the comment beside it from the formulas of
// README "Model `lifecycle`", on the accelerator GPU-X of hardware_table(): 1e15 FLOP/s at
// bf16/fp16, 2e15 at fp8/int8, 4e15 at fp4, 5e13 at fp32, 2e12 B/s HBM, 80e9 B memory, 1000 W.

namespace costsweep::models {
namespace {

Table hardware_table() {
  Table t{
      "hardware.csv",
      {"name", "bf16_dense_flops", "fp16_tensor_dense_flops", "fp8_dense_flops", "int8_dense_ops",
       "fp4_dense_flops", "fp32_flops", "hbm_bandwidth_bytes_per_s", "memory_bytes", "tdp_w"},
      {{"GPU-X", "1e15", "1e15", "2e15", "2e15", "4e15", "5e13", "2e12", "80e9", "1000"},
       {"GPU-Old", "", "", "", "", "", "1e13", "5e11", "24e9", "300"}},
      {2, 3}};
  return t;
}

/// A job's [model] section set on line 9 (hardware GPU-X unless given).
ModelConfig config(std::map<std::string, std::string> values = {}) {
  ModelConfig c;
  c.values = std::move(values);
  c.values.emplace("hardware", "GPU-X");
  for (const auto& [key, value] : c.values) c.origins[key] = "job.ini line 9";
  c.tables["hardware_table"] = hardware_table();
  return c;
}

/// Inputs "A": a memory-bound serving point, every input fixed.
std::vector<double> inputs_a() {
  std::vector<double> x(kLifecycleInputCount);
  x[kTrainingCost] = 1e8;
  x[kFinalRunShare] = 0.2;
  x[kActiveParams] = 1e10;
  x[kTotalParams] = 1e11;
  x[kRequestsPerDay] = 1e6;
  x[kRequestGrowth] = 0.0;
  x[kLifetimeMonths] = 12.0;
  x[kTokensPerRequest] = 500.0;
  x[kReasoningMultiplier] = 2.0;
  x[kSystemPromptTokens] = 200.0;
  x[kAgentCalls] = 1.0;
  x[kRagQueries] = 2.0;
  x[kRagTokensPerQuery] = 100.0;
  x[kBatchSize] = 10.0;
  x[kContextTokens] = 1000.0;
  x[kKvBytesPerToken] = 1e5;
  x[kActivationOverhead] = 0.25;
  x[kComputeUtilization] = 0.5;
  x[kBandwidthUtilization] = 0.5;
  x[kPricePerGpuHour] = 2.0;
  x[kPriceDecline] = 0.0;
  x[kElectricityPrice] = 0.1;
  x[kPue] = 1.25;
  return x;
}

/// The model's outputs for one draw.
std::vector<double> run(const Model& model, const std::vector<double>& x) {
  Block in(1, static_cast<Eigen::Index>(x.size()));
  for (std::size_t i = 0; i < x.size(); ++i) in(0, static_cast<Eigen::Index>(i)) = x[i];
  Block out(1, static_cast<Eigen::Index>(model.outputs().size()));
  model.evaluate(in, out);
  return std::vector<double>(out.data(), out.data() + out.size());
}

std::string problems_of(const ModelConfig& c) {
  try {
    build_serving_hardware(c);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

constexpr double kRel = 1e-12;
// Point A's first month: 1e6 requests x 30.4375 days x 2800 tokens = 8.5225e10 tokens, at
// 0.0201 GPU-s per token / 3600 x $2 per GPU-hour.
constexpr double kMonthTokensA = 8.5225e10;
constexpr double kMonthCostA = kMonthTokensA * 0.0201 / 3600.0 * 2.0;

TEST(LifecycleTest, MemoryBoundPointMatchesHandArithmetic) {
  const Lifecycle model(build_serving_hardware(config()));
  const auto y = run(model, inputs_a());
  // effective tokens = (1 + 1) x (500 x 2 + 200 + 2 x 100) = 2 x 1400 = 2800
  EXPECT_DOUBLE_EQ(y[kEffectiveTokens], 2800.0);
  // weights 1e11 x 2 = 2e11; KV 10 x 1000 x 1e5 = 1e9; activations 0.25 x 1e11 x 2 = 5e10
  EXPECT_DOUBLE_EQ(y[kMemoryPerReplica], 2.51e11);
  EXPECT_DOUBLE_EQ(y[kGpusPerReplica], 4.0);  // ceil(2.51e11 / 80e9) = ceil(3.1375)
  EXPECT_DOUBLE_EQ(y[kMemorySaving], 0.0);    // bf16 is the 16-bit reference
  // compute 2 x 1e10 / (1e15 x 0.5) = 4e-5 GPU-s; memory (2e11 + 1e9) / (10 x 2e12 x 0.5) = 0.0201
  EXPECT_EQ(y[kMemoryBound], 1.0);
  // 0.0201 GPU-s / 3600 x $2 x 1e6 = 11.1666... USD per million tokens
  EXPECT_NEAR(y[kCostPerMillionLaunch], 0.0201 / 3600.0 * 2.0 * 1e6, kRel * 11.2);
  EXPECT_NEAR(y[kEnergyPerToken], 25.125, kRel * 25.0);  // 0.0201 s x 1000 W x 1.25
  // 25.125 J x 1e6 / 3.6e6 J/kWh x $0.1 = 0.69791...
  EXPECT_NEAR(y[kElectricityPerMillion], 25.125 / 36.0, kRel);
  // month: 1e6 requests x 30.4375 days x 2800 tokens = 8.5225e10 tokens, at 0.0201 / 3600 x 2
  // USD per token = 951,679.1666... USD; 12 months of it
  const double month_cost = kMonthCostA;
  EXPECT_NEAR(y[kLifetimeTokens], 12.0 * kMonthTokensA, kRel * 1e12);
  EXPECT_NEAR(y[kInferenceCost], 12.0 * month_cost, kRel * 1.2e7);
  EXPECT_NEAR(y[kCostPerMillionLifetime], y[kCostPerMillionLaunch], kRel * 11.2);
  EXPECT_NEAR(y[kInferenceOverTraining], 12.0 * month_cost / 1e8, kRel);  // 0.1142...
  EXPECT_DOUBLE_EQ(y[kRdCost], 5e8);                                      // 1e8 / 0.2
  EXPECT_NEAR(y[kLifecycleCost], 5e8 + 12.0 * month_cost, kRel * 5e8);
  EXPECT_NEAR(y[kFinalRunShareOfLifecycle], 1e8 / (5e8 + 12.0 * month_cost), kRel);
  // Not within the 12-month life: extrapolated, constant months pass 1e8 at 1e8 / month_cost
  // = 105.077... months.
  EXPECT_NEAR(y[kMonthsToPassTraining], 1e8 / month_cost, 1e-9);
}

TEST(LifecycleTest, ComputeBoundPointUsesPeakTimesUtilization) {
  const Lifecycle model(build_serving_hardware(config()));
  auto x = inputs_a();
  x[kActiveParams] = 1e11;
  x[kBatchSize] = 1000.0;
  const auto y = run(model, x);
  // compute 2 x 1e11 / (1e15 x 0.5) = 4e-4 GPU-s; memory (2e11 + 1000 x 1000 x 1e5) /
  // (1000 x 2e12 x 0.5) = 3e11 / 1e15 = 3e-4: compute-bound
  EXPECT_EQ(y[kMemoryBound], 0.0);
  EXPECT_NEAR(y[kCostPerMillionLaunch], 4e-4 / 3600.0 * 2.0 * 1e6, kRel);  // 0.2222...
  EXPECT_NEAR(y[kEnergyPerToken], 0.5, kRel);                              // 4e-4 x 1000 x 1.25
  // 2e11 + 1e11 + 5e10 = 3.5e11 bytes; ceil(3.5e11 / 80e9) = ceil(4.375) = 5
  EXPECT_DOUBLE_EQ(y[kGpusPerReplica], 5.0);
}

TEST(LifecycleTest, Int4SavesWhatTheOverheadImpliesAndComputesAtBf16) {
  const Lifecycle model(build_serving_hardware(config({{"precision", "int4"}})));
  auto x = inputs_a();
  auto y = run(model, x);
  // int4 memory 1e11 x 0.5 + 1e9 + 5e10 = 1.01e11 against 2.51e11 at 16 bits: 1 - 1.01/2.51
  EXPECT_NEAR(y[kMemorySaving], 1.0 - 1.01 / 2.51, kRel);  // 0.5976...
  EXPECT_DOUBLE_EQ(y[kGpusPerReplica], 2.0);               // ceil(1.01e11 / 80e9)
  // memory time (5e10 + 1e9) / 1e13 = 0.0051 GPU-s per token
  EXPECT_NEAR(y[kEnergyPerToken], 0.0051 * 1000.0 * 1.25, kRel);
  // The documented default overhead: no KV cache and activations at 25% of the 16-bit weights
  // (0.5 bytes per parameter): (0.5 + 0.5) / (2 + 0.5) = 0.4 of the memory, a saving of 60%.
  x[kContextTokens] = 0.0;
  y = run(model, x);
  EXPECT_NEAR(y[kMemorySaving], 0.6, kRel);
  // Weight-only int4 keeps the bf16 peak: a compute-bound point costs as much as at bf16.
  x[kActiveParams] = 1e11;
  x[kBatchSize] = 1000.0;
  EXPECT_NEAR(run(model, x)[kEnergyPerToken], 0.5, kRel);
}

TEST(LifecycleTest, Fp8UsesTheFp8PeakAndOneBytePerWeight) {
  const Lifecycle model(build_serving_hardware(config({{"precision", "fp8"}})));
  auto x = inputs_a();
  x[kActiveParams] = 1e11;
  x[kBatchSize] = 1000.0;
  const auto y = run(model, x);
  // compute 2e11 / (2e15 x 0.5) = 2e-4; memory (1e11 + 1e11) / 1e15 = 2e-4: equal, so the
  // roofline takes 2e-4 and the draw is not counted memory-bound
  EXPECT_NEAR(y[kEnergyPerToken], 2e-4 * 1000.0 * 1.25, kRel);
  EXPECT_EQ(y[kMemoryBound], 0.0);
  EXPECT_NEAR(y[kMemorySaving], 1.0 - 2.5e11 / 3.5e11, kRel);  // (1e11 + 1e11 + 5e10) / 3.5e11
}

TEST(LifecycleTest, FlatLifetimeCostsMonthlyCostTimesMonthsWithAPartialLastMonth) {
  const Lifecycle model(build_serving_hardware(config()));
  auto x = inputs_a();
  x[kLifetimeMonths] = 12.5;
  const double month_cost = kMonthCostA;
  EXPECT_NEAR(run(model, x)[kInferenceCost], 12.5 * month_cost, kRel * 1.2e7);
}

TEST(LifecycleTest, GrowthAndDeclineIntegrateAsAGeometricSum) {
  const Lifecycle model(build_serving_hardware(config()));
  auto x = inputs_a();
  x[kRequestGrowth] = 0.44;
  x[kPriceDecline] = 0.1;
  x[kLifetimeMonths] = 24.0;
  const auto y = run(model, x);
  // month m costs C q^m with q = (1.44 x 0.9)^(1/12); 24 months: C (q^24 - 1) / (q - 1),
  // q^24 = 1.296^2. Tokens: T v^m with v = 1.44^(1/12): T (1.44^2 - 1) / (v - 1).
  const double month_cost = kMonthCostA;
  const double q = std::pow(1.44, 1.0 / 12.0) * std::pow(0.9, 1.0 / 12.0);
  const double v = std::pow(1.44, 1.0 / 12.0);
  EXPECT_NEAR(y[kInferenceCost], month_cost * (1.296 * 1.296 - 1.0) / (q - 1.0), 1e-9 * 3e7);
  EXPECT_NEAR(y[kLifetimeTokens], kMonthTokensA * (1.44 * 1.44 - 1.0) / (v - 1.0), 1e-9 * 3e12);
  EXPECT_NEAR(y[kCostPerMillionLifetime], y[kInferenceCost] / y[kLifetimeTokens] * 1e6, kRel);
  EXPECT_LT(y[kCostPerMillionLifetime], y[kCostPerMillionLaunch]);  // the price fell 10% a year
}

TEST(LifecycleTest, BreakEvenInterpolatesInsideTheMonthItHappens) {
  const Lifecycle model(build_serving_hardware(config()));
  auto x = inputs_a();
  const double month_cost = kMonthCostA;
  x[kTrainingCost] = 2.5 * month_cost;  // passed half-way through month 2 (0-based): 2.5
  EXPECT_NEAR(run(model, x)[kMonthsToPassTraining], 2.5, 1e-12);
  // Never within 600 months: prices fall 90% a year, so the spend converges to
  // C / (1 - 0.1^(1/12)) = 5.4 C < 1e3 C; the output is the 600-month horizon.
  x[kTrainingCost] = 1e3 * month_cost;
  x[kPriceDecline] = 0.9;
  EXPECT_EQ(run(model, x)[kMonthsToPassTraining], kMaxLifetimeMonths);
}

TEST(LifecycleTest, OverflowPastTheLifetimeLeavesTheLifetimeSumsFinite) {
  const Lifecycle model(build_serving_hardware(config()));
  auto x = inputs_a();
  // Tokens overflow to inf after ~410 months, long after month 12; the break-even search goes on
  // until then because no finite month reaches a training cost of 1.7e308.
  x[kRequestGrowth] = 1e9;
  x[kTrainingCost] = 1.7e308;
  x[kFinalRunShare] = 1.0;
  const auto y = run(model, x);
  EXPECT_TRUE(std::isfinite(y[kInferenceCost]));
  EXPECT_TRUE(std::isfinite(y[kCostPerMillionLifetime]));
}

TEST(LifecycleTest, BlocksGiveTheSameBitsAsSingleDraws) {
  const Lifecycle model(build_serving_hardware(config()));
  Block in(3, kLifecycleInputCount);
  for (int r = 0; r < 3; ++r) {
    auto x = inputs_a();
    x[kLifetimeMonths] = 6.0 + 10.0 * r;  // rows stop integrating at different months
    x[kRequestGrowth] = 0.3 * r;
    for (int c = 0; c < kLifecycleInputCount; ++c) in(r, c) = x[static_cast<std::size_t>(c)];
  }
  Block out(3, kLifecycleOutputCount);
  model.evaluate(in, out);
  for (int r = 0; r < 3; ++r) {
    std::vector<double> x;
    for (int c = 0; c < kLifecycleInputCount; ++c) x.push_back(in(r, c));
    const auto y = run(model, x);
    for (int o = 0; o < kLifecycleOutputCount; ++o) EXPECT_EQ(out(r, o), y[o]) << r << " " << o;
  }
}

TEST(LifecycleTest, UnknownHardwareListsTheRows) {
  EXPECT_EQ(problems_of(config({{"hardware", "TPU"}})),
            "cannot use model.hardware 'TPU': no such row in hardware.csv (rows: GPU-X, GPU-Old) "
            "[job.ini line 9, key model.hardware]");
}

TEST(LifecycleTest, PrecisionWithoutPeakNamesTheCell) {
  EXPECT_EQ(problems_of(config({{"hardware", "GPU-Old"}, {"precision", "fp8"}})),
            "cannot serve on GPU-Old: GPU-Old has no fp8 peak in hardware.csv row 2 (line 3), "
            "column 'fp8_dense_flops'; choose other hardware or precision, or set "
            "model.override.fp8_dense_flops [job.ini line 9, key model.precision]");
  // fp32 exists on GPU-Old, so the same hardware works there.
  EXPECT_EQ(problems_of(config({{"hardware", "GPU-Old"}, {"precision", "fp32"}})), "");
}

TEST(LifecycleTest, UnknownPrecisionListsTheAllowedOnes) {
  EXPECT_EQ(problems_of(config({{"precision", "int3"}})),
            "cannot use model.precision 'int3': unknown precision (allowed: fp32, fp16, bf16, fp8, "
            "int8, fp4, int4) [job.ini line 9, key model.precision]");
  EXPECT_NE(problems_of(config({{"compute_precision", "int4"}}))
                .find("model.compute_precision 'int4': no peak column for it (allowed: fp32, "
                      "fp16, bf16, fp8, int8, fp4)"),
            std::string::npos);
}

TEST(LifecycleTest, BadMaxGpusAndOverridesAreAllReported) {
  const std::string problems = problems_of(config(
      {{"max_gpus_per_replica", "2.5"}, {"override.flops", "1e15"}, {"override.tdp_w", "-3"}}));
  EXPECT_NE(problems.find("model.max_gpus_per_replica '2.5': expected a whole number"),
            std::string::npos);
  EXPECT_NE(problems.find("model.override.flops: unknown column"), std::string::npos);
  EXPECT_NE(problems.find("model.override.tdp_w '-3': it must be positive"), std::string::npos);
}

TEST(LifecycleTest, OverrideReplacesOneHardwareNumber) {
  const Lifecycle model(build_serving_hardware(config({{"override.tdp_w", "500"}})));
  EXPECT_NEAR(run(model, inputs_a())[kEnergyPerToken], 0.0201 * 500.0 * 1.25, kRel);
}

std::vector<InputRange> ranges_of(const std::vector<double>& x) {
  std::vector<InputRange> ranges;
  for (const double v : x) ranges.push_back({v, v});
  return ranges;
}

TEST(LifecycleTest, ModelTooBigForTheLargestReplicaIsRejected) {
  const Lifecycle model(build_serving_hardware(config({{"max_gpus_per_replica", "3"}})));
  auto ranges = ranges_of(inputs_a());
  // 2.51e11 bytes need 4 GPUs of 80e9 > 3
  const auto problems = model.check_ranges(ranges);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0],
            "cannot fit the model in a replica: at the largest total_params, batch_size, "
            "context_tokens, kv_bytes_per_token and activation_overhead its inputs allow, a "
            "replica needs 2.51e+11 bytes, 4 GPUs of GPU-X (8e+10 bytes each) at bf16, more than "
            "max_gpus_per_replica = 3; raise it, quantize, or bound those inputs [job.ini line 9, "
            "key model.max_gpus_per_replica]");
  ranges[kTotalParams].upper = 0.5e11;  // 1e11 + 1e9 + 2.5e10 bytes: 2 GPUs
  ranges[kTotalParams].lower = 0.5e11;
  EXPECT_TRUE(model.check_ranges(ranges).empty());
  // An unbounded distribution can always outgrow the replica.
  ranges[kBatchSize].upper = std::numeric_limits<double>::infinity();
  EXPECT_EQ(model.check_ranges(ranges).size(), 1u);
}

TEST(LifecycleTest, ActiveParametersAboveTotalAreRejected) {
  const Lifecycle model(build_serving_hardware(config()));
  auto ranges = ranges_of(inputs_a());
  ranges[kActiveParams].upper = 2e11;
  const auto problems = model.check_ranges(ranges);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0],
            "cannot use inputs.active_params: it reaches 2e+11, above the least total_params "
            "(1e+11); active parameters are a subset of the total");
}

TEST(LifecycleTest, InputsDeclareTheirAllowedRanges) {
  const Lifecycle model(build_serving_hardware(config()));
  const auto& utilization = model.inputs()[kComputeUtilization].bounds;
  EXPECT_EQ(utilization.describe(), "(0, 1]");
  EXPECT_FALSE(utilization.admits(0.3, 1.2, false));  // uniform(0.3, 1.2)
  EXPECT_FALSE(utilization.admits(0.0, 0.0, true));   // a fixed 0
  EXPECT_TRUE(utilization.admits(0.0, 1.0, false));   // uniform(0, 1) never draws 0 itself
  EXPECT_TRUE(utilization.admits(1.0, 1.0, true));
  EXPECT_EQ(model.inputs()[kLifetimeMonths].bounds.describe(), "(0, 600]");
  EXPECT_FALSE(model.inputs()[kLifetimeMonths].bounds.admits(0.0, 0.0, true));
  EXPECT_EQ(model.inputs()[kPriceDecline].bounds.describe(), "(-inf, 1)");
  EXPECT_EQ(model.inputs()[kPue].bounds.describe(), "[1, inf)");
}

TEST(LifecycleTest, DefaultsNameEveryInputWithUnitAndSpec) {
  const Lifecycle model(build_serving_hardware(config()));
  ASSERT_EQ(model.inputs().size(), static_cast<std::size_t>(kLifecycleInputCount));
  ASSERT_EQ(model.outputs().size(), static_cast<std::size_t>(kLifecycleOutputCount));
  for (const auto& input : model.inputs()) {
    EXPECT_FALSE(input.default_spec.empty()) << input.name;
    EXPECT_FALSE(input.unit.empty()) << input.name;
  }
  EXPECT_EQ(model.inputs()[kPricePerGpuHour].name, "price_usd_per_gpu_hour");
  EXPECT_EQ(model.outputs()[kMonthsToPassTraining].name, "months_to_inference_passes_training");
}

}  // namespace
}  // namespace costsweep::models
