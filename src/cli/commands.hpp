#pragma once
/// The costsweep subcommands. Each returns the process exit status: 0 success, 1 runtime
/// failure, 2 usage or configuration error.
#include <cstddef>

namespace costsweep::cli {

/// Scenarios listed by `run` and `validate` before "... and N more" (`show` lists all).
inline constexpr std::size_t kPrintedScenarios = 12;

int command_run(int argc, char** argv);
int command_validate(int argc, char** argv);
int command_show(int argc, char** argv);
int command_merge(int argc, char** argv);
int command_selftest(int argc, char** argv);
int command_layout(int argc, char** argv);
/// Prints usage, every job key and every built-in model.
void print_help();

}  // namespace costsweep::cli
