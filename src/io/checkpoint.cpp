#include "io/checkpoint.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/checksum/sha256.hpp"
#include "core/errors/errors.hpp"
#include "core/serial/bytes.hpp"
#include "io/layout.hpp"

namespace costsweep::io {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMagic = "costsweep checkpoint 2\n";
constexpr std::size_t kDigest = 64;  // hex characters of the SHA-256

using serial::ByteReader;
using serial::ByteWriter;

/// The per-row datasets of the layout, in its order: what a row's results are.
std::vector<const DatasetSpec*> row_datasets() {
  std::vector<const DatasetSpec*> specs;
  for (const auto& spec : kDatasets) {
    if (spec.is_row_data()) specs.push_back(&spec);
  }
  return specs;
}

std::string system_error(const std::string& what) { return what + ": " + std::strerror(errno); }

void sync_path(const std::string& path, int flags, const std::string& what) {
  const int fd = open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0 || fsync(fd) != 0) {
    const std::string error = system_error("cannot flush " + what + " '" + path + "'");
    if (fd >= 0) close(fd);
    throw RuntimeError(error);
  }
  close(fd);
}

}  // namespace

std::string checkpoint_folder(const std::string& output) { return output + ".checkpoint"; }

std::string encode_checkpoint(const CheckpointPiece& piece, const CheckpointRows& rows) {
  ByteWriter w;
  w.raw(kMagic.data(), kMagic.size());
  w.u64(piece.identity.size());
  for (const auto& [key, value] : piece.identity) {
    w.str(key);
    w.str(value);
  }
  w.u64(piece.n_draws);
  w.str(piece.rounds);
  w.u64(piece.generation);
  w.u64(static_cast<std::uint64_t>(piece.rank));
  w.u64(static_cast<std::uint64_t>(piece.ranks));
  w.f64(piece.written_unix);
  w.str(piece.history);
  const auto specs = row_datasets();
  w.u64(specs.size());
  for (const auto* spec : specs) w.str(spec->path);
  w.u64(rows.size());
  for (const auto& [row, results] : rows) {
    w.u64(row);
    for (const auto* spec : specs) {
      if (spec->doubles != nullptr) {
        const auto& v = results.*spec->doubles;
        w.u64(v.size());
        w.raw(v.data(), v.size() * sizeof(double));
      } else {
        const auto& v = results.*spec->integers;
        w.u64(v.size());
        w.raw(v.data(), v.size() * sizeof(std::int64_t));
      }
    }
  }
  w.u64(piece.split.size());
  for (const auto& split : piece.split) {
    w.u64(split.generation);
    w.u64(static_cast<std::uint64_t>(split.rank));
    w.u64(split.block_size);
    w.vec(split.rows);
    w.u64(split.pass);
    w.u64(split.done.size());
    for (const auto& spans : split.done) {
      w.u64(spans.size());
      for (const auto& [first, last] : spans) {
        w.u64(first);
        w.u64(last);
      }
    }
    w.str(split.summary);
    w.u64(split.measures.size());
    for (const auto& m : split.measures) w.str(m);
    w.u64(split.measures_complete ? 1 : 0);
  }
  const std::string digest = sha256_hex(w.bytes());
  w.raw(digest.data(), digest.size());
  return std::move(w.bytes());
}

CheckpointPiece decode_checkpoint(const std::string& bytes, const std::string& path) {
  ByteReader check(bytes, "checkpoint '" + path + "'");
  if (bytes.compare(0, kMagic.size(), kMagic) != 0) {
    check.fail("it is not a costsweep checkpoint of this format (" +
               std::string(kMagic.substr(0, kMagic.size() - 1)) + ")");
  }
  if (bytes.size() < kMagic.size() + kDigest) check.fail("it ends early (a write cut short?)");
  const std::string_view body(bytes.data(), bytes.size() - kDigest);
  if (sha256_hex(body) != std::string_view(bytes).substr(body.size())) {
    check.fail("its SHA-256 does not match its contents (damaged or cut short); remove it");
  }
  ByteReader r(body.substr(kMagic.size()), "checkpoint '" + path + "'");
  CheckpointPiece piece;
  const auto n_fields = r.u64();
  for (std::uint64_t i = 0; i < n_fields; ++i) {
    auto key = r.str();
    auto value = r.str();
    piece.identity.emplace_back(std::move(key), std::move(value));
  }
  piece.n_draws = r.u64();
  piece.rounds = r.str();
  piece.generation = r.u64();
  piece.rank = static_cast<int>(r.u64());
  piece.ranks = static_cast<int>(r.u64());
  piece.written_unix = r.f64();
  piece.history = r.str();
  const auto specs = row_datasets();
  const auto n_specs = r.u64();
  std::vector<std::string> paths;
  for (std::uint64_t i = 0; i < n_specs; ++i) paths.push_back(r.str());
  bool same = paths.size() == specs.size();
  for (std::size_t i = 0; same && i < specs.size(); ++i) same = paths[i] == specs[i]->path;
  if (!same) r.fail("it holds other datasets than this costsweep's layout; remove it");
  const auto n_rows = r.u64();
  for (std::uint64_t k = 0; k < n_rows; ++k) {
    const auto row = r.u64();
    SummaryRows results;
    for (const auto* spec : specs) {
      const auto n = r.u64();
      if (n > bytes.size() / 8) r.fail("a row's size is impossible (damaged)");
      if (spec->doubles != nullptr) {
        auto& v = results.*spec->doubles;
        v.resize(n);
        r.raw(v.data(), n * sizeof(double));
      } else {
        auto& v = results.*spec->integers;
        v.resize(n);
        r.raw(v.data(), n * sizeof(std::int64_t));
      }
    }
    if (!piece.rows.emplace(row, std::move(results)).second) r.fail("it lists a row twice");
  }
  const auto n_split = r.u64();
  if (n_split > r.left() / 64) r.fail("its split state has an impossible size (damaged)");
  for (std::uint64_t k = 0; k < n_split; ++k) {
    SplitPiece split;
    split.generation = r.u64();
    split.rank = static_cast<int>(r.u64());
    split.block_size = r.u64();
    split.rows = r.vec<std::uint64_t>();
    split.pass = r.u64();
    const auto n_done = r.u64();
    if (n_done != split.rows.size()) r.fail("its split state does not match its rows (damaged)");
    for (std::uint64_t i = 0; i < n_done; ++i) {
      const auto n_spans = r.u64();
      if (n_spans > r.left() / 16) r.fail("its split state has an impossible size (damaged)");
      std::vector<BlockSpan> spans;
      for (std::uint64_t j = 0; j < n_spans; ++j) {
        const auto first = r.u64();
        const auto last = r.u64();
        spans.emplace_back(first, last);
      }
      split.done.push_back(std::move(spans));
    }
    split.summary = r.str();
    const auto n_measures = r.u64();
    if (n_measures != split.rows.size() && n_measures != 0) {
      r.fail("its split state does not match its rows (damaged)");
    }
    for (std::uint64_t i = 0; i < n_measures; ++i) split.measures.push_back(r.str());
    split.measures_complete = r.u64() != 0;
    piece.split.push_back(std::move(split));
  }
  if (!r.done()) r.fail("it has bytes after its rows (damaged)");
  return piece;
}

void write_checkpoint(const std::string& folder, const CheckpointPiece& piece,
                      const CheckpointRows& rows) {
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) throw RuntimeError("cannot make checkpoint folder '" + folder + "': " + ec.message());
  const std::string name = folder + "/g" + std::to_string(piece.generation) + "-r" +
                           std::to_string(piece.rank) + ".ckpt";
  const std::string temporary = name + ".tmp";
  const std::string bytes = encode_checkpoint(piece, rows);
  const int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw RuntimeError(system_error("cannot write checkpoint '" + temporary + "'"));
  std::size_t written = 0;
  while (written < bytes.size()) {
    const auto n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string error = system_error("cannot write checkpoint '" + temporary + "'");
      close(fd);
      std::remove(temporary.c_str());
      throw RuntimeError(error);
    }
    written += static_cast<std::size_t>(n);
  }
  if (fsync(fd) != 0) {
    const std::string error = system_error("cannot flush checkpoint '" + temporary + "'");
    close(fd);
    std::remove(temporary.c_str());
    throw RuntimeError(error);
  }
  close(fd);
  fs::rename(temporary, name, ec);
  if (ec)
    throw RuntimeError("cannot rename '" + temporary + "' to '" + name + "': " + ec.message());
  sync_path(folder, O_RDONLY | O_DIRECTORY, "checkpoint folder");
}

std::vector<std::string> checkpoint_pieces(const std::string& folder) {
  std::vector<std::string> pieces;
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return pieces;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const std::string path = entry.path().string();
    if (path.ends_with(".ckpt.tmp")) {
      fs::remove(entry.path(), ec);  // a write cut short: the piece it replaced is intact
    } else if (path.ends_with(".ckpt")) {
      pieces.push_back(path);
    }
  }
  if (ec) throw RuntimeError("cannot list checkpoint folder '" + folder + "': " + ec.message());
  std::sort(pieces.begin(), pieces.end());
  return pieces;
}

std::string identity_difference(const CheckpointIdentity& checkpoint,
                                const CheckpointIdentity& run) {
  std::string differences;
  const auto add = [&](const std::string& text) {
    differences += (differences.empty() ? "" : "; ") + text;
  };
  const auto shorten = [](const std::string& value) {
    return value.size() > 40 ? value.substr(0, 37) + "..." : value;
  };
  for (const auto& mine : run) {
    const auto it = std::find_if(checkpoint.begin(), checkpoint.end(),
                                 [&](const auto& field) { return field.first == mine.first; });
    if (it == checkpoint.end()) {
      add(mine.first + " (not in the checkpoint)");
    } else if (it->second != mine.second) {
      add(mine.first + " (checkpoint " + shorten(it->second) + ", this run " +
          shorten(mine.second) + ")");
    }
  }
  for (const auto& theirs : checkpoint) {
    const bool known = std::any_of(run.begin(), run.end(),
                                   [&](const auto& field) { return field.first == theirs.first; });
    if (!known) add(theirs.first + " (only in the checkpoint)");
  }
  return differences;
}

void remove_checkpoint(const std::string& folder) {
  std::error_code ec;
  fs::remove_all(folder, ec);
  if (ec) throw RuntimeError("cannot remove checkpoint '" + folder + "': " + ec.message());
}

}  // namespace costsweep::io
