// `costsweep merge -o OUT.h5 SHARD.h5...`: shard files of one job into the file a single run
// writes (every dataset the same bits; provenance aside).
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>

#include "cli/build_info_provenance.hpp"
#include "cli/commands.hpp"
#include "cli/job_arguments.hpp"
#include "core/errors/errors.hpp"
#include "io/h5_handle.hpp"
#include "io/output_file.hpp"
#include "io/result_reader.hpp"
#include "io/result_writer.hpp"
#include "mpi/communicator.hpp"

namespace costsweep::cli {
namespace po = boost::program_options;
namespace {

struct Shard {
  std::string path;
  io::ResultFile file;
  std::size_t index = 0, count = 0;
};

std::string text_of(const io::Provenance& p, const std::string& key) {
  const auto it = p.find(key);
  if (it == p.end()) return "";
  if (const auto* s = std::get_if<std::string>(&it->second)) {
    if (key != "settings") return *s;
    // Each shard names its own output file; every other setting must agree.
    std::string kept, line;
    for (std::size_t start = 0; start < s->size(); start += line.size() + 1) {
      line = s->substr(start, s->find('\n', start) - start);
      if (line.rfind("job.output =", 0) != 0) kept += line + "\n";
    }
    return kept;
  }
  if (const auto* u = std::get_if<std::uint64_t>(&it->second)) return std::to_string(*u);
  if (const auto* i = std::get_if<std::int64_t>(&it->second)) return std::to_string(*i);
  return std::to_string(std::get<double>(it->second));
}

/// Reads every shard and checks they are the complete, disjoint set of one job's shards.
std::vector<Shard> read_shards(const std::vector<std::string>& paths) {
  std::vector<Shard> shards;
  std::vector<std::string> problems;
  for (const auto& path : paths) {
    try {
      Shard shard{path, io::read_result(path), 0, 0};
      const std::string id = text_of(shard.file.provenance, "shard");
      if (std::sscanf(id.c_str(), "%zu/%zu", &shard.index, &shard.count) != 2) {
        throw InputError("cannot merge '" + path +
                         "': it has no shard number (provenance 'shard')");
      }
      shards.push_back(std::move(shard));
    } catch (const Error& e) {
      problems.push_back(e.what());
    }
  }
  if (!problems.empty()) throw ConfigError(problems);
  const auto& first = shards.front();
  for (const auto& shard : shards) {
    for (const char* key :
         {"job_sha256", "settings", "seed", "draws", "block_size", "costsweep_version",
          "git_commit", "scenarios", "grid_mode", "common_random_numbers"}) {
      if (text_of(shard.file.provenance, key) != text_of(first.file.provenance, key)) {
        problems.push_back("cannot merge '" + shard.path + "' with '" + first.path +
                           "': they differ in " + key +
                           " (shards must come from one job, seed and "
                           "costsweep version)");
      }
    }
    if (shard.count != first.count) {
      problems.push_back("cannot merge '" + shard.path + "': it is shard " +
                         std::to_string(shard.index) + "/" + std::to_string(shard.count) +
                         ", the others are of " + std::to_string(first.count));
    }
  }
  if (!problems.empty()) throw ConfigError(problems);
  std::map<std::size_t, const Shard*> by_index;
  for (const auto& shard : shards) {
    const auto [it, added] = by_index.emplace(shard.index, &shard);
    if (!added) {
      problems.push_back("cannot merge: shard " + std::to_string(shard.index) + "/" +
                         std::to_string(shard.count) + " is given twice ('" + it->second->path +
                         "' and '" + shard.path + "')");
    }
  }
  for (std::size_t i = 0; i < first.count; ++i) {
    if (by_index.count(i) == 0) {
      problems.push_back("cannot merge: shard " + std::to_string(i) + "/" +
                         std::to_string(first.count) + " is missing");
    }
  }
  if (!problems.empty()) throw ConfigError(problems);
  std::vector<Shard> ordered;
  for (auto& [i, shard] : by_index) ordered.push_back(*shard);
  return ordered;
}

void merge(const std::vector<Shard>& shards, const std::string& out, const std::string& partial,
           const mpi::Communicator& comm) {
  io::ResultHeader header = shards.front().file.tables;
  io::SummaryRows rows;
  header.scenario_names.clear();
  header.value_text.clear();
  header.value_label.clear();
  header.input_specs.clear();
  header.tornado.base.clear();
  header.tornado.low.clear();
  header.tornado.high.clear();
  for (const auto& shard : shards) {
    const auto& t = shard.file.tables;
    header.scenario_names.insert(header.scenario_names.end(), t.scenario_names.begin(),
                                 t.scenario_names.end());
    header.value_text.insert(header.value_text.end(), t.value_text.begin(), t.value_text.end());
    header.value_label.insert(header.value_label.end(), t.value_label.begin(), t.value_label.end());
    header.input_specs.insert(header.input_specs.end(), t.input_specs.begin(), t.input_specs.end());
    for (auto [to, from] : {std::pair{&header.tornado.base, &t.tornado.base},
                            std::pair{&header.tornado.low, &t.tornado.low},
                            std::pair{&header.tornado.high, &t.tornado.high}}) {
      to->insert(to->end(), from->begin(), from->end());
    }
    rows.append(t);
  }
  header.first_scenario = 0;
  const auto n_rows = header.n_scenarios();
  io::ResultWriter writer(comm, out, partial);
  writer.write_summary(io::Extents::of(header, false), 0, rows);
  if (shards.front().file.has_samples) {
    for (const std::string kind : {"outputs", "inputs"}) {
      std::vector<std::uint64_t> dims;
      bool created = false;
      std::uint64_t row = 0;
      for (const auto& shard : shards) {
        std::vector<double> values;
        try {
          values = io::read_samples(shard.path, kind, dims);
        } catch (const H5Error& e) {  // a damaged or unreadable shard: the input's fault
          throw InputError(e.what());
        }
        if (!created) writer.create_samples(kind, n_rows, dims[1], dims[2]);
        created = true;
        std::vector<Eigen::ArrayXXd> blocks;
        for (std::uint64_t r = 0; r < dims[0]; ++r) {
          blocks.push_back(Eigen::Map<const Eigen::ArrayXXd>(values.data() + r * dims[1] * dims[2],
                                                             static_cast<Eigen::Index>(dims[2]),
                                                             static_cast<Eigen::Index>(dims[1])));
        }
        std::vector<io::SamplePiece> pieces;
        for (std::uint64_t r = 0; r < dims[0]; ++r) pieces.push_back({row + r, 0, &blocks[r]});
        writer.write_samples(kind, pieces);
        row += dims[0];
      }
    }
  }
  io::Provenance provenance = shards.front().file.provenance;
  std::string sources;
  for (const auto& shard : shards) sources += shard.path + "\n";
  provenance["merged_from"] = sources;
  provenance["shard"] = std::string("merged");
  writer.finish(header, provenance);
}

}  // namespace

int command_merge(int argc, char** argv) {
  std::string out;
  std::vector<std::string> inputs;
  po::options_description options("options");
  options.add_options()("help,h", "show this help")("output,o", po::value(&out),
                                                    "merged result file (required)");
  po::options_description all;
  all.add(options).add_options()("shards", po::value(&inputs));
  po::positional_options_description positional;
  positional.add("shards", -1);
  const auto vm = parse_command_line(argc, argv, all, positional,
                                     "usage: costsweep merge -o OUT.h5 SHARD.h5...");
  if (vm.count("help") != 0) {
    std::cout << "usage: costsweep merge -o OUT.h5 SHARD.h5...\n" << options;
    return 0;
  }
  if (out.empty() || inputs.empty()) {
    throw InputError(
        "cannot merge: expected -o OUT.h5 and at least one shard file (usage: "
        "costsweep merge -o OUT.h5 SHARD.h5...)");
  }
  if (const auto problem = io::output_problem(out, inputs); !problem.empty()) {
    throw InputError(problem);
  }
  const auto folder = std::filesystem::path(out).parent_path();
  std::error_code ec;
  if (!folder.empty() && !std::filesystem::is_directory(folder, ec)) {
    throw InputError("cannot merge into '" + out + "': folder '" + folder.string() +
                     "' does not exist");
  }
  const std::string partial = io::partial_name(out);
  io::OutputLock lock(out, command_line(argc, argv), partial);
  if (const auto note = lock.takeover_note(); !note.empty()) {
    std::fprintf(stderr, "costsweep: %s\n", note.c_str());
  }
  const auto shards = read_shards(inputs);
  mpi::Environment environment(argc, argv);
  h5::silence_error_printing();  // costsweep reports HDF5 failures itself
  const auto comm = mpi::Communicator::self();
  merge(shards, out, partial, comm);
  std::printf("merged %zu shards (%zu scenarios) into %s\n", shards.size(),
              static_cast<std::size_t>(shards.front().file.tables.total_scenarios), out.c_str());
  return 0;
}

}  // namespace costsweep::cli
