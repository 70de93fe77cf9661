#pragma once
/// The command line of `costsweep run` and `validate`: the job file and its overrides.
#include <boost/program_options/options_description.hpp>
#include <string>
#include <vector>

#include "study/job.hpp"

namespace costsweep::cli {

struct JobArguments {
  std::string job;
  std::string output, draws, seed;
  std::vector<std::string> sets;
  std::string shard;
  bool quiet = false;
};

/// The options, bound to args (also printed by --help).
boost::program_options::options_description job_options(JobArguments& args);

/// Parses `<command> JOB.ini [options]`; prints help and exits 0 for --help; throws InputError
/// on bad usage.
JobArguments parse_job_arguments(int argc, char** argv, const char* command);

/// The job's entries from text, followed by the command line's overrides.
study::JobSource job_source(const JobArguments& args, const std::string& text);

/// `--shard I/N` as (I, N), (0, 1) when absent. Throws InputError unless 0 <= I < N.
std::pair<std::size_t, std::size_t> parse_shard(const std::string& text);

}  // namespace costsweep::cli
