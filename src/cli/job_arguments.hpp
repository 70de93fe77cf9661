#pragma once
/// The command line of `costsweep run` and `validate`: the job file and its overrides.
#include <boost/program_options/options_description.hpp>
#include <boost/program_options/positional_options.hpp>
#include <boost/program_options/variables_map.hpp>
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
  bool resume = false;  ///< run: continue from the output's checkpoint, if there is one
  int ranks = 1;        ///< validate: the rank count to size a run's memory for
};

/// Parses argv against options (plus positional arguments); throws InputError naming the
/// problem and `hint` (where to look for the usage).
boost::program_options::variables_map parse_command_line(
    int argc, char** argv, const boost::program_options::options_description& options,
    const boost::program_options::positional_options_description& positional,
    const std::string& hint);

/// The options, bound to args (also printed by --help).
boost::program_options::options_description job_options(JobArguments& args);

/// Parses `<command> JOB.ini [options]`; prints help and exits 0 for --help; throws InputError
/// on bad usage.
JobArguments parse_job_arguments(int argc, char** argv, const char* command);

/// The job's entries from text, followed by the command line's overrides.
study::JobSource job_source(const JobArguments& args, const std::string& text);

/// `--shard I/N` as (I, N), (0, 1) when absent. Throws InputError unless 0 <= I < N.
std::pair<std::size_t, std::size_t> parse_shard(const std::string& text);

/// The problem with running shard index/count of a job of n_scenarios (every shard must hold a
/// scenario, so there are at most as many shards as scenarios); empty when there is none.
std::string shard_problem(std::size_t index, std::size_t count, std::size_t n_scenarios);

}  // namespace costsweep::cli
