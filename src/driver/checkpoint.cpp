#include "driver/checkpoint.hpp"

#include <algorithm>
#include <ctime>
#include <fstream>
#include <sstream>

#include "core/errors/errors.hpp"

namespace costsweep::driver {
namespace {

double now_unix() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string text_of(const io::AttributeValue& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
  if (const auto* u = std::get_if<std::uint64_t>(&value)) return std::to_string(*u);
  std::ostringstream out;
  out << std::get<double>(value);
  return out.str();
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in) throw InputError("cannot read checkpoint '" + path + "'");
  return bytes.str();
}

/// This generation's line of the history.
std::string generation_line(std::uint64_t generation, int ranks, double start_unix) {
  return "generation " + std::to_string(generation) + ": " + std::to_string(ranks) +
         (ranks == 1 ? " rank" : " ranks") + " from " + iso_time(start_unix);
}

}  // namespace

std::string iso_time(double unix_seconds) {
  const auto seconds = static_cast<std::time_t>(unix_seconds);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

io::CheckpointIdentity run_identity(const study::Study& study, std::size_t shard_index,
                                    std::size_t shard_count, const io::Provenance& build) {
  const auto& base = study.base();
  io::CheckpointIdentity id;
  id.emplace_back("job text (SHA-256)", base.job().sha256);
  for (const auto& [key, value] : study::effective_settings(base)) {
    // Settings that change no number (the same bits for any block size, path or limit).
    if (key == "job.block_size" || key == "job.statistics" || key == "job.memory_limit" ||
        key == "job.checkpoint_interval" || key == "job.output") {
      continue;
    }
    id.emplace_back(key, value);
  }
  for (const auto& file : base.data_files()) {
    id.emplace_back("data file " + file.key + " (SHA-256)", file.sha256);
  }
  id.emplace_back("scenarios", std::to_string(study.size()));
  id.emplace_back("shard", std::to_string(shard_index) + "/" + std::to_string(shard_count));
  id.emplace_back("common random numbers", study.common_random_numbers ? "yes" : "no");
  for (const char* key : {"costsweep_version", "git_commit"}) {
    const auto it = build.find(key);
    id.emplace_back(key, it == build.end() ? std::string() : text_of(it->second));
  }
  id.emplace_back("result layout", std::to_string(io::kLayoutVersion));
  return id;
}

std::shared_ptr<io::CheckpointPiece> load_checkpoint(const std::string& folder,
                                                     const io::CheckpointIdentity& identity) {
  const auto paths = io::checkpoint_pieces(folder);
  if (paths.empty()) return nullptr;
  std::vector<io::CheckpointPiece> pieces;
  for (const auto& path : paths) {
    auto piece = io::decode_checkpoint(read_bytes(path), path);
    if (const auto difference = io::identity_difference(piece.identity, identity);
        !difference.empty()) {
      throw InputError("cannot resume from checkpoint '" + path +
                       "': it is of another run; what differs: " + difference + ". Remove " +
                       folder + " to start over");
    }
    pieces.push_back(std::move(piece));
  }
  auto merged = std::make_shared<io::CheckpointPiece>();
  merged->identity = identity;
  for (const auto& piece : pieces) merged->n_draws = std::max(merged->n_draws, piece.n_draws);
  bool first = true;
  for (auto& piece : pieces) {
    if (first || piece.generation > merged->generation) {
      merged->generation = piece.generation;
      merged->history = piece.history;
      first = false;
    }
    if (piece.n_draws != merged->n_draws) continue;  // an earlier round of a stopping rule
    merged->rounds = piece.rounds;
    for (auto& [row, results] : piece.rows) merged->rows.emplace(row, std::move(results));
  }
  return merged;
}

RowCheckpoint::RowCheckpoint(const CheckpointOptions& options, int rank, int ranks,
                             std::uint64_t n_draws, std::string rounds)
    : options_(options), last_(std::chrono::steady_clock::now()) {
  piece_.identity = options.identity;
  piece_.n_draws = n_draws;
  piece_.rounds = std::move(rounds);
  piece_.generation = options.resumed ? options.resumed->generation + 1 : 0;
  piece_.rank = rank;
  piece_.ranks = ranks;
  piece_.history = (options.resumed ? options.resumed->history : std::string()) +
                   generation_line(piece_.generation, ranks, options.start_unix);
}

const io::SummaryRows* RowCheckpoint::done(std::uint64_t row) const {
  const auto& resumed = options_.resumed;
  if (!resumed || resumed->n_draws != piece_.n_draws) return nullptr;
  const auto it = resumed->rows.find(row);
  return it == resumed->rows.end() ? nullptr : &it->second;
}

std::uint64_t RowCheckpoint::done_rows() const {
  const auto& resumed = options_.resumed;
  return resumed && resumed->n_draws == piece_.n_draws ? resumed->rows.size() : 0;
}

void RowCheckpoint::write_if_due(const io::CheckpointRows& rows, const std::string& stopped_by) {
  if (!enabled() || rows.empty()) return;  // nothing finished: nothing to keep
  const auto now = std::chrono::steady_clock::now();
  if (stopped_by.empty() &&
      (options_.interval_seconds <= 0 ||
       std::chrono::duration<double>(now - last_).count() < options_.interval_seconds)) {
    return;
  }
  piece_.written_unix = now_unix();
  io::CheckpointPiece piece = piece_;
  piece.history += stopped_by.empty()
                       ? ", checkpoint at " + iso_time(piece.written_unix)
                       : ", stopped by " + stopped_by + " at " + iso_time(piece.written_unix);
  piece.history += "\n";
  io::write_checkpoint(options_.folder, piece, rows);
  last_ = std::chrono::steady_clock::now();
}

std::string resume_history(const CheckpointOptions& options, int ranks) {
  if (!options.resumed) return {};
  return options.resumed->history +
         generation_line(options.resumed->generation + 1, ranks, options.start_unix) +
         ", resumed with " + std::to_string(options.resumed->rows.size()) +
         " scenario rows done, completed";
}

}  // namespace costsweep::driver
