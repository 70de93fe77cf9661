// Checkpoint pieces: what is written is read back bit for bit; a piece cut at any byte or with
// any bit flipped is refused, never half-used; identities name what differs.
#include "io/checkpoint.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include "core/errors/errors.hpp"
#include "io/layout.hpp"

namespace costsweep::io {
namespace {

CheckpointPiece sample_piece() {
  CheckpointPiece piece;
  piece.identity = {{"job.seed", "1"}, {"job.draws", "1000"}, {"job text (SHA-256)", "abc"}};
  piece.n_draws = 2048;
  piece.rounds = "1024 2048";
  piece.generation = 2;
  piece.rank = 3;
  piece.ranks = 4;
  piece.written_unix = 1.5e9;
  piece.history = "generation 0: 4 ranks\n";
  for (const std::uint64_t row : {0U, 7U, 41U}) {
    SummaryRows r;
    // Values no decimal round trip keeps: the bits must come back.
    r.count = {static_cast<std::int64_t>(row) + 1, -5};
    r.mean = {std::nextafter(1.0 / 3.0, 1.0), -0.0};
    r.quantiles = {std::numeric_limits<double>::denorm_min(),
                   std::numeric_limits<double>::quiet_NaN(), 1e308};
    r.sobol_first = {0.25};
    piece.rows.emplace(row, r);
  }
  SplitPiece split;
  split.generation = 2;
  split.rank = 3;
  split.block_size = 4096;
  split.rows = {42, 43};
  split.pass = 1;
  split.done = {{{0, 5}, {9, 12}}, {}};
  split.summary = std::string("state\0with a zero", 17);
  split.measures = {"sobol", ""};
  split.measures_complete = true;
  piece.split.push_back(split);
  return piece;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

TEST(CheckpointTest, WhatIsWrittenIsReadBackBitForBit) {
  const auto piece = sample_piece();
  const auto back = decode_checkpoint(encode_checkpoint(piece, piece.rows), "p.ckpt");
  EXPECT_EQ(back.identity, piece.identity);
  EXPECT_EQ(back.n_draws, 2048U);
  EXPECT_EQ(back.rounds, "1024 2048");
  EXPECT_EQ(back.generation, 2U);
  EXPECT_EQ(back.rank, 3);
  EXPECT_EQ(back.ranks, 4);
  EXPECT_EQ(back.written_unix, 1.5e9);
  EXPECT_EQ(back.history, piece.history);
  ASSERT_EQ(back.split.size(), 1U);
  const auto& split = back.split[0];
  EXPECT_EQ(split.generation, 2U);
  EXPECT_EQ(split.rank, 3);
  EXPECT_EQ(split.block_size, 4096U);
  EXPECT_EQ(split.rows, piece.split[0].rows);
  EXPECT_EQ(split.pass, 1U);
  EXPECT_EQ(split.done, piece.split[0].done);
  EXPECT_EQ(split.summary, piece.split[0].summary);
  EXPECT_EQ(split.measures, piece.split[0].measures);
  EXPECT_TRUE(split.measures_complete);
  ASSERT_EQ(back.rows.size(), 3U);
  for (const auto& [row, results] : piece.rows) {
    const auto& got = back.rows.at(row);
    for (const auto& spec : kDatasets) {
      if (spec.doubles != nullptr) {
        EXPECT_TRUE(same_bits(got.*spec.doubles, results.*spec.doubles)) << spec.path;
      } else if (spec.integers != nullptr) {
        EXPECT_EQ(got.*spec.integers, results.*spec.integers) << spec.path;
      }
    }
  }
}

TEST(CheckpointTest, APieceCutAtAnyByteOrWithAnyBitFlippedIsRefused) {
  const auto piece = sample_piece();
  const std::string bytes = encode_checkpoint(piece, piece.rows);
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_THROW(decode_checkpoint(bytes.substr(0, n), "p.ckpt"), InputError) << n;
  }
  for (std::size_t i = 0; i < bytes.size(); i += 7) {
    for (int bit = 0; bit < 8; bit += 3) {
      std::string damaged = bytes;
      damaged[i] = static_cast<char>(damaged[i] ^ (1 << bit));
      EXPECT_THROW(decode_checkpoint(damaged, "p.ckpt"), InputError) << i << " " << bit;
    }
  }
  try {
    decode_checkpoint(bytes.substr(0, bytes.size() - 1), "dir/g0-r1.ckpt");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("dir/g0-r1.ckpt"), std::string::npos) << e.what();
  }
}

TEST(CheckpointTest, IdentitiesNameWhatDiffers) {
  const CheckpointIdentity a = {{"job.seed", "1"}, {"job.draws", "1000"}, {"old", "x"}};
  const CheckpointIdentity b = {{"job.seed", "2"}, {"job.draws", "1000"}, {"new", "y"}};
  EXPECT_EQ(identity_difference(a, a), "");
  EXPECT_EQ(identity_difference(a, b),
            "job.seed (checkpoint 1, this run 2); new (not in the checkpoint); old (only in the "
            "checkpoint)");
}

TEST(CheckpointTest, WritesAtomicallyAndListsOnlyWholePieces) {
  const auto folder =
      (std::filesystem::temp_directory_path() / ("costsweep-ckpt-" + std::to_string(getpid())))
          .string();
  std::filesystem::remove_all(folder);
  EXPECT_TRUE(checkpoint_pieces(folder).empty());
  auto piece = sample_piece();
  write_checkpoint(folder, piece, piece.rows);
  std::ofstream(folder + "/g2-r9.ckpt.tmp") << "a write cut short";
  const auto pieces = checkpoint_pieces(folder);
  ASSERT_EQ(pieces.size(), 1U);
  EXPECT_EQ(pieces[0], folder + "/g2-r3.ckpt");
  EXPECT_FALSE(std::filesystem::exists(folder + "/g2-r9.ckpt.tmp"));
  remove_checkpoint(folder);
  EXPECT_FALSE(std::filesystem::exists(folder));
}

}  // namespace
}  // namespace costsweep::io
