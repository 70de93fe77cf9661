// The partition's rules checked against brute force: every task is numbered by the rule the
// partition states (row-major, or block-major when there are fewer rows than 4 per rank), given
// to the rank whose contiguous range holds it, and every answer of the partition (a rank's
// blocks of a row, the split rows, a row's owner, the rows a rank owns) is recomputed from that
// assignment task by task.
#include "partition/partition.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <vector>

namespace costsweep::partition {
namespace {

struct Shape {
  std::uint64_t rows, blocks;
};

/// The rank of every task, found by scanning the ranks' ranges (not by rank_of_task).
std::vector<int> ranks_of_tasks(std::uint64_t n_tasks, int size) {
  std::vector<int> rank_of(n_tasks, -1);
  for (int r = 0; r < size; ++r) {
    const auto range = blocks_of_rank(n_tasks, r, size);
    for (auto t = range.first; t < range.last; ++t) rank_of[t] = r;
  }
  return rank_of;
}

/// Task number of (row, block) under the rule the partition states.
std::uint64_t task_of(const Shape& s, bool block_major, std::uint64_t row, std::uint64_t block) {
  return block_major ? block * s.rows + row : row * s.blocks + block;
}

std::vector<Shape> shapes() {
  std::vector<Shape> all;
  for (std::uint64_t rows : {1, 2, 3, 4, 5, 7, 8, 12, 15, 16, 29, 40}) {
    for (std::uint64_t blocks : {1, 2, 3, 5, 8, 13}) all.push_back({rows, blocks});
  }
  return all;
}

TEST(PartitionTest, BlocksOfRankCoverEveryItemOnceInOrderAndBalanced) {
  for (const std::uint64_t n : {0ULL, 1ULL, 2ULL, 5ULL, 123ULL}) {
    for (int size = 1; size <= 7; ++size) {
      std::uint64_t next = 0, smallest = n, largest = 0;
      for (int rank = 0; rank < size; ++rank) {
        const auto range = blocks_of_rank(n, rank, size);
        EXPECT_EQ(range.first, next);
        next = range.last;
        smallest = std::min(smallest, range.last - range.first);
        largest = std::max(largest, range.last - range.first);
        // The first n % size ranks get one more.
        EXPECT_EQ(range.last - range.first,
                  n / static_cast<std::uint64_t>(size) +
                      (static_cast<std::uint64_t>(rank) < n % static_cast<std::uint64_t>(size)));
      }
      EXPECT_EQ(next, n);
      EXPECT_LE(largest - std::min(smallest, largest), 1u) << "unbalanced";
    }
  }
}

TEST(PartitionTest, RankOfTaskIsTheRankWhoseRangeHoldsIt) {
  for (const std::uint64_t n : {1ULL, 2ULL, 7ULL, 64ULL, 1001ULL}) {
    for (int size = 1; size <= 9; ++size) {
      const auto expected = ranks_of_tasks(n, size);
      for (std::uint64_t t = 0; t < n; ++t) {
        ASSERT_EQ(rank_of_task(t, n, size), expected[t]) << "task " << t << " of " << n;
      }
    }
  }
}

TEST(PartitionTest, ManyRowsPerRankAreNumberedRowMajorAndFewBlockMajor) {
  for (int size = 1; size <= 8; ++size) {
    for (std::uint64_t rows = 1; rows <= 40; ++rows) {
      const Partition p(rows, 5, 0, size);
      EXPECT_EQ(p.block_major, size > 1 && rows < 4 * static_cast<std::uint64_t>(size))
          << rows << " rows on " << size << " ranks";
    }
  }
}

TEST(PartitionTest, LocalBlocksAreExactlyTheTasksOfTheRanksRange) {
  for (int size = 1; size <= 7; ++size) {
    for (const auto& s : shapes()) {
      const auto rank_of = ranks_of_tasks(s.rows * s.blocks, size);
      for (int rank = 0; rank < size; ++rank) {
        const Partition p(s.rows, s.blocks, rank, size);
        for (std::uint64_t row = 0; row < s.rows; ++row) {
          std::vector<std::uint64_t> mine;
          for (std::uint64_t b = 0; b < s.blocks; ++b) {
            if (rank_of[task_of(s, p.block_major, row, b)] == rank) mine.push_back(b);
          }
          const auto [first, last] = p.local_blocks(row);
          ASSERT_LE(first, last);
          if (mine.empty()) {
            EXPECT_EQ(first, last) << "rank " << rank << " holds no block of row " << row;
            continue;
          }
          // A rank's blocks of a row are contiguous, and they are the range it is given.
          EXPECT_EQ(mine.back() - mine.front() + 1, mine.size());
          EXPECT_EQ(first, mine.front()) << s.rows << "x" << s.blocks << " on " << size;
          EXPECT_EQ(last, mine.back() + 1) << s.rows << "x" << s.blocks << " on " << size;
        }
      }
    }
  }
}

TEST(PartitionTest, SplitRowsAreTheRowsOnMoreThanOneRankTheSameOnEveryRank) {
  for (int size = 1; size <= 7; ++size) {
    for (const auto& s : shapes()) {
      const auto rank_of = ranks_of_tasks(s.rows * s.blocks, size);
      const Partition first_rank(s.rows, s.blocks, 0, size);
      std::vector<std::uint64_t> expected;
      for (std::uint64_t row = 0; row < s.rows; ++row) {
        std::set<int> holders;
        for (std::uint64_t b = 0; b < s.blocks; ++b) {
          holders.insert(rank_of[task_of(s, first_rank.block_major, row, b)]);
        }
        // Block-major rows are reduced across ranks whatever their blocks' ranks.
        if (first_rank.block_major || holders.size() > 1) expected.push_back(row);
        if (!first_rank.block_major && holders.size() > 1) {
          // Split between consecutive ranks.
          EXPECT_EQ(static_cast<std::size_t>(*holders.rbegin() - *holders.begin() + 1),
                    holders.size());
        }
      }
      if (!first_rank.block_major) {
        EXPECT_LE(expected.size(), static_cast<std::size_t>(size - 1));
      }
      for (int rank = 0; rank < size; ++rank) {
        const Partition p(s.rows, s.blocks, rank, size);
        EXPECT_EQ(p.split_rows, expected) << s.rows << "x" << s.blocks << " on " << size;
        for (std::uint64_t row = 0; row < s.rows; ++row) {
          EXPECT_EQ(p.is_split(row), std::binary_search(expected.begin(), expected.end(), row));
        }
      }
    }
  }
}

TEST(PartitionTest, EachRowIsOwnedByTheRankHoldingItsFirstBlockAndByNoOther) {
  for (int size = 1; size <= 7; ++size) {
    for (const auto& s : shapes()) {
      const auto rank_of = ranks_of_tasks(s.rows * s.blocks, size);
      std::vector<int> owners(s.rows, 0);
      for (int rank = 0; rank < size; ++rank) {
        const Partition p(s.rows, s.blocks, rank, size);
        ASSERT_LE(p.owned_first, p.owned_last);
        for (std::uint64_t row = 0; row < s.rows; ++row) {
          const int holder = rank_of[task_of(s, p.block_major, row, 0)];
          EXPECT_EQ(p.owner(row, size), holder);
          const bool owned = row >= p.owned_first && row < p.owned_last;
          EXPECT_EQ(owned, holder == rank) << "row " << row << " rank " << rank << " of " << size
                                           << ", " << s.rows << "x" << s.blocks;
          owners[row] += owned;
        }
      }
      for (std::uint64_t row = 0; row < s.rows; ++row) EXPECT_EQ(owners[row], 1);
    }
  }
}

TEST(PartitionTest, BlockMajorRanksHoldAboutTheSameStretchOfEveryRow) {
  for (int size = 2; size <= 7; ++size) {
    for (const auto& s : shapes()) {
      for (int rank = 0; rank < size; ++rank) {
        const Partition p(s.rows, s.blocks, rank, size);
        if (!p.block_major) continue;
        for (std::uint64_t row = 1; row < s.rows; ++row) {
          const auto [f0, l0] = p.local_blocks(0);
          const auto [f, l] = p.local_blocks(row);
          // Row r's tasks come after row 0's in each block, so its stretch starts and ends at
          // most one block earlier.
          EXPECT_LE(f, f0);
          EXPECT_LE(f0 - f, 1u);
          EXPECT_LE(l, l0);
          EXPECT_LE(l0 - l, 1u);
        }
      }
    }
  }
}

TEST(PartitionTest, OneRankHoldsEverything) {
  const Partition p(6, 9, 0, 1);
  EXPECT_FALSE(p.block_major);
  EXPECT_TRUE(p.split_rows.empty());
  EXPECT_EQ(p.owned_first, 0u);
  EXPECT_EQ(p.owned_last, 6u);
  for (std::uint64_t row = 0; row < 6; ++row) {
    EXPECT_EQ(p.local_blocks(row), (std::pair<std::uint64_t, std::uint64_t>{0, 9}));
  }
}

}  // namespace
}  // namespace costsweep::partition
