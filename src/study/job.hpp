#pragma once
/// A job as read: its text and its key = value entries, each with where it came from.
#include <string>
#include <vector>

namespace costsweep::study {

/// One setting of a job. key is `section.name` (e.g. `job.draws`, `inputs.x1`).
struct JobEntry {
  std::string key;
  std::string value;
  std::string origin;        ///< where it was written, e.g. `jobs/ishigami.ini line 12` or `--set`
  bool is_override = false;  ///< from the command line: replaces the job's value
};

/// The job file's path and full text, and its entries followed by command-line overrides.
struct JobSource {
  std::string path;
  std::string text;
  std::vector<JobEntry> entries;
};

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
