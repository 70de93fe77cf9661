#include "models/detail/expression.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <numbers>
#include <set>

namespace costsweep::models::detail {
namespace {

// Bounds on recursion (parser, folding, evaluation), far above any formula written by hand.
constexpr int kMaxDepth = 500;
constexpr std::size_t kMaxNodes = 5000;

struct Function {
  std::string_view name;
  Op op;
  int arity;
};

constexpr Function kFunctions[] = {
    {"abs", Op::kAbs, 1},   {"cos", Op::kCos, 1}, {"exp", Op::kExp, 1},   {"log", Op::kLog, 1},
    {"max", Op::kMax, 2},   {"min", Op::kMin, 2}, {"pow", Op::kPower, 2}, {"sin", Op::kSin, 1},
    {"sqrt", Op::kSqrt, 1}, {"tan", Op::kTan, 1},
};

const Function* find_function(std::string_view name) {
  for (const auto& f : kFunctions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string function_list() {
  std::string list;
  for (const auto& f : kFunctions) list += (list.empty() ? "" : ", ") + std::string(f.name);
  return list;
}

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool is_unary(Op op) { return op == Op::kNegate || op >= Op::kExp; }

/// Recursive descent over expression := term {(+|-) term}, term := unary {(*|/) unary},
/// unary := (-|+) unary | power, power := primary [^ unary] (so -x^2 = -(x^2) and ^ is
/// right-associative), primary := number | name | name(args) | (expression).
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  std::vector<Node> parse() {
    expression();
    skip_space();
    if (pos_ < text_.size()) fail("unexpected '" + std::string(1, text_[pos_]) + "'", pos_);
    return std::move(nodes_);
  }

 private:
  [[noreturn]] void fail(const std::string& reason, std::size_t at) const {
    throw ExpressionError(reason + " at position " + std::to_string(at + 1));
  }

  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  bool accept(char c) {
    skip_space();
    if (pos_ >= text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  int add(Op op, int left = -1, int right = -1) {
    if (nodes_.size() >= kMaxNodes) {
      fail("too long (more than " + std::to_string(kMaxNodes) + " numbers, names and operators)",
           pos_);
    }
    nodes_.push_back({op, 0.0, {}, -1, left, right});
    return static_cast<int>(nodes_.size()) - 1;
  }

  int number_node(double value) {
    const int node = add(Op::kNumber);
    nodes_[static_cast<std::size_t>(node)].value = value;
    return node;
  }

  int expression() { return chain('+', Op::kAdd, '-', Op::kSubtract, &Parser::term); }
  int term() { return chain('*', Op::kMultiply, '/', Op::kDivide, &Parser::unary); }

  /// operand {(first|second) operand}, grouped left to right.
  int chain(char first, Op first_op, char second, Op second_op, int (Parser::*operand)()) {
    int left = (this->*operand)();
    while (true) {
      if (accept(first)) {
        left = add(first_op, left, (this->*operand)());
      } else if (accept(second)) {
        left = add(second_op, left, (this->*operand)());
      } else {
        return left;
      }
    }
  }

  int unary() {
    if (++depth_ > kMaxDepth) fail("nested too deeply", pos_);
    int node = 0;
    if (accept('-')) {
      node = add(Op::kNegate, unary());
    } else if (accept('+')) {
      node = unary();
    } else {
      node = primary();
      if (accept('^')) node = add(Op::kPower, node, unary());
    }
    --depth_;
    return node;
  }

  int primary() {
    skip_space();
    const std::size_t at = pos_;
    if (at < text_.size() && text_[at] == '(') {
      ++pos_;
      const int inner = expression();
      if (!accept(')')) fail("expected ')'", pos_);
      return inner;
    }
    if (at < text_.size() &&
        (std::isdigit(static_cast<unsigned char>(text_[at])) || text_[at] == '.')) {
      return number();
    }
    if (at >= text_.size() || !is_name_start(text_[at])) {
      fail("expected a number, a name or '('", at);
    }
    while (pos_ < text_.size() && is_name_char(text_[pos_])) ++pos_;
    const std::string name(text_.substr(at, pos_ - at));
    const std::size_t after_name = pos_;
    if (accept('(')) return call(name, at);
    if (name == "pi") return number_node(std::numbers::pi);
    if (name == "e") return number_node(std::numbers::e);
    if (find_function(name) != nullptr) fail("expected '(' after function " + name, after_name);
    const int node = add(Op::kVariable);
    nodes_[static_cast<std::size_t>(node)].name = name;
    return node;
  }

  int number() {
    const std::size_t at = pos_;
    double value = 0.0;
    const auto [end, ec] = std::from_chars(text_.data() + at, text_.data() + text_.size(), value);
    pos_ = static_cast<std::size_t>(end - text_.data());
    if (ec == std::errc::result_out_of_range) {
      fail("number '" + std::string(text_.substr(at, pos_ - at)) + "' is out of range", at);
    }
    if (ec != std::errc()) fail("expected a number", at);
    return number_node(value);
  }

  /// After `name(`.
  int call(const std::string& name, std::size_t at) {
    const Function* function = find_function(name);
    if (function == nullptr) {
      fail("unknown function '" + name + "' (functions: " + function_list() + ")", at);
    }
    std::vector<int> arguments;
    if (!accept(')')) {
      do {
        arguments.push_back(expression());
      } while (accept(','));
      const bool more = static_cast<int>(arguments.size()) < function->arity;
      if (!accept(')')) fail(more ? "expected ',' or ')'" : "expected ')'", pos_);
    }
    if (static_cast<int>(arguments.size()) != function->arity) {
      fail(name + " takes " + std::to_string(function->arity) +
               (function->arity == 1 ? " argument" : " arguments") + ", not " +
               std::to_string(arguments.size()),
           at);
    }
    return add(function->op, arguments[0], function->arity == 2 ? arguments[1] : -1);
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  std::vector<Node> nodes_;
};

using ChunkMap = Eigen::Map<const Chunk>;

/// out = f(a, b) on arrays, a constant operand broadcast.
template <class F>
void combine(const double* a, double a_value, const double* b, double b_value, Chunk& out, F f) {
  if (a != nullptr && b != nullptr) {
    out = f(ChunkMap(a), ChunkMap(b));
  } else if (a != nullptr) {
    out = f(ChunkMap(a), Chunk::Constant(b_value));
  } else if (b != nullptr) {
    out = f(Chunk::Constant(a_value), ChunkMap(b));
  } else {
    out = f(Chunk::Constant(a_value), Chunk::Constant(b_value));
  }
}

void apply_unary(Op op, const ChunkMap& x, Chunk& out) {
  if (op == Op::kNegate) out = -x;
  if (op == Op::kExp) out = x.exp();
  if (op == Op::kLog) out = x.log();
  if (op == Op::kSqrt) out = x.sqrt();
  if (op == Op::kSin) out = x.sin();
  if (op == Op::kCos) out = x.cos();
  if (op == Op::kTan) out = x.tan();
  if (op == Op::kAbs) out = x.abs();
}

// Eigen's default min/max return either operand when one is NaN; NaN must reach the output.
using NanMin = Eigen::internal::scalar_min_op<double, double, Eigen::PropagateNaN>;
using NanMax = Eigen::internal::scalar_max_op<double, double, Eigen::PropagateNaN>;

void apply_binary(Op op, const double* a, double a_value, const double* b, double b_value,
                  Chunk& out) {
  const auto run = [&](auto f) { combine(a, a_value, b, b_value, out, f); };
  switch (op) {
    case Op::kAdd:
      return run([](const auto& x, const auto& y) { return x + y; });
    case Op::kSubtract:
      return run([](const auto& x, const auto& y) { return x - y; });
    case Op::kMultiply:
      return run([](const auto& x, const auto& y) { return x * y; });
    case Op::kDivide:
      return run([](const auto& x, const auto& y) { return x / y; });
    case Op::kMin:
      return run([](const auto& x, const auto& y) { return x.binaryExpr(y, NanMin()); });
    case Op::kMax:
      return run([](const auto& x, const auto& y) { return x.binaryExpr(y, NanMax()); });
    case Op::kPower:
      if (a != nullptr && b == nullptr && b_value == 2.0) {
        out = ChunkMap(a).square();  // exact, and x^2 is the common case
        return;
      }
      return run([](const auto& x, const auto& y) { return x.pow(y); });
    default:
      return;
  }
}

/// An operation on numbers, computed by the same code as on draws.
double fold_value(Op op, double a, double b) {
  Chunk out;
  if (is_unary(op)) {
    const Chunk x = Chunk::Constant(a);
    apply_unary(op, ChunkMap(x.data()), out);
  } else {
    apply_binary(op, nullptr, a, nullptr, b, out);
  }
  return out[0];
}

std::string number_text(double value) {
  char text[32];
  const auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  return ec == std::errc() ? std::string(text, end) : std::string("?");
}

std::string_view op_text(Op op) {
  switch (op) {
    case Op::kAdd:
      return " + ";
    case Op::kSubtract:
      return " - ";
    case Op::kMultiply:
      return " * ";
    case Op::kDivide:
      return " / ";
    case Op::kPower:
      return "^";
    default:
      for (const auto& f : kFunctions) {
        if (f.op == op) return f.name;
      }
      return "?";
  }
}

/// Appends the subtree at node, written out again (parentheses around every compound operand),
/// to text: for messages.
void append_text(const std::vector<Node>& nodes, int node, std::string& text) {
  const Node& n = nodes[static_cast<std::size_t>(node)];
  const auto operand = [&](int i) {
    const Op op = nodes[static_cast<std::size_t>(i)].op;
    const bool atomic = op == Op::kNumber || op == Op::kVariable || op >= Op::kMin;
    if (!atomic) text.push_back('(');
    append_text(nodes, i, text);
    if (!atomic) text.push_back(')');
  };
  switch (n.op) {
    case Op::kNumber:
      text.append(number_text(n.value));
      return;
    case Op::kVariable:
      text.append(n.name);
      return;
    case Op::kColumn:
      text.append("column ").append(std::to_string(n.column));
      return;
    case Op::kNegate:
      text.push_back('-');
      operand(n.left);
      return;
    case Op::kAdd:
    case Op::kSubtract:
    case Op::kMultiply:
    case Op::kDivide:
    case Op::kPower:
      operand(n.left);
      text.append(op_text(n.op));
      operand(n.right);
      return;
    default:
      text.append(op_text(n.op)).push_back('(');
      append_text(nodes, n.left, text);
      if (!is_unary(n.op)) {
        text.append(", ");
        append_text(nodes, n.right, text);
      }
      text.push_back(')');
  }
}

std::string text_of(const std::vector<Node>& nodes, int node) {
  std::string text;
  append_text(nodes, node, text);
  return text;
}

/// Copies the subtree at node into out, binding variables and folding constants; returns its
/// index in out. A division by a part that folds to 0, and a part of finite constants that folds
/// to an infinity or NaN, would make every draw infinite or NaN: they are refused.
int fold(const std::vector<Node>& in, int node, const std::map<std::string, double>& constants,
         const std::map<std::string, int>& columns, std::vector<Node>& out) {
  Node n = in[static_cast<std::size_t>(node)];
  if (n.op == Op::kVariable) {
    if (const auto c = constants.find(n.name); c != constants.end()) {
      n = {Op::kNumber, c->second, {}, -1, -1, -1};
    } else {
      n = {Op::kColumn, 0.0, {}, columns.at(n.name), -1, -1};
    }
  } else if (n.op != Op::kNumber) {
    n.left = fold(in, n.left, constants, columns, out);
    if (!is_unary(n.op)) n.right = fold(in, n.right, constants, columns, out);
    const auto number = [&](int i) { return out[static_cast<std::size_t>(i)].op == Op::kNumber; };
    if (n.op == Op::kDivide && number(n.right) &&
        out[static_cast<std::size_t>(n.right)].value == 0) {
      const Node& divisor = in[static_cast<std::size_t>(in[static_cast<std::size_t>(node)].right)];
      throw ExpressionError(
          "divides by zero: '" + text_of(in, in[static_cast<std::size_t>(node)].right) + "'" +
          (divisor.op == Op::kNumber ? "" : " is 0") + ", so every draw would be infinite or NaN");
    }
    if (number(n.left) && (is_unary(n.op) || number(n.right))) {
      const double a = out[static_cast<std::size_t>(n.left)].value;
      const double b = is_unary(n.op) ? 0.0 : out[static_cast<std::size_t>(n.right)].value;
      out.resize(static_cast<std::size_t>(n.left));  // the operands are the last nodes of out
      const double value = fold_value(n.op, a, b);
      if (!std::isfinite(value) && std::isfinite(a) && std::isfinite(b)) {
        throw ExpressionError("'" + text_of(in, node) + "' is " + number_text(value) +
                              ", so every draw would be infinite or NaN");
      }
      n = {Op::kNumber, value, {}, -1, -1, -1};
    }
  }
  out.push_back(n);
  return static_cast<int>(out.size()) - 1;
}

}  // namespace

std::string name_problem(std::string_view name) {
  if (name.empty() || !is_name_start(name.front()) ||
      !std::all_of(name.begin(), name.end(), is_name_char)) {
    return "a name is a letter or '_' followed by letters, digits or '_'";
  }
  if (name == "pi" || name == "e") return std::string(name) + " is a built-in constant";
  if (find_function(name) != nullptr) return std::string(name) + " is a function";
  return {};
}

Expression Expression::parse(std::string_view text) {
  Expression expression;
  expression.nodes_ = Parser(text).parse();
  return expression;
}

std::vector<std::string> Expression::variables() const {
  std::set<std::string> names;
  for (const auto& node : nodes_) {
    if (node.op == Op::kVariable) names.insert(node.name);
  }
  return {names.begin(), names.end()};
}

Evaluator Expression::bind(const std::map<std::string, double>& constants,
                           const std::map<std::string, int>& columns) const {
  std::vector<Node> bound;
  fold(nodes_, static_cast<int>(nodes_.size()) - 1, constants, columns, bound);
  return Evaluator(std::move(bound));
}

Evaluator::Evaluator(std::vector<Node> nodes) : nodes_(std::move(nodes)) {
  scratch_size_ = std::max(1, scratch_needed(static_cast<int>(nodes_.size()) - 1));
}

int Evaluator::scratch_needed(int node) const {
  const Node& n = nodes_[static_cast<std::size_t>(node)];
  if (n.op == Op::kNumber || n.op == Op::kColumn) return 0;
  if (is_unary(n.op)) return std::max(1, scratch_needed(n.left));
  // The left result waits in the first slot while the right one is computed above it.
  return std::max({1, scratch_needed(n.left), 1 + scratch_needed(n.right)});
}

Evaluator::Operand Evaluator::evaluate_node(int node, int slot, const double* const* columns,
                                            Chunk* scratch) const {
  const Node& n = nodes_[static_cast<std::size_t>(node)];
  if (n.op == Op::kNumber) return {nullptr, n.value};
  if (n.op == Op::kColumn) return {columns[n.column], 0.0};
  Chunk& out = scratch[slot];
  const Operand a = evaluate_node(n.left, slot, columns, scratch);
  if (is_unary(n.op)) {
    // Folding leaves no operation on a constant alone.
    apply_unary(n.op, ChunkMap(a.data), out);
  } else {
    const Operand b = evaluate_node(n.right, slot + 1, columns, scratch);
    apply_binary(n.op, a.data, a.value, b.data, b.value, out);
  }
  return {out.data(), 0.0};
}

void Evaluator::evaluate(const double* const* columns, Chunk* scratch, double* result) const {
  const Operand value = evaluate_node(static_cast<int>(nodes_.size()) - 1, 0, columns, scratch);
  Eigen::Map<Chunk> out(result);
  if (value.data != nullptr) {
    out = ChunkMap(value.data);
  } else {
    out.setConstant(value.value);
  }
}

}  // namespace costsweep::models::detail
