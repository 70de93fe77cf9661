#pragma once
/// The model interface: named inputs and outputs, evaluated on blocks of draws.
#include <Eigen/Core>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace costsweep::models {

/// One uncertain input of a model.
struct InputSpec {
  std::string name;
  std::string default_spec;  ///< distribution spec used when the job does not set one
  std::string unit;
  std::string description;
};

/// One output of a model.
struct OutputSpec {
  std::string name;
  std::string unit;
  std::string description;
};

/// A fixed (non-random) numeric parameter of a model, settable in the job's [model] section.
struct ParameterSpec {
  std::string name;
  double default_value;
  std::string description;
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
};

using ModelPtr = std::shared_ptr<const Model>;

/// A built-in model: its name, description, parameters and factory.
struct ModelInfo {
  std::string name;
  std::string description;
  std::vector<ParameterSpec> parameters;
  /// Builds the model from parameter values (every parameter present). Throws InputError when a
  /// value is out of range.
  ModelPtr (*make)(const std::map<std::string, double>& parameters);
};

/// Every built-in model, sorted by name.
const std::vector<ModelInfo>& registry();

/// The registry entry for name, or nullptr.
const ModelInfo* find_model(const std::string& name);

}  // namespace costsweep::models
