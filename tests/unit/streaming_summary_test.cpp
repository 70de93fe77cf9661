#include "core/statistics/streaming_summary.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <barrier>
#include <bit>
#include <cmath>
#include <limits>
#include <mutex>
#include <random>
#include <thread>

#include "core/errors/errors.hpp"
#include "core/statistics/quantile.hpp"

namespace costsweep::stats {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kTiny = std::numeric_limits<double>::denorm_min();
const std::vector<double> kLevels = {0.0, 0.001, 0.05, 0.25, 0.5, 0.75, 0.95, 0.999, 1.0};

std::uint64_t bits(double x) { return std::bit_cast<std::uint64_t>(x); }

/// One dataset's values and, when paired, its baseline's values on the same draws.
struct Data {
  std::vector<double> values;
  std::vector<double> baseline;  ///< empty: unpaired
};

/// The reference: sorted values read by quantile_sorted (numpy's linear method, pinned in
/// quantile_test), moments from FirstPass and squared_deviations over all values at once.
DatasetSummary reference(const Data& data) {
  DatasetSummary s;
  const Eigen::Map<const Eigen::ArrayXd> x(data.values.data(),
                                           static_cast<Eigen::Index>(data.values.size()));
  FirstPass first, first_diff;
  first.add(x);
  Eigen::ArrayXd diff = Eigen::ArrayXd::Zero(x.size());
  if (!data.baseline.empty()) {
    diff = x - Eigen::Map<const Eigen::ArrayXd>(data.baseline.data(), x.size());
    first_diff.add(diff);
  }
  first_diff.count = first.count;
  s.value = finish_moments(first, squared_deviations(x, mean_of(first)));
  s.diff = finish_moments(first_diff, data.baseline.empty()
                                          ? ExactSum()
                                          : squared_deviations(diff, mean_of(first_diff)));
  std::vector<double> sorted(data.values);
  std::sort(sorted.begin(), sorted.end());
  for (const double p : kLevels) s.quantiles.push_back(quantile_sorted(sorted, p));
  return s;
}

/// Sums across `n` threads that meet at a barrier, as MPI_Allreduce would.
class ThreadReducer {
 public:
  explicit ThreadReducer(std::size_t n) : n_(n), sync_(static_cast<std::ptrdiff_t>(n)) {}
  template <typename T, typename Op>
  void reduce(std::size_t p, std::vector<T>& v, Op op) {
    auto& total = typed<T>();
    sync_.arrive_and_wait();  // every process holds its part
    {
      const std::lock_guard lock(mutex_);
      if (!started_) {
        total = v;
        started_ = true;
      } else {
        for (std::size_t i = 0; i < v.size(); ++i) total[i] = op(total[i], v[i]);
      }
    }
    sync_.arrive_and_wait();  // every part is in
    v = total;
    sync_.arrive_and_wait();  // every process has read the total
    if (p == 0) started_ = false;
  }
  Reductions for_process(std::size_t p) {
    return {[this, p](std::vector<std::int64_t>& v) { reduce(p, v, std::plus<>()); },
            [this, p](std::vector<double>& v) {
              reduce(p, v, [](double a, double b) { return std::min(a, b); });
            },
            [this, p](std::vector<double>& v) {
              reduce(p, v, [](double a, double b) { return std::max(a, b); });
            },
            [this, p](std::vector<std::uint64_t>& v) { reduce(p, v, std::plus<>()); }};
  }

 private:
  template <typename T>
  std::vector<T>& typed() {
    if constexpr (std::is_same_v<T, std::int64_t>) return ints_;
    if constexpr (std::is_same_v<T, double>) return doubles_;
    if constexpr (std::is_same_v<T, std::uint64_t>) return counts_;
  }
  std::size_t n_;
  std::barrier<> sync_;
  std::mutex mutex_;
  bool started_ = false;
  std::vector<std::int64_t> ints_;
  std::vector<double> doubles_;
  std::vector<std::uint64_t> counts_;
};

/// Summarises datasets split over `processes` (contiguous shares) fed in chunks of `chunk`
/// values; returns each process's results (which must agree) and the passes made.
std::vector<std::vector<DatasetSummary>> run(const std::vector<Data>& data, std::size_t processes,
                                             std::size_t chunk, bool hold, std::uint64_t budget,
                                             int* passes = nullptr) {
  std::vector<DatasetShape> shapes;
  for (const auto& d : data) shapes.push_back({d.values.size(), !d.baseline.empty()});
  ThreadReducer reducer(processes);
  std::vector<std::vector<DatasetSummary>> out(processes);
  std::vector<std::thread> threads;
  for (std::size_t p = 0; p < processes; ++p) {
    threads.emplace_back([&, p] {
      StreamingSummary summary(shapes, kLevels, hold, budget);
      const auto reduce = processes == 1 ? local_reductions() : reducer.for_process(p);
      while (summary.needs_pass()) {
        for (std::size_t d = 0; d < data.size(); ++d) {
          const std::size_t n = data[d].values.size();
          const std::size_t from = n * p / processes, to = n * (p + 1) / processes;
          for (std::size_t at = from; at < to; at += chunk) {
            const std::size_t m = std::min(chunk, to - at);
            summary.add(d, data[d].values.data() + at,
                        data[d].baseline.empty() ? nullptr : data[d].baseline.data() + at, m);
          }
        }
        summary.end_pass(reduce);
      }
      if (p == 0 && passes != nullptr) *passes = summary.pass();
      out[p] = summary.results();
    });
  }
  for (auto& t : threads) t.join();
  return out;
}

void expect_same_bits(const DatasetSummary& a, const DatasetSummary& b, const std::string& what) {
  EXPECT_EQ(a.value.count, b.value.count) << what;
  for (const auto& [x, y, name] : {std::tuple{a.value.mean, b.value.mean, "mean"},
                                   {a.value.sd, b.value.sd, "sd"},
                                   {a.value.se, b.value.se, "se"},
                                   {a.value.min, b.value.min, "min"},
                                   {a.value.max, b.value.max, "max"},
                                   {a.diff.mean, b.diff.mean, "diff mean"},
                                   {a.diff.se, b.diff.se, "diff se"}}) {
    EXPECT_TRUE(bits(x) == bits(y) || (std::isnan(x) && std::isnan(y)))
        << what << " " << name << ": " << x << " vs " << y;
  }
  ASSERT_EQ(a.quantiles.size(), b.quantiles.size()) << what;
  for (std::size_t i = 0; i < a.quantiles.size(); ++i) {
    EXPECT_EQ(bits(a.quantiles[i]), bits(b.quantiles[i]))
        << what << " level " << kLevels[i] << ": " << a.quantiles[i] << " vs " << b.quantiles[i];
  }
}

std::vector<Data> awkward_datasets() {
  std::mt19937_64 rng(20261201);
  std::lognormal_distribution<double> lognormal(15.0, 1.2);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<Data> data(8);
  for (int i = 0; i < 5000; ++i) data[0].values.push_back(lognormal(rng));  // costs, 1e6..1e8
  for (const double x : data[0].values) data[0].baseline.push_back(x * 0.9 + 1.0);
  for (int i = 0; i < 3001; ++i) data[1].values.push_back(std::floor(normal(rng) * 2.0));  // ties
  for (int i = 0; i < 999; ++i) {  // +-0, subnormals, infinities
    const double pick[] = {0.0, -0.0, kTiny, -kTiny, 3 * kTiny, kInf, -kInf, normal(rng)};
    data[2].values.push_back(pick[i % 8]);
  }
  data[3].values.assign(777, 42.5);  // all equal
  data[3].baseline.assign(777, 40.0);
  data[4].values = {-3.25};                                                       // n = 1
  for (int i = 0; i < 4096; ++i) data[5].values.push_back(1.0 + i * 1e-15);       // one narrow bin
  for (int i = 0; i < 2500; ++i) data[6].values.push_back(normal(rng) * 1e-300);  // tiny, signed
  for (int i = 0; i < 1234; ++i)
    data[7].values.push_back(i % 2 == 0 ? 1.0 : std::nextafter(1.0, 2.0));
  return data;
}

TEST(StreamingSummaryTest, EqualsSortedValuesBitForBitAtAnyProcessCountAndChunk) {
  const auto data = awkward_datasets();
  for (const bool hold : {true, false}) {
    for (const std::size_t processes : {1u, 2u, 3u}) {
      for (const std::size_t chunk : {1u, 7u, 1000u}) {
        const auto results =
            run(data, processes, chunk, hold, StreamingSummary::kDefaultCandidateBudget);
        for (std::size_t p = 0; p < processes; ++p) {
          for (std::size_t d = 0; d < data.size(); ++d) {
            expect_same_bits(results[p][d], reference(data[d]),
                             "hold " + std::to_string(hold) + " np " + std::to_string(processes) +
                                 " chunk " + std::to_string(chunk) + " dataset " +
                                 std::to_string(d));
          }
        }
      }
    }
  }
}

TEST(StreamingSummaryTest, RefinesByCountingWhenCandidatesExceedTheBudget) {
  // A budget of zero keys forces every order statistic to be found by counting alone, 12 bits
  // a pass down to all 64 (24 + 12 + 12 + 12 + 4: four passes after the first).
  const auto data = awkward_datasets();
  for (const std::uint64_t budget : {std::uint64_t{0}, std::uint64_t{50}}) {
    int passes = 0;
    const auto results = run(data, 3, 11, false, budget, &passes);
    for (std::size_t d = 0; d < data.size(); ++d) {
      expect_same_bits(results[0][d], reference(data[d]), "budget " + std::to_string(budget));
    }
    // Ties (an all-equal dataset) never shrink below the budget: they are counted to 64 bits.
    EXPECT_EQ(passes, 5);
  }
  // A budget below the wanted bins' keys: some bins are refined by counting, others kept.
  int passes = 0;
  const auto costs = run({data[0]}, 2, 13, false, 4, &passes);
  expect_same_bits(costs[0][0], reference(data[0]), "costs, budget 4");
  EXPECT_GT(passes, 2);
  {}
}

TEST(StreamingSummaryTest, TwoPassesWhenTheBinsHoldFewValues) {
  const auto data = awkward_datasets();
  int passes = 0;
  run({data[0]}, 2, 100, false, StreamingSummary::kDefaultCandidateBudget, &passes);
  EXPECT_EQ(passes, 2);
  run({data[0]}, 2, 100, true, StreamingSummary::kDefaultCandidateBudget, &passes);
  EXPECT_EQ(passes, 1);
}

/// Datasets of at least 2^20 values, for which hold mode counts pages as the keys arrive.
std::vector<Data> large_datasets() {
  constexpr std::size_t n = StreamingSummary::kPagedHoldMinimum;
  std::mt19937_64 rng(20261202);
  std::lognormal_distribution<double> lognormal(15.0, 1.2);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<Data> data(5);
  for (std::size_t i = 0; i < n; ++i) data[0].values.push_back(lognormal(rng));
  for (const double x : data[0].values) data[0].baseline.push_back(x * 0.9 + 1.0);
  for (std::size_t i = 0; i < n + 3; ++i) data[1].values.push_back(std::floor(normal(rng) * 2));
  for (std::size_t i = 0; i < n; ++i) {
    const double pick[] = {0.0, -0.0, kTiny, -kTiny, 3 * kTiny, kInf, -kInf, normal(rng)};
    data[2].values.push_back(pick[i % 8]);
  }
  data[3].values.assign(n, 42.5);
  for (std::size_t i = 0; i < n; ++i)
    data[4].values.push_back(1.0 + static_cast<double>(i) * 1e-15);
  return data;
}

TEST(StreamingSummaryTest, HoldModeCountingPagesOfLargeDatasetsEqualsSortedValues) {
  const auto data = large_datasets();
  std::vector<DatasetSummary> expected;
  for (const auto& d : data) {
    ASSERT_TRUE(StreamingSummary::paged_hold(d.values.size()));
    expected.push_back(reference(d));
  }
  // The default budget keeps the wanted bins' keys in one read (ties and the narrow dataset
  // excepted); budgets of 0 and 50 keys refine by counting, in further reads of the held keys.
  for (const std::uint64_t budget :
       {StreamingSummary::kDefaultCandidateBudget, std::uint64_t{0}, std::uint64_t{50}}) {
    for (const std::size_t processes : {1u, 3u}) {
      int passes = 0;
      const auto results = run(data, processes, 4096, true, budget, &passes);
      EXPECT_EQ(passes, 1);  // every read is of held keys: the values are fed once
      for (std::size_t p = 0; p < processes; ++p) {
        for (std::size_t d = 0; d < data.size(); ++d) {
          expect_same_bits(results[p][d], expected[d],
                           "budget " + std::to_string(budget) + " np " + std::to_string(processes) +
                               " dataset " + std::to_string(d));
        }
      }
    }
  }
}

/// Through a checkpoint in the middle of every pass: a third of each dataset's values fed, the
/// state saved and loaded back (an interrupted run resuming), a third fed by a second process
/// that starts from the loaded state with the pass cleared, the last third by the first; the
/// two merged, then the pass ends.
std::vector<DatasetSummary> run_through_checkpoints(const std::vector<Data>& data,
                                                    std::uint64_t budget, int* passes) {
  std::vector<DatasetShape> shapes;
  for (const auto& d : data) shapes.push_back({d.values.size(), !d.baseline.empty()});
  StreamingSummary summary(shapes, kLevels, false, budget);
  const auto feed = [&](StreamingSummary& into, std::size_t part) {
    for (std::size_t d = 0; d < data.size(); ++d) {
      const std::size_t n = data[d].values.size();
      const std::size_t from = n * part / 3, to = n * (part + 1) / 3;
      if (to > from) {
        into.add(d, data[d].values.data() + from,
                 data[d].baseline.empty() ? nullptr : data[d].baseline.data() + from, to - from);
      }
    }
  };
  const auto reload = [](const StreamingSummary& from) {
    EXPECT_TRUE(from.can_save());
    serial::ByteWriter out;
    from.save(out);
    serial::ByteReader in(out.bytes(), "test state");
    auto loaded = StreamingSummary::load(in);
    EXPECT_TRUE(in.done());
    return loaded;
  };
  while (summary.needs_pass()) {
    feed(summary, 0);
    summary = reload(summary);
    auto other = reload(summary);
    other.clear_pass();
    feed(other, 1);
    feed(summary, 2);
    summary.merge(reload(other));
    summary.end_pass(local_reductions());
  }
  *passes = summary.pass();
  return summary.results();
}

TEST(StreamingSummaryTest, SavedLoadedAndMergedMidPassEqualsSortedValues) {
  const auto data = awkward_datasets();
  // The default budget (two passes), and budgets that force refining passes by counting.
  for (const std::uint64_t budget :
       {StreamingSummary::kDefaultCandidateBudget, std::uint64_t{0}, std::uint64_t{4}}) {
    int passes = 0;
    const auto results = run_through_checkpoints(data, budget, &passes);
    EXPECT_GE(passes, 2);
    for (std::size_t d = 0; d < data.size(); ++d) {
      expect_same_bits(results[d], reference(data[d]),
                       "budget " + std::to_string(budget) + " dataset " + std::to_string(d));
    }
  }
}

TEST(StreamingSummaryTest, RefusesToMergeDifferentPassesAndDamagedState) {
  const std::vector<DatasetShape> shapes = {{10, false}};
  StreamingSummary a(shapes, kLevels, false), b(shapes, kLevels, false);
  const std::vector<double> values(10, 1.5);
  a.add(0, values.data(), nullptr, values.size());
  a.end_pass(local_reductions());
  EXPECT_THROW(a.merge(b), InputError);
  serial::ByteWriter out;
  a.save(out);
  const std::string cut = out.bytes().substr(0, out.bytes().size() / 2);
  serial::ByteReader in(cut, "test state");
  EXPECT_THROW(StreamingSummary::load(in), InputError);
  StreamingSummary held(shapes, kLevels, true);
  EXPECT_FALSE(held.can_save());
}

TEST(StreamingSummaryTest, NaNValuesAreCountedAndGiveNoQuantiles) {
  Data data{{1.0, std::nan(""), 3.0, std::nan("")}, {}};
  for (const bool hold : {true, false}) {
    const auto result = run({data}, 2, 1, hold, 10)[0][0];
    EXPECT_EQ(result.n_nan, 2);
    EXPECT_EQ(result.value.count, 4);
    for (const double q : result.quantiles) EXPECT_TRUE(std::isnan(q));
  }
  // The same in a dataset large enough for hold mode to count pages.
  Data large{std::vector<double>(StreamingSummary::kPagedHoldMinimum, 2.5), {}};
  large.values[17] = large.values[999'999] = std::nan("");
  const auto result = run({large}, 2, 4096, true, 10)[0][0];
  EXPECT_EQ(result.n_nan, 2);
  EXPECT_EQ(result.value.count, static_cast<std::int64_t>(large.values.size()));
  for (const double q : result.quantiles) EXPECT_TRUE(std::isnan(q));
}

}  // namespace
}  // namespace costsweep::stats
