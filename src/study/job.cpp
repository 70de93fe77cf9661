#include "study/job.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/errors/errors.hpp"
#include "study/sensitivity.hpp"

namespace costsweep::study {

const std::vector<KeyDoc>& job_keys() {
  static std::vector<KeyDoc> keys = {
      {"job.model", "", "built-in model to run (see the list of models)", true},
      {"job.title", "", "free text stored in the result file"},
      {"job.draws", "10000", "Monte Carlo draws, a whole number >= 1 (1e6 allowed)"},
      {"job.seed", "1", "seed of every random stream, a whole number in [0, 2^64)"},
      {"job.block_size", "4096",
       "draws evaluated together in one block, 1..1048576; results do not depend on it"},
      {"job.plan", "mc",
       "sampling plan: mc (Monte Carlo), lhs (Latin hypercube), sobol (randomized Sobol QMC; "
       "draws a power of two)"},
      {"job.quantiles", "0.05 0.25 0.5 0.75 0.95",
       "quantile levels in [0, 1], separated by spaces or commas (numpy's linear definition)"},
      {"job.save_samples", "no", "yes to store every draw of every input and output"},
      {"job.statistics", "auto",
       "auto: keep the draws in memory while they fit a quarter of memory_limit, else regenerate "
       "them (two or more passes); memory or streaming to force either (the same numbers)"},
      {"job.memory_limit", "auto",
       "memory a rank may use, e.g. 4G or 512M; auto: what Slurm grants, else the cgroup limit or "
       "the available memory shared by the node's ranks"},
      {"job.output", "<job name>.h5", "result file; its folder must exist"},
      {"job.checkpoint_interval", "300",
       "seconds between checkpoints of the finished scenarios (<output>.checkpoint/; also on "
       "SIGTERM, SIGINT, SIGUSR1; run --resume continues); 0: none"},
  };
  static const bool with_measures = [] {
    for (const auto& measure : measure_keys()) {
      keys.insert(keys.end(), measure.keys.begin(), measure.keys.end());
    }
    return true;
  }();
  static_cast<void>(with_measures);
  return keys;
}

std::string read_whole_file(const std::string& path, const std::string& what) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw InputError("cannot read " + what + " '" + path + "': no such file");
  }
  if (std::filesystem::is_directory(path, ec)) {
    throw InputError("cannot read " + what + " '" + path + "': it is a folder");
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in)
    throw InputError("cannot read " + what + " '" + path + "': permission denied or I/O error");
  return text.str();
}

}  // namespace costsweep::study
