#pragma once
/// Checkpoints of a run: the scenario rows a rank has finished, with their results, in a file of
/// its own beside the output (`<output>.checkpoint/g<generation>-r<rank>.ckpt`). A row's
/// results are a pure function of (job, seed, draws), so pieces written by any ranks at any
/// times combine: the union of their rows is what a resumed run need not compute again, and
/// no rank has to wait for another to write its piece.
///
/// A piece is written whole or not at all (a temporary name, fsync, rename, fsync of the
/// folder) and ends with the SHA-256 of its contents; a piece that is truncated, damaged, of
/// another format or of another run (its identity: job text, settings, data files, seed, draws,
/// shard, costsweep version, layout) is refused with a message saying what differs, never
/// half-used.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "io/result.hpp"

namespace costsweep::io {

/// What makes two runs' rows interchangeable, as named fields ("seed" = "1", "job sha256" = ..).
using CheckpointIdentity = std::vector<std::pair<std::string, std::string>>;

/// Blocks [first, last) of a scenario row's draws.
using BlockSpan = std::pair<std::uint64_t, std::uint64_t>;

/// A batch of scenario rows split between ranks (e.g. the one scenario of a run), as one rank
/// left it in the middle of its draws: which blocks of draws of the current pass its state
/// covers, and that state. Pieces of the same pass whose blocks do not overlap merge.
struct SplitPiece {
  std::uint64_t generation = 0;  ///< of the piece it came from
  int rank = 0;                  ///< of the piece it came from
  std::uint64_t block_size = 0;
  std::vector<std::uint64_t> rows;           ///< the batch's rows
  std::uint64_t pass = 0;                    ///< the pass over the draws it is in
  std::vector<std::vector<BlockSpan>> done;  ///< per row: blocks of this pass its state covers
  std::string summary;  ///< the statistics' state (stats::StreamingSummary::save); "" none
  /// Per row, the measures' state (driver/evaluate.cpp's encoding): in pass 0 this rank's
  /// partial over its done blocks; later, complete on the row's owner and "" elsewhere.
  std::vector<std::string> measures;
  bool measures_complete = false;  ///< pass > 0: the measures' states are whole rows'
};

/// One rank's piece.
struct CheckpointPiece {
  CheckpointIdentity identity;
  std::uint64_t n_draws = 0;     ///< draws per scenario of the rows (a stopping rule's round)
  std::string rounds;            ///< the stopping rule's rounds so far, e.g. "1024 2048"
  std::uint64_t generation = 0;  ///< 0 for a first run, +1 for each resume
  int rank = 0, ranks = 1;       ///< who wrote it
  double written_unix = 0;       ///< when
  std::string history;           ///< one line per generation: ranks, start, how it stopped
  std::map<std::uint64_t, SummaryRows> rows;  ///< row (of the shard) -> its results
  /// A written piece: at most one, this rank's state of a split batch it is in the middle of.
  /// The union of a run's pieces (driver::load_checkpoint): the states to merge.
  std::vector<SplitPiece> split;
};

using CheckpointRows = std::map<std::uint64_t, SummaryRows>;

/// `<output>.checkpoint`
std::string checkpoint_folder(const std::string& output);

/// The piece's bytes: a header line, the fields, the rows (every per-row dataset of the layout
/// as its element type, little-endian), then the SHA-256 of all that.
/// piece.rows is ignored: `rows` are written instead (the run's own map, not a copy).
std::string encode_checkpoint(const CheckpointPiece& piece, const CheckpointRows& rows);

/// Decodes a piece; throws InputError naming `path` when it is not a whole, undamaged piece.
CheckpointPiece decode_checkpoint(const std::string& bytes, const std::string& path);

/// Writes a piece atomically as `<folder>/g<generation>-r<rank>.ckpt` (the folder made if
/// needed). Throws RuntimeError.
void write_checkpoint(const std::string& folder, const CheckpointPiece& piece,
                      const CheckpointRows& rows);

/// The pieces' paths in `folder`, sorted (none when it does not exist); leftover temporary
/// files of a write that was cut short are removed.
std::vector<std::string> checkpoint_pieces(const std::string& folder);

/// "" when the identities match, else what differs: "seed (checkpoint 1, this run 2)", ...
std::string identity_difference(const CheckpointIdentity& checkpoint,
                                const CheckpointIdentity& run);

/// Removes the folder and its pieces (after the result is published). Throws RuntimeError.
void remove_checkpoint(const std::string& folder);

}  // namespace costsweep::io
