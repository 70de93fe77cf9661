#pragma once
/// MPI lifetime and the duplicated communicator the driver works on.
#include <mpi.h>

#include <string>
#include <vector>

namespace costsweep::driver {

/// Initialises MPI (and silences HDF5's error printing) for its lifetime; finalises on
/// destruction. Create it first in main so every HDF5 object closes before MPI_Finalize.
class MpiEnvironment {
 public:
  MpiEnvironment(int& argc, char**& argv);
  ~MpiEnvironment();
  MpiEnvironment(const MpiEnvironment&) = delete;
  MpiEnvironment& operator=(const MpiEnvironment&) = delete;
};

/// Move-only owner of a duplicate of a communicator, with MPI_ERRORS_RETURN so MPI failures
/// become MpiError instead of aborting silently.
class Communicator {
 public:
  explicit Communicator(MPI_Comm parent);
  ~Communicator();
  Communicator(Communicator&& other) noexcept;
  Communicator& operator=(Communicator&&) = delete;
  Communicator(const Communicator&) = delete;
  Communicator& operator=(const Communicator&) = delete;

  MPI_Comm get() const noexcept { return comm_; }
  int rank() const noexcept { return rank_; }
  int size() const noexcept { return size_; }

  /// Collective. Rank 0's text on every rank.
  std::string broadcast(const std::string& text) const;
  /// Collective. True on every rank when ok is true on every rank.
  bool all(bool ok) const;
  /// Collective. Elementwise sums, minima or maxima across ranks, in place.
  void sum(std::vector<std::int64_t>& values) const;
  void min(std::vector<double>& values) const;
  void max(std::vector<double>& values) const;
  void sum(std::vector<std::uint64_t>& values) const;
  void min(std::vector<std::uint64_t>& values) const;
  /// Collective. Rank 0's value on every rank.
  double broadcast(double value) const;
  /// Collective. Every rank's values concatenated in rank order on root; empty elsewhere.
  /// Throws MpiError when the total exceeds MPI's int counts.
  std::vector<double> gather(const std::vector<double>& values, int root) const;

  /// Ends every rank of the job with status code (for failures inside the parallel phase, where
  /// other ranks may be waiting in a collective call).
  [[noreturn]] void abort(int code) const noexcept;

 private:
  MPI_Comm comm_ = MPI_COMM_NULL;
  int rank_ = 0;
  int size_ = 1;
};

/// Throws MpiError "cannot <what>: <MPI's error string>" unless status is MPI_SUCCESS.
void check_mpi(int status, const char* what);

}  // namespace costsweep::driver
