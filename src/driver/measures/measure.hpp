#pragma once
/// A sensitivity measure as a plug-in of the run: what it adds to the result header, what it
/// keeps of each scenario row while the row's draws are evaluated (extra model evaluations or
/// none), how the shares of a row split between ranks are combined, and the rows of results it
/// appends. The run loop (driver/evaluate.cpp, driver/owned_rows.cpp, driver/driver.cpp)
/// knows no measure by name: it calls every enabled measure of all_measures().
///
/// A measure's job keys and their validation are its entry of study::measure_keys()
/// (study/sensitivity.cpp), its datasets rows of the result layout (io/layout.hpp) with its
/// Presence, its table in `show` an entry of cli/show_tables.cpp.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "driver/block_runner.hpp"
#include "driver/memory.hpp"
#include "io/result.hpp"
#include "mpi/communicator.hpp"
#include "study/study.hpp"

namespace costsweep::driver {

/// What a measure keeps of one scenario row on this rank: mergeable state.
class MeasureState {
 public:
  virtual ~MeasureState() = default;
};

/// The run a measure takes part in.
struct MeasureRun {
  const study::Study& study;
  std::size_t first_scenario;                   ///< scenario of row 0 (shards)
  std::uint64_t n_draws;                        ///< draws per scenario of this round
  const std::vector<std::string>& input_names;  ///< the file's inputs (every scenario's)
};

/// This rank's share of one scenario row.
struct MeasureRow {
  const study::Scenario& scenario;
  BlockRunner& runner;        ///< the row's draws (matrix A; draw(.., true): matrix B)
  std::uint64_t first_draw;   ///< first draw of this rank's blocks of the row
  std::uint64_t local_draws;  ///< how many draws of the row this rank evaluates (0: none)
};

class Measure {
 public:
  virtual ~Measure() = default;
  /// Its name: that of its job keys (study::measure_keys(), e.g. `sensitivity.<key> = yes`).
  virtual std::string_view key() const = 0;
  /// Whether the job turns it on (its switch in study::measure_keys()).
  bool enabled(const study::Job& job) const;
  /// Its lines of `costsweep validate`'s plan for the scenario (each "name       what it does").
  virtual std::vector<std::string> plan_lines(const study::Scenario& base) const = 0;
  /// Its share of a rank's memory in a run of this shape (driver/memory.cpp adds it up).
  virtual MeasureMemory memory(const MemoryShape& shape) const = 0;
  /// Its part of the header of a file holding scenarios [first, last): names along its
  /// dimensions, and results that need no draws (tornado).
  virtual void describe(const study::Study& study, std::size_t first, std::size_t last,
                        std::uint64_t n_draws, io::ResultHeader& header) const = 0;
  /// This rank's state for a row, before the row's first block; null: it keeps nothing.
  virtual std::unique_ptr<MeasureState> start_row(const MeasureRun& run,
                                                  const MeasureRow& row) const = 0;
  /// Pass 0's block of draws [first_draw, first_draw + inputs.rows()) of a row with a state:
  /// the inputs and outputs of matrix A (extra evaluations go through row.runner).
  virtual void add_block(const MeasureRun& run, const MeasureRow& row, std::uint64_t first_draw,
                         const Eigen::Ref<const models::Block>& inputs,
                         const Eigen::Ref<const models::Block>& outputs,
                         MeasureState& state) const = 0;
  /// Collective over comm: rows shared between ranks (every rank passes the same rows, each
  /// with its state, possibly null) are combined so that each row's owner holds its complete
  /// state. Rows a rank holds whole are complete as they are and never passed here.
  virtual void reduce(const MeasureRun& run, std::span<const std::uint64_t> rows,
                      std::span<const int> owners,
                      std::vector<std::unique_ptr<MeasureState>>& states,
                      const mpi::Communicator& comm) const = 0;
  /// Checkpoints of rows split between ranks: a row's state on this rank (null: none) as
  /// bytes, "" when it keeps nothing.
  virtual std::string save(const MeasureState* state) const = 0;
  /// Adds a saved state (of other draws of the row, or the whole row's) to this rank's state of
  /// the row, making one as start_row would when it has none. Throws InputError when the bytes
  /// are not such a state.
  virtual void merge_saved(const MeasureRun& run, const MeasureRow& row, std::string_view saved,
                           std::unique_ptr<MeasureState>& state) const = 0;
  /// For the stopping rule (sensitivity.target_halfwidth): the largest 95% half-width of its
  /// indices in complete rows (+inf for an index without a finite one; indices that are NaN
  /// ignored). nullopt: it has no intervals the rule watches.
  virtual std::optional<double> largest_halfwidth(const io::SummaryRows&) const {
    return std::nullopt;
  }
  /// Appends a complete row's results to rows (its owner only).
  virtual void append(const MeasureRun& run, const study::Scenario& scenario,
                      const MeasureState* state, io::SummaryRows& rows) const = 0;
};

/// Every measure (Sobol pick-freeze indices, rank measures, tornado), in the order their
/// results are computed and their collectives made.
std::span<const Measure* const> all_measures();

/// The measures a job turns on, in all_measures()' order.
std::vector<const Measure*> enabled_measures(const study::Job& job);

}  // namespace costsweep::driver
