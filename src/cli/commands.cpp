#include "cli/commands.hpp"

#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>

#include "cli/build_info.hpp"
#include "cli/job_arguments.hpp"
#include "cli/show.hpp"
#include "cli/show_tables.hpp"
#include "core/errors/errors.hpp"
#include "models/model.hpp"
#include "study/job.hpp"

namespace costsweep::cli {

int command_show(int argc, char** argv) {
  namespace po = boost::program_options;
  ShowOptions options;
  std::vector<std::string> files;
  std::string tables;
  for (const auto& table : show_tables())
    tables += (tables.empty() ? "" : ", ") + std::string(table.name);
  const std::string stat_help =
      "only these columns (count, mean, sd, se, min, max, p<level> e.g. p50, diff_mean, diff_se) "
      "or tables (" +
      tables + "); repeatable";
  po::options_description visible("options");
  visible.add_options()("help,h", "show this help")(
      "output", po::value(&options.outputs)->composing(),
      "only this output (repeatable; '*' matches any characters, e.g. 'share[*]')")(
      "scenario", po::value(&options.scenarios)->composing(),
      "only this scenario: its name ('*' as above) or its index in the job (repeatable)")(
      "stat", po::value(&options.stats)->composing(), stat_help.c_str())(
      "csv", po::bool_switch(&options.csv),
      "tidy CSV on stdout: scenario, output, unit, measure, about (group or input), value");
  po::options_description all;
  all.add(visible).add_options()("file", po::value(&files));
  po::positional_options_description positional;
  positional.add("file", -1);
  constexpr const char* usage = "usage: costsweep show RESULT.h5 [options]";
  const auto vm = parse_command_line(argc, argv, all, positional, usage);
  if (vm.count("help") != 0) {
    std::cout << usage << "\n" << visible;
    return 0;
  }
  if (files.size() != 1) {
    throw InputError("cannot show: expected exactly one result file (" + std::string(usage) + ")");
  }
  return show_result(files.front(), options, stdout);
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
         "  costsweep show OUT.h5 [--output O] [--scenario S] [--stat X] [--csv]\n"
         "                                                print a result file (show --help)\n"
         "  costsweep merge -o OUT.h5 SHARD.h5...        shards of one job into one file\n"
         "  mpirun -np 4 costsweep selftest              known answers on these ranks\n"
         "  costsweep layout                             every dataset a result file can hold\n"
         "  costsweep --help | --version\n\n"
         "exit status: 0 success, 1 runtime failure, 2 usage or configuration error,\n"
         "3 interrupted (SIGTERM, SIGINT, SIGUSR1) before any scenario was finished,\n"
         "4 interrupted after writing a checkpoint (run again with --resume)\n\n"
      << job_options(args)
      << "\njob keys (INI sections [job], [model], [inputs], [sensitivity], [grid], "
         "[scenario.<name>]):\n";
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
  std::printf("  %-18s a setting of the model (below)\n", "model.<name>");
  std::printf(
      "  sensitivity.group.<name>   inputs measured together: assumption or input names\n"
      "  grid.axis.<key>     values of an inputs.* or model.* key, 'label: value | ...'\n"
      "  grid.mode           product (default), oat (one at a time), list\n"
      "  grid.zip            axes that move together: 'key key; key key'\n"
      "  grid.common_random_numbers   yes (default): the same draws in every scenario\n"
      "  scenario.<name>.<key>        an explicit scenario (section [scenario.<name>])\n"
      "\nmodels and their [model] settings:\n");
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
