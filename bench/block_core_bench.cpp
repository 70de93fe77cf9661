// Throughput of the vectorised block core on one core: draws per second for the Ishigami model
// (3 uniforms -> 1 output) and for one lognormal variable, plus the exact statistics passes
// and the sort behind the exact quantiles.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <vector>

#include "core/random/philox_stream.hpp"
#include "core/statistics/radix_sort.hpp"
#include "core/statistics/summary.hpp"
#include "driver/block_runner.hpp"
#include "study/study.hpp"

namespace {

using costsweep::study::JobSource;

costsweep::study::StudyPtr make_study(std::uint64_t block_size) {
  JobSource source{"bench.ini", "", {}, {}};
  source.entries = {{"job.model", "ishigami", "bench", false},
                    {"job.block_size", std::to_string(block_size), "bench", false},
                    {"job.output", "/tmp/bench.h5", "bench", false}};
  return costsweep::study::build_study(source);
}

void BM_IshigamiBlock(benchmark::State& state) {
  const auto block_size = static_cast<std::uint64_t>(state.range(0));
  const auto study = make_study(block_size);
  costsweep::driver::BlockRunner runner(*study);
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

// The sort behind the exact quantiles, on one rank's output column: radix sort of order keys
// against the std::sort of a copy of the doubles that it replaced, on the same data.
Eigen::ArrayXd cost_like_values(Eigen::Index n) {
  Eigen::ArrayXd values(n);
  costsweep::random::fill_uniform(1, 4, 0, values);
  return values * 1e9 + 3e8;
}

void BM_SortedOrderKeys(benchmark::State& state) {
  const Eigen::ArrayXd values = cost_like_values(state.range(0));
  for (auto _ : state) {
    const auto keys = costsweep::stats::sorted_order_keys(values);
    benchmark::DoNotOptimize(keys.data());
  }
  state.SetItemsProcessed(state.iterations() * values.size());
}
BENCHMARK(BM_SortedOrderKeys)->Arg(1 << 20)->Arg(1 << 24)->Unit(benchmark::kMillisecond);

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
