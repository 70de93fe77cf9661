#pragma once
/// Runs a study over MPI ranks and writes its result file.
#include <cstdint>
#include <string>

#include "driver/mpi_env.hpp"
#include "io/result.hpp"
#include "study/study.hpp"

namespace costsweep::driver {

/// The contiguous range of blocks [first, last) that rank owns out of n_blocks over size ranks
/// (the first n_blocks % size ranks get one extra block).
struct BlockRange {
  std::uint64_t first;
  std::uint64_t last;
};
BlockRange blocks_of_rank(std::uint64_t n_blocks, int rank, int size) noexcept;

struct RunOptions {
  bool show_progress = true;
  /// Attributes added to /provenance (command line, version, commit), identical on all ranks.
  io::Provenance extra_provenance;
};

struct RunReport {
  io::ResultTables tables;
  double wall_seconds = 0;
};

/// Collective. Evaluates every draw of the study, reduces the statistics in a fixed order (the
/// results are the same bits for any rank count and block size) and writes the result file
/// atomically. Throws RuntimeError (e.g. a model output is NaN) or H5Error on every rank.
RunReport run(const study::Study& study, const Communicator& comm, const RunOptions& options);

}  // namespace costsweep::driver
