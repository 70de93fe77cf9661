#pragma once
/// Guards of a result file's path: it is never one of the run's inputs, and one run at a time
/// writes it (a lock file beside it, held with a POSIX record lock for the whole run, which the
/// kernel drops when the holder dies, so a lock left by a killed run is recognised as stale).
#include <string>
#include <vector>

#include "core/errors/errors.hpp"

namespace costsweep::io {

/// The problem with writing a result to `output` when `inputs` (the job file, its data tables,
/// shards) are read: it is a folder, or the same file as one of them (by inode, so `./a.h5`,
/// a link or another spelling of an input is caught). Empty when there is none.
std::string output_problem(const std::string& output, const std::vector<std::string>& inputs);

/// `<output>.lock`, held from construction until release() or destruction. The file names the
/// holder (host, pid, start time, command) for the message another run prints.
class OutputLock {
 public:
  /// Takes the lock for a run writing `partial` (then renaming it to output). Throws InputError
  /// naming the holder when another live process holds it, or RuntimeError when the lock file
  /// cannot be made. A lock file nobody holds (its run was killed) is taken over and the
  /// temporary file it names removed; stale_note() then describes both.
  OutputLock(const std::string& output, const std::string& command, const std::string& partial);
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;
  ~OutputLock();

  /// Removes the lock file and drops the lock (after the result is renamed into place).
  void release() noexcept;
  /// What a stale lock file said, or empty.
  const std::string& stale_note() const { return stale_; }
  /// `note: <lock> was left by a run that is no longer alive (...); taken over`, or empty.
  std::string takeover_note() const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string stale_;
  int fd_ = -1;
};

/// A temporary name for `output` unique to this run: `<output>.<host>-<pid>.partial` (rank 0's
/// host and pid: every rank passes the name rank 0 chose).
std::string partial_name(const std::string& output);

/// Flushes a finished file to disk and renames it over `final_path`, then flushes the folder so
/// the rename survives a crash. Throws RuntimeError.
void publish(const std::string& partial, const std::string& final_path);

}  // namespace costsweep::io
