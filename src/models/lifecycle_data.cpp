// Builds the lifecycle plan: the inputs with their default distributions and allowed ranges, and
// the accelerator's numbers from the hardware table; every check names its key or cell.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "core/errors/errors.hpp"
#include "core/text/text.hpp"
#include "models/lifecycle.hpp"

namespace costsweep::models {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
const Bounds kPositive{0.0, kInf, true, false};
const Bounds kNonNegative{0.0, kInf, false, false};
const Bounds kAtLeastOne{1.0, kInf, false, false};
const Bounds kUtilization{0.0, 1.0, true, false};

/// One input's declaration, in LifecycleInput order. Defaults describe a GPT-4-class model
/// served on H100s; README "Model `lifecycle`" gives each one's source or says it is assumed.
struct InputDefault {
  const char* name;
  const char* unit;
  const char* spec;
  const char* description;
  Bounds bounds;
};

const InputDefault kInputs[] = {
    {"training_cost_usd", "USD", "lognormal(p10=4e7, p90=1e8)", "final-run training cost",
     kPositive},
    {"final_run_share", "fraction", "pert(0.09, 0.12, 0.25)",
     "final run's share of R&D compute spending", kUtilization},
    {"active_params", "parameters", "pert(2.2e11, 2.8e11, 3.4e11)", "parameters used per token",
     kPositive},
    {"total_params", "parameters", "pert(1.2e12, 1.8e12, 2.2e12)", "parameters held in memory",
     kPositive},
    {"requests_per_day", "requests/day", "lognormal(p10=1e7, p90=3e8)", "user requests at launch",
     kPositive},
    {"request_growth_per_year",
     "fraction/year",
     "uniform(0, 1)",
     "annual growth of requests",
     {-1.0, kInf, true, false}},
    {"lifetime_months",
     "months",
     "pert(12, 24, 36)",
     "months the model is served",
     {0.0, kMaxLifetimeMonths, true, false}},
    {"tokens_per_request", "tokens", "pert(300, 1000, 3000)",
     "visible prompt + answer tokens of one model call", kPositive},
    {"reasoning_multiplier", "x", "1", "multiplier on visible tokens for hidden reasoning",
     kPositive},
    {"system_prompt_tokens", "tokens", "uniform(0, 1000)", "system-prompt tokens per call",
     kNonNegative},
    {"agent_calls_per_request", "calls", "0", "background model calls per user request",
     kNonNegative},
    {"rag_queries_per_request", "queries", "0", "retrieval queries per call", kNonNegative},
    {"rag_tokens_per_query", "tokens", "1000", "retrieved tokens added per query", kNonNegative},
    {"batch_size", "sequences", "pert(16, 64, 256)", "sequences per decode step", kAtLeastOne},
    {"context_tokens", "tokens", "pert(1000, 4000, 8000)", "mean KV-cache length per sequence",
     kNonNegative},
    {"kv_bytes_per_token", "bytes/token", "uniform(61440, 491520)",
     "KV-cache bytes per token of context", kNonNegative},
    {"activation_overhead", "fraction", "uniform(0.15, 0.25)",
     "activations and workspace, as a fraction of the 16-bit weights", kNonNegative},
    {"compute_utilization", "fraction", "pert(0.2, 0.4, 0.6)", "achieved / peak FLOP/s",
     kUtilization},
    {"bandwidth_utilization", "fraction", "pert(0.5, 0.7, 0.85)", "achieved / peak HBM bandwidth",
     kUtilization},
    {"price_usd_per_gpu_hour", "USD/GPU-hour", "lognormal(p10=1.5, p90=3)",
     "GPU-hour price at launch", kPositive},
    {"price_decline_per_year",
     "fraction/year",
     "uniform(0.1, 0.3)",
     "annual fall of the GPU-hour price",
     {-kInf, 1.0, false, true}},
    {"electricity_usd_per_kwh", "USD/kWh", "uniform(0.05, 0.12)", "electricity price",
     kNonNegative},
    {"pue", "1", "triangular(1.1, 1.2, 1.6)", "data-centre power usage effectiveness", kAtLeastOne},
};
static_assert(std::size(kInputs) == kLifecycleInputCount);

/// A weight format: bytes per weight and the hardware-table column of its matrix-product peak
/// (nullptr: weight-only, the products run at default_compute).
struct Format {
  const char* name;
  double bytes_per_weight;
  const char* peak_column;
  const char* default_compute;
};

const Format kFormats[] = {
    {"fp32", 4.0, "fp32_flops", "fp32"},
    {"fp16", 2.0, "fp16_tensor_dense_flops", "fp16"},
    {"bf16", 2.0, "bf16_dense_flops", "bf16"},
    {"fp8", 1.0, "fp8_dense_flops", "fp8"},
    {"int8", 1.0, "int8_dense_ops", "int8"},
    {"fp4", 0.5, "fp4_dense_flops", "fp4"},
    {"int4", 0.5, nullptr, "bf16"},
};

const Format* find_format(const std::string& name) {
  for (const auto& f : kFormats) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

std::string format_names(bool compute_only) {
  std::string names;
  for (const auto& f : kFormats) {
    if (!compute_only || f.peak_column != nullptr)
      names += (names.empty() ? "" : ", ") + std::string(f.name);
  }
  return names;
}

std::optional<double> positive_number(const std::string& text) {
  const auto value = text::parse_number(text);
  if (!value || *value <= 0) return std::nullopt;
  return value;
}

class HardwareBuilder {
 public:
  explicit HardwareBuilder(const ModelConfig& config) : config_(config) {}
  ServingHardware build();

 private:
  void fail(const std::string& message) { problems_.push_back(message); }
  void resolve_formats();
  std::optional<std::size_t> find_row();
  double hardware_number(std::size_t row, const std::string& column, const std::string& what);
  void check_overrides();
  void read_max_gpus();

  const ModelConfig& config_;
  const Table* table_ = nullptr;
  std::vector<std::string> problems_;
  ServingHardware serving_;
  const char* peak_column_ = nullptr;
};

void HardwareBuilder::resolve_formats() {
  serving_.precision = config_.text("precision", "bf16");
  const Format* weights = find_format(serving_.precision);
  if (weights == nullptr) {
    return fail("cannot use model.precision '" + serving_.precision +
                "': unknown precision (allowed: " + format_names(false) + ") " +
                config_.where("precision"));
  }
  serving_.bytes_per_weight = weights->bytes_per_weight;
  serving_.compute_precision = config_.text("compute_precision", weights->default_compute);
  const Format* compute = find_format(serving_.compute_precision);
  if (compute == nullptr || compute->peak_column == nullptr) {
    return fail("cannot use model.compute_precision '" + serving_.compute_precision +
                "': no peak column for it (allowed: " + format_names(true) + ") " +
                config_.where("compute_precision"));
  }
  peak_column_ = compute->peak_column;
}

std::optional<std::size_t> HardwareBuilder::find_row() {
  serving_.hardware = config_.text("hardware", "NVIDIA H100 SXM5 80GB");
  std::string known;
  for (std::size_t r = 0; r < table_->rows.size(); ++r) {
    if (table_->cell(r, "name") == serving_.hardware) return r;
    known += (known.empty() ? "" : ", ") + table_->cell(r, "name");
  }
  fail("cannot use model.hardware '" + serving_.hardware + "': no such row in " + table_->path +
       " (rows: " + known + ") " + config_.where("hardware"));
  return std::nullopt;
}

/// A positive number from the hardware row, unless the job overrides that column.
double HardwareBuilder::hardware_number(std::size_t row, const std::string& column,
                                        const std::string& what) {
  if (config_.values.count("override." + column) != 0) {
    return config_.number("override." + column, 0.0);
  }
  if (!table_->column(column)) {
    fail("cannot serve on " + serving_.hardware + ": " + table_->path + " has no column '" +
         column + "' (" + what + "); add it or set model.override." + column);
    return 0.0;
  }
  if (const auto x = positive_number(table_->cell(row, column))) return *x;
  fail("cannot serve on " + serving_.hardware + ": " + serving_.hardware + " has no " + what +
       " in " + table_->where(row, column) +
       "; choose other hardware or precision, or set model.override." + column + " " +
       config_.where(what.find("peak") == std::string::npos ? "hardware" : "precision"));
  return 0.0;
}

void HardwareBuilder::check_overrides() {
  for (const auto& key : config_.keys_with_prefix("override.")) {
    const std::string column = key.substr(9);
    if (config_.number(key, 0.0) <= 0.0) {
      fail("cannot use model." + key + " '" + config_.text(key) + "': it must be positive " +
           config_.where(key));
    }
    const bool known = column == "hbm_bandwidth_bytes_per_s" || column == "memory_bytes" ||
                       column == "tdp_w" ||
                       std::any_of(std::begin(kFormats), std::end(kFormats), [&](const Format& f) {
                         return f.peak_column != nullptr && column == f.peak_column;
                       });
    if (!known) {
      fail("cannot use model." + key +
           ": unknown column (allowed: hbm_bandwidth_bytes_per_s, "
           "memory_bytes, tdp_w, or a peak column such as bf16_dense_flops) " +
           config_.where(key));
    }
  }
}

void HardwareBuilder::read_max_gpus() {
  serving_.max_gpus_per_replica = config_.number("max_gpus_per_replica", 128.0);
  serving_.max_gpus_where = config_.where("max_gpus_per_replica");
  const double n = serving_.max_gpus_per_replica;
  if (n < 1.0 || n != std::floor(n)) {
    fail("cannot use model.max_gpus_per_replica '" + config_.text("max_gpus_per_replica") +
         "': expected a whole number of GPUs, at least 1 " + serving_.max_gpus_where);
  }
}

ServingHardware HardwareBuilder::build() {
  for (const auto& in : kInputs) {
    serving_.inputs.push_back({in.name, in.name, in.spec, in.unit, in.description, "", in.bounds});
  }
  resolve_formats();
  read_max_gpus();
  check_overrides();
  const auto table = config_.tables.find("hardware_table");
  // Unset or unreadable: the study has reported it.
  if (table != config_.tables.end()) {
    table_ = &table->second;
    for (const auto& message : table_->repeated("name")) fail(message);
  }
  const std::optional<std::size_t> row = table_ != nullptr ? find_row() : std::nullopt;
  if (row && peak_column_ != nullptr) {
    serving_.peak_flop_per_s =
        hardware_number(*row, peak_column_, serving_.compute_precision + " peak");
    serving_.bandwidth_bytes_per_s =
        hardware_number(*row, "hbm_bandwidth_bytes_per_s", "HBM bandwidth");
    serving_.memory_bytes = hardware_number(*row, "memory_bytes", "memory size");
    serving_.tdp_w = hardware_number(*row, "tdp_w", "TDP");
  }
  if (!problems_.empty() || table_ == nullptr) {
    if (problems_.empty()) problems_.push_back("cannot build model 'lifecycle': no hardware table");
    throw ConfigError(problems_);
  }
  return serving_;
}

}  // namespace

ServingHardware build_serving_hardware(const ModelConfig& config) {
  return HardwareBuilder(config).build();
}

ModelInfo lifecycle_info() {
  using K = ParameterKind;
  return {"lifecycle",
          "R&D, final training run and lifetime serving of one model: roofline cost and energy "
          "per token, GPUs per replica, quantization, hidden tokens",
          {{"hardware_table", K::kTable, "",
            "CSV of accelerators: name, <precision> peak columns, hbm_bandwidth_bytes_per_s, "
            "memory_bytes, tdp_w",
            false, true},
           {"hardware", K::kText, "NVIDIA H100 SXM5 80GB", "row of the hardware table served on",
            false, false},
           {"precision", K::kText, "bf16",
            "weight format: fp32, fp16, bf16, fp8, int8, fp4, int4 (4, 2, 2, 1, 1, 0.5, 0.5 bytes)",
            false, false},
           {"compute_precision", K::kText, "",
            "format of the matrix products (default: the weight format; int4: bf16)", false, false},
           {"max_gpus_per_replica", K::kNumber, "128", "largest replica allowed, in GPUs", false,
            false},
           {"override.", K::kNumber, "",
            "replaces one number of the hardware row (override.hbm_bandwidth_bytes_per_s = 4.8e11)",
            true, false}},
          [](const ModelConfig& config) -> ModelPtr {
            return std::make_shared<Lifecycle>(build_serving_hardware(config));
          }};
}

}  // namespace costsweep::models
