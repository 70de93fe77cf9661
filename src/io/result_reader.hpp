#pragma once
/// Reads a costsweep result file back (serial HDF5; no MPI needed).
#include <cstdint>
#include <string>
#include <vector>

#include "io/result.hpp"

namespace costsweep::io {

/// Reads names, summary arrays and provenance. Throws H5Error naming the file when it is
/// missing, not HDF5, not a costsweep result, or written with a newer layout.
ResultFile read_result(const std::string& path);

/// Reads /samples/<kind> ([scenario, variable, draw], row-major) and its dims. Throws H5Error.
std::vector<double> read_samples(const std::string& path, const std::string& kind,
                                 std::vector<std::uint64_t>& dims);

}  // namespace costsweep::io
