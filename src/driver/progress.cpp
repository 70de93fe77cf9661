#include "driver/progress.hpp"

#include <unistd.h>

#include <algorithm>

#include "driver/interrupt.hpp"

namespace costsweep::driver {

Progress::Progress(std::uint64_t total_draws, bool enabled, std::FILE* stream)
    : total_(total_draws),
      enabled_(enabled),
      stream_(stream),
      terminal_(isatty(fileno(stream)) != 0),
      start_(Clock::now()),
      last_(start_) {}

void Progress::update(std::uint64_t done_draws, bool check_signal) {
  // Every block of draws passes here: where a rank notices SIGTERM, SIGINT or SIGUSR1.
  if (const int signal = check_signal ? pending_signal() : 0; signal != 0) {
    throw Interrupted(signal, std::min(done_draws, total_), total_);
  }
  if (!enabled_) return;
  const auto now = Clock::now();
  const auto interval = terminal_ ? std::chrono::milliseconds(200) : std::chrono::seconds(10);
  if (now - last_ < interval) return;
  last_ = now;
  print(done_draws, false);
}

void Progress::finish() {
  if (!enabled_) return;
  print(total_, true);
}

void Progress::print(std::uint64_t done_draws, bool final) {
  done_draws = std::min(done_draws, total_);
  const double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
  const double rate = seconds > 0 ? static_cast<double>(done_draws) / seconds : 0.0;
  const double percent =
      total_ > 0 ? 100.0 * static_cast<double>(done_draws) / static_cast<double>(total_) : 100.0;
  const double eta = rate > 0 ? static_cast<double>(total_ - done_draws) / rate : 0.0;
  std::fprintf(stream_, "%scostsweep: %5.1f%%  %llu/%llu draws  %.3g draws/s  %s %.1f s%s",
               terminal_ ? "\r" : "", percent, static_cast<unsigned long long>(done_draws),
               static_cast<unsigned long long>(total_), rate, final ? "elapsed" : "ETA",
               final ? seconds : eta, terminal_ && !final ? "   " : "\n");
  std::fflush(stream_);
}

}  // namespace costsweep::driver
