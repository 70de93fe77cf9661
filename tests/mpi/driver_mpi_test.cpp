// Driver pieces on a real communicator (run under mpiexec at 1, 2 and 3 ranks).
#include <gtest/gtest.h>
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/statistics/exact_sum.hpp"
#include "core/statistics/quantile.hpp"
#include "core/statistics/selection.hpp"
#include "driver/driver.hpp"
#include "mpi/communicator.hpp"
#include "partition/partition.hpp"

namespace costsweep::driver {
namespace {

/// A value for global index i with ties, negatives and a wide range, the same on every rank.
double value_at(std::uint64_t i) {
  const double x =
      std::sin(static_cast<double>(i) * 0.7) * std::pow(10.0, static_cast<double>(i % 7));
  return i % 11 == 0 ? std::round(x) : x;
}

TEST(DriverMpiTest, ReducedExactSumEqualsTheSerialSumOnEveryRank) {
  const mpi::Communicator comm(MPI_COMM_WORLD);
  constexpr std::uint64_t kN = 100'003;
  const auto range = partition::blocks_of_rank(kN, comm.rank(), comm.size());
  stats::ExactSum local, serial;
  for (std::uint64_t i = range.first; i < range.last; ++i) local.add(value_at(i));
  for (std::uint64_t i = 0; i < kN; ++i) serial.add(value_at(i));
  const auto state = local.state();
  std::vector<std::int64_t> packed(state.begin(), state.end());
  comm.sum(packed);
  const auto merged = stats::ExactSum::from_state(
      std::span<const std::int64_t, stats::ExactSum::kStateSize>(packed.data(), packed.size()));
  EXPECT_EQ(merged.value(), serial.value());
}

TEST(DriverMpiTest, DistributedQuantilesEqualNumpyDefinitionOnTheWholeData) {
  const mpi::Communicator comm(MPI_COMM_WORLD);
  constexpr std::uint64_t kN = 10'007;
  // Uneven split: rank r holds every index i with i % size == r (a different split than
  // blocks, to show the result does not depend on it).
  std::vector<double> local, all;
  for (std::uint64_t i = 0; i < kN; ++i) {
    all.push_back(value_at(i));
    if (i % static_cast<std::uint64_t>(comm.size()) == static_cast<std::uint64_t>(comm.rank())) {
      local.push_back(value_at(i));
    }
  }
  std::vector<std::vector<std::uint64_t>> keys(1);
  for (const double x : local) keys[0].push_back(stats::order_key(x));
  std::sort(all.begin(), all.end());
  std::vector<std::uint64_t> ranks;
  std::vector<stats::OrderRequest> requests;
  for (std::uint64_t k = 0; k < kN; k += 97) ranks.push_back(k);
  ranks.push_back(kN - 1);
  for (const auto k : ranks) requests.push_back({0, k});
  int calls = 0;
  const auto values = stats::select_order_statistics(std::move(keys), requests,
                                                     [&](std::vector<std::uint64_t>& counts) {
                                                       ++calls;
                                                       comm.sum(counts);
                                                     });
  EXPECT_EQ(calls, 7);
  for (std::size_t i = 0; i < ranks.size(); ++i) EXPECT_EQ(values[i], all[ranks[i]]) << ranks[i];
}

}  // namespace
}  // namespace costsweep::driver

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  const int local_failed = RUN_ALL_TESTS();
  int any_failed = 0;
  MPI_Allreduce(&local_failed, &any_failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Finalize();
  return any_failed;
}
