#pragma once
/// Resolves a job's [model] section against a model's parameter specs: checks numbers, loads
/// the CSV tables named by table parameters (paths relative to the job file).
#include <map>
#include <string>
#include <vector>

#include "models/model.hpp"
#include "study/job.hpp"

namespace costsweep::study {

/// A data file a study read, kept for provenance.
struct DataFile {
  std::string key;   ///< the job key that named it, e.g. `model.entries`
  std::string path;  ///< as resolved (job folder + value)
  std::string text;
  std::string sha256;
};

struct ModelSettings {
  models::ModelConfig config;
  std::vector<DataFile> files;
};

/// Builds the model's configuration from the effective job entries (key -> entry). Appends a
/// message to problems for every bad value, missing required key or unreadable/malformed file;
/// `known` receives every `model.*` key the model accepts (for the unknown-key check).
ModelSettings resolve_model_settings(const models::ModelInfo& info,
                                     const std::map<std::string, const JobEntry*>& effective,
                                     const JobSource& source, std::vector<std::string>& problems);

/// Whether `model.<name>` is a key the model accepts (by name or prefix).
bool accepts_model_key(const models::ModelInfo& info, const std::string& name);

}  // namespace costsweep::study
