#pragma once
/// The model interface: named inputs and outputs, evaluated on blocks of draws.
#include <Eigen/Core>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/table.hpp"

namespace costsweep::models {

/// The values an input may take, e.g. (0, 1] for a utilization. The study rejects a job whose
/// distribution for the input has support reaching outside, before any draw.
struct Bounds {
  double lower = -std::numeric_limits<double>::infinity();
  double upper = std::numeric_limits<double>::infinity();
  bool lower_open = false;  ///< true: lower itself is excluded
  bool upper_open = false;
  /// Probability an unbounded distribution may put above upper (e.g. a lognormal MFU fitted by
  /// its percentiles, whose P(MFU > 1) is a few in a million): its draws there are used as
  /// drawn. 0: the support must stay inside.
  double tolerated_tail = 0.0;

  /// Whether a distribution with this support stays inside. A continuous distribution takes
  /// its support's endpoints with probability 0 (draws invert u in (0, 1)), so it may touch an
  /// open bound; a fixed number (fixed = true) may not.
  bool admits(double support_lower, double support_upper, bool fixed) const;
  /// The interval as written in messages, e.g. `(0, 1]` or `[1, inf)`.
  std::string describe() const;
};

/// The support [lower, upper] of one input's distribution (equal for a fixed number).
struct InputRange {
  double lower = 0.0;
  double upper = 0.0;
};

/// One uncertain input of a model: a random variable drawn from its own stream. Several inputs
/// may share a group, the assumption they are draws of (e.g. `mfu.pretrain[MiniMax]` and
/// `mfu.pretrain[Z.ai/Zhipu]` in group `mfu.pretrain`); a job sets a distribution for a whole
/// group (`inputs.<group>`) or for one input (`inputs.<name>`).
struct InputSpec {
  std::string name;
  std::string group;         ///< the assumption; equals name for a single input
  std::string default_spec;  ///< used when the job sets neither; empty: the job must set one
  std::string unit;
  std::string description;
  std::string default_origin;  ///< where default_spec came from (a data cell), for messages
  Bounds bounds;               ///< allowed values; unbounded unless the model says otherwise
};

/// One output of a model.
struct OutputSpec {
  std::string name;
  std::string unit;
  std::string description;
};

/// What a [model] key holds: checked as a number, taken as text, or a CSV table (a path relative
/// to the job file) that the study loads.
enum class ParameterKind { kNumber, kText, kTable };

/// A setting of a model in the job's [model] section. With is_prefix, name ends in '.' and the
/// spec covers every key that starts with it (e.g. `peak.` for `peak.fp8`).
struct ParameterSpec {
  std::string name;
  ParameterKind kind = ParameterKind::kNumber;
  std::string default_value;  ///< empty: optional with no default, unless required
  std::string description;
  bool is_prefix = false;
  bool required = false;
};

/// Column-major block of draws: row = draw, column = variable (one contiguous column each).
using Block = Eigen::ArrayXXd;

/// A model maps a block of input draws to a block of output values. Models are immutable once
/// built, know nothing of MPI, files or scenarios, and must not allocate per draw.
class Model {
 public:
  virtual ~Model() = default;
  virtual const std::string& name() const = 0;
  virtual const std::vector<InputSpec>& inputs() const = 0;
  virtual const std::vector<OutputSpec>& outputs() const = 0;
  /// inputs: B x inputs().size(); outputs: B x outputs().size(), same B. Columns follow the
  /// order of inputs() and outputs().
  virtual void evaluate(const Eigen::Ref<const Block>& inputs, Eigen::Ref<Block> outputs) const = 0;
  /// Problems with the inputs' supports taken together that single bounds cannot express (e.g.
  /// a model too big for any replica), one message each; ranges follow inputs(). The study calls
  /// it once every input's distribution is known and within its bounds, and adds the job's path
  /// to messages that do not end in a `[context]`. Default: none.
  virtual std::vector<std::string> check_ranges(const std::vector<InputRange>& ranges) const;
};

using ModelPtr = std::shared_ptr<const Model>;

/// A built-in model: its name, description, parameters and factory.
struct ModelInfo {
  std::string name;
  std::string description;
  std::vector<ParameterSpec> parameters;
  /// Builds the model from its checked settings. Throws ConfigError listing every problem, each
  /// naming its key or its table's file, row and column.
  ModelPtr (*make)(const ModelConfig& config);
};

/// Every built-in model, sorted by name.
const std::vector<ModelInfo>& registry();

/// The registry entry for name, or nullptr.
const ModelInfo* find_model(const std::string& name);

}  // namespace costsweep::models
