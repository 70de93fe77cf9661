#pragma once
#include <string>

#include "cli/build_info.hpp"
#include "io/result.hpp"

namespace costsweep::cli {

/// Provenance of the program itself: version, git commit, command line, library versions.
inline io::Provenance build_provenance(int argc, char** argv) {
  std::string command_line;
  for (int i = 0; i < argc; ++i) command_line += (i ? " " : "") + std::string(argv[i]);
  return {{"costsweep_version", std::string(build::kVersion)},
          {"git_commit", std::string(build::kGitCommit)},
          {"command_line", command_line}};
}

}  // namespace costsweep::cli
