#pragma once
/// Exact order statistics of datasets split across processes, by radix selection on order keys
/// (order_key in quantile.hpp): seven rounds, each deciding the next digit (12, 12, then 8 bits)
/// of every wanted key from a histogram summed over all processes. Neither sorts nor gathers the
/// values, and reads each value about twice, since every round keeps only the values that still
/// share a wanted key's decided bytes. The result is the same bits however the values are split.
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace costsweep::stats {

/// One wanted order statistic: the rank-th smallest (0-based) value of dataset `dataset` over all
/// processes. Precondition: rank < the dataset's total size.
struct OrderRequest {
  std::size_t dataset;
  std::uint64_t rank;
};

/// Datasets whose histograms one round holds at once (2^12 counts each).
inline constexpr std::size_t kChunkDatasets = 256;

/// Sums a vector elementwise across all processes, in place (an MPI_Allreduce with MPI_SUM; the
/// identity for a single process). Called 7 times per chunk of kChunkDatasets datasets, with the
/// same length on every process.
using SumAcrossProcesses = std::function<void(std::vector<std::uint64_t>&)>;

/// The requested order statistics, in request order. keys holds, per dataset, this process's
/// share as order keys (no NaN); it is consumed (filtered in place). Every process passes the
/// same requests.
std::vector<double> select_order_statistics(std::vector<std::vector<std::uint64_t>> keys,
                                            std::span<const OrderRequest> requests,
                                            const SumAcrossProcesses& sum);

}  // namespace costsweep::stats
