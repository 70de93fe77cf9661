#include "driver/interrupt.hpp"

#include <csignal>

namespace costsweep::driver {
namespace {

volatile std::sig_atomic_t received = 0;

extern "C" void record_signal(int signal) { received = signal; }

}  // namespace

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = record_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (const int signal : {SIGTERM, SIGINT, SIGUSR1}) sigaction(signal, &action, nullptr);
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
    default:
      return "signal " + std::to_string(signal);
  }
}

Interrupted::Interrupted(int signal, std::uint64_t done_draws, std::uint64_t total_draws)
    : RuntimeError("interrupted by " + signal_name(signal) + " at about " +
                   std::to_string(done_draws) + " of " + std::to_string(total_draws) +
                   " draws; no result written (exit status 3: run it again)"),
      signal_(signal) {}

}  // namespace costsweep::driver
