#pragma once
/// Writes a result file in parallel (MPI-IO) under a temporary name and renames it to its final
/// name only when complete, so a failed or killed run never leaves a file that looks finished.
#include <mpi.h>

#include <Eigen/Core>
#include <string>
#include <vector>

#include "io/h5_handle.hpp"
#include "io/result.hpp"

namespace costsweep::io {

class ResultWriter {
 public:
  /// Collective. Creates `<final_path>.partial` (truncating any leftover) with MPI-IO. Throws
  /// H5Error.
  ResultWriter(MPI_Comm comm, std::string final_path);
  ResultWriter(const ResultWriter&) = delete;
  ResultWriter& operator=(const ResultWriter&) = delete;
  /// Closes the file if still open and, on rank 0, removes the partial file unless finish()
  /// succeeded. Never throws.
  ~ResultWriter();

  /// Collective. Creates /samples/<kind> of shape [n_scenarios, local.cols(), n_draws] (chunked
  /// by column) and writes this rank's draws [first_draw, first_draw + local.rows()) of scenario
  /// `scenario`, one column of local per variable.
  void write_samples(const std::string& kind, std::uint64_t n_scenarios, std::uint64_t n_draws,
                     std::uint64_t scenario, std::uint64_t first_draw,
                     const Eigen::ArrayXXd& local);
  /// Collective; every rank passes identical values. Closes the parallel file; rank 0 reopens
  /// it alone (parallel HDF5 cannot write variable-length strings) to write the names, summary
  /// arrays and /provenance attributes, closes it and renames it to its final name. Throws
  /// H5Error or RuntimeError on every rank when any step fails on rank 0.
  void finish(const ResultTables& tables, const Provenance& provenance);

  const std::string& partial_path() const { return partial_path_; }

 private:
  MPI_Comm comm_;
  int rank_ = 0;
  std::string final_path_;
  std::string partial_path_;
  h5::Handle file_;
  bool finished_ = false;
};

}  // namespace costsweep::io
