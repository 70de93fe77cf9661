#include "core/errors/errors.hpp"

namespace costsweep {
namespace {
std::string join_lines(const std::vector<std::string>& problems) {
  std::string text;
  for (const auto& p : problems) {
    if (!text.empty()) text += '\n';
    text += p;
  }
  return text;
}
}  // namespace

ConfigError::ConfigError(std::vector<std::string> problems)
    : InputError(join_lines(problems)), problems_(std::move(problems)) {}

}  // namespace costsweep
