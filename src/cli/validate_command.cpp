// `costsweep validate`: builds every scenario, reports every problem, prints the study.
#include <algorithm>
#include <cstdio>

#include "cli/commands.hpp"
#include "cli/job_arguments.hpp"
#include "driver/measures/registry.hpp"
#include "driver/memory.hpp"
#include "study/study.hpp"

namespace costsweep::cli {
namespace {

void print_study(const study::Scenario& s) {
  std::printf("  model      %s\n", s.job().model_name.c_str());
  for (const auto& [name, value] : s.model_config().values) {
    std::printf("    %s = %s\n", name.c_str(), value.c_str());
  }
  for (const auto& file : s.data_files()) {
    std::printf("  data       %s (%zu rows, sha256 %.12s)\n", file.path.c_str(),
                s.model_config().tables.at(file.key.substr(6)).rows.size(), file.sha256.c_str());
  }
  std::printf("  draws      %llu in %llu blocks of %llu\n",
              static_cast<unsigned long long>(s.job().n_draws),
              static_cast<unsigned long long>(s.job().n_blocks()),
              static_cast<unsigned long long>(s.job().block_size));
  std::printf("  seed       %llu\n  output     %s%s\n",
              static_cast<unsigned long long>(s.job().seed), s.job().output_path.c_str(),
              s.job().save_samples ? " (with samples)" : "");
  std::size_t width = 10;
  for (const auto& input : s.inputs) width = std::max(width, input.name().size());
  std::printf("  inputs (P5 / P50 / P95):\n");
  for (const auto& input : s.inputs) {
    const auto& d = *input.distribution();
    std::printf("    %-*s %-36s %.4g / %.4g / %.4g\n", static_cast<int>(width),
                input.name().c_str(), input.spec().c_str(), d.quantile(0.05), d.quantile(0.5),
                d.quantile(0.95));
  }
  std::printf("  outputs (%zu):\n", s.model->outputs().size());
  for (const auto& out : s.model->outputs()) std::printf("    %s\n", out.name.c_str());
  for (const auto* measure : driver::enabled_measures(s.job())) {
    for (const auto& line : measure->plan_lines(s)) std::printf("  %s\n", line.c_str());
  }
}

/// The run's own memory formula (driver/memory.cpp) for --ranks ranks on one node: printed to
/// out (unless null); false, with the refusal on stderr, when it exceeds what a rank may use.
bool print_memory(const study::Study& study, const JobArguments& args, std::size_t shard_index,
                  std::size_t shard_count, std::FILE* out) {
  const auto& base = study.base();
  const auto range = study::shard_range(study.size(), shard_index, shard_count);
  const auto limit = driver::memory_limit(base, driver::ranks_on_node(args.ranks));
  const auto need = driver::memory_need(study, range.first, range.last, args.ranks,
                                        driver::largest_draws(base), limit);
  const auto refusal = driver::memory_refusal(base, need, limit, args.ranks);
  if (!refusal.empty()) {
    std::fprintf(stderr, "costsweep: error: %s\n", refusal.c_str());
    out = stderr;
  }
  if (out == nullptr) return true;
  std::fprintf(out,
               "  memory     about %s per rank on %d rank%s (a rank may use %s: %s); draws %s\n",
               driver::format_bytes(need.total).c_str(), args.ranks, args.ranks == 1 ? "" : "s",
               driver::format_bytes(limit.bytes).c_str(), limit.source.c_str(),
               need.holds_all ? "kept in memory (one pass)" : "regenerated (two or more passes)");
  for (const auto& part : need.parts) {
    if (part.bytes == 0) continue;
    std::fprintf(out, "    %-36s %s\n", part.name.c_str(),
                 driver::format_bytes(part.bytes).c_str());
  }
  return refusal.empty();
}

}  // namespace

int command_validate(int argc, char** argv) {
  const auto args = parse_job_arguments(argc, argv, "validate");
  const auto [shard_index, shard_count] = parse_shard(args.shard);
  const auto study = study::build_study(job_source(args, study::read_whole_file(args.job, "job")));
  const auto& base = study->base();
  if (const auto problem = shard_problem(shard_index, shard_count, study->size());
      !problem.empty()) {
    throw InputError(problem);
  }
  // A job too big for the memory a rank may use is not valid: refused before the plan.
  if (!print_memory(*study, args, shard_index, shard_count, nullptr)) return 2;
  std::printf("job %s is valid\n", base.job().path.c_str());
  print_study(base);
  std::printf("  scenarios  %zu (%s%s)\n", study->size(), study->mode.c_str(),
              study->common_random_numbers ? ", common random numbers" : ", independent streams");
  for (std::size_t s = 0; s < std::min<std::size_t>(study->size(), kPrintedScenarios); ++s) {
    std::printf("    %zu: %s\n", s, study->scenario_names[s].c_str());
  }
  if (study->size() > kPrintedScenarios) {
    std::printf("    ... and %zu more\n", study->size() - kPrintedScenarios);
  }
  if (shard_count > 1) {
    const auto range = study::shard_range(study->size(), shard_index, shard_count);
    std::printf("  shard      %zu/%zu: scenarios %zu to %zu\n", shard_index, shard_count,
                range.first, range.last == 0 ? 0 : range.last - 1);
  }
  print_memory(*study, args, shard_index, shard_count, stdout);
  return 0;
}

}  // namespace costsweep::cli
