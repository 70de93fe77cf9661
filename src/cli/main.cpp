// costsweep: entry point. Dispatches to a subcommand and maps errors to exit statuses.
#include <cstdio>
#include <cstring>
#include <string>

#include "cli/build_info.hpp"
#include "cli/commands.hpp"
#include "core/errors/errors.hpp"

int main(int argc, char** argv) {
  using namespace costsweep;
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
      std::strcmp(argv[1], "help") == 0) {
    cli::print_help();
    return argc < 2 ? 2 : 0;
  }
  const std::string command = argv[1];
  try {
    if (command == "--version") {
      std::printf("costsweep %s (git %s)\n", build::kVersion, build::kGitCommit);
      return 0;
    }
    if (command == "run") return cli::command_run(argc - 1, argv + 1);
    if (command == "validate") return cli::command_validate(argc - 1, argv + 1);
    if (command == "show") return cli::command_show(argc - 1, argv + 1);
    if (command == "merge") return cli::command_merge(argc - 1, argv + 1);
    if (command == "selftest") return cli::command_selftest(argc - 1, argv + 1);
    if (command == "layout") return cli::command_layout(argc - 1, argv + 1);
    throw InputError("cannot run command '" + command +
                     "': unknown (commands: run, validate, show, merge, selftest, layout; see "
                     "costsweep --help)");
  } catch (const InputError& e) {
    std::fprintf(stderr, "costsweep: error: %s\n", printable(e.what()).c_str());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "costsweep: error: %s\n", printable(e.what()).c_str());
    return 1;
  }
}
