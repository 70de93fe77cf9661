#include "partition/partition.hpp"

#include <algorithm>

namespace costsweep::partition {

BlockRange blocks_of_rank(std::uint64_t n_blocks, int rank, int size) noexcept {
  const auto r = static_cast<std::uint64_t>(rank), s = static_cast<std::uint64_t>(size);
  const std::uint64_t base = n_blocks / s, extra = n_blocks % s;
  const std::uint64_t first = r * base + std::min(r, extra);
  return {first, first + base + (r < extra ? 1 : 0)};
}

int rank_of_task(std::uint64_t task, std::uint64_t n_tasks, int size) noexcept {
  const auto s = static_cast<std::uint64_t>(size);
  const std::uint64_t base = n_tasks / s, extra = n_tasks % s;
  if (task < extra * (base + 1)) return static_cast<int>(task / (base + 1));
  return static_cast<int>(extra + (task - extra * (base + 1)) / base);
}

Partition::Partition(std::uint64_t n_rows, std::uint64_t n_blocks, int rank, int size)
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

int Partition::owner(std::uint64_t row, int size) const noexcept {
  return rank_of_task(block_major ? row : row * blocks, rows * blocks, size);
}

bool Partition::is_split(std::uint64_t row) const noexcept {
  return std::binary_search(split_rows.begin(), split_rows.end(), row);
}

std::pair<std::uint64_t, std::uint64_t> Partition::local_blocks(std::uint64_t row) const noexcept {
  if (block_major) {  // task = block * rows + row
    const auto from = [&](std::uint64_t t) { return t <= row ? 0 : (t - row + rows - 1) / rows; };
    return {std::min(from(first_task), blocks), std::min(from(last_task), blocks)};
  }
  const std::uint64_t start = row * blocks;  // task = row * blocks + block
  const auto clamp = [&](std::uint64_t t) { return t <= start ? 0 : std::min(t - start, blocks); };
  return {clamp(first_task), clamp(last_task)};
}

}  // namespace costsweep::partition
