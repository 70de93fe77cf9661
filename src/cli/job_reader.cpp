#include "cli/job_reader.hpp"

#include <boost/program_options.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/errors/errors.hpp"
#include "core/text/text.hpp"

namespace costsweep::cli {
namespace po = boost::program_options;
namespace {

using text::trim;

/// Line numbers of every `key = value` line, by `section.key`, in file order. Also checks that
/// every line is something Program_options accepts, reporting all bad lines at once.
std::map<std::string, std::vector<int>> index_lines(const std::string& path,
                                                    const std::string& text) {
  std::map<std::string, std::vector<int>> lines;
  std::vector<std::string> problems;
  std::istringstream in(text);
  std::string line, section;
  // A [scenario.<name>] section without keys would silently drop the scenario.
  int section_line = 0;
  bool section_has_keys = false;
  const auto close_section = [&] {
    if (section.rfind("scenario.", 0) == 0 && !section_has_keys) {
      problems.push_back("cannot read " + path + " line " + std::to_string(section_line) +
                         ": section [" + section +
                         "] is empty (a scenario sets at least one inputs.* or model.* key)");
    }
  };
  for (int number = 1; std::getline(in, line); ++number) {
    line = trim(line.substr(0, line.find('#')));  // Program_options' comment rule
    if (line.empty()) continue;
    if (line.front() == '[') {
      if (line.back() != ']') {
        problems.push_back("cannot read " + path + " line " + std::to_string(number) +
                           ": section header '" + line + "' lacks ']'");
      }
      close_section();
      section = trim(line.substr(1, line.size() - 2));
      section_line = number;
      section_has_keys = false;
      continue;
    }
    section_has_keys = true;
    const auto equals = line.find('=');
    if (equals == std::string::npos || trim(line.substr(0, equals)).empty()) {
      problems.push_back("cannot read " + path + " line " + std::to_string(number) + ": '" + line +
                         "' is not 'key = value', '[section]' or a '#' comment");
      continue;
    }
    const std::string key = trim(line.substr(0, equals));
    if (section.empty()) {
      // Program_options would take it as a key of no section, which no section then checks.
      problems.push_back("cannot read " + path + " line " + std::to_string(number) + ": '" + key +
                         "' comes before any [section]; keys belong to [job], [model], [inputs], "
                         "[sensitivity], [grid] or [scenario.<name>] (e.g. [job] then " +
                         key + " = ...)");
      continue;
    }
    lines[section + "." + key].push_back(number);
  }
  close_section();
  if (!problems.empty()) throw ConfigError(problems);
  return lines;
}

po::options_description known_keys() {
  po::options_description keys;
  for (const auto& doc : study::job_keys()) {
    keys.add_options()(doc.key.c_str(), po::value<std::string>(), doc.doc.c_str());
  }
  return keys;
}

}  // namespace

study::JobSource parse_job(const std::string& path, const std::string& file_text) {
  const std::string text(study::without_bom(file_text));
  if (const auto problem = study::text_problem(text); !problem.empty()) {
    throw ConfigError({"cannot read " + path + " " + problem});
  }
  auto lines = index_lines(path, text);
  study::JobSource source{path, file_text, {}, {}, {}};
  std::istringstream in(text);
  po::parsed_options parsed(nullptr);
  try {
    parsed = po::parse_config_file(in, known_keys(), /*allow_unregistered=*/true);
  } catch (const po::error& e) {
    throw ConfigError({"cannot read " + path + ": " + e.what()});
  }
  std::map<std::string, std::size_t> seen;
  for (const auto& option : parsed.options) {
    const auto& where = lines[option.string_key];
    const std::size_t k = seen[option.string_key]++;
    const std::string origin =
        path + (k < where.size() ? " line " + std::to_string(where[k]) : std::string());
    source.entries.push_back(
        {option.string_key, option.value.empty() ? "" : option.value.front(), origin, false});
  }
  return source;
}

void add_override(study::JobSource& source, const std::string& assignment,
                  const std::string& flag) {
  if (const auto problem = study::text_problem(assignment); !problem.empty()) {
    throw InputError("cannot apply " + flag + ": " + problem.substr(problem.find(": ") + 2));
  }
  const auto equals = assignment.find('=');
  if (equals == std::string::npos) {
    throw InputError("cannot apply " + flag + " '" + assignment +
                     "': expected key=value, e.g. job.draws=1000");
  }
  // The origin names the key and the start of a long value (a grid axis may run to pages; every
  // scenario's origin repeats it).
  constexpr std::size_t kShown = 60;
  const std::string origin = assignment.size() <= equals + 1 + kShown
                                 ? flag + " " + assignment
                                 : flag + " " + assignment.substr(0, equals + 1 + kShown) + "...";
  source.entries.push_back(
      {trim(assignment.substr(0, equals)), trim(assignment.substr(equals + 1)), origin, true});
}

}  // namespace costsweep::cli
