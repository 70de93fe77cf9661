#include "driver/driver.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>

#include "core/statistics/quantile.hpp"
#include "core/statistics/selection.hpp"
#include "core/statistics/summary.hpp"
#include "driver/block_runner.hpp"
#include "driver/progress.hpp"
#include "io/result_writer.hpp"

namespace costsweep::driver {

BlockRange blocks_of_rank(std::uint64_t n_blocks, int rank, int size) noexcept {
  const auto r = static_cast<std::uint64_t>(rank), s = static_cast<std::uint64_t>(size);
  const std::uint64_t base = n_blocks / s, extra = n_blocks % s;
  const std::uint64_t first = r * base + std::min(r, extra);
  return {first, first + base + (r < extra ? 1 : 0)};
}

namespace {

using Clock = std::chrono::system_clock;

std::string iso_time(Clock::time_point t) {
  const std::time_t seconds = Clock::to_time_t(t);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

/// This rank's draws: inputs (when samples are saved) and outputs, one column per variable.
struct LocalDraws {
  std::uint64_t first_draw = 0;
  models::Block inputs;
  models::Block outputs;
};

LocalDraws evaluate_local(const study::Study& study, const Communicator& comm, bool progress) {
  const auto range = blocks_of_rank(study.n_blocks(), comm.rank(), comm.size());
  const std::uint64_t first = range.first * study.block_size;
  const std::uint64_t last = std::min(range.last * study.block_size, study.n_draws);
  const auto rows = static_cast<Eigen::Index>(last > first ? last - first : 0);
  const auto n_in = static_cast<Eigen::Index>(study.inputs.size());
  LocalDraws local{first, models::Block(study.save_samples ? rows : 0, n_in),
                   models::Block(rows, static_cast<Eigen::Index>(study.model->outputs().size()))};
  BlockRunner runner(study);
  models::Block scratch(static_cast<Eigen::Index>(study.block_size), n_in);
  Progress meter(study.n_draws, progress && comm.rank() == 0);
  for (Eigen::Index row = 0; row < rows; row += static_cast<Eigen::Index>(study.block_size)) {
    const Eigen::Index n =
        std::min<Eigen::Index>(static_cast<Eigen::Index>(study.block_size), rows - row);
    auto inputs = scratch.topRows(n);
    runner.run(first + static_cast<std::uint64_t>(row), inputs, local.outputs.middleRows(row, n));
    if (study.save_samples) local.inputs.middleRows(row, n) = inputs;
    // Rank 0's share times the rank count estimates the whole job's progress.
    meter.update(static_cast<std::uint64_t>(row + n) * static_cast<std::uint64_t>(comm.size()));
  }
  meter.finish();
  return local;
}

/// First pass of every output, reduced over ranks (exact, so independent of the split).
std::vector<stats::FirstPass> reduce_first_pass(const models::Block& outputs,
                                                const Communicator& comm) {
  const auto n_out = static_cast<std::size_t>(outputs.cols());
  std::vector<stats::FirstPass> passes(n_out);
  std::vector<std::int64_t> packed;
  std::vector<double> mins(n_out), maxs(n_out);
  for (std::size_t o = 0; o < n_out; ++o) {
    passes[o].add(outputs.col(static_cast<Eigen::Index>(o)));
    const auto state = passes[o].sum.state();
    packed.insert(packed.end(), state.begin(), state.end());
    packed.push_back(passes[o].count);
    packed.push_back(passes[o].n_nan);
    mins[o] = passes[o].min;
    maxs[o] = passes[o].max;
  }
  comm.sum(packed);
  comm.min(mins);
  comm.max(maxs);
  constexpr auto kState = static_cast<std::size_t>(stats::ExactSum::kStateSize);
  for (std::size_t o = 0; o < n_out; ++o) {
    const auto* state = packed.data() + o * (kState + 2);
    passes[o].sum =
        stats::ExactSum::from_state(std::span<const std::int64_t, kState>(state, kState));
    passes[o].count = state[kState];
    passes[o].n_nan = state[kState + 1];
    passes[o].min = mins[o];
    passes[o].max = maxs[o];
  }
  return passes;
}

void refuse_nan(const study::Study& study, const std::vector<stats::FirstPass>& passes) {
  for (std::size_t o = 0; o < passes.size(); ++o) {
    if (passes[o].n_nan > 0) {
      throw RuntimeError("cannot summarise output '" + study.model->outputs()[o].name +
                         "': the model returned NaN for " + std::to_string(passes[o].n_nan) +
                         " of " + std::to_string(passes[o].count) +
                         " draws (check the input distributions) [" + study.job_path + "]");
    }
  }
}

std::vector<stats::ExactSum> reduce_squared_deviations(const models::Block& outputs,
                                                       const std::vector<double>& means,
                                                       const Communicator& comm) {
  constexpr auto kState = static_cast<std::size_t>(stats::ExactSum::kStateSize);
  std::vector<std::int64_t> packed;
  for (std::size_t o = 0; o < means.size(); ++o) {
    const auto state =
        stats::squared_deviations(outputs.col(static_cast<Eigen::Index>(o)), means[o]).state();
    packed.insert(packed.end(), state.begin(), state.end());
  }
  comm.sum(packed);
  std::vector<stats::ExactSum> sums;
  for (std::size_t o = 0; o < means.size(); ++o) {
    sums.push_back(stats::ExactSum::from_state(
        std::span<const std::int64_t, kState>(packed.data() + o * kState, kState)));
  }
  return sums;
}

/// Exact quantiles of every output at every level: every order statistic of every output is
/// selected together, in 7 reductions.
std::vector<double> reduce_quantiles(const models::Block& outputs, std::uint64_t n_draws,
                                     const std::vector<double>& levels, const Communicator& comm) {
  const auto n_out = static_cast<std::size_t>(outputs.cols());
  std::vector<std::vector<std::uint64_t>> keys(n_out);
  std::vector<stats::OrderRequest> requests;
  std::vector<stats::QuantilePosition> positions;
  for (std::size_t o = 0; o < n_out; ++o) {
    const auto column = outputs.col(static_cast<Eigen::Index>(o));
    keys[o].reserve(static_cast<std::size_t>(column.size()));
    for (const double x : column) keys[o].push_back(stats::order_key(x));
    for (const double p : levels) {
      positions.push_back(stats::quantile_position(n_draws, p));
      requests.push_back({o, positions.back().lower});
      requests.push_back({o, positions.back().upper});
    }
  }
  const auto values = stats::select_order_statistics(
      std::move(keys), requests, [&](std::vector<std::uint64_t>& counts) { comm.sum(counts); });
  std::vector<double> quantiles;
  for (std::size_t i = 0; i < positions.size(); ++i) {
    quantiles.push_back(stats::lerp(values[2 * i], values[2 * i + 1], positions[i].weight));
  }
  return quantiles;
}

io::ResultTables summarise(const study::Study& study, const models::Block& outputs,
                           const Communicator& comm) {
  io::ResultTables t;
  t.scenario_names = {"baseline"};
  for (const auto& out : study.model->outputs()) {
    t.output_names.push_back(out.name);
    t.output_units.push_back(out.unit);
    t.output_descriptions.push_back(out.description);
  }
  for (const auto& in : study.inputs) {
    t.input_names.push_back(in.name);
    t.input_specs.push_back(in.spec);
  }
  t.quantile_levels = study.quantile_levels;
  const auto passes = reduce_first_pass(outputs, comm);
  refuse_nan(study, passes);
  std::vector<double> means;
  for (const auto& pass : passes) means.push_back(stats::mean_of(pass));
  const auto deviations = reduce_squared_deviations(outputs, means, comm);
  for (std::size_t o = 0; o < passes.size(); ++o) {
    const auto m = stats::finish_moments(passes[o], deviations[o]);
    t.count.push_back(m.count);
    t.mean.push_back(m.mean);
    t.sd.push_back(m.sd);
    t.se.push_back(m.se);
    t.min.push_back(m.min);
    t.max.push_back(m.max);
  }
  t.quantiles = reduce_quantiles(outputs, study.n_draws, study.quantile_levels, comm);
  return t;
}

io::Provenance provenance(const study::Study& study, const Communicator& comm,
                          const RunOptions& options, Clock::time_point start, double wall) {
  io::Provenance p = options.extra_provenance;
  p["job_path"] = study.job_path;
  p["job_text"] = study.job_text;
  p["job_sha256"] = study.job_sha256;
  std::string settings;
  for (const auto& [key, value] : study.settings) settings += key + " = " + value + "\n";
  p["settings"] = settings;
  for (const auto& file : study.data_files) {
    p["data." + file.key + ".path"] = file.path;
    p["data." + file.key + ".sha256"] = file.sha256;
    p["data." + file.key + ".text"] = file.text;
  }
  p["title"] = study.title;
  p["model"] = study.model_name;
  p["seed"] = study.seed;
  p["draws"] = study.n_draws;
  p["block_size"] = study.block_size;
  p["ranks"] = static_cast<std::int64_t>(comm.size());
  p["start_time"] = iso_time(start);
  p["end_time"] = iso_time(
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(wall)));
  p["wall_seconds"] = wall;
  return p;
}

}  // namespace

RunReport run(const study::Study& study, const Communicator& comm, const RunOptions& options) {
  // Rank 0's clock is the run's clock; every rank writes the same attributes.
  const auto start = Clock::from_time_t(static_cast<std::time_t>(
      comm.broadcast(static_cast<double>(Clock::to_time_t(Clock::now())))));
  const auto t0 = std::chrono::steady_clock::now();
  io::ResultWriter writer(comm.get(), study.output_path);
  const LocalDraws local = evaluate_local(study, comm, options.show_progress);
  RunReport report{summarise(study, local.outputs, comm), 0.0};
  if (study.save_samples) {
    writer.write_samples("outputs", 1, study.n_draws, 0, local.first_draw, local.outputs);
    writer.write_samples("inputs", 1, study.n_draws, 0, local.first_draw, local.inputs);
  }
  report.wall_seconds =
      comm.broadcast(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  writer.finish(report.tables, provenance(study, comm, options, start, report.wall_seconds));
  return report;
}

}  // namespace costsweep::driver
