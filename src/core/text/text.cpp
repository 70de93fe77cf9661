#include "core/text/text.hpp"

#include <charconv>
#include <cmath>

namespace costsweep::text {

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(kBlank);
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(kBlank);
  return std::string(s.substr(first, last - first + 1));
}

std::optional<double> parse_number(std::string_view text) {
  double value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<std::uint64_t> parse_whole(std::string_view text, std::uint64_t lo,
                                         std::uint64_t hi) {
  std::uint64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (!text.empty() && ec == std::errc() && ptr == end) {
    if (value < lo || value > hi) return std::nullopt;
    return value;
  }
  const auto number = parse_number(text);
  if (!number || *number != std::floor(*number) || *number < static_cast<double>(lo) ||
      *number > static_cast<double>(hi) || *number >= 0x1.0p64) {
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(*number);
}

}  // namespace costsweep::text
