#pragma once
/// How a run's tasks (scenario rows x blocks of draws) lie on the ranks.
#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "driver/driver.hpp"

namespace costsweep::driver::detail {

/// The rank whose range blocks_of_rank(n_tasks, rank, size) holds task.
inline int rank_of_task(std::uint64_t task, std::uint64_t n_tasks, int size) noexcept {
  const auto s = static_cast<std::uint64_t>(size);
  const std::uint64_t base = n_tasks / s, extra = n_tasks % s;
  if (task < extra * (base + 1)) return static_cast<int>(task / (base + 1));
  return static_cast<int>(extra + (task - extra * (base + 1)) / base);
}

/// Work = rows x blocks, cut into contiguous runs of tasks, one per rank. With many scenarios
/// the tasks are numbered row-major, so a row lies whole on one rank or is split between
/// consecutive ranks (at most size - 1 are), and its statistics need no communication. With
/// fewer rows than 4 per rank they are numbered block-major instead: every rank then holds the
/// same stretch of draws of every row, so the baseline's blocks it pairs with are its own, and
/// every row is reduced across ranks.
struct Layout {
  std::uint64_t rows, blocks, first_task, last_task;
  bool block_major;
  std::vector<std::uint64_t> split_rows;  ///< the same on every rank
  std::uint64_t owned_first, owned_last;  ///< rows whose first block is this rank's

  Layout(std::uint64_t n_rows, std::uint64_t n_blocks, int rank, int size)
      : rows(n_rows),
        blocks(n_blocks),
        block_major(size > 1 && n_rows < 4 * static_cast<std::uint64_t>(size)) {
    const auto mine = blocks_of_rank(rows * blocks, rank, size);
    first_task = mine.first;
    last_task = mine.last;
    if (block_major) {
      for (std::uint64_t r = 0; r < rows; ++r) split_rows.push_back(r);
      owned_first = std::min(first_task, rows);
      owned_last = std::min(last_task, rows);
      return;
    }
    for (int r = 1; r < size; ++r) {
      const auto t = blocks_of_rank(rows * blocks, r, size).first;
      if (t % blocks != 0 && t < rows * blocks &&
          (split_rows.empty() || split_rows.back() != t / blocks)) {
        split_rows.push_back(t / blocks);
      }
    }
    owned_first = (first_task + blocks - 1) / blocks;
    owned_last = std::max(owned_first, (last_task + blocks - 1) / blocks);
  }
  /// The rank that writes row's summary: the one holding its first block.
  int owner(std::uint64_t row, int size) const {
    return rank_of_task(block_major ? row : row * blocks, rows * blocks, size);
  }
  bool is_split(std::uint64_t row) const {
    return std::binary_search(split_rows.begin(), split_rows.end(), row);
  }
  /// This rank's blocks [first, last) of row.
  std::pair<std::uint64_t, std::uint64_t> local_blocks(std::uint64_t row) const {
    if (block_major) {  // task = block * rows + row
      const auto from = [&](std::uint64_t t) { return t <= row ? 0 : (t - row + rows - 1) / rows; };
      return {std::min(from(first_task), blocks), std::min(from(last_task), blocks)};
    }
    const std::uint64_t start = row * blocks;  // task = row * blocks + block
    const auto clamp = [&](std::uint64_t t) {
      return t <= start ? 0 : std::min(t - start, blocks);
    };
    return {clamp(first_task), clamp(last_task)};
  }
};

}  // namespace costsweep::driver::detail
