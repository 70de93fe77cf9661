#include "cli/commands.hpp"

#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <map>

#include "cli/build_info.hpp"
#include "cli/build_info_provenance.hpp"
#include "cli/job_reader.hpp"
#include "cli/show.hpp"
#include "driver/driver.hpp"

namespace costsweep::cli {
namespace po = boost::program_options;
namespace {

struct JobArguments {
  std::string job;
  std::string output, draws, seed;
  std::vector<std::string> sets;
  bool quiet = false;
};

po::options_description job_options(JobArguments& args) {
  po::options_description options("options");
  options.add_options()("help,h", "show this help")("output,o", po::value(&args.output),
                                                    "result file (overrides job.output)")(
      "draws", po::value(&args.draws), "Monte Carlo draws (overrides job.draws)")(
      "seed", po::value(&args.seed), "random seed (overrides job.seed)")(
      "set", po::value(&args.sets)->composing(), "override any job key: --set section.key=value")(
      "quiet,q", po::bool_switch(&args.quiet), "no progress display");
  return options;
}

/// Parses `<command> JOB.ini [options]`; throws InputError on bad usage.
JobArguments parse_job_arguments(int argc, char** argv, const char* command) {
  JobArguments args;
  auto options = job_options(args);
  po::options_description all;
  all.add(options).add_options()("job", po::value(&args.job));
  po::positional_options_description positional;
  positional.add("job", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw InputError(std::string("cannot parse the command line: ") + e.what() +
                     " (see costsweep " + command + " --help)");
  }
  if (vm.count("help") != 0) {
    std::cout << "usage: costsweep " << command << " JOB.ini [options]\n" << options;
    std::exit(0);
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

/// Collective. Rank 0's files (path -> text) on every rank.
std::map<std::string, std::string> broadcast_files(const std::map<std::string, std::string>& files,
                                                   const driver::Communicator& comm) {
  std::vector<std::pair<std::string, std::string>> items(files.begin(), files.end());
  items.resize(std::stoull(comm.broadcast(std::to_string(items.size()))));
  for (auto& [path, text] : items) {
    path = comm.broadcast(path);
    text = comm.broadcast(text);
  }
  return {items.begin(), items.end()};
}

/// Collective. Rank 0 reads the job and its data files and validates them; the other ranks build
/// the same study from what rank 0 read, so only rank 0 touches the files. On a problem rank 0
/// prints it and every rank returns nullptr.
study::StudyPtr collective_study(const JobArguments& args, const driver::Communicator& comm) {
  std::string text, error;
  std::map<std::string, std::string> files;
  study::StudyPtr study;
  if (comm.rank() == 0) {
    try {
      text = study::read_whole_file(args.job, "job");
      auto source = job_source(args, text);
      source.read_file = [&files](const std::string& path) {
        return files[path] = study::read_whole_file(path);
      };
      study = study::build_study(source);
    } catch (const InputError& e) {
      error = e.what();
    }
  }
  error = comm.broadcast(error);
  if (!error.empty()) {
    if (comm.rank() == 0) std::fprintf(stderr, "costsweep: error: %s\n", error.c_str());
    return nullptr;
  }
  text = comm.broadcast(text);
  files = broadcast_files(files, comm);
  if (comm.rank() != 0) {
    try {
      auto source = job_source(args, text);
      source.read_file = [&files](const std::string& path) {
        const auto it = files.find(path);
        if (it == files.end())
          throw InputError("cannot read data file '" + path + "': rank 0 did not read it");
        return it->second;
      };
      study = study::build_study(source);
    } catch (const InputError& e) {
      error = e.what();
    }
  }
  if (!comm.all(error.empty())) {
    if (!error.empty())
      std::fprintf(stderr, "costsweep: error on rank %d: %s\n", comm.rank(), error.c_str());
    return nullptr;
  }
  return study;
}

}  // namespace

int command_run(int argc, char** argv) {
  const auto args = parse_job_arguments(argc, argv, "run");
  driver::MpiEnvironment environment(argc, argv);
  const driver::Communicator comm(MPI_COMM_WORLD);
  const auto study = collective_study(args, comm);
  if (!study) return 2;
  driver::RunOptions options;
  options.show_progress = !args.quiet;
  options.extra_provenance = build_provenance(argc, argv);
  driver::RunReport report;
  try {
    report = driver::run(*study, comm, options);
  } catch (const std::exception& e) {
    // Other ranks may wait in a collective call: end the whole job rather than hang.
    std::fprintf(stderr, "costsweep: error on rank %d: %s\n", comm.rank(), e.what());
    std::remove((study->output_path + ".partial").c_str());
    comm.abort(1);
  }
  if (comm.rank() == 0) {
    print_summary(report.tables, stdout);
    std::printf("wrote %s (%llu draws on %d ranks, %.3g s)\n", study->output_path.c_str(),
                static_cast<unsigned long long>(study->n_draws), comm.size(), report.wall_seconds);
  }
  return 0;
}

int command_validate(int argc, char** argv) {
  const auto args = parse_job_arguments(argc, argv, "validate");
  const auto study = study::build_study(job_source(args, study::read_whole_file(args.job, "job")));
  std::printf("job %s is valid\n", study->job_path.c_str());
  std::printf("  model      %s\n", study->model_name.c_str());
  for (const auto& [name, value] : study->model_config.values) {
    std::printf("    %s = %s\n", name.c_str(), value.c_str());
  }
  for (const auto& file : study->data_files) {
    std::printf("  data       %s (%zu rows, sha256 %.12s)\n", file.path.c_str(),
                study->model_config.tables.at(file.key.substr(6)).rows.size(), file.sha256.c_str());
  }
  std::printf("  draws      %llu in %llu blocks of %llu\n",
              static_cast<unsigned long long>(study->n_draws),
              static_cast<unsigned long long>(study->n_blocks()),
              static_cast<unsigned long long>(study->block_size));
  std::printf("  seed       %llu\n  output     %s%s\n",
              static_cast<unsigned long long>(study->seed), study->output_path.c_str(),
              study->save_samples ? " (with samples)" : "");
  std::printf("  inputs (P5 / P50 / P95):\n");
  for (const auto& input : study->inputs) {
    const auto& d = *input.distribution;
    std::printf("    %-10s %-36s %.4g / %.4g / %.4g\n", input.name.c_str(), input.spec.c_str(),
                d.quantile(0.05), d.quantile(0.5), d.quantile(0.95));
  }
  // Every rank keeps its draws of every output (and input, with samples) for exact quantiles.
  const double columns = static_cast<double>(study->model->outputs().size() +
                                             (study->save_samples ? study->inputs.size() : 0));
  std::printf("  memory     %.3g MiB of draws in total, shared over the ranks\n",
              static_cast<double>(study->n_draws) * columns * 8.0 / 1048576.0);
  std::printf("  outputs:   ");
  for (const auto& out : study->model->outputs()) std::printf(" %s", out.name.c_str());
  std::printf("\n");
  return 0;
}

int command_show(int argc, char** argv) {
  if (argc != 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    if (argc == 2) {
      std::printf("usage: costsweep show RESULT.h5\n");
      return 0;
    }
    throw InputError(
        "cannot show: expected exactly one result file (usage: costsweep show RESULT.h5)");
  }
  return show_result(argv[1], stdout);
}

void print_help() {
  JobArguments args;
  std::cout
      << "costsweep " << build::kVersion
      << " - distributed batch sensitivity runner for AI compute economics\n\n"
         "usage:\n"
         "  costsweep run JOB.ini [-o OUT.h5] [--draws N] [--seed S] [--set key=value]... [-q]\n"
         "  mpirun -np 4 costsweep run JOB.ini ...\n"
         "  costsweep validate JOB.ini [same overrides]   check everything, print the plan\n"
         "  costsweep show OUT.h5                         print a result file\n"
         "  costsweep --help | --version\n\n"
         "exit status: 0 success, 1 runtime failure, 2 usage or configuration error\n\n"
      << job_options(args) << "\njob keys (INI sections [job], [model], [inputs]):\n";
  for (const auto& key : study::job_keys()) {
    const std::string note = key.required                ? " (required)"
                             : key.default_value.empty() ? ""
                                                         : " (default " + key.default_value + ")";
    std::printf("  %-18s %s%s\n", key.key.c_str(), key.doc.c_str(), note.c_str());
  }
  std::printf(
      "  %-18s distribution of a model input or of a whole assumption (a group of\n"
      "  %-18s inputs, e.g. inputs.price for price[MiniMax] and price[Z.ai/Zhipu])\n",
      "inputs.<name>", "");
  std::printf("  %-18s a setting of the model (below)\n\nmodels and their [model] settings:\n",
              "model.<name>");
  for (const auto& model : models::registry()) {
    std::printf("  %s: %s\n", model.name.c_str(), model.description.c_str());
    for (const auto& p : model.parameters) {
      const std::string name = p.is_prefix ? p.name + "<name>" : p.name;
      const std::string note = p.required                ? " (required)"
                               : p.default_value.empty() ? ""
                                                         : " (default " + p.default_value + ")";
      std::printf("    %-24s %s%s\n", name.c_str(), p.description.c_str(), note.c_str());
    }
  }
  std::printf(
      "\ndistributions: 3.5 | uniform(a, b) | normal(mean=, sd=) | lognormal(median=, sigma=)\n"
      "  | lognormal(mu=, sigma=) | lognormal(mean=, sd=) | lognormal(pX=, pY=) e.g. p10=, p90=\n"
      "  | A to B (lognormal with P5 A, P95 B; normal if A <= 0) | loguniform(a, b)\n"
      "  | triangular(lo, mode, hi) | pert(lo, mode, hi[, lambda=4]) | beta(a, b)\n"
      "  | truncate(<distribution>, lo, hi)      (numbers may be written pi or -pi)\n");
}

}  // namespace costsweep::cli
