#include "driver/memory.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/statistics/streaming_summary.hpp"
#include "driver/detail/owned_rows.hpp"
#include "driver/measures/registry.hpp"

namespace costsweep::driver {
namespace {

constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;
/// The program, MPI and HDF5 before any study (measured: 60-75 MiB resident on one rank).
constexpr std::uint64_t kFixedBytes = 80 * kMiB;
/// Rows a batch evaluates together (driver/owned_rows.cpp): held, and regenerated.
constexpr std::uint64_t kHeldRowsPerBatch = 64, kStreamedRowsPerBatch = 4;
/// Binades an output's values touch, for the size of its pass-0 histogram (a 4096-bin page
/// each); wide cost distributions span 10-30.
constexpr std::uint64_t kBinadesPerOutput = 32;

std::uint64_t env_number(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return 0;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text, &end, 10);
  return end != nullptr && (*end == '\0' || *end == '(') ? value : 0;
}

/// MemAvailable from /proc/meminfo, in bytes (0 if unknown).
std::uint64_t available_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  std::uint64_t kib = 0;
  std::string unit;
  while (meminfo >> key >> kib >> unit) {
    if (key == "MemAvailable:") return kib * 1024;
  }
  return 0;
}

/// The cgroup (v2, else v1) memory limit, in bytes (0 if none).
std::uint64_t cgroup_bytes() {
  for (const char* path :
       {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    std::ifstream file(path);
    std::string text;
    if (!(file >> text) || text == "max") continue;
    const std::uint64_t value = std::strtoull(text.c_str(), nullptr, 10);
    if (value > 0 && value < (std::uint64_t{1} << 60)) return value;
  }
  return 0;
}

}  // namespace

int ranks_on_node(int fallback) {
  for (const char* name :
       {"OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS", "SLURM_NTASKS_PER_NODE"}) {
    if (const auto n = env_number(name); n > 0) return static_cast<int>(n);
  }
  return std::max(1, fallback);
}

MemoryLimit memory_limit(const study::Scenario& base, int node_ranks) {
  if (base.job().memory_limit_bytes > 0) return {base.job().memory_limit_bytes, "job.memory_limit"};
  const auto ranks = static_cast<std::uint64_t>(std::max(1, node_ranks));
  if (const auto per_cpu = env_number("SLURM_MEM_PER_CPU"); per_cpu > 0) {
    const auto cpus = std::max<std::uint64_t>(1, env_number("SLURM_CPUS_PER_TASK"));
    return {per_cpu * kMiB * cpus, "Slurm's grant (SLURM_MEM_PER_CPU)"};
  }
  if (const auto per_node = env_number("SLURM_MEM_PER_NODE"); per_node > 0) {
    return {per_node * kMiB / ranks,
            "Slurm's grant (SLURM_MEM_PER_NODE over " + std::to_string(ranks) + " ranks)"};
  }
  const std::uint64_t available = available_bytes(), cgroup = cgroup_bytes();
  if (cgroup > 0 && (available == 0 || cgroup < available)) {
    return {cgroup / ranks, "the cgroup limit over " + std::to_string(ranks) + " ranks"};
  }
  if (available > 0) {
    return {available / ranks, "available memory over " + std::to_string(ranks) + " ranks"};
  }
  return {std::uint64_t{4} << 30, "a default (no memory figure found)"};
}

std::uint64_t largest_draws(const study::Scenario& base) {
  return base.job().sensitivity.target_halfwidth > 0
             ? std::max(base.job().n_draws, base.job().sensitivity.max_draws)
             : base.job().n_draws;
}

namespace {

/// What the built scenarios hold: each its resolved inputs and name, the study its axis values
/// (what they share, one Job and the model setups, is in the fixed part; a setup per distinct
/// model settings is small beside the draws' blocks for the models shipped).
std::uint64_t scenario_bytes(const study::Study& study) {
  constexpr std::uint64_t kString = sizeof(std::string) + 16;  // + heap rounding
  std::uint64_t bytes = 0;
  for (std::size_t s = 0; s < study.size(); ++s) {
    bytes += sizeof(study::Scenario) + 48 + sizeof(study::ScenarioPtr) +
             study.scenarios[s]->inputs.size() * sizeof(study::ResolvedInput) + kString +
             study.scenario_names[s].size();
    for (const auto& text : study.value_text[s]) bytes += kString + text.size();
    for (const auto& label : study.value_label[s]) bytes += kString + label.size();
  }
  return bytes;
}

}  // namespace

MemoryNeed memory_need(const study::Study& study, std::size_t first, std::size_t last, int ranks,
                       std::uint64_t n_draws, const MemoryLimit& limit) {
  const auto& base = study.base();
  const auto r = static_cast<std::uint64_t>(std::max(1, ranks));
  const std::uint64_t rows = last - first, bs = base.job().block_size;
  const std::uint64_t n_out = base.model->outputs().size(), n_in = base.inputs.size();
  const std::uint64_t n_union = detail::input_union(study).size();
  const std::uint64_t blocks = (n_draws + bs - 1) / bs;
  const bool block_major = r > 1 && rows < 4 * r;
  const std::uint64_t rows_per_rank = block_major ? rows : (rows + r - 1) / r + 1;
  const std::uint64_t local_draws =
      block_major ? std::min(n_draws, ((blocks + r - 1) / r) * bs) : n_draws;
  MemoryNeed need;
  need.hold_budget = base.job().statistics == "memory"      ? ~std::uint64_t{0}
                     : base.job().statistics == "streaming" ? 0
                                                            : limit.bytes / 4;
  const bool paired = study.size() > 1;
  const std::uint64_t held_row = local_draws * n_out * (paired ? 16 : 8);
  need.holds_all = held_row * (block_major ? rows : 1) <= need.hold_budget;
  std::uint64_t statistics = 0, batch_rows = 0;
  if (need.holds_all) {
    batch_rows = block_major ? rows : std::min(rows_per_rank, kHeldRowsPerBatch);
    // A batch keeps adding rows while their draws fit the budget (one row always fits).
    statistics = std::min(batch_rows * held_row, std::max(held_row, need.hold_budget));
    // Large datasets also count their keys' pages as they arrive, and keep candidates after.
    if (stats::StreamingSummary::paged_hold(n_draws)) {
      statistics += batch_rows * n_out *
                        stats::StreamingSummary::streaming_bytes_per_dataset(kBinadesPerOutput) +
                    stats::StreamingSummary::kDefaultCandidateBudget * 8;
    }
  } else {
    batch_rows = block_major ? rows : std::min(rows_per_rank, kStreamedRowsPerBatch);
    statistics = batch_rows * n_out *
                     stats::StreamingSummary::streaming_bytes_per_dataset(kBinadesPerOutput) +
                 stats::StreamingSummary::kDefaultCandidateBudget * 8;
  }
  // Every enabled measure adds to the blocks, the summary rows, and parts of its own.
  const MemoryShape shape{study, n_draws, r, batch_rows, local_draws, n_in, n_out, n_union};
  std::uint64_t block_bytes = batch_rows * bs * (n_in + 1) * 8 + 3 * bs * n_out * 8;
  std::uint64_t per_row_rows = n_out * (9 + base.job().quantile_levels.size()) * 8;
  std::vector<MemoryPart> measure_parts;
  for (const auto* measure : enabled_measures(base.job())) {
    auto share = measure->memory(shape);
    block_bytes += share.block_bytes;
    per_row_rows += share.row_bytes;
    for (auto& part : share.parts) measure_parts.push_back(std::move(part));
  }
  need.parts = {
      {"program, MPI and HDF5", "", kFixedBytes},
      {"scenarios", "scenarios", scenario_bytes(study)},
      {"blocks of draws", "job.block_size", block_bytes},
      {need.holds_all ? "draws kept for exact statistics" : "streaming statistics state",
       need.holds_all ? "job.draws" : "outputs", statistics},
  };
  for (auto& part : measure_parts) need.parts.push_back(std::move(part));
  need.parts.push_back({"summary rows", "scenarios", rows_per_rank * per_row_rows});
  for (const auto& part : need.parts) need.total += part.bytes;
  return need;
}

std::string memory_refusal(const study::Scenario& base, const MemoryNeed& need,
                           const MemoryLimit& limit, int ranks) {
  if (need.total <= limit.bytes) return {};
  const auto largest =
      std::max_element(need.parts.begin(), need.parts.end(),
                       [](const MemoryPart& a, const MemoryPart& b) { return a.bytes < b.bytes; });
  std::ostringstream message;
  message << "cannot run " << base.job().path << ": it needs about " << format_bytes(need.total)
          << " per rank on " << ranks << " ranks, " << format_bytes(need.total - limit.bytes)
          << " more than the " << format_bytes(limit.bytes) << " a rank may use (" << limit.source
          << "); the largest part is " << largest->name << ", " << format_bytes(largest->bytes);
  if (!largest->key.empty()) message << ", driven by " << largest->key;
  message << " (lower it, use more ranks, or set job.memory_limit)";
  return message.str();
}

std::string format_bytes(std::uint64_t bytes) {
  char text[32];
  const double b = static_cast<double>(bytes);
  if (bytes >= (std::uint64_t{1} << 30)) {
    std::snprintf(text, sizeof text, "%.2f GiB", b / (1 << 30));
  } else {
    std::snprintf(text, sizeof text, "%.1f MiB", b / (1 << 20));
  }
  return text;
}

}  // namespace costsweep::driver
