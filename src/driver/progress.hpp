#pragma once
/// Progress of a run, shown by rank 0: a single updating line on a terminal, periodic plain
/// lines in a log (e.g. Slurm output).
#include <chrono>
#include <cstdint>
#include <cstdio>

namespace costsweep::driver {

class Progress {
 public:
  /// Shows nothing when enabled is false. total_draws counts the whole job (all ranks).
  Progress(std::uint64_t total_draws, bool enabled, std::FILE* stream = stderr);
  /// Reports that about done_draws of the whole job are finished; prints at most once per
  /// interval (0.2 s on a terminal, 10 s in a log).
  /// Throws Interrupted when a signal is pending, unless check_signal is false (a split batch
  /// that checkpoints notices signals where its ranks agree).
  void update(std::uint64_t done_draws, bool check_signal = true);
  std::uint64_t total() const { return total_; }
  /// Prints the final line.
  void finish();

 private:
  void print(std::uint64_t done_draws, bool final);
  using Clock = std::chrono::steady_clock;
  std::uint64_t total_;
  bool enabled_;
  std::FILE* stream_;
  bool terminal_;
  Clock::time_point start_, last_;
};

}  // namespace costsweep::driver
