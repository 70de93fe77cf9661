#pragma once
#include <string>

#include "cli/build_info.hpp"
#include "io/result.hpp"

namespace costsweep::cli {

/// The command's words joined by spaces.
inline std::string command_line(int argc, char** argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) line += (i ? " " : "") + std::string(argv[i]);
  return line;
}

/// Provenance of the program itself: version, git commit, command line, library versions.
inline io::Provenance build_provenance(int argc, char** argv) {
  return {{"costsweep_version", std::string(build::kVersion)},
          {"git_commit", std::string(build::kGitCommit)},
          {"command_line", command_line(argc, argv)}};
}

}  // namespace costsweep::cli
