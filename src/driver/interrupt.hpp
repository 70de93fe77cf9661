#pragma once
/// Stopping a run on SIGTERM (what Slurm sends before preemption or the time limit), SIGINT
/// (Ctrl-C) or SIGUSR1 (`sbatch --signal`): the handler only records the signal; each rank sees
/// it at its next block of draws (Progress::update) and throws Interrupted, and `run` removes the
/// temporary file and exits with kInterruptedStatus.
#include <cstdint>
#include <string>

#include "core/errors/errors.hpp"

namespace costsweep::driver {

/// The exit status of an interrupted run: nothing was written; run it again.
inline constexpr int kInterruptedStatus = 3;
/// The exit status of a run interrupted after writing its checkpoint: run it again with
/// --resume (the Slurm scripts requeue on it).
inline constexpr int kCheckpointedStatus = 4;

/// Installs the handlers (idempotent). SIGHUP too, unless it is ignored (nohup). A process
/// started by an MPI launcher (mpirun, srun: OMPI_COMM_WORLD_SIZE, PMIX_RANK or PMI_RANK set)
/// also asks the kernel for SIGHUP when its parent, the launcher, dies (PR_SET_PDEATHSIG), so
/// ranks orphaned by a killed mpirun stop at their next block instead of running on.
void install_interrupt_handlers();
/// Why this process must not publish a result: "its launcher (pid N) died" when it was started
/// by a launcher that is gone; empty otherwise.
std::string launcher_problem();
/// The signal received since the handlers were installed, or 0.
int pending_signal() noexcept;
/// "SIGTERM", "SIGINT", "SIGUSR1" or "signal N".
std::string signal_name(int signal);

class Interrupted : public RuntimeError {
 public:
  Interrupted(int signal, std::uint64_t done_draws, std::uint64_t total_draws);
  /// The same interruption after this rank wrote its piece of the checkpoint in `folder`
  /// (`done_rows` of `rows` scenario rows of the run are complete in the checkpoint's pieces).
  Interrupted(const Interrupted& cause, const std::string& folder);
  int signal() const { return signal_; }
  bool checkpointed() const { return checkpointed_; }
  std::uint64_t done_draws() const { return done_; }
  std::uint64_t total_draws() const { return total_; }

 private:
  int signal_;
  std::uint64_t done_, total_;
  bool checkpointed_ = false;
};

}  // namespace costsweep::driver
