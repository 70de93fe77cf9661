#pragma once
/// How a run's tasks (scenario rows x blocks of draws) lie on the ranks: pure arithmetic, no MPI,
/// no study. The driver cuts work with it; its rules are unit-tested against brute force
/// (tests/unit/partition_test.cpp).
#include <cstdint>
#include <utility>
#include <vector>

namespace costsweep::partition {

/// The contiguous range [first, last) of n items (tasks, blocks) that rank owns of size ranks;
/// the first n % size ranks get one more.
struct BlockRange {
  std::uint64_t first;
  std::uint64_t last;
};
BlockRange blocks_of_rank(std::uint64_t n_blocks, int rank, int size) noexcept;

/// The rank whose range blocks_of_rank(n_tasks, rank, size) holds task (< n_tasks).
int rank_of_task(std::uint64_t task, std::uint64_t n_tasks, int size) noexcept;

/// Work = rows x blocks, cut into contiguous runs of tasks, one per rank. With many scenarios
/// the tasks are numbered row-major (task = row * blocks + block), so a row lies whole on one
/// rank or is split between consecutive ranks (at most size - 1 are), and its statistics need
/// no communication. With fewer rows than 4 per rank they are numbered block-major instead
/// (task = block * rows + row): every rank then holds about the same stretch of draws of every
/// row (the ends differ by at most one block), and every row is reduced across ranks.
struct Partition {
  std::uint64_t rows, blocks, first_task, last_task;
  bool block_major;
  std::vector<std::uint64_t> split_rows;  ///< rows reduced across ranks; the same on every rank
  std::uint64_t owned_first, owned_last;  ///< rows whose first block is this rank's

  Partition(std::uint64_t n_rows, std::uint64_t n_blocks, int rank, int size);

  /// The rank that writes row's summary: the one holding its first block.
  int owner(std::uint64_t row, int size) const noexcept;
  bool is_split(std::uint64_t row) const noexcept;
  /// This rank's blocks [first, last) of row (first == last: none).
  std::pair<std::uint64_t, std::uint64_t> local_blocks(std::uint64_t row) const noexcept;
};

}  // namespace costsweep::partition
