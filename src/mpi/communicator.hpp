#pragma once
/// Everything MPI: its lifetime, the launcher, and the duplicated communicator with checked
/// collectives that the driver and the result writer work on. The only header that includes
/// <mpi.h>.
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace costsweep::mpi {

/// Whether an MPI launcher (mpirun, srun) started this process: OMPI_COMM_WORLD_SIZE, PMIX_RANK
/// or PMI_RANK is set.
bool started_by_launcher();

/// Initialises MPI for its lifetime; finalises on destruction. Create it first in main so every
/// HDF5 object closes before MPI_Finalize.
class Environment {
 public:
  Environment(int& argc, char**& argv);
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;
};

/// Move-only owner of a duplicate of a communicator, with MPI_ERRORS_RETURN so MPI failures
/// become MpiError instead of aborting silently.
class Communicator {
 public:
  explicit Communicator(MPI_Comm parent);
  /// Every process of the job (MPI_COMM_WORLD), or this one alone (MPI_COMM_SELF).
  static Communicator world() { return Communicator(MPI_COMM_WORLD); }
  static Communicator self() { return Communicator(MPI_COMM_SELF); }
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
  /// Collective, bounded: waits (polling a non-blocking barrier) until every rank has called it
  /// or `seconds` have passed; true when every rank did. A rank that never calls it leaves the
  /// barrier pending: the caller then ends the job (abort). Use a communicator no other
  /// collective is pending on.
  bool barrier_within(double seconds) const;
  /// Collective. Elementwise sums, minima or maxima across ranks, in place.
  void sum(std::vector<std::int64_t>& values) const;
  void min(std::vector<double>& values) const;
  void max(std::vector<double>& values) const;
  void sum(std::vector<std::uint64_t>& values) const;
  void min(std::vector<std::uint64_t>& values) const;
  /// Collective. Rank 0's value on every rank.
  double broadcast(double value) const;

  /// A maximum across ranks started at one point and read at a later one (MPI_Iallreduce), so
  /// that ranks working in between do not wait for each other: only a rank more than one
  /// point ahead of the slowest waits. Every rank starts and reads the same ones in the same
  /// order. One left pending (an exception) is abandoned with its job.
  class PendingMax {
   public:
    bool pending() const noexcept { return request_ != MPI_REQUEST_NULL; }

   private:
    friend class Communicator;
    std::vector<double> values_;
    MPI_Request request_ = MPI_REQUEST_NULL;
  };
  /// Collective (non-blocking): starts the maximum of values; `into` must not be pending.
  void start_max(PendingMax& into, std::vector<double> values) const;
  /// Waits for a started maximum and returns it.
  std::vector<double> finish(PendingMax& pending) const;
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
void check(int status, const char* what);

}  // namespace costsweep::mpi
