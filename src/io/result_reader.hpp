#pragma once
/// Reads a costsweep result file back (serial HDF5; no MPI needed).
#include <string>

#include "io/result.hpp"

namespace costsweep::io {

/// Reads names, summary arrays and provenance. Throws H5Error naming the file when it is
/// missing, not HDF5, not a costsweep result, or written with a newer layout.
ResultFile read_result(const std::string& path);

}  // namespace costsweep::io
