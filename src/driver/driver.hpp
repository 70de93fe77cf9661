#pragma once
/// Runs a job's scenarios over MPI ranks and writes its result file.
#include <cstdint>
#include <string>

#include "driver/checkpoint.hpp"
#include "io/result.hpp"
#include "mpi/communicator.hpp"
#include "study/study.hpp"

namespace costsweep::driver {

struct RunOptions {
  bool show_progress = true;
  /// Attributes added to /provenance (command line, version, commit), identical on all ranks.
  io::Provenance extra_provenance;
  /// Run only shard `shard_index` of `shard_count` (a contiguous slice of the scenarios).
  std::size_t shard_index = 0;
  std::size_t shard_count = 1;
  /// Held draws per rank above which a batch of rows regenerates its draws instead
  /// (memory_need's hold_budget); ignored when the job forces job.statistics.
  std::uint64_t hold_budget_bytes = std::uint64_t{1} << 30;
  /// The run's temporary file name, the same on every rank (io::partial_name on rank 0); empty:
  /// io::partial_name of the output on each rank (one process).
  std::string partial_path;
  /// Checkpoints to write and the one resumed (driver/checkpoint.hpp); off by default.
  CheckpointOptions checkpoint;
};

struct RunReport {
  double wall_seconds = 0;
  std::uint64_t n_draws = 0;  ///< draws per scenario (the stopping rule may have added some)
};

/// Collective. Cuts scenarios x blocks of draws into tasks spread evenly over the ranks
/// (partition::Partition),
/// evaluates them, reduces every scenario's statistics (the same bits for any rank count, block
/// size or sharding) and writes the result file atomically. Throws RuntimeError (e.g. a model
/// output is NaN) or H5Error on every rank.
RunReport run(const study::Study& study, const mpi::Communicator& comm, const RunOptions& options);

/// The result header (names, scenario table) of scenarios [first, last) of a plan.
io::ResultHeader result_header(const study::Study& study, std::size_t first, std::size_t last,
                               std::uint64_t n_draws);

/// Provenance of a plan's run: job, settings, data files, seed, draws, timing.
io::Provenance run_provenance(const study::Study& study, std::uint64_t n_draws,
                              const RunOptions& options, int ranks, double start_unix_seconds,
                              double wall_seconds);

}  // namespace costsweep::driver
