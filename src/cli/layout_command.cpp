// `costsweep layout`: the result file's layout (io/layout.hpp) as a tab-separated table, one
// dataset per line. The README's table, the integration test of written files and the Python
// reader (tools/reportlib/result.py) are checked against it.
#include <cstdio>
#include <cstring>
#include <string>

#include "cli/commands.hpp"
#include "core/errors/errors.hpp"
#include "io/layout.hpp"

namespace costsweep::cli {
int command_layout(int argc, char** argv) {
  constexpr const char* usage = "usage: costsweep layout";
  if (argc == 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
    std::printf(
        "%s\n\nPrints every dataset a result file can hold (layout %lld), tab-separated: path,\n"
        "element type, shape (S scenario, A axis, O output, I input, Q quantile level,\n"
        "G group, N draw), dimension names (their scales label them in the file), when it is\n"
        "present, its measure name in show --csv, and whether older files may lack it.\n",
        usage, static_cast<long long>(io::kLayoutVersion));
    return 0;
  }
  if (argc != 1) {
    throw InputError("cannot print the layout: it takes no arguments (" + std::string(usage) + ")");
  }
  std::printf("path\ttype\tshape\tdimensions\tpresent\tcsv_measure\tmay_be_absent\n");
  for (const auto& spec : io::kDatasets) {
    std::string shape, names;
    for (const auto dim : spec.dims()) {
      shape += (shape.empty() ? "" : ",") + std::string(io::dim_letter(dim));
      names += (names.empty() ? "" : ",") + std::string(io::dim_name(dim));
    }
    std::printf("/%s\t%s\t%s\t%s\t%s\t%s\t%s\n", std::string(spec.path).c_str(),
                std::string(io::element_name(spec.element)).c_str(), shape.c_str(), names.c_str(),
                std::string(io::presence_key(spec.presence)).c_str(),
                std::string(spec.csv_measure).c_str(), spec.may_be_absent ? "yes" : "no");
  }
  return 0;
}

}  // namespace costsweep::cli
