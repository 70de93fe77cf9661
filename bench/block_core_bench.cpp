// Throughput of the vectorised block core on one core: draws per second for the Ishigami model
// (3 uniforms -> 1 output) and for one lognormal variable, plus the exact statistics passes
// and the selection behind the exact quantiles.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <vector>

#include "core/random/philox_stream.hpp"
#include "core/statistics/quantile.hpp"
#include "core/statistics/selection.hpp"
#include "core/statistics/summary.hpp"
#include "driver/block_runner.hpp"
#include "study/scenario.hpp"

namespace {

using costsweep::study::JobSource;

costsweep::study::ScenarioPtr make_study(std::uint64_t block_size) {
  JobSource source{"bench.ini", "", {}, {}, {}};
  source.entries = {{"job.model", "ishigami", "bench", false},
                    {"job.block_size", std::to_string(block_size), "bench", false},
                    {"job.draws", "1e15", "bench", false},  // the loop runs far past 10000
                    {"job.output", "/tmp/bench.h5", "bench", false}};
  return costsweep::study::build_scenario(source);
}

void BM_IshigamiBlock(benchmark::State& state) {
  const auto block_size = static_cast<std::uint64_t>(state.range(0));
  const auto study = make_study(block_size);
  costsweep::driver::BlockRunner runner(*study, study->job().n_draws);
  const auto n = static_cast<Eigen::Index>(block_size);
  Eigen::ArrayXXd inputs(n, 3), outputs(n, 1);
  std::uint64_t first = 0;
  for (auto _ : state) {
    runner.run(first, inputs, outputs);
    benchmark::DoNotOptimize(outputs.data());
    first += block_size;
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_IshigamiBlock)->Arg(1024)->Arg(8192)->Arg(65536);

void BM_LognormalBlock(benchmark::State& state) {
  const auto n = static_cast<Eigen::Index>(state.range(0));
  const auto dist = costsweep::dist::parse("lognormal(p10=0.15, p90=0.35)");
  const auto stream = costsweep::random::stream_id("inputs.mfu");
  Eigen::ArrayXd u(n), x(n);
  std::uint64_t first = 0;
  for (auto _ : state) {
    costsweep::random::fill_uniform(1, stream, first, u);
    dist->quantile(u, x);
    benchmark::DoNotOptimize(x.data());
    first += static_cast<std::uint64_t>(n);
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_LognormalBlock)->Arg(8192);

// uniforms + quantile of one variable, per family (the work of one input column).
void family_block(benchmark::State& state, const char* spec) {
  const auto n = static_cast<Eigen::Index>(state.range(0));
  const auto dist = costsweep::dist::parse(spec);
  Eigen::ArrayXd u(n), x(n);
  std::uint64_t first = 0;
  for (auto _ : state) {
    costsweep::random::fill_uniform(1, 5, first, u);
    dist->quantile(u, x);
    benchmark::DoNotOptimize(x.data());
    first += static_cast<std::uint64_t>(n);
  }
  state.SetItemsProcessed(state.iterations() * n);
}
void BM_NormalBlock(benchmark::State& state) { family_block(state, "normal(mean=0, sd=1)"); }
BENCHMARK(BM_NormalBlock)->Arg(8192);
void BM_LoguniformBlock(benchmark::State& state) { family_block(state, "loguniform(1, 1000)"); }
BENCHMARK(BM_LoguniformBlock)->Arg(8192);

// The quantile alone, on fixed uniforms whose tails reach 1e-12.
void family_quantile(benchmark::State& state, const char* spec) {
  const auto n = static_cast<Eigen::Index>(state.range(0));
  const auto dist = costsweep::dist::parse(spec);
  Eigen::ArrayXd u(n), x(n);
  costsweep::random::fill_uniform(1, 6, 0, u);
  for (auto _ : state) {
    dist->quantile(u, x);
    benchmark::DoNotOptimize(x.data());
  }
  state.SetItemsProcessed(state.iterations() * n);
}
void BM_NormalQuantile(benchmark::State& state) { family_quantile(state, "normal(mean=0, sd=1)"); }
BENCHMARK(BM_NormalQuantile)->Arg(8192);
void BM_LognormalQuantile(benchmark::State& state) {
  family_quantile(state, "lognormal(p10=0.15, p90=0.35)");
}
BENCHMARK(BM_LognormalQuantile)->Arg(8192);

void BM_PhiloxUniforms(benchmark::State& state) {
  const auto n = static_cast<Eigen::Index>(state.range(0));
  Eigen::ArrayXd u(n);
  std::uint64_t first = 0;
  for (auto _ : state) {
    costsweep::random::fill_uniform(1, 2, first, u);
    benchmark::DoNotOptimize(u.data());
    first += static_cast<std::uint64_t>(n);
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_PhiloxUniforms)->Arg(8192);

void BM_ExactStatisticsPasses(benchmark::State& state) {
  const auto n = static_cast<Eigen::Index>(state.range(0));
  Eigen::ArrayXd values(n);
  costsweep::random::fill_uniform(1, 3, 0, values);
  values = values * 1e9 + 3e8;  // cost-like magnitudes
  for (auto _ : state) {
    costsweep::stats::FirstPass first;
    first.add(values);
    const auto deviations =
        costsweep::stats::squared_deviations(values, costsweep::stats::mean_of(first));
    benchmark::DoNotOptimize(deviations.value());
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_ExactStatisticsPasses)->Arg(8192);

// The exact quantiles of one rank's output column (5 levels = 10 order statistics): radix
// selection on order keys against sorting a copy of the doubles, on the same data.
Eigen::ArrayXd cost_like_values(Eigen::Index n) {
  Eigen::ArrayXd values(n);
  costsweep::random::fill_uniform(1, 4, 0, values);
  return (values * 3.0).exp() * 1e7;  // 1e7 .. 2e8, lognormal-like spread over 4 binades
}

void BM_SelectQuantiles(benchmark::State& state) {
  const Eigen::ArrayXd values = cost_like_values(state.range(0));
  const auto n = static_cast<std::uint64_t>(values.size());
  std::vector<costsweep::stats::OrderRequest> requests;
  for (const double p : {0.05, 0.25, 0.5, 0.75, 0.95}) {
    const auto at = costsweep::stats::quantile_position(n, p);
    requests.push_back({0, at.lower});
    requests.push_back({0, at.upper});
  }
  for (auto _ : state) {
    std::vector<std::vector<std::uint64_t>> keys(1);
    keys[0].reserve(n);
    for (const double x : values) keys[0].push_back(costsweep::stats::order_key(x));
    const auto x =
        costsweep::stats::select_order_statistics(std::move(keys), requests, [](auto&) {});
    benchmark::DoNotOptimize(x.data());
  }
  state.SetItemsProcessed(state.iterations() * values.size());
}
BENCHMARK(BM_SelectQuantiles)->Arg(1 << 20)->Arg(1 << 24)->Unit(benchmark::kMillisecond);

void BM_StdSortDoubles(benchmark::State& state) {
  const Eigen::ArrayXd values = cost_like_values(state.range(0));
  for (auto _ : state) {
    std::vector<double> sorted(values.begin(), values.end());
    std::sort(sorted.begin(), sorted.end());
    benchmark::DoNotOptimize(sorted.data());
  }
  state.SetItemsProcessed(state.iterations() * values.size());
}
BENCHMARK(BM_StdSortDoubles)->Arg(1 << 20)->Arg(1 << 24)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
