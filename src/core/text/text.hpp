#pragma once
/// The one set of text rules of costsweep's inputs (jobs, data files, command lines, model
/// settings): what counts as blank around a value, and what a number is.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace costsweep::text {

/// What trim() removes: spaces, tabs, carriage returns and line feeds.
inline constexpr std::string_view kBlank = " \t\r\n";

/// s without leading and trailing kBlank characters.
std::string trim(std::string_view s);

/// A finite number written as a whole C-style literal (std::from_chars' general format: no
/// leading blanks or '+', no hexadecimal, independent of the locale), or nullopt.
std::optional<double> parse_number(std::string_view text);

/// A whole number in [lo, hi], written as digits or as an exact float literal (1e6), or
/// nullopt.
std::optional<std::uint64_t> parse_whole(std::string_view text, std::uint64_t lo, std::uint64_t hi);

}  // namespace costsweep::text
