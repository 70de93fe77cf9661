#pragma once
/// Strict parsing of the text values of jobs and data files.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/text/text.hpp"

namespace costsweep::study::detail {

// Blanks and numbers follow the rules every input of costsweep shares (core/text).
using costsweep::text::parse_number;
using costsweep::text::parse_whole;
using costsweep::text::trim;
/// yes/no, true/false, on/off, 1/0 (any case).
std::optional<bool> parse_bool(const std::string& text);
/// A memory size: a positive number with a K, M, G or T suffix (powers of 1024; none: bytes),
/// at least 1 MiB; nullopt otherwise.
std::optional<std::uint64_t> parse_size(const std::string& text);
/// Items separated by commas (and spaces around them), trimmed, empty ones dropped.
std::vector<std::string> split_list(const std::string& text);
std::string join(const std::vector<std::string>& items);

/// A labelled value `label: value`: the label a name ([A-Za-z_] then [A-Za-z0-9_.+-]), spaces
/// around it and the value trimmed; nullopt when item is not of that form or the value starts
/// with `//` (so `https://...` is a value, not label `https`).
struct Labelled {
  std::string label;
  std::string value;
};
std::optional<Labelled> split_label(std::string_view item);

}  // namespace costsweep::study::detail
