#pragma once
/// A validated job split in what its scenarios share (Job: settings, texts, the sensitivity
/// measures; ModelSetup: a model with its tables) and what each scenario owns (its resolved
/// inputs). Scenarios of one job point at one Job and, where their model settings agree, one
/// ModelSetup, so a rank holds one copy of what is shared.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/distributions/distribution.hpp"
#include "core/sampling/methods.hpp"
#include "models/model.hpp"
#include "study/job.hpp"
#include "study/model_settings.hpp"

namespace costsweep::study {

/// One model input of a scenario with its resolved distribution and random stream. It points
/// into the scenario's model (its declaration) and its Job (spec), so it lives as long as the
/// scenario.
struct ResolvedInput {
  /// A spec as written (or the model's default) and its distribution, shared by every input of
  /// the job with that spec.
  using Choice = std::pair<const std::string, dist::DistributionPtr>;

  const models::InputSpec* model_input;  ///< the model's declaration: name, group, bounds
  const Choice* choice;
  std::uint64_t stream;  ///< random::stream_id("inputs." + name [+ scenario salt])

  const std::string& name() const { return model_input->name; }
  const std::string& group() const { return model_input->group; }
  const std::string& spec() const { return choice->first; }
  const dist::DistributionPtr& distribution() const { return choice->second; }
};

/// A group of inputs whose sensitivity is measured together (an assumption, or a group the job
/// declares), as indices into Scenario::inputs.
struct InputGroup {
  std::string name;
  std::vector<std::size_t> inputs;
};

/// What sensitivity measures a job asks for.
struct SensitivitySettings {
  bool tornado = false;
  bool sobol = false;        ///< pick-freeze design: first-order and total Sobol indices per group
  double tornado_low = 0.1;  ///< level each group swings to, others at their medians
  double tornado_high = 0.9;
  bool rank = false;                  ///< Spearman and PRCC of every input with every output
  std::uint64_t rank_draws = 100000;  ///< the first draws the rank measures use
  /// Stopping rule: > 0 doubles the draws until every Sobol half-width is at most this.
  double target_halfwidth = 0;
  std::uint64_t max_draws = 0;  ///< the stopping rule's limit (a multiple of 2 of the draws)
};

namespace detail {
struct SpecPool;
}

/// What every scenario of a job shares: the job file, its [job] and [sensitivity] settings
/// (grid axes may vary only inputs.* and model.* keys, so these are the same in every scenario).
struct Job {
  std::string path;
  std::string text;
  std::string sha256;  ///< hex digest of text
  std::string title;
  std::string model_name;
  std::uint64_t n_draws = 0;
  std::uint64_t block_size = 0;
  std::uint64_t seed = 0;
  sampling::Method method = sampling::Method::kMonteCarlo;  ///< input i draws Sobol dimension i
  std::vector<double> quantile_levels;                      ///< ascending, distinct
  bool save_samples = false;
  std::string statistics = "auto";       ///< auto, memory or streaming (job.statistics)
  std::uint64_t memory_limit_bytes = 0;  ///< job.memory_limit; 0: auto
  double checkpoint_interval = 300;      ///< job.checkpoint_interval, seconds; 0: no checkpoints
  SensitivitySettings sensitivity;
  std::string output_path;
  /// Every fixed job key in effect (job.*, sensitivity.*: entries, overrides and defaults).
  std::map<std::string, std::string> settings;
  /// The input specs and distributions of every scenario, interned (ResolvedInput views them).
  std::shared_ptr<const detail::SpecPool> specs;

  std::uint64_t n_blocks() const { return (n_draws + block_size - 1) / block_size; }
};

using JobPtr = std::shared_ptr<const Job>;

/// A model built from a scenario's [model] settings, with the tables it read and the groups its
/// inputs form; shared by every scenario whose model settings are the same.
struct ModelSetup {
  models::ModelConfig config;
  std::vector<DataFile> data_files;  ///< every data file read, with its text and SHA-256
  models::ModelPtr model;
  std::vector<InputGroup> groups;  ///< every input in exactly one group (sensitivity measures)
};

using ModelSetupPtr = std::shared_ptr<const ModelSetup>;

/// One scenario: the job's shared parts and its own resolved inputs.
struct Scenario {
  JobPtr shared_job;
  ModelSetupPtr setup;
  models::ModelPtr model;             ///< setup->model
  std::vector<ResolvedInput> inputs;  ///< in the model's input order

  const Job& job() const { return *shared_job; }
  const models::ModelConfig& model_config() const { return setup->config; }
  const std::vector<DataFile>& data_files() const { return setup->data_files; }
  const std::vector<InputGroup>& groups() const { return setup->groups; }
};

using ScenarioPtr = std::shared_ptr<const Scenario>;

/// Every setting in effect for a scenario (the job's, its model settings and its inputs' specs)
/// as `key = value`, sorted: what the provenance records.
std::map<std::string, std::string> effective_settings(const Scenario& scenario);

/// What the scenarios of one job share while they are built: the first scenario that builds
/// its job without a problem leaves it here, and each model setup built without a problem is
/// kept under its settings.
struct ScenarioCache {
  JobPtr job;
  std::shared_ptr<detail::SpecPool> specs;
  std::map<std::string, ModelSetupPtr> setups;  ///< by the scenario's model.* entries
};

/// Validates a job and builds its scenario. Checks everything (keys, numbers, distributions,
/// model, output folder) and throws ConfigError listing every problem, each naming its origin
/// (file and line, or --set) and key. With a cache, reuses what earlier scenarios of the same
/// job built (their job entries outside inputs.* and model.* must be the same).
ScenarioPtr build_scenario(const JobSource& source, ScenarioCache* cache = nullptr);

}  // namespace costsweep::study
