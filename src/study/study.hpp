#pragma once
/// A validated, immutable study: everything a run needs, resolved from a job and its overrides.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/distributions/distribution.hpp"
#include "core/sampling/plans.hpp"
#include "models/model.hpp"
#include "study/job.hpp"
#include "study/model_settings.hpp"

namespace costsweep::study {

/// One model input with its resolved distribution and random stream.
struct InputPlan {
  std::string name;
  std::string group;
  std::string spec;  ///< as written (or the model's default)
  dist::DistributionPtr distribution;
  std::uint64_t stream;  ///< random::stream_id("inputs." + name [+ scenario salt])
};

/// A group of inputs whose sensitivity is measured together (an assumption, or a group the job
/// declares), as indices into Study::inputs.
struct InputGroup {
  std::string name;
  std::vector<std::size_t> inputs;
};

/// What sensitivity measures a job asks for.
struct SensitivityPlan {
  bool tornado = false;
  bool sobol = false;        ///< pick-freeze design: first-order and total Sobol indices per group
  double tornado_low = 0.1;  ///< level each group swings to, others at their medians
  double tornado_high = 0.9;
  std::vector<InputGroup> groups;     ///< every input in exactly one group
  bool rank = false;                  ///< Spearman and PRCC of every input with every output
  std::uint64_t rank_draws = 100000;  ///< the first draws the rank measures use
  /// Stopping rule: > 0 doubles the draws until every Sobol half-width is at most this.
  double target_halfwidth = 0;
  std::uint64_t max_draws = 0;  ///< the stopping rule's limit (a multiple of 2 of the draws)
};

struct Study {
  std::string job_path;
  std::string job_text;
  std::string job_sha256;  ///< hex digest of job_text
  std::string title;
  std::string model_name;
  models::ModelConfig model_config;
  std::vector<DataFile> data_files;  ///< every data file read, with its text and SHA-256
  models::ModelPtr model;
  std::vector<InputPlan> inputs;  ///< in the model's input order
  std::uint64_t n_draws = 0;
  std::uint64_t block_size = 0;
  std::uint64_t seed = 0;
  sampling::Plan plan = sampling::Plan::kMonteCarlo;  ///< input i draws Sobol dimension i
  std::vector<double> quantile_levels;                ///< ascending, distinct
  bool save_samples = false;
  std::string statistics = "auto";       ///< auto, memory or streaming (job.statistics)
  std::uint64_t memory_limit_bytes = 0;  ///< job.memory_limit; 0: auto
  SensitivityPlan sensitivity;
  std::string output_path;
  /// Every setting in effect (job entries, overrides and defaults) as `key = value`, sorted.
  std::map<std::string, std::string> settings;

  std::uint64_t n_blocks() const { return (n_draws + block_size - 1) / block_size; }
};

using StudyPtr = std::shared_ptr<const Study>;

/// Validates a job and builds its study. Checks everything (keys, numbers, distributions, model,
/// output folder) and throws ConfigError listing every problem, each naming its origin
/// (file and line, or --set) and key.
StudyPtr build_study(const JobSource& source);

}  // namespace costsweep::study
