#include "core/statistics/selection.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <barrier>
#include <bit>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "core/statistics/quantile.hpp"

namespace costsweep::stats {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kTiny = std::numeric_limits<double>::denorm_min();

std::uint64_t bits(double x) { return std::bit_cast<std::uint64_t>(x); }

/// values[p][d]: process p's share of dataset d.
using Split = std::vector<std::vector<std::vector<double>>>;

/// Runs select_order_statistics as `split.size()` processes (threads) whose sums meet at a
/// barrier, as MPI_Allreduce would. Returns every process's answer and the number of sums.
std::pair<std::vector<std::vector<double>>, int> run_split(const Split& split,
                                                           const std::vector<OrderRequest>& req) {
  const std::size_t n = split.size();
  std::vector<std::uint64_t> total;
  std::barrier sync(static_cast<std::ptrdiff_t>(n));
  std::vector<std::vector<double>> answers(n);
  std::vector<int> calls(n, 0);
  std::vector<std::thread> threads;
  for (std::size_t p = 0; p < n; ++p) {
    threads.emplace_back([&, p] {
      std::vector<std::vector<std::uint64_t>> keys;
      for (const auto& part : split[p]) {
        keys.emplace_back();
        for (const double x : part) keys.back().push_back(order_key(x));
      }
      answers[p] = select_order_statistics(std::move(keys), req, [&](auto& counts) {
        ++calls[p];
        sync.arrive_and_wait();
        if (p == 0) total.assign(counts.size(), 0);
        sync.arrive_and_wait();
        static std::mutex add;
        {
          const std::lock_guard lock(add);
          for (std::size_t i = 0; i < counts.size(); ++i) total[i] += counts[i];
        }
        sync.arrive_and_wait();
        counts = total;
        sync.arrive_and_wait();
      });
    });
  }
  for (auto& t : threads) t.join();
  return {answers, calls[0]};
}

Split split_randomly(const std::vector<std::vector<double>>& datasets, std::size_t n_parts,
                     std::mt19937_64& rng) {
  Split split(n_parts, std::vector<std::vector<double>>(datasets.size()));
  for (std::size_t d = 0; d < datasets.size(); ++d) {
    for (const double x : datasets[d]) split[rng() % n_parts][d].push_back(x);
  }
  return split;
}

TEST(SelectionTest, EveryRankOfEveryDatasetMatchesSortingTheConcatenation) {
  std::mt19937_64 rng(29);
  std::normal_distribution<double> normal;
  std::vector<std::vector<double>> datasets(3);
  for (int i = 0; i < 300; ++i) datasets[0].push_back(static_cast<int>(rng() % 41) * 0.5 - 10);
  for (int i = 0; i < 200; ++i) datasets[0].push_back(normal(rng) * 1e-300);
  for (int i = 0; i < 1000; ++i) datasets[1].push_back(std::exp(normal(rng)) * 1e8);  // costs
  datasets[2] = {7.0};
  std::vector<OrderRequest> requests;
  for (std::size_t d = 0; d < datasets.size(); ++d) {
    for (std::uint64_t k = 0; k < datasets[d].size(); ++k) requests.push_back({d, k});
  }
  std::shuffle(requests.begin(), requests.end(), rng);
  const auto [answers, calls] = run_split(split_randomly(datasets, 3, rng), requests);
  EXPECT_EQ(calls, 7);
  for (auto& d : datasets) std::sort(d.begin(), d.end());
  for (const auto& answer : answers) {
    for (std::size_t r = 0; r < requests.size(); ++r) {
      const double expected = datasets[requests[r].dataset][requests[r].rank];
      ASSERT_EQ(bits(answer[r]), bits(expected == 0.0 ? 0.0 : expected)) << r;
    }
  }
}

TEST(SelectionTest, ManyDatasetsAreSelectedInChunksOfBoundedHistograms) {
  // More datasets than one chunk holds (two and a bit chunks), some empty on some processes.
  std::mt19937_64 rng(41);
  std::lognormal_distribution<double> lognormal(0.0, 2.0);
  std::vector<std::vector<double>> datasets(2 * kChunkDatasets + 7);
  for (std::size_t d = 0; d < datasets.size(); ++d) {
    for (std::size_t i = 0; i < 1 + d % 13; ++i) datasets[d].push_back(lognormal(rng) - 1.0);
  }
  std::vector<OrderRequest> requests;
  for (std::size_t d = 0; d < datasets.size(); ++d) {
    requests.push_back({d, 0});
    requests.push_back({d, datasets[d].size() / 2});
    requests.push_back({d, datasets[d].size() - 1});
  }
  std::shuffle(requests.begin(), requests.end(), rng);
  const auto [answers, calls] = run_split(split_randomly(datasets, 3, rng), requests);
  EXPECT_EQ(calls, 3 * 7);  // 7 rounds per chunk of kChunkDatasets
  for (auto& d : datasets) std::sort(d.begin(), d.end());
  for (const auto& answer : answers) {
    for (std::size_t r = 0; r < requests.size(); ++r) {
      ASSERT_EQ(bits(answer[r]), bits(datasets[requests[r].dataset][requests[r].rank])) << r;
    }
  }
}

TEST(SelectionTest, GivesTheSameBitsForAnySplitIntoProcesses) {
  std::mt19937_64 rng(5);
  std::lognormal_distribution<double> lognormal(18.0, 1.3);
  std::vector<std::vector<double>> datasets(1);
  for (int i = 0; i < 5000; ++i) datasets[0].push_back(lognormal(rng));
  const std::vector<OrderRequest> requests = {{0, 0}, {0, 249}, {0, 250}, {0, 2499}, {0, 4999}};
  const auto one = run_split(split_randomly(datasets, 1, rng), requests).first[0];
  for (const std::size_t parts : {2u, 3u, 5u}) {
    const auto many = run_split(split_randomly(datasets, parts, rng), requests).first;
    for (const auto& answer : many) EXPECT_EQ(answer, one) << parts << " parts";
  }
}

TEST(SelectionTest, HandlesInfinitiesSubnormalsSignedZerosAndEmptyParts) {
  const Split split = {{{-kInf, 0.0}}, {{-0.0, kTiny}}, {{-kTiny, kInf}}, {{}}};
  const std::vector<OrderRequest> requests = {{0, 5}, {0, 0}, {0, 1}, {0, 2}, {0, 3}, {0, 4}};
  const auto answers = run_split(split, requests).first;
  const std::vector<double> expected = {kInf, -kInf, -kTiny, 0.0, 0.0, kTiny};
  for (const auto& answer : answers) {
    for (std::size_t i = 0; i < answer.size(); ++i) EXPECT_EQ(bits(answer[i]), bits(expected[i]));
  }
}

TEST(SelectionTest, MatchesNumpyQuantilesBitForBitThroughLerp) {
  // tests/data/numpy_quantiles.txt: numpy 1.24 np.quantile of 7 arrays at 20 levels each.
  std::ifstream in(std::string(COSTSWEEP_TEST_DATA_DIR) + "/numpy_quantiles.txt");
  std::vector<std::vector<double>> datasets;
  std::vector<std::vector<std::pair<double, double>>> answers;
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string tag;
    fields >> tag;
    if (tag == "data") {
      datasets.emplace_back();
      answers.emplace_back();
    } else if (tag == "x") {
      fields >> datasets.back().emplace_back();
    } else if (tag == "q") {
      auto& [p, q] = answers.back().emplace_back();
      fields >> p >> q;
    }
  }
  ASSERT_EQ(datasets.size(), 7u);
  std::vector<OrderRequest> requests;
  std::vector<std::pair<QuantilePosition, double>> expected;
  for (std::size_t d = 0; d < datasets.size(); ++d) {
    for (const auto& [p, q] : answers[d]) {
      const auto at = quantile_position(datasets[d].size(), p);
      requests.push_back({d, at.lower});
      requests.push_back({d, at.upper});
      expected.emplace_back(at, q);
    }
  }
  std::mt19937_64 rng(23);
  const auto x = run_split(split_randomly(datasets, 3, rng), requests).first[0];
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const double q = lerp(x[2 * i], x[2 * i + 1], expected[i].first.weight);
    EXPECT_EQ(bits(q), bits(expected[i].second)) << i;
  }
}

// The k-th smallest by std::nth_element on a copy, with -0.0 read as the shared zero key.
double nth(std::vector<double> values, std::uint64_t k) {
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
  const double x = values[k];
  return x == 0.0 ? 0.0 : x;
}

TEST(SelectionTest, LargeDatasetsWithTiesAndDuplicatesMatchNthElement) {
  // Enough keys for the interleaved first-round histograms and the lookup table of later
  // rounds; values in binades 1.5 and 3.0 (and -1.5) share their top significand bits, so the
  // table's slots collide. Heavy ties: a few distinct values repeated thousands of times.
  std::mt19937_64 rng(61);
  std::lognormal_distribution<double> lognormal(18.0, 0.4);
  std::vector<std::vector<double>> datasets(4);
  for (int i = 0; i < 200000; ++i) datasets[0].push_back(lognormal(rng));
  for (int i = 0; i < 100000; ++i) {
    const double base = std::array{1.5, 3.0, -1.5, 6.0}[rng() % 4];
    datasets[1].push_back(base + static_cast<double>(rng() % 50) * 0x1p-40);
  }
  for (int i = 0; i < 60000; ++i) datasets[2].push_back(static_cast<double>(rng() % 5) - 2.0);
  datasets[2].push_back(-0.0);
  datasets[3].assign(40000, 2.5);  // one value only
  datasets[3].push_back(-kInf);
  std::vector<OrderRequest> requests;
  for (std::size_t d = 0; d < datasets.size(); ++d) {
    const std::uint64_t n = datasets[d].size();
    for (const double p : {0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0}) {
      const auto at = quantile_position(n, p);
      requests.push_back({d, at.lower});
      requests.push_back({d, at.upper});
    }
    for (int i = 0; i < 10; ++i) requests.push_back({d, rng() % n});
  }
  for (const std::size_t parts : {1u, 2u}) {
    const auto answers = run_split(split_randomly(datasets, parts, rng), requests).first;
    for (const auto& answer : answers) {
      for (std::size_t r = 0; r < requests.size(); ++r) {
        const double expected = nth(datasets[requests[r].dataset], requests[r].rank);
        ASSERT_EQ(bits(answer[r]), bits(expected)) << "request " << r << ", " << parts;
      }
    }
  }
}

TEST(SelectionTest, RejectsARankBeyondTheData) {
  std::vector<std::vector<std::uint64_t>> keys = {{order_key(1.0), order_key(2.0)}};
  const std::vector<OrderRequest> requests = {{0, 2}};
  EXPECT_THROW(select_order_statistics(std::move(keys), requests, [](auto&) {}),
               std::invalid_argument);
}

}  // namespace
}  // namespace costsweep::stats
