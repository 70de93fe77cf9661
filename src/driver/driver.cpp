#include "driver/driver.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <limits>
#include <map>

#include "driver/detail/evaluate.hpp"
#include "driver/detail/owned_rows.hpp"
#include "driver/interrupt.hpp"
#include "driver/measures/measure.hpp"
#include "io/output_file.hpp"
#include "io/result_writer.hpp"

namespace costsweep::driver {

namespace {

using detail::input_union;
using partition::Partition;

/// Streams pass 0's blocks of draws into /samples (independent writes, no copy kept): outputs,
/// and inputs in the columns of the job's input list (NaN where a scenario draws no such input).
/// Draws below `written` (a stopping rule's earlier rounds) are already in the file.
class SampleStream {
 public:
  SampleStream(io::ResultWriter& writer, const study::Study& study, std::size_t first)
      : writer_(writer), study_(study), first_(first), names_(input_union(study)) {}
  void set_written(std::uint64_t written) { written_ = written; }
  void operator()(std::uint64_t row, std::uint64_t first_draw,
                  const Eigen::Ref<const models::Block>& inputs,
                  const Eigen::Ref<const models::Block>& outputs) {
    if (first_draw + static_cast<std::uint64_t>(outputs.rows()) <= written_) return;
    const auto skip = static_cast<Eigen::Index>(written_ > first_draw ? written_ - first_draw : 0);
    const auto n = outputs.rows() - skip;
    const auto& own = study_.scenarios[first_ + row]->inputs;
    buffer_.resize(n, outputs.cols());
    buffer_ = outputs.bottomRows(n);
    writer_.write_sample_block("outputs",
                               {row, first_draw + static_cast<std::uint64_t>(skip), &buffer_});
    buffer_.resize(n, static_cast<Eigen::Index>(names_.size()));
    buffer_.setConstant(std::numeric_limits<double>::quiet_NaN());
    for (std::size_t i = 0; i < own.size(); ++i) {
      const auto at = std::find(names_.begin(), names_.end(), own[i].name()) - names_.begin();
      buffer_.col(at) = inputs.col(static_cast<Eigen::Index>(i)).tail(n);
    }
    writer_.write_sample_block("inputs",
                               {row, first_draw + static_cast<std::uint64_t>(skip), &buffer_});
  }

 private:
  io::ResultWriter& writer_;
  const study::Study& study_;
  std::size_t first_;
  std::vector<std::string> names_;
  std::uint64_t written_ = 0;
  models::Block buffer_;
};

detail::StatisticsPolicy statistics_policy(const study::Scenario& base, const RunOptions& options) {
  using Mode = detail::StatisticsPolicy::Mode;
  return {base.job().statistics == "memory"      ? Mode::kHold
          : base.job().statistics == "streaming" ? Mode::kStream
                                                 : Mode::kAuto,
          options.hold_budget_bytes};
}

/// One pass over the job at n_draws: this rank's tasks evaluated and its rows summarised.
io::SummaryRows run_round(const study::Study& study, const study::ShardRange& shard,
                          const Partition& layout, std::uint64_t n_draws,
                          const mpi::Communicator& comm, const RunOptions& options,
                          SampleStream* samples, const std::string& rounds) {
  const detail::BlockSink sink = [samples](std::uint64_t row, std::uint64_t first_draw,
                                           const Eigen::Ref<const models::Block>& inputs,
                                           const Eigen::Ref<const models::Block>& outputs) {
    (*samples)(row, first_draw, inputs, outputs);
  };
  const detail::BatchContext context{study,
                                     shard.first,
                                     layout,
                                     n_draws,
                                     false,
                                     samples != nullptr ? &sink : nullptr,
                                     options.show_progress && comm.rank() == 0,
                                     comm.size(),
                                     nullptr};
  RowCheckpoint checkpoint(options.checkpoint, comm.rank(), comm.size(), n_draws, rounds);
  auto with_checkpoint = context;
  with_checkpoint.checkpoint = &checkpoint;
  return detail::summarise_owned(with_checkpoint, statistics_policy(study.base(), options), comm);
}

/// The largest half-width of the indices the stopping rule watches in rows: the largest any
/// enabled measure reports (Sobol's, today).
double largest_halfwidth(const study::Job& job, const io::SummaryRows& rows) {
  double largest = 0;
  for (const auto* measure : enabled_measures(job)) {
    if (const auto h = measure->largest_halfwidth(rows)) largest = std::max(largest, *h);
  }
  return largest;
}

std::string format_halfwidth(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

}  // namespace

io::ResultHeader result_header(const study::Study& study, std::size_t first, std::size_t last,
                               std::uint64_t n_draws) {
  io::ResultHeader h;
  const auto& base = study.base();
  h.axis_keys = study.axis_keys;
  h.baseline = static_cast<std::int64_t>(study.baseline);
  h.first_scenario = static_cast<std::int64_t>(first);
  h.total_scenarios = static_cast<std::int64_t>(study.size());
  for (const auto& out : base.model->outputs()) {
    h.output_names.push_back(out.name);
    h.output_units.push_back(out.unit);
    h.output_descriptions.push_back(out.description);
  }
  // Inputs of every scenario of the job (not just these), so shards and a whole run agree.
  h.input_names = input_union(study);
  for (std::size_t s = first; s < last; ++s) {
    h.scenario_names.push_back(study.scenario_names[s]);
    h.value_text.push_back(study.value_text[s]);
    h.value_label.push_back(study.value_label[s]);
    std::vector<std::string> specs(h.input_names.size());
    for (const auto& in : study.scenarios[s]->inputs) {
      specs[static_cast<std::size_t>(
          std::find(h.input_names.begin(), h.input_names.end(), in.name()) -
          h.input_names.begin())] = in.spec();
    }
    h.input_specs.push_back(specs);
  }
  h.quantile_levels = base.job().quantile_levels;
  for (const auto* measure : enabled_measures(base.job())) {
    measure->describe(study, first, last, n_draws, h);
  }
  return h;
}

io::Provenance run_provenance(const study::Study& study, std::uint64_t n_draws,
                              const RunOptions& options, int ranks, double start_unix_seconds,
                              double wall_seconds) {
  const auto& scenario = study.base();
  io::Provenance p = options.extra_provenance;
  p["job_path"] = scenario.job().path;
  p["job_text"] = scenario.job().text;
  p["job_sha256"] = scenario.job().sha256;
  std::string settings;
  for (const auto& [key, value] : study::effective_settings(scenario)) {
    // The stopping rule's rounds may have grown the draws.
    settings += key + " = " + (key == "job.draws" ? std::to_string(n_draws) : value) + "\n";
  }
  p["settings"] = settings;
  for (const auto& file : scenario.data_files()) {
    p["data." + file.key + ".path"] = file.path;
    p["data." + file.key + ".sha256"] = file.sha256;
    p["data." + file.key + ".text"] = file.text;
  }
  p["title"] = scenario.job().title;
  p["model"] = scenario.job().model_name;
  p["seed"] = scenario.job().seed;
  p["draws"] = n_draws;
  p["block_size"] = scenario.job().block_size;
  p["scenarios"] = static_cast<std::uint64_t>(study.size());
  p["grid_mode"] = study.mode;
  p["common_random_numbers"] = std::string(study.common_random_numbers ? "yes" : "no");
  p["shard"] = std::to_string(options.shard_index) + "/" + std::to_string(options.shard_count);
  p["ranks"] = static_cast<std::int64_t>(ranks);
  p["start_time"] = iso_time(start_unix_seconds);
  p["end_time"] = iso_time(start_unix_seconds + wall_seconds);
  p["wall_seconds"] = wall_seconds;
  return p;
}

RunReport run(const study::Study& study, const mpi::Communicator& comm, const RunOptions& options) {
  // Rank 0's clock is the run's clock; every rank writes the same attributes.
  const double start = comm.broadcast(
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
  const auto t0 = std::chrono::steady_clock::now();
  const auto shard = study::shard_range(study.size(), options.shard_index, options.shard_count);
  const auto& base = study.base();
  io::ResultWriter writer(comm, base.job().output_path,
                          options.partial_path.empty() ? io::partial_name(base.job().output_path)
                                                       : options.partial_path);
  const Partition layout(shard.last - shard.first, base.job().n_blocks(), comm.rank(), comm.size());
  // Saved draws stream into the file as pass 0 makes them.
  std::unique_ptr<SampleStream> samples;
  if (base.job().save_samples) {
    writer.create_samples("outputs", layout.rows, base.model->outputs().size(), base.job().n_draws);
    writer.create_samples("inputs", layout.rows, input_union(study).size(), base.job().n_draws);
    samples = std::make_unique<SampleStream>(writer, study, shard.first);
  }
  // The stopping rule doubles the draws and runs again until every watched half-width is small
  // enough: the draws of a round are the first draws of the next (same streams), so the file
  // equals a plain run at the final draws, and the rounds cost at most twice the last one.
  // A resumed run continues the round its checkpoint is of (a stopping rule's draws).
  const auto& rule = base.job().sensitivity;
  const auto& resumed = options.checkpoint.resumed;
  std::uint64_t n = resumed ? resumed->n_draws : base.job().n_draws;
  std::string stopping, rounds = resumed ? resumed->rounds : std::to_string(n);
  std::unique_ptr<Partition> grown;
  if (n != base.job().n_draws) {
    grown = std::make_unique<Partition>(layout.rows,
                                        (n + base.job().block_size - 1) / base.job().block_size,
                                        comm.rank(), comm.size());
  }
  auto owned =
      run_round(study, shard, grown ? *grown : layout, n, comm, options, samples.get(), rounds);
  while (rule.target_halfwidth > 0) {
    // Every rank's rows must be within the target: the largest half-width across ranks.
    std::vector<double> largest{largest_halfwidth(base.job(), owned)};
    comm.max(largest);
    if (largest[0] <= rule.target_halfwidth || 2 * n > rule.max_draws) {
      const bool reached = largest[0] <= rule.target_halfwidth;
      stopping = "target_halfwidth " + format_halfwidth(rule.target_halfwidth) +
                 (reached ? " reached"
                          : " not reached (max_draws " + std::to_string(rule.max_draws) + ")") +
                 " at " + std::to_string(n) + " draws: largest half-width " +
                 format_halfwidth(largest[0]) + "; rounds " + rounds;
      if (!reached && comm.rank() == 0)
        std::fprintf(stderr, "costsweep: warning: %s\n", stopping.c_str());
      break;
    }
    if (options.show_progress && comm.rank() == 0) {
      std::fprintf(stderr, "costsweep: largest half-width %s > %s at %llu draws: %llu draws\n",
                   format_halfwidth(largest[0]).c_str(),
                   format_halfwidth(rule.target_halfwidth).c_str(),
                   static_cast<unsigned long long>(n), static_cast<unsigned long long>(2 * n));
    }
    if (samples) {
      samples->set_written(n);
      writer.extend_samples("outputs", 2 * n);
      writer.extend_samples("inputs", 2 * n);
    }
    n *= 2;
    rounds += " " + std::to_string(n);
    grown = std::make_unique<Partition>(layout.rows,
                                        (n + base.job().block_size - 1) / base.job().block_size,
                                        comm.rank(), comm.size());
    owned = run_round(study, shard, *grown, n, comm, options, samples.get(), rounds);
  }
  const Partition& last = grown ? *grown : layout;
  // The measures' parts of the header (tornado's rows among them) say which parts the file has.
  const auto header = result_header(study, shard.first, shard.last, n);
  const auto extents = io::Extents::of(header, false);
  writer.write_summary(extents, last.owned_first, owned);
  RunReport report;
  report.n_draws = n;
  report.wall_seconds =
      comm.broadcast(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  auto provenance = run_provenance(study, n, options, comm.size(), start, report.wall_seconds);
  if (!stopping.empty()) provenance["stopping"] = stopping;
  if (resumed) provenance["checkpoint_history"] = resume_history(options.checkpoint, comm.size());
  // Ranks orphaned by a killed launcher never publish: a rerun may already own the output.
  writer.finish(header, provenance, launcher_problem);
  return report;
}

}  // namespace costsweep::driver
