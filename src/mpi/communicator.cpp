#include "mpi/communicator.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <thread>

#include "core/errors/errors.hpp"

namespace costsweep::mpi {

bool started_by_launcher() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

void check(int status, const char* what) {
  if (status == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(status, text, &length);
  throw MpiError(std::string("cannot ") + what + ": " +
                 std::string(text, static_cast<std::size_t>(length)));
}

Environment::Environment(int& argc, char**& argv) {
  if (!started_by_launcher()) {
    // A single process started without mpirun (an Open MPI singleton): no daemon to fork and
    // no PCI or I/O device discovery by hwloc, which cost ~0.25 s of every such run and serve
    // only multi-process jobs. A user's own setting wins (the last argument, 0).
    setenv("OMPI_MCA_ess_singleton_isolated", "1", 0);
    setenv("HWLOC_COMPONENTS", "-pci,-linuxio", 0);
  }
  if (MPI_Init(&argc, &argv) != MPI_SUCCESS) throw MpiError("cannot initialise MPI");
}

Environment::~Environment() { MPI_Finalize(); }

Communicator::Communicator(MPI_Comm parent) {
  check(MPI_Comm_dup(parent, &comm_), "duplicate the communicator");
  MPI_Comm_set_errhandler(comm_, MPI_ERRORS_RETURN);
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
}

Communicator::~Communicator() {
  if (comm_ != MPI_COMM_NULL) MPI_Comm_free(&comm_);
}

Communicator::Communicator(Communicator&& other) noexcept
    : comm_(other.comm_), rank_(other.rank_), size_(other.size_) {
  other.comm_ = MPI_COMM_NULL;
}

std::string Communicator::broadcast(const std::string& text) const {
  std::uint64_t length = text.size();
  check(MPI_Bcast(&length, 1, MPI_UINT64_T, 0, comm_), "broadcast a length");
  std::string copy = rank_ == 0 ? text : std::string(length, '\0');
  check(MPI_Bcast(copy.data(), static_cast<int>(length), MPI_CHAR, 0, comm_), "broadcast text");
  return copy;
}

bool Communicator::all(bool ok) const {
  int local = ok ? 1 : 0, global = 0;
  check(MPI_Allreduce(&local, &global, 1, MPI_INT, MPI_MIN, comm_), "agree across ranks");
  return global == 1;
}

bool Communicator::barrier_within(double seconds) const {
  MPI_Request request = MPI_REQUEST_NULL;
  check(MPI_Ibarrier(comm_, &request), "start a barrier");
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(std::max(0.0, seconds));
  for (;;) {
    int done = 0;
    check(MPI_Test(&request, &done, MPI_STATUS_IGNORE), "test a barrier");
    if (done != 0) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void Communicator::start_max(PendingMax& into, std::vector<double> values) const {
  if (into.pending()) throw MpiError("a maximum across ranks was started twice");
  into.values_ = std::move(values);
  check(MPI_Iallreduce(MPI_IN_PLACE, into.values_.data(), static_cast<int>(into.values_.size()),
                       MPI_DOUBLE, MPI_MAX, comm_, &into.request_),
        "start a reduction across ranks");
}

std::vector<double> Communicator::finish(PendingMax& pending) const {
  check(MPI_Wait(&pending.request_, MPI_STATUS_IGNORE), "finish a reduction across ranks");
  pending.request_ = MPI_REQUEST_NULL;
  return std::move(pending.values_);
}

namespace {
template <typename T>
void allreduce(MPI_Comm comm, std::vector<T>& values, MPI_Datatype type, MPI_Op op) {
  check(MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), type, op, comm),
        "reduce across ranks");
}
}  // namespace

void Communicator::sum(std::vector<std::int64_t>& v) const {
  allreduce(comm_, v, MPI_INT64_T, MPI_SUM);
}
void Communicator::sum(std::vector<std::uint64_t>& v) const {
  allreduce(comm_, v, MPI_UINT64_T, MPI_SUM);
}
void Communicator::min(std::vector<std::uint64_t>& v) const {
  allreduce(comm_, v, MPI_UINT64_T, MPI_MIN);
}
void Communicator::min(std::vector<double>& v) const { allreduce(comm_, v, MPI_DOUBLE, MPI_MIN); }
void Communicator::max(std::vector<double>& v) const { allreduce(comm_, v, MPI_DOUBLE, MPI_MAX); }

double Communicator::broadcast(double value) const {
  check(MPI_Bcast(&value, 1, MPI_DOUBLE, 0, comm_), "broadcast a number");
  return value;
}

std::vector<double> Communicator::gather(const std::vector<double>& values, int root) const {
  if (values.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw MpiError("cannot gather " + std::to_string(values.size()) +
                   " values from one rank: MPI counts are int");
  }
  const int count = static_cast<int>(values.size());
  std::vector<int> counts(rank_ == root ? static_cast<std::size_t>(size_) : 0), offsets;
  check(MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, root, comm_), "gather counts");
  std::vector<double> all;
  if (rank_ == root) {
    std::int64_t total = 0;
    for (const int c : counts) {
      offsets.push_back(static_cast<int>(total));
      total += c;
      if (total > std::numeric_limits<int>::max()) {
        throw MpiError("cannot gather " + std::to_string(total) + " values: MPI counts are int");
      }
    }
    all.resize(static_cast<std::size_t>(total));
  }
  check(MPI_Gatherv(values.data(), count, MPI_DOUBLE, all.data(), counts.data(), offsets.data(),
                    MPI_DOUBLE, root, comm_),
        "gather values");
  return all;
}

void Communicator::abort(int code) const noexcept {
  MPI_Abort(comm_ == MPI_COMM_NULL ? MPI_COMM_WORLD : comm_, code);
  std::abort();
}

}  // namespace costsweep::mpi
