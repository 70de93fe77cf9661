#pragma once
/// Arithmetic expressions over named variables: parsed once into a tree, then evaluated on
/// chunks of draws with Eigen array expressions, one scratch column per pending operand.
#include <Eigen/Core>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/errors/errors.hpp"

namespace costsweep::models::detail {

/// Thrown by Expression::parse; what() reads `<reason> at position <n>` (1-based; one past the
/// last character when the text ends too early).
class ExpressionError : public InputError {
 public:
  using InputError::InputError;
};

enum class Op {
  kNumber,
  kVariable,
  kColumn,  ///< a bound variable: a column of the evaluator's column table
  kNegate,
  kAdd,
  kSubtract,
  kMultiply,
  kDivide,
  kPower,
  kMin,
  kMax,
  kExp,
  kLog,
  kSqrt,
  kSin,
  kCos,
  kTan,
  kAbs,
};

struct Node {
  Op op = Op::kNumber;
  double value = 0.0;  ///< kNumber
  std::string name;    ///< kVariable
  int column = -1;     ///< kColumn
  int left = -1;       ///< operand of unary nodes, left operand of binary ones
  int right = -1;
};

/// Rows evaluated together: every value takes the same (packet or scalar) code path whatever
/// the block size and wherever the draw sits in its block.
inline constexpr Eigen::Index kChunkRows = 64;
using Chunk = Eigen::Array<double, kChunkRows, 1>;

class Evaluator;

/// Why name cannot be a variable of an expression (not a name, or a function or a built-in
/// constant), or "" when it can.
std::string name_problem(std::string_view name);

/// A parsed expression: numbers, variables, + - * / ^, unary - and +, parentheses and the
/// functions exp log sqrt sin cos tan abs (one argument) and min max pow (two).
class Expression {
 public:
  /// Throws ExpressionError for malformed text, unknown functions and wrong argument counts.
  static Expression parse(std::string_view text);

  /// Names of the free variables, sorted, each once (pi and e are numbers, not variables).
  std::vector<std::string> variables() const;

  /// Replaces each variable by its constant or its column and folds constant subtrees.
  /// Precondition: every variable is a key of constants or of columns. Throws ExpressionError
  /// when a divisor folds to 0 or a part made of finite constants folds to an infinity or NaN.
  Evaluator bind(const std::map<std::string, double>& constants,
                 const std::map<std::string, int>& columns) const;

 private:
  std::vector<Node> nodes_;  ///< children before parents; the root is last
};

/// A bound expression, immutable and shareable between threads.
class Evaluator {
 public:
  /// nodes: no kVariable left, children before parents, the root last.
  explicit Evaluator(std::vector<Node> nodes);

  int scratch_size() const { return scratch_size_; }

  /// Writes kChunkRows values to result. columns[c] points at kChunkRows values of column c;
  /// scratch holds scratch_size() chunks.
  void evaluate(const double* const* columns, Chunk* scratch, double* result) const;

 private:
  struct Operand {
    const double* data = nullptr;  ///< kChunkRows values, or nullptr for a constant
    double value = 0.0;
  };
  Operand evaluate_node(int node, int slot, const double* const* columns, Chunk* scratch) const;
  int scratch_needed(int node) const;

  std::vector<Node> nodes_;
  int scratch_size_ = 0;
};

}  // namespace costsweep::models::detail
