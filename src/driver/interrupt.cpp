#include "driver/interrupt.hpp"

#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>

#include "mpi/communicator.hpp"

namespace costsweep::driver {
namespace {

volatile std::sig_atomic_t received = 0;
pid_t launcher = 0;  // the parent that launched this rank, or 0 when not started by a launcher

extern "C" void record_signal(int signal) { received = signal; }

}  // namespace

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = record_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (const int signal : {SIGTERM, SIGINT, SIGUSR1}) sigaction(signal, &action, nullptr);
  struct sigaction hangup {};
  sigaction(SIGHUP, nullptr, &hangup);
  const bool watch = launcher == 0 && mpi::started_by_launcher();
  if (watch || hangup.sa_handler != SIG_IGN) sigaction(SIGHUP, &action, nullptr);
  if (watch) {
    // A dead launcher's pipes must not kill the rank before it has cleaned up.
    std::signal(SIGPIPE, SIG_IGN);
    launcher = getppid();
    prctl(PR_SET_PDEATHSIG, SIGHUP);
    if (getppid() != launcher) received = SIGHUP;  // it died before the request
  }
}

std::string launcher_problem() {
  if (launcher == 0 || getppid() == launcher) return {};
  return "its launcher (pid " + std::to_string(launcher) + ") died";
}

int pending_signal() noexcept { return received; }

std::string signal_name(int signal) {
  switch (signal) {
    case SIGTERM:
      return "SIGTERM";
    case SIGINT:
      return "SIGINT";
    case SIGUSR1:
      return "SIGUSR1";
    case SIGHUP: {
      const auto problem = launcher_problem();
      return problem.empty() ? "SIGHUP" : "SIGHUP (" + problem + ")";
    }
    default:
      return "signal " + std::to_string(signal);
  }
}

Interrupted::Interrupted(int signal, std::uint64_t done_draws, std::uint64_t total_draws)
    : RuntimeError("interrupted by " + signal_name(signal) + " at about " +
                   std::to_string(done_draws) + " of " + std::to_string(total_draws) +
                   " draws; no result written (exit status 3: run it again)"),
      signal_(signal),
      done_(done_draws),
      total_(total_draws) {}

Interrupted::Interrupted(const Interrupted& cause, const std::string& folder)
    : RuntimeError("interrupted by " + signal_name(cause.signal()) + " at about " +
                   std::to_string(cause.done_draws()) + " of " +
                   std::to_string(cause.total_draws()) + " draws; checkpoint in " + folder +
                   " (exit status 4: run it again with --resume to continue it)"),
      signal_(cause.signal()),
      done_(cause.done_draws()),
      total_(cause.total_draws()),
      checkpointed_(true) {}

}  // namespace costsweep::driver
