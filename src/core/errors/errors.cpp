#include "core/errors/errors.hpp"

#include <algorithm>

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

std::string printable(std::string_view message) {
  constexpr std::size_t kLongest = 80, kHead = 60, kTail = 12;
  std::string out;
  out.reserve(std::min<std::size_t>(message.size(), 4096));
  const auto append = [&out](std::string_view part) {
    for (const char c : part) {
      const auto byte = static_cast<unsigned char>(c);
      if ((byte < 0x20 && c != '\n') || byte == 0x7F) {
        const char* digits = "0123456789ABCDEF";
        out += "\\x";
        out += digits[byte >> 4];
        out += digits[byte & 15];
      } else {
        out += c;
      }
    }
  };
  std::size_t at = 0;
  while (at < message.size()) {
    const auto open = message.find('\'', at);
    const auto close = open == std::string_view::npos ? open : message.find('\'', open + 1);
    if (close == std::string_view::npos) {
      append(message.substr(at));
      break;
    }
    append(message.substr(at, open + 1 - at));
    const auto quoted = message.substr(open + 1, close - open - 1);
    if (quoted.size() > kLongest) {
      // Keep whole UTF-8 characters: never cut before a continuation byte.
      std::size_t head = kHead, tail = quoted.size() - kTail;
      while (head > 0 && (static_cast<unsigned char>(quoted[head]) & 0xC0) == 0x80) --head;
      while (tail < quoted.size() && (static_cast<unsigned char>(quoted[tail]) & 0xC0) == 0x80) {
        ++tail;
      }
      append(quoted.substr(0, head));
      out += "...(" + std::to_string(quoted.size()) + " characters)...";
      append(quoted.substr(tail));
    } else {
      append(quoted);
    }
    out += '\'';
    at = close + 1;
  }
  return out;
}

}  // namespace costsweep
