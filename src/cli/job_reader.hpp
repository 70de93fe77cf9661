#pragma once
/// Reads a job (INI text) with Boost.Program_options into entries that remember their line.
#include <string>
#include <vector>

#include "study/job.hpp"

namespace costsweep::cli {

/// Parses the INI text of the job at path. Throws ConfigError naming file and line for lines
/// that are neither `[section]`, `key = value`, blank nor a `#` comment.
study::JobSource parse_job(const std::string& path, const std::string& text);

/// Appends a command-line override `key=value` (origin names the flag). Throws InputError when
/// it has no '='.
void add_override(study::JobSource& source, const std::string& assignment, const std::string& flag);

}  // namespace costsweep::cli
