#pragma once
/// Checkpoints and resume of a run (io/checkpoint.hpp holds the pieces' format). Each rank
/// writes its own piece, the scenario rows it owns and has finished, every
/// `job.checkpoint_interval` seconds (after a batch of rows) and when it is interrupted by a
/// signal; no rank waits for another to write. A resumed run takes the union of the pieces'
/// rows as done (at any rank count: a row's results do not depend on who computed it) and
/// computes the others, so its file equals an uninterrupted run's.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "io/checkpoint.hpp"
#include "io/result.hpp"
#include "study/study.hpp"

namespace costsweep::driver {

/// What a run knows of checkpoints.
struct CheckpointOptions {
  std::string folder;           ///< empty: no checkpoints
  double interval_seconds = 0;  ///< > 0: a piece after the first batch this long after the last
  io::CheckpointIdentity identity;
  /// The union of the pieces of the run this one resumes, or null (a first run).
  std::shared_ptr<const io::CheckpointPiece> resumed;
  double start_unix = 0;  ///< when this run started (rank 0's clock)
};

/// Every setting that makes a row's numbers what they are: the job text's SHA-256, each
/// effective setting (but block size, statistics mode, memory limit, checkpoint interval and
/// output, which change no number), each data file's SHA-256, scenarios, shard, common random
/// numbers, costsweep version and commit (from build), result layout.
io::CheckpointIdentity run_identity(const study::Study& study, std::size_t shard_index,
                                    std::size_t shard_count, const io::Provenance& build);

/// Reads every piece in folder and checks it against identity; returns their union: the rows of
/// the latest round (a stopping rule's largest draws), the highest generation and its history,
/// and the split-batch states to merge: of the latest pass any piece reached, newest first,
/// each kept if its blocks overlap none kept before (a resumed run's rank 0 carries the states
/// it resumed from: an older piece it covers is left out); past pass 0 also a state holding the
/// measures' whole rows. Null when the folder holds no piece. Throws InputError naming the
/// piece and what differs.
std::shared_ptr<io::CheckpointPiece> load_checkpoint(const std::string& folder,
                                                     const io::CheckpointIdentity& identity);

/// One rank's checkpointing during one round of a run.
class RowCheckpoint {
 public:
  /// A disabled checkpoint (options.folder empty) writes nothing and knows no row as done.
  RowCheckpoint(const CheckpointOptions& options, int rank, int ranks, std::uint64_t n_draws,
                std::string rounds);
  bool enabled() const { return !options_.folder.empty(); }
  /// A row's results from the resumed run at this round's draws, or null.
  const io::SummaryRows* done(std::uint64_t row) const;
  std::uint64_t done_rows() const;
  /// Writes this rank's piece of `rows` (the complete rows it owns) when the interval has
  /// passed since the last one, or now when `stopped_by` names a signal; never an empty piece
  /// (a rank that finished no row yet has nothing to keep).
  void write_if_due(const io::CheckpointRows& rows, const std::string& stopped_by = {});
  /// Whether the interval has passed since the last piece (what rank 0 tells the others when
  /// they agree on a checkpoint inside a split batch).
  bool due() const;
  /// Writes this rank's piece now (a split batch's agreed checkpoint; stopped_by as above).
  void write_now(const io::CheckpointRows& rows, const std::string& stopped_by = {});
  /// The state of the split batch this rank is in the middle of, kept in every piece written
  /// until clear_split() (after the batch's rows are complete).
  void set_split(io::SplitPiece split);
  void clear_split();
  /// The resumed run's states of a split batch of these rows, at this round's draws and this
  /// block size, chosen by load_checkpoint to merge (empty: none).
  std::vector<const io::SplitPiece*> resumed_split(const std::vector<std::uint64_t>& rows,
                                                   std::uint64_t block_size) const;
  const std::string& folder() const { return options_.folder; }

 private:
  const CheckpointOptions& options_;
  void write(const io::CheckpointRows& rows, const std::string& stopped_by);
  io::CheckpointPiece piece_;  ///< this rank's piece, without its rows
  std::chrono::steady_clock::time_point last_;
};

/// A time as ISO 8601 UTC, e.g. 2026-12-03T12:09:26Z (provenance, checkpoint history).
std::string iso_time(double unix_seconds);

/// What a checkpoint holds of scenarios in the middle of their draws, for messages: "" when
/// nothing, else e.g. "; 1 more in the middle of its draws (pass 1 of its statistics, 40% of
/// it done)".
std::string in_the_middle(const io::CheckpointPiece& merged);

/// The provenance line of a resumed run: its generations and how each ended.
std::string resume_history(const CheckpointOptions& options, int ranks);

}  // namespace costsweep::driver
