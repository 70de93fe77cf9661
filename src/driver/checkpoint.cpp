#include "driver/checkpoint.hpp"

#include <algorithm>
#include <ctime>
#include <fstream>
#include <map>
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

bool overlaps(const std::vector<io::BlockSpan>& a, const std::vector<io::BlockSpan>& b) {
  for (const auto& [a0, a1] : a) {
    for (const auto& [b0, b1] : b) {
      if (a0 < b1 && b0 < a1) return true;
    }
  }
  return false;
}

/// The states of one batch (the same rows) that can be merged (see load_checkpoint), into out.
void choose_batch(const std::vector<const io::SplitPiece*>& all, std::vector<io::SplitPiece>& out) {
  std::uint64_t pass = 0;
  for (const auto* split : all) pass = std::max(pass, split->pass);
  std::vector<const io::SplitPiece*> at_pass;
  for (const auto* split : all) {
    if (split->pass == pass) at_pass.push_back(split);
  }
  std::stable_sort(at_pass.begin(), at_pass.end(), [](const auto* a, const auto* b) {
    return a->generation != b->generation ? a->generation > b->generation : a->rank < b->rank;
  });
  std::vector<io::SplitPiece> chosen;
  bool measures = pass == 0;
  for (const auto* split : at_pass) {
    bool fits = split->done.size() == split->rows.size();
    for (const auto& kept : chosen) {
      for (std::size_t i = 0; fits && i < split->done.size(); ++i) {
        fits = !overlaps(split->done[i], kept.done[i]);
      }
    }
    if (!fits) continue;
    chosen.push_back(*split);
    measures = measures || split->measures_complete;
  }
  if (!measures) {
    // Past pass 0 the measures' whole rows are in their owners' pieces: any piece past pass 0
    // holds the same, whichever pass it reached.
    for (const auto* split : all) {
      if (!split->measures_complete) continue;
      io::SplitPiece donor = *split;
      donor.summary.clear();
      for (auto& spans : donor.done) spans.clear();
      chosen.push_back(std::move(donor));
      measures = true;
      break;
    }
  }
  if (!measures) return;  // the measures' state is lost: the batch starts over
  for (auto& split : chosen) out.push_back(std::move(split));
}

/// The split-batch states of the pieces at the union's draws that can be merged, batch by
/// batch, into merged.split.
void choose_split(const std::vector<io::CheckpointPiece>& pieces, io::CheckpointPiece& merged) {
  std::map<std::pair<std::vector<std::uint64_t>, std::uint64_t>, std::vector<const io::SplitPiece*>>
      batches;
  for (const auto& piece : pieces) {
    if (piece.n_draws != merged.n_draws) continue;
    for (const auto& split : piece.split) batches[{split.rows, split.block_size}].push_back(&split);
  }
  for (const auto& [key, all] : batches) choose_batch(all, merged.split);
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
  choose_split(pieces, *merged);
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

bool RowCheckpoint::due() const {
  return enabled() && options_.interval_seconds > 0 &&
         std::chrono::duration<double>(std::chrono::steady_clock::now() - last_).count() >=
             options_.interval_seconds;
}

void RowCheckpoint::write_if_due(const io::CheckpointRows& rows, const std::string& stopped_by) {
  if (!stopped_by.empty() || due()) write(rows, stopped_by);
}

void RowCheckpoint::write_now(const io::CheckpointRows& rows, const std::string& stopped_by) {
  write(rows, stopped_by);
}

void RowCheckpoint::set_split(io::SplitPiece split) {
  split.generation = piece_.generation;
  split.rank = piece_.rank;
  piece_.split = {std::move(split)};
}

void RowCheckpoint::clear_split() { piece_.split.clear(); }

std::vector<const io::SplitPiece*> RowCheckpoint::resumed_split(
    const std::vector<std::uint64_t>& rows, std::uint64_t block_size) const {
  const auto& resumed = options_.resumed;
  std::vector<const io::SplitPiece*> out;
  if (!resumed || resumed->n_draws != piece_.n_draws) return out;
  for (const auto& split : resumed->split) {
    if (split.rows == rows && split.block_size == block_size) out.push_back(&split);
  }
  return out;
}

void RowCheckpoint::write(const io::CheckpointRows& rows, const std::string& stopped_by) {
  // Nothing finished and nothing in the middle: nothing to keep.
  if (!enabled() || (rows.empty() && piece_.split.empty())) return;
  piece_.written_unix = now_unix();
  io::CheckpointPiece piece = piece_;
  piece.history += stopped_by.empty()
                       ? ", checkpoint at " + iso_time(piece.written_unix)
                       : ", stopped by " + stopped_by + " at " + iso_time(piece.written_unix);
  piece.history += "\n";
  io::write_checkpoint(options_.folder, piece, rows);
  last_ = std::chrono::steady_clock::now();
}

std::string in_the_middle(const io::CheckpointPiece& merged) {
  std::size_t rows = 0;
  std::uint64_t covered = 0, total = 0, pass = 0;
  std::vector<const std::vector<std::uint64_t>*> seen;
  for (const auto& split : merged.split) {
    if (split.block_size == 0 || split.summary.empty()) continue;
    const std::uint64_t row_blocks = (merged.n_draws + split.block_size - 1) / split.block_size;
    if (std::find_if(seen.begin(), seen.end(), [&](const auto* r) { return *r == split.rows; }) ==
        seen.end()) {
      seen.push_back(&split.rows);
      rows += split.rows.size();
      total += row_blocks * split.rows.size();
      pass = std::max(pass, split.pass);
    }
    for (const auto& spans : split.done) {
      for (const auto& [first, last] : spans) covered += last - first;
    }
  }
  if (rows == 0 || total == 0) return {};
  char text[160];
  std::snprintf(text, sizeof text,
                "; %zu more in the middle of %s draws (pass %llu, %.0f%% of it done)", rows,
                rows == 1 ? "its" : "their", static_cast<unsigned long long>(pass),
                100.0 * static_cast<double>(covered) / static_cast<double>(total));
  return text;
}

std::string resume_history(const CheckpointOptions& options, int ranks) {
  if (!options.resumed) return {};
  return options.resumed->history +
         generation_line(options.resumed->generation + 1, ranks, options.start_unix) +
         ", resumed with " + std::to_string(options.resumed->rows.size()) + " scenario rows done" +
         in_the_middle(*options.resumed) + ", completed";
}

}  // namespace costsweep::driver
