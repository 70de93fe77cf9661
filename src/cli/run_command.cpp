// `costsweep run`: every rank builds the job's study from what rank 0 read, then runs it.
#include <chrono>
#include <cstdio>
#include <map>
#include <new>
#include <optional>
#include <set>
#include <tuple>

#include "cli/build_info_provenance.hpp"
#include "cli/commands.hpp"
#include "cli/job_arguments.hpp"
#include "cli/show.hpp"
#include "core/errors/errors.hpp"
#include "driver/driver.hpp"
#include "driver/interrupt.hpp"
#include "driver/memory.hpp"
#include "io/checkpoint.hpp"
#include "io/h5_handle.hpp"
#include "io/output_file.hpp"
#include "io/result_reader.hpp"

namespace costsweep::cli {
namespace {

/// Collective. Rank 0's files (path -> text) on every rank.
std::map<std::string, std::string> broadcast_files(const std::map<std::string, std::string>& files,
                                                   const mpi::Communicator& comm) {
  std::vector<std::pair<std::string, std::string>> items(files.begin(), files.end());
  items.resize(std::stoull(comm.broadcast(std::to_string(items.size()))));
  for (auto& [path, text] : items) {
    path = comm.broadcast(path);
    text = comm.broadcast(text);
  }
  return {items.begin(), items.end()};
}

/// Collective. Rank 0 reads the job and its data files and validates them; the other ranks build
/// the same plan from what rank 0 read, so only rank 0 touches the files. On a problem rank 0
/// prints it and every rank returns nullptr.
study::StudyPtr collective_study(const JobArguments& args, const mpi::Communicator& comm) {
  std::string text, error;
  std::map<std::string, std::string> files;
  study::StudyPtr study;
  if (comm.rank() == 0) {
    try {
      text = study::read_whole_file(args.job, "job");
      auto source = job_source(args, text);
      source.read_file = [&files](const std::string& path) {
        return files[path] = study::read_whole_file(path);
      };
      study = study::build_study(source);
    } catch (const InputError& e) {
      error = e.what();
    }
  }
  error = comm.broadcast(error);
  if (!error.empty()) {
    if (comm.rank() == 0) std::fprintf(stderr, "costsweep: error: %s\n", printable(error).c_str());
    return nullptr;
  }
  text = comm.broadcast(text);
  files = broadcast_files(files, comm);
  if (comm.rank() != 0) {
    try {
      auto source = job_source(args, text);
      source.read_file = [&files](const std::string& path) {
        const auto it = files.find(path);
        if (it == files.end())
          throw InputError("cannot read data file '" + path + "': rank 0 did not read it");
        return it->second;
      };
      study = study::build_study(source);
    } catch (const InputError& e) {
      error = e.what();
    }
  }
  if (!comm.all(error.empty())) {
    if (!error.empty())
      std::fprintf(stderr, "costsweep: error on rank %d: %s\n", comm.rank(),
                   printable(error).c_str());
    return nullptr;
  }
  return study;
}

/// Rank 0: the output is none of the run's inputs (job file, data tables) and no other run
/// writes it; takes its lock. Returns the problem (empty when there is none) and its status.
std::pair<std::string, int> claim_output(const study::Study& study, int argc, char** argv,
                                         const std::string& partial,
                                         std::optional<io::OutputLock>& lock) {
  const auto& output = study.job().output_path;
  std::vector<std::string> inputs = {study.job().path};
  std::set<const study::ModelSetup*> seen;
  for (const auto& scenario : study.scenarios) {
    if (!seen.insert(scenario->setup.get()).second) continue;
    for (const auto& file : scenario->data_files()) inputs.push_back(file.path);
  }
  if (auto problem = io::output_problem(output, inputs); !problem.empty()) return {problem, 2};
  try {
    lock.emplace(output, command_line(argc, argv), partial);
  } catch (const InputError& e) {
    return {e.what(), 2};
  } catch (const Error& e) {
    return {e.what(), 1};
  }
  if (const auto note = lock->takeover_note(); !note.empty()) {
    std::fprintf(stderr, "costsweep: %s\n", note.c_str());
  }
  return {{}, 0};
}

/// Rank 0, holding the output's lock: the checkpoint beside the output. Without --resume an
/// existing one is refused (it would be lost); with it, its pieces are read and checked against
/// this run. Returns the problem and its status, and the encoded union of the pieces ("" for
/// none).
std::tuple<std::string, int, std::string> open_checkpoint(const JobArguments& args,
                                                          const driver::CheckpointOptions& options,
                                                          bool enabled) {
  std::vector<std::string> pieces;
  try {
    pieces = io::checkpoint_pieces(options.folder);
  } catch (const Error& e) {
    return {e.what(), 1, {}};
  }
  if (pieces.empty()) {
    if (args.resume) {
      std::fprintf(stderr, "costsweep: note: no checkpoint in %s: starting from the beginning\n",
                   options.folder.c_str());
    }
    return {std::string(), 0, std::string()};
  }
  if (!args.resume) {
    return {"cannot run: " + options.folder + " holds the checkpoint of an interrupted run (" +
                std::to_string(pieces.size()) +
                " pieces); run again with --resume to continue it, or remove it to start over",
            2,
            {}};
  }
  if (!enabled) {
    return {"cannot resume from " + options.folder +
                ": this run writes no checkpoints (job.checkpoint_interval = 0, or "
                "job.save_samples = yes, whose draws a checkpoint does not keep); remove it or "
                "change the job back",
            2,
            {}};
  }
  try {
    const auto merged = driver::load_checkpoint(options.folder, options.identity);
    return {{}, 0, io::encode_checkpoint(*merged, merged->rows)};
  } catch (const InputError& e) {
    return {e.what(), 2, {}};
  } catch (const Error& e) {
    return {e.what(), 1, {}};
  }
}

/// After every rank of an interrupted run wrote its piece (if it finished any row): exit status 4
/// when the folder holds pieces (rank 0 says how much is done), else 3 as without checkpoints.
int stopped_status(const driver::Interrupted& e, const driver::CheckpointOptions& checkpoint,
                   std::size_t rows, int rank) {
  std::size_t done = 0;
  std::string middle;
  bool kept = false;
  try {
    kept = !io::checkpoint_pieces(checkpoint.folder).empty();
    if (kept && rank == 0) {
      const auto merged = driver::load_checkpoint(checkpoint.folder, checkpoint.identity);
      done = merged->rows.size();
      middle = driver::in_the_middle(*merged);
    }
  } catch (const Error& error) {
    if (rank == 0) std::fprintf(stderr, "costsweep: warning: %s\n", error.what());
  }
  if (!kept) {
    if (rank == 0) {
      std::fprintf(stderr,
                   "costsweep: interrupted by %s at about %llu of %llu draws, before any "
                   "scenario was finished; no result or checkpoint written (exit status 3: run it "
                   "again)\n",
                   driver::signal_name(e.signal()).c_str(),
                   static_cast<unsigned long long>(e.done_draws()),
                   static_cast<unsigned long long>(e.total_draws()));
    }
    return driver::kInterruptedStatus;
  }
  if (rank == 0) {
    std::fprintf(stderr, "costsweep: %s; %zu of %zu scenarios done%s\n", e.what(), done, rows,
                 middle.c_str());
  }
  return driver::kCheckpointedStatus;
}

}  // namespace

int command_run(int argc, char** argv) {
  const auto args = parse_job_arguments(argc, argv, "run");
  const auto [shard_index, shard_count] = parse_shard(args.shard);
  mpi::Environment environment(argc, argv);
  h5::silence_error_printing();  // costsweep reports HDF5 failures itself
  const auto comm = mpi::Communicator::world();
  const auto study = collective_study(args, comm);
  if (!study) return 2;
  const auto& base = study->base();
  if (const auto problem = shard_problem(shard_index, shard_count, study->size());
      !problem.empty()) {
    if (comm.rank() == 0) std::fprintf(stderr, "costsweep: error: %s\n", problem.c_str());
    return 2;
  }
  // What the run needs against what a rank may use (rank 0's figure, so every rank agrees),
  // refused before any compute.
  const auto range = study::shard_range(study->size(), shard_index, shard_count);
  driver::MemoryLimit limit = driver::memory_limit(base, driver::ranks_on_node(comm.size()));
  limit.bytes = static_cast<std::uint64_t>(comm.broadcast(static_cast<double>(limit.bytes)));
  limit.source = comm.broadcast(limit.source);
  const auto need = driver::memory_need(*study, range.first, range.last, comm.size(),
                                        driver::largest_draws(base), limit);
  if (const auto refusal = driver::memory_refusal(base, need, limit, comm.size());
      !refusal.empty()) {
    if (comm.rank() == 0) std::fprintf(stderr, "costsweep: error: %s\n", refusal.c_str());
    return 2;
  }
  // One writer per output, never over an input: rank 0 checks and holds the lock for the run.
  std::optional<io::OutputLock> lock;
  std::string problem, partial;
  int status = 0;
  if (comm.rank() == 0) {
    partial = io::partial_name(base.job().output_path);
    std::tie(problem, status) = claim_output(*study, argc, argv, partial, lock);
  }
  problem = comm.broadcast(problem);
  status = static_cast<int>(comm.broadcast(static_cast<double>(status)));
  if (!problem.empty()) {
    if (comm.rank() == 0) std::fprintf(stderr, "costsweep: error: %s\n", problem.c_str());
    return status;
  }
  driver::RunOptions options;
  options.extra_provenance = build_provenance(argc, argv);
  // Checkpoints beside the output (not with saved samples: a checkpoint keeps no draws).
  const bool checkpoints = base.job().checkpoint_interval > 0 && !base.job().save_samples;
  auto& checkpoint = options.checkpoint;
  checkpoint.folder = io::checkpoint_folder(base.job().output_path);
  checkpoint.identity =
      driver::run_identity(*study, shard_index, shard_count, options.extra_provenance);
  checkpoint.interval_seconds = base.job().checkpoint_interval;
  checkpoint.start_unix = comm.broadcast(
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
  std::string resumed;
  if (comm.rank() == 0) {
    std::tie(problem, status, resumed) = open_checkpoint(args, checkpoint, checkpoints);
  }
  problem = comm.broadcast(problem);
  status = static_cast<int>(comm.broadcast(static_cast<double>(status)));
  if (!problem.empty()) {
    if (comm.rank() == 0) std::fprintf(stderr, "costsweep: error: %s\n", problem.c_str());
    return status;
  }
  resumed = comm.broadcast(resumed);
  if (!resumed.empty()) {
    checkpoint.resumed = std::make_shared<io::CheckpointPiece>(
        io::decode_checkpoint(resumed, checkpoint.folder + " (as rank 0 read it)"));
    if (comm.rank() == 0) {
      std::fprintf(stderr, "costsweep: resuming from %s: %zu of %zu scenarios done%s\n",
                   checkpoint.folder.c_str(), checkpoint.resumed->rows.size(),
                   range.last - range.first, driver::in_the_middle(*checkpoint.resumed).c_str());
    }
  }
  if (!checkpoints) checkpoint.folder.clear();
  // Interrupted ranks meet here after writing their pieces (no other collective is pending on
  // it), so none is ended while it writes.
  const auto stop = mpi::Communicator::world();
  options.partial_path = comm.broadcast(partial);
  options.hold_budget_bytes = need.hold_budget;
  options.show_progress = !args.quiet;
  options.shard_index = shard_index;
  options.shard_count = shard_count;
  driver::RunReport report;
  driver::install_interrupt_handlers();
  try {
    report = driver::run(*study, comm, options);
  } catch (const driver::Interrupted& e) {
    std::remove(options.partial_path.c_str());
    if (lock) lock->release();
    if (e.checkpointed()) {
      // Every rank has its piece written when all meet within the wait (Slurm and mpirun signal
      // every rank); one that does not (it waits in a collective for a rank that stopped, or saw
      // no signal) is ended, losing at most what it finished since its last piece.
      constexpr double kStopWaitSeconds = 30;
      const bool met = comm.size() == 1 || stop.barrier_within(kStopWaitSeconds);
      const int stopped = stopped_status(e, checkpoint, range.last - range.first, comm.rank());
      if (met) return stopped;
      comm.abort(stopped);
    }
    std::fprintf(stderr, "costsweep: %s\n", e.what());
    // A rank may wait in a collective call for one that stopped: end them all.
    if (comm.size() > 1) comm.abort(driver::kInterruptedStatus);
    return driver::kInterruptedStatus;
  } catch (const std::exception& e) {
    std::remove(options.partial_path.c_str());
    if (lock) lock->release();
    const std::string what = dynamic_cast<const std::bad_alloc*>(&e) == nullptr
                                 ? printable(e.what())
                                 : "out of memory on rank " + std::to_string(comm.rank()) +
                                       " (the run was sized at " +
                                       driver::format_bytes(need.total) + " per rank within " +
                                       driver::format_bytes(limit.bytes) + " from " + limit.source +
                                       "): lower job.memory_limit, set job.statistics = streaming "
                                       "or use more ranks";
    if (comm.size() == 1) {  // no other rank to stop: no MPI_ABORT banner under the message
      std::fprintf(stderr, "costsweep: error: %s\n", what.c_str());
      return 1;
    }
    // Other ranks may wait in a collective call: end the whole job rather than hang.
    std::fprintf(stderr, "costsweep: error on rank %d: %s\n", comm.rank(), what.c_str());
    comm.abort(1);
  }
  // The result is in place: its checkpoint is no longer needed.
  if (comm.rank() == 0 && checkpoints) {
    try {
      io::remove_checkpoint(checkpoint.folder);
    } catch (const Error& e) {
      std::fprintf(stderr, "costsweep: warning: %s\n", e.what());
    }
  }
  if (lock) lock->release();
  if (comm.rank() == 0) {
    const auto tables = io::read_result(base.job().output_path).tables;
    print_summary(tables, select(tables, {}), stdout, kPrintedScenarios);
    std::printf("wrote %s (%zu scenarios x %llu draws on %d ranks, %.3g s)\n",
                base.job().output_path.c_str(),
                study::shard_range(study->size(), shard_index, shard_count).last -
                    study::shard_range(study->size(), shard_index, shard_count).first,
                static_cast<unsigned long long>(report.n_draws), comm.size(), report.wall_seconds);
  }
  if (const int signal = driver::pending_signal(); signal != 0 && comm.rank() == 0) {
    // The signal came after the last block: the result was complete and is kept.
    std::fprintf(stderr,
                 "costsweep: %s arrived after the last block, while the result was written; the "
                 "complete result was kept\n",
                 driver::signal_name(signal).c_str());
  }
  return 0;
}

}  // namespace costsweep::cli
