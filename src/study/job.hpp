#pragma once
/// A job as read: its text and its key = value entries, each with where it came from.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace costsweep::study {

/// One setting of a job. key is `section.name` (e.g. `job.draws`, `inputs.x1`).
struct JobEntry {
  std::string key;
  std::string value;
  std::string origin;        ///< where it was written, e.g. `jobs/ishigami.ini line 12` or `--set`
  bool is_override = false;  ///< from the command line: replaces the job's value
};

/// Reads a data file a job names (path already resolved against the job's folder); throws
/// InputError when it cannot.
using FileReader = std::function<std::string(const std::string& path)>;

/// The job file's path and full text, and its entries followed by command-line overrides.
struct JobSource {
  std::string path;
  std::string text;
  std::vector<JobEntry> entries;
  /// How data files are read; empty: read_whole_file. (Under MPI, rank 0 reads and the others
  /// are served what it read.)
  FileReader read_file;
  /// Mixed into every input's random stream; empty (the default) for common random numbers
  /// across scenarios.
  std::string stream_salt;
};

/// The text after a UTF-8 byte-order mark (what spreadsheet programs write first), if any.
std::string_view without_bom(std::string_view text);
/// Why text cannot be read as UTF-8 text, "line L, byte B: ..." (an invalid or overlong
/// sequence, a surrogate, a NUL or another control character other than tab, line feed and
/// carriage return), or empty when it can.
std::string text_problem(std::string_view text);

/// Reads a whole file from disk; throws InputError `cannot read <what> '<path>': <reason>` when
/// it is missing, a folder or unreadable.
std::string read_whole_file(const std::string& path, const std::string& what = "data file");

/// A documented job key with a fixed name (dynamic keys are `inputs.<input>` and
/// `model.<parameter>`).
struct KeyDoc {
  std::string key;
  std::string default_value;
  std::string doc;
  bool required = false;
};

/// Every fixed job key, in the order the README and --help list them.
const std::vector<KeyDoc>& job_keys();

}  // namespace costsweep::study
