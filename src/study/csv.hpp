#pragma once
/// CSV data files (RFC 4180: comma-separated, double-quoted cells may hold commas, quotes as ""
/// and line breaks; first row = column names).
#include <string>

#include "models/table.hpp"

namespace costsweep::study {

/// Parses text read from path. Throws DataError naming the file and line for an unterminated
/// quote, text after a closing quote, a row whose cell count differs from the header's, an empty
/// or duplicate column name, or a file without a header.
models::Table parse_csv(const std::string& path, const std::string& text);

}  // namespace costsweep::study
