#include "cli/job_arguments.hpp"

#include <boost/program_options.hpp>
#include <iostream>
#include <limits>

#include "cli/job_reader.hpp"
#include "core/errors/errors.hpp"
#include "core/text/text.hpp"

namespace costsweep::cli {
namespace po = boost::program_options;

po::variables_map parse_command_line(int argc, char** argv, const po::options_description& options,
                                     const po::positional_options_description& positional,
                                     const std::string& hint) {
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(options).positional(positional).run(),
              vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw InputError(std::string("cannot parse the command line: ") + e.what() + " (" + hint + ")");
  }
  return vm;
}

po::options_description job_options(JobArguments& args) {
  po::options_description options("options");
  options.add_options()("help,h", "show this help")("output,o", po::value(&args.output),
                                                    "result file (overrides job.output)")(
      "draws", po::value(&args.draws), "Monte Carlo draws (overrides job.draws)")(
      "seed", po::value(&args.seed), "random seed (overrides job.seed)")(
      "set", po::value(&args.sets)->composing(), "override any job key: --set section.key=value")(
      "shard", po::value(&args.shard),
      "run shard I/N of the scenarios (I from 0) and write a shard file for costsweep merge")(
      "quiet,q", po::bool_switch(&args.quiet), "no progress display");
  return options;
}

/// Parses `<command> JOB.ini [options]`; throws InputError on bad usage.
JobArguments parse_job_arguments(int argc, char** argv, const char* command) {
  JobArguments args;
  auto options = job_options(args);
  if (std::string(command) == "run") {
    options.add_options()("resume", po::bool_switch(&args.resume),
                          "continue from the checkpoint beside the output (<output>.checkpoint) "
                          "if there is one, else start from the beginning");
  }
  if (std::string(command) == "validate") {
    options.add_options()("ranks", po::value(&args.ranks)->default_value(1),
                          "size the memory a run needs for this many MPI ranks");
  }
  po::options_description all;
  all.add(options).add_options()("job", po::value(&args.job));
  po::positional_options_description positional;
  positional.add("job", 1);
  const auto vm = parse_command_line(argc, argv, all, positional,
                                     "see costsweep " + std::string(command) + " --help");
  if (vm.count("help") != 0) {
    std::cout << "usage: costsweep " << command << " JOB.ini [options]\n" << options;
    std::exit(0);
  }
  if (args.ranks < 1) {
    throw InputError("cannot use --ranks " + std::to_string(args.ranks) +
                     ": expected a whole number from 1");
  }
  if (args.job.empty()) {
    throw InputError(std::string("cannot ") + command + ": no job file given (usage: costsweep " +
                     command + " JOB.ini [options])");
  }
  return args;
}

study::JobSource job_source(const JobArguments& args, const std::string& text) {
  auto source = parse_job(args.job, text);
  if (!args.output.empty()) add_override(source, "job.output=" + args.output, "-o");
  if (!args.draws.empty()) add_override(source, "job.draws=" + args.draws, "--draws");
  if (!args.seed.empty()) add_override(source, "job.seed=" + args.seed, "--seed");
  for (const auto& set : args.sets) add_override(source, set, "--set");
  return source;
}

std::pair<std::size_t, std::size_t> parse_shard(const std::string& text) {
  if (text.empty()) return {0, 1};
  const auto slash = text.find('/');
  std::size_t index = 0, count = 0;
  const auto whole = [](const std::string& s, std::size_t& out) {
    const auto value = text::parse_whole(s, 0, std::numeric_limits<std::uint32_t>::max());
    if (value) out = static_cast<std::size_t>(*value);
    return value.has_value();
  };
  if (slash == std::string::npos || !whole(text.substr(0, slash), index) ||
      !whole(text.substr(slash + 1), count) || count == 0 || index >= count) {
    throw InputError("cannot use --shard '" + text +
                     "': expected I/N with 0 <= I < N, e.g. --shard 0/4 for the first of 4");
  }
  return {index, count};
}

std::string shard_problem(std::size_t index, std::size_t count, std::size_t n_scenarios) {
  if (count <= n_scenarios) return {};
  const std::string n = std::to_string(n_scenarios);
  return "cannot use --shard " + std::to_string(index) + "/" + std::to_string(count) +
         ": the job has " + n +
         (n_scenarios == 1 ? " scenario, so it runs as one shard (--shard 0/1)"
                           : " scenarios, so at most " + n + " shards (--shard 0/" + n + " to " +
                                 std::to_string(n_scenarios - 1) + "/" + n + ")");
}

}  // namespace costsweep::cli
