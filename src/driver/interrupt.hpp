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

/// Installs the handlers (idempotent).
void install_interrupt_handlers();
/// The signal received since the handlers were installed, or 0.
int pending_signal() noexcept;
/// "SIGTERM", "SIGINT", "SIGUSR1" or "signal N".
std::string signal_name(int signal);

class Interrupted : public RuntimeError {
 public:
  Interrupted(int signal, std::uint64_t done_draws, std::uint64_t total_draws);
  int signal() const { return signal_; }

 private:
  int signal_;
};

}  // namespace costsweep::driver
