#pragma once
/// The error hierarchy of costsweep. Messages follow
/// `cannot <verb> <object>: <reason> [<context>]`.
///
/// - InputError (exit status 2): anything the user can fix in a job, a data file or the
///   command line. ConfigError carries every problem found, so a job reports them all at once.
/// - RuntimeError (exit status 1): the environment failed (MPI, HDF5, file system, a model
///   producing NaN).
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace costsweep {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Thrown for bad user input; the CLI exits with status 2.
class InputError : public Error {
 public:
  using Error::Error;
};

/// Thrown when a job (with its data and overrides) fails validation; lists every problem.
class ConfigError : public InputError {
 public:
  explicit ConfigError(std::vector<std::string> problems);
  const std::vector<std::string>& problems() const noexcept { return problems_; }

 private:
  std::vector<std::string> problems_;
};

/// Thrown when a data file (CSV) is malformed.
class DataError : public InputError {
 public:
  using InputError::InputError;
};

/// Thrown when the environment fails during a run; the CLI exits with status 1.
class RuntimeError : public Error {
 public:
  using Error::Error;
};

/// Thrown when an MPI call fails.
class MpiError : public RuntimeError {
 public:
  using RuntimeError::RuntimeError;
};

/// Thrown when an HDF5 call fails or a result file is not what costsweep expects.
class H5Error : public RuntimeError {
 public:
  using RuntimeError::RuntimeError;
};

/// A message as printed: every quoted part ('...') longer than 80 characters cut to its first 60
/// and last 12 (a formula or a table cell can run to megabytes), and control characters other
/// than line feeds shown as \xNN.
std::string printable(std::string_view message);

}  // namespace costsweep
