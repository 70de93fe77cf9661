#include "models/formula.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "core/errors/errors.hpp"
#include "core/text/text.hpp"

namespace costsweep::models {
namespace {

using detail::Expression;

/// n in an origin `<path> line <n>`; -1 for a value set elsewhere (--set, a grid axis).
int line_of(const std::string& origin) {
  const auto at = origin.rfind(" line ");
  if (at == std::string::npos) return -1;
  const char* first = origin.data() + at + 6;
  const char* last = origin.data() + origin.size();
  int line = -1;
  const auto [end, ec] = std::from_chars(first, last, line);
  return ec == std::errc() && end == last ? line : -1;
}

std::string join(const std::vector<std::string>& names) {
  std::string list;
  for (const auto& name : names) list += (list.empty() ? "" : ", ") + name;
  return list;
}

struct ParsedOutput {
  std::string name;
  std::string key;  ///< output.<name>
  std::string text;
  std::optional<Expression> expression;  ///< empty when the text does not parse
  std::vector<int> uses;                 ///< outputs it reads
};

/// Collects every problem of a [model] section, then builds the model.
class FormulaBuilder {
 public:
  explicit FormulaBuilder(const ModelConfig& config) : config_(config) {}
  ModelPtr build();

 private:
  void problem(const std::string& message, const std::string& key) {
    problems_.push_back(message + " " + config_.where(key));
  }
  void read_constants();
  void read_outputs();
  void order_outputs();
  void visit(int k, std::vector<int>& state, std::vector<int>& path);
  std::vector<OutputSpec> output_specs();
  std::vector<InputSpec> input_specs() const;

  const ModelConfig& config_;
  std::map<std::string, double> constants_;
  std::vector<ParsedOutput> outputs_;  ///< in the order of their lines in the job
  std::map<std::string, int> output_index_;
  std::vector<int> order_;
  std::vector<std::string> problems_;
};

void FormulaBuilder::read_constants() {
  for (const auto& key : config_.keys_with_prefix("const.")) {
    const std::string name = key.substr(6), text = config_.text(key);
    if (const auto why = detail::name_problem(name); !why.empty()) {
      problem("cannot use constant name '" + name + "': " + why, key);
    }
    const auto value = text::parse_number(text);
    if (!value)
      problem("cannot use model." + key + " '" + text + "': expected a finite number", key);
    constants_[name] = value.value_or(0.0);
  }
  // Rejected by the study, which reported them: still constants, not inputs to draw.
  for (const auto& key : config_.unusable) {
    if (key.rfind("const.", 0) == 0) {
      constants_[key.substr(6)] = std::numeric_limits<double>::quiet_NaN();
    }
  }
}

void FormulaBuilder::read_outputs() {
  for (const auto& key : config_.keys_with_prefix("output.")) {
    ParsedOutput output{key.substr(7), key, config_.text(key), std::nullopt, {}};
    if (const auto why = detail::name_problem(output.name); !why.empty()) {
      problem("cannot use output name '" + output.name + "': " + why, key);
    } else if (constants_.count(output.name) != 0) {
      problem(
          "cannot use constant '" + output.name + "': output." + output.name + " has that name too",
          "const." + output.name);
    }
    try {
      output.expression = Expression::parse(output.text);
    } catch (const detail::ExpressionError& e) {
      problem("cannot parse formula '" + output.text + "' for model." + key + ": " + e.what(), key);
    }
    outputs_.push_back(std::move(output));
  }
  if (outputs_.empty()) {
    problems_.push_back(
        "cannot build model 'formula': no outputs; set model.output.<name> = <expression> "
        "(e.g. output.y = x1 + 2 * x2)");
  }
  // Lines of the job file, as written; outputs set elsewhere follow by name (the sort is stable).
  const auto position = [&](const ParsedOutput& output) {
    const auto it = config_.origins.find(output.key);
    const int line = it == config_.origins.end() ? -1 : line_of(it->second);
    return line < 0 ? std::numeric_limits<int>::max() : line;
  };
  std::stable_sort(outputs_.begin(), outputs_.end(),
                   [&](const auto& a, const auto& b) { return position(a) < position(b); });
  for (std::size_t k = 0; k < outputs_.size(); ++k) {
    output_index_[outputs_[k].name] = static_cast<int>(k);
  }
}

void FormulaBuilder::order_outputs() {
  for (auto& output : outputs_) {
    if (!output.expression) continue;
    for (const auto& name : output.expression->variables()) {
      if (const auto it = output_index_.find(name); it != output_index_.end()) {
        output.uses.push_back(it->second);
      }
    }
    std::sort(output.uses.begin(), output.uses.end());
  }
  std::vector<int> state(outputs_.size(), 0), path;  // state: 0 new, 1 on path, 2 done
  for (std::size_t k = 0; k < outputs_.size(); ++k) {
    if (state[k] == 0) visit(static_cast<int>(k), state, path);
  }
}

/// Depth-first: appends k to order_ after every output it uses; reports each cycle once.
void FormulaBuilder::visit(int k, std::vector<int>& state, std::vector<int>& path) {
  state[static_cast<std::size_t>(k)] = 1;
  path.push_back(k);
  for (const int used : outputs_[static_cast<std::size_t>(k)].uses) {
    if (state[static_cast<std::size_t>(used)] == 0) {
      visit(used, state, path);
    } else if (state[static_cast<std::size_t>(used)] == 1) {
      std::string cycle;
      for (auto it = std::find(path.begin(), path.end(), used); it != path.end(); ++it) {
        cycle += outputs_[static_cast<std::size_t>(*it)].name + " -> ";
      }
      const auto& start = outputs_[static_cast<std::size_t>(used)];
      problem("cannot order output '" + start.name + "': its formula depends on itself (" + cycle +
                  start.name + ")",
              start.key);
    }
  }
  path.pop_back();
  state[static_cast<std::size_t>(k)] = 2;
  order_.push_back(k);
}

std::vector<OutputSpec> FormulaBuilder::output_specs() {
  std::vector<OutputSpec> specs;
  std::vector<std::string> names;
  for (const auto& output : outputs_) {
    specs.push_back({output.name, config_.text("unit." + output.name), output.text});
    names.push_back(output.name);
  }
  for (const auto& key : config_.keys_with_prefix("unit.")) {
    const std::string name = key.substr(5);
    if (output_index_.count(name) == 0) {
      problem("cannot use model." + key + ": there is no output '" + name +
                  "' (outputs: " + join(names) + ")",
              key);
    }
  }
  return specs;
}

std::vector<InputSpec> FormulaBuilder::input_specs() const {
  std::map<std::string, std::vector<std::string>> users;  // input -> outputs that use it
  for (const auto& output : outputs_) {
    for (const auto& name : output.expression->variables()) {
      if (output_index_.count(name) == 0 && constants_.count(name) == 0) {
        users[name].push_back(output.name);
      }
    }
  }
  std::vector<InputSpec> specs;
  for (const auto& [name, outputs] : users) {
    specs.push_back({name, name, "", "", "variable of the formula of " + join(outputs), "", {}});
  }
  return specs;
}

ModelPtr FormulaBuilder::build() {
  read_constants();
  read_outputs();
  order_outputs();
  auto outputs = output_specs();
  if (!problems_.empty()) throw ConfigError(problems_);
  auto inputs = input_specs();
  std::map<std::string, int> columns;
  for (const auto& input : inputs) columns.emplace(input.name, static_cast<int>(columns.size()));
  for (const auto& output : outputs_) {
    columns.emplace(output.name, static_cast<int>(columns.size()));
  }
  std::vector<detail::Evaluator> evaluators;
  for (const auto& output : outputs_) {
    try {
      evaluators.push_back(output.expression->bind(constants_, columns));
    } catch (const detail::ExpressionError& e) {
      problem("cannot use formula '" + output.text + "' for model." + output.key + ": " + e.what(),
              output.key);
    }
  }
  if (!problems_.empty()) throw ConfigError(problems_);
  return std::make_shared<Formula>(std::move(inputs), std::move(outputs), std::move(evaluators),
                                   std::move(order_));
}

}  // namespace

Formula::Formula(std::vector<InputSpec> inputs, std::vector<OutputSpec> outputs,
                 std::vector<detail::Evaluator> evaluators, std::vector<int> order)
    : inputs_(std::move(inputs)),
      outputs_(std::move(outputs)),
      evaluators_(std::move(evaluators)),
      order_(std::move(order)) {
  for (const auto& evaluator : evaluators_) {
    scratch_size_ = std::max(scratch_size_, evaluator.scratch_size());
  }
}

ModelPtr Formula::make(const ModelConfig& config) { return FormulaBuilder(config).build(); }

void Formula::evaluate(const Eigen::Ref<const Block>& inputs, Eigen::Ref<Block> outputs) const {
  using detail::kChunkRows;
  std::vector<const double*> columns(inputs_.size() + outputs_.size());
  std::vector<detail::Chunk> scratch(static_cast<std::size_t>(scratch_size_));
  const Eigen::Index rows = outputs.rows();
  const Eigen::Index whole = rows - rows % kChunkRows;
  for (Eigen::Index row = 0; row < whole; row += kChunkRows) {
    evaluate_chunk(inputs, outputs, row, columns, scratch);
  }
  if (whole == rows) return;
  // The last rows go through a full chunk too, so a draw's value never depends on its place.
  const Eigen::Index rest = rows - whole;
  Block padded_inputs = Block::Zero(kChunkRows, inputs.cols());
  Block padded_outputs(kChunkRows, outputs.cols());
  padded_inputs.topRows(rest) = inputs.bottomRows(rest);
  evaluate_chunk(padded_inputs, padded_outputs, 0, columns, scratch);
  outputs.bottomRows(rest) = padded_outputs.topRows(rest);
}

void Formula::evaluate_chunk(const Eigen::Ref<const Block>& inputs, Eigen::Ref<Block> outputs,
                             Eigen::Index row, std::vector<const double*>& columns,
                             std::vector<detail::Chunk>& scratch) const {
  const auto n_inputs = static_cast<Eigen::Index>(inputs_.size());
  for (Eigen::Index c = 0; c < n_inputs; ++c) columns[c] = inputs.col(c).data() + row;
  for (Eigen::Index k = 0; k < outputs.cols(); ++k) {
    columns[n_inputs + k] = outputs.col(k).data() + row;
  }
  for (const int k : order_) {
    evaluators_[static_cast<std::size_t>(k)].evaluate(columns.data(), scratch.data(),
                                                      outputs.col(k).data() + row);
  }
}

ModelInfo formula_info() {
  using K = ParameterKind;
  return {
      "formula",
      "outputs written as arithmetic expressions over named inputs (output.y = sin(x1) + x2^2)",
      {{"output.", K::kText, "",
        "an output and its formula over inputs, constants and other outputs "
        "(output.y = a * sin(x1)^2)",
        true, false},
       {"unit.", K::kText, "", "unit of an output (unit.y = USD)", true, false},
       {"const.", K::kNumber, "", "a named number the formulas use (const.a = 7)", true, false}},
      &Formula::make};
}

}  // namespace costsweep::models
