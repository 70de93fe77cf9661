#pragma once
/// Writes a result file in parallel (MPI-IO) under a temporary name and renames it to its final
/// name only when complete, so a failed or killed run never leaves a file that looks finished.
#include <Eigen/Core>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "io/h5_handle.hpp"
#include "io/layout.hpp"
#include "io/result.hpp"
#include "mpi/communicator.hpp"

namespace costsweep::io {

/// This rank's draws [first_draw, first_draw + values.rows()) of one scenario row, one column
/// per variable.
struct SamplePiece {
  std::uint64_t row;
  std::uint64_t first_draw;
  const Eigen::ArrayXXd* values;
};

class ResultWriter {
 public:
  /// Collective. Creates partial_path (every rank passes the same name, unique to the run, e.g.
  /// from partial_name; it must not exist) with MPI-IO. Throws H5Error.
  ResultWriter(const mpi::Communicator& comm, std::string final_path, std::string partial_path);
  ResultWriter(const ResultWriter&) = delete;
  ResultWriter& operator=(const ResultWriter&) = delete;
  /// Closes the file if still open and, on rank 0, removes the partial file unless finish()
  /// succeeded. Never throws.
  ~ResultWriter();

  /// Collective. Creates every per-scenario dataset of the layout (kDatasets' row data) that
  /// extents has (/summary; /sensitivity/sobol, /sensitivity/rank when it has them) and writes
  /// this rank's rows [first_row, first_row + rows' scenarios) (a rank may pass none).
  void write_summary(const Extents& extents, std::uint64_t first_row, const SummaryRows& rows);
  /// Collective. Creates /samples/<kind> of shape [n_scenarios, n_variables, n_draws], chunked
  /// by variable; the draws may grow later (extend_samples).
  void create_samples(const std::string& kind, std::uint64_t n_scenarios, std::uint64_t n_variables,
                      std::uint64_t n_draws);
  /// Collective. Grows the draws of /samples/<kind> to n_draws.
  void extend_samples(const std::string& kind, std::uint64_t n_draws);
  /// Not collective: writes one piece of /samples/<kind> from this rank alone (independent
  /// MPI-IO), so a run streams its draws block by block instead of keeping them.
  void write_sample_block(const std::string& kind, const SamplePiece& piece);
  /// Collective. Writes this rank's pieces of /samples/<kind> (pieces in scenario, then draw
  /// order; a rank may pass none) in one collective write.
  void write_samples(const std::string& kind, const std::vector<SamplePiece>& pieces);
  /// Collective; every rank passes identical values. Closes the parallel file; rank 0 reopens
  /// it alone (parallel HDF5 cannot write variable-length strings) to write the names, the
  /// scenario table, dimension scales and /provenance, closes it and renames it to its final
  /// name. Throws H5Error or RuntimeError on every rank when any step fails on rank 0.
  /// refuse_publish, when set, is asked on rank 0 just before the rename: a non-empty answer
  /// (why this process must not publish, e.g. its launcher died) is thrown instead.
  void finish(const ResultHeader& header, const Provenance& provenance,
              const std::function<std::string()>& refuse_publish = {});

  const std::string& partial_path() const { return partial_path_; }

 private:
  const mpi::Communicator& comm_;  ///< outlives the writer
  int rank_ = 0;
  std::string final_path_;
  std::string partial_path_;
  h5::Handle file_;
  std::map<std::string, h5::Handle> samples_;
  bool finished_ = false;
};

}  // namespace costsweep::io
