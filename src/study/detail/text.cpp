#include "study/detail/text.hpp"

#include <cmath>

#include "study/job.hpp"

namespace costsweep::study::detail {

std::optional<bool> parse_bool(const std::string& text) {
  std::string lower;
  for (const char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "yes" || lower == "true" || lower == "on" || lower == "1") return true;
  if (lower == "no" || lower == "false" || lower == "off" || lower == "0") return false;
  return std::nullopt;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const auto stop = comma == std::string::npos ? text.size() : comma;
    std::string item = trim(std::string_view(text).substr(start, stop - start));
    if (!item.empty()) items.push_back(item);
    start = stop + 1;
  }
  return items;
}

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

}  // namespace costsweep::study::detail

namespace costsweep::study::detail {

std::optional<std::uint64_t> parse_size(const std::string& text) {
  if (text.empty()) return std::nullopt;
  double scale = 1;
  std::string number = text;
  switch (text.back()) {
    case 'K':
    case 'k':
      scale = 1024.0;
      break;
    case 'M':
    case 'm':
      scale = 1024.0 * 1024;
      break;
    case 'G':
    case 'g':
      scale = 1024.0 * 1024 * 1024;
      break;
    case 'T':
    case 't':
      scale = 1024.0 * 1024 * 1024 * 1024;
      break;
    default:
      break;
  }
  if (scale > 1) number.pop_back();
  const auto value = parse_number(number);
  if (!value || !(*value * scale >= 1024.0 * 1024) || !(*value * scale < 0x1p63)) {
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(*value * scale);
}

}  // namespace costsweep::study::detail

namespace costsweep::study {

std::string_view without_bom(std::string_view text) {
  return text.substr(0, 3) == "\xEF\xBB\xBF" ? text.substr(3) : text;
}

std::string text_problem(std::string_view text) {
  std::size_t line = 1, line_start = 0;
  const auto where = [&](std::size_t at) {
    return "line " + std::to_string(line) + ", byte " + std::to_string(at - line_start + 1) + ": ";
  };
  const auto hex = [](unsigned char c) {
    const char* digits = "0123456789ABCDEF";
    return std::string("0x") + digits[c >> 4] + digits[c & 15];
  };
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      line_start = ++i;
      continue;
    }
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7F) {
        return where(i) + "control character " + hex(c) + " (not text)";
      }
      ++i;
      continue;
    }
    // Lead byte: length and the smallest code point it may encode (no overlong forms).
    const std::size_t n = c >= 0xF0 && c <= 0xF4 ? 4
                          : c >= 0xE0            ? (c <= 0xEF ? 3 : 0)
                          : c >= 0xC2            ? 2
                                                 : 0;
    bool ok = n != 0 && i + n <= text.size();
    std::uint32_t code = n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
    for (std::size_t k = 1; ok && k < n; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      ok = (next & 0xC0) == 0x80;
      code = (code << 6) | (next & 0x3F);
    }
    if (ok) {
      ok = (n != 3 || code >= 0x800) && (n != 4 || (code >= 0x10000 && code <= 0x10FFFF)) &&
           !(code >= 0xD800 && code <= 0xDFFF);
    }
    if (!ok) {
      return where(i) + "byte " + hex(c) +
             " is not UTF-8 (save the file as UTF-8; e.g. Windows-1252 text: iconv -f cp1252 -t "
             "utf-8)";
    }
    i += n;
  }
  return {};
}

std::optional<detail::Labelled> detail::split_label(std::string_view item) {
  const auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
  };
  const auto is_alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  std::size_t i = 0;
  while (i < item.size() && is_space(item[i])) ++i;
  const std::size_t first = i;
  if (i == item.size() || !(is_alpha(item[i]) || item[i] == '_')) return std::nullopt;
  ++i;
  while (i < item.size() && (is_alpha(item[i]) || is_digit(item[i]) || item[i] == '_' ||
                             item[i] == '.' || item[i] == '+' || item[i] == '-')) {
    ++i;
  }
  const std::size_t last = i;
  while (i < item.size() && is_space(item[i])) ++i;
  if (i == item.size() || item[i] != ':') return std::nullopt;
  std::string_view rest = item.substr(i + 1);
  while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
  while (!rest.empty() && is_space(rest.back())) rest.remove_suffix(1);
  if (rest.starts_with("//")) return std::nullopt;
  return Labelled{std::string(item.substr(first, last - first)), std::string(rest)};
}

}  // namespace costsweep::study
