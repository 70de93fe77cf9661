#pragma once
/// Exact summary statistics of several datasets (e.g. every output of some scenario rows) in
/// memory that does not grow with the values, from passes over the values that the caller can
/// repeat identically (a run regenerates its draws: each is a pure function of seed, stream and
/// index).
///
/// Pass 0 sums every value exactly (count, sum, extremes, NaNs) and counts the values by the top
/// 24 bits of their order keys (sign, exponent and 12 significand bits; a 4096-bin page per
/// binade touched). Pass 1 sums the squared deviations from the mean (the two-pass variance) and
/// either keeps the few values whose keys share the bin of a wanted order statistic or, when
/// those are too many to keep, counts their next 12 bits; later passes (rare: only for bins
/// holding more than the candidate budget) refine further. The result is the same bits as
/// holding every value — numpy's linear quantile of the values, moments from exact sums — and
/// the same for any split of the values into calls, passes' blocks or processes, because every
/// partial is an integer count or an exact sum.
///
/// With `hold`, pass 0 keeps the values instead (8 bytes per value and per paired difference)
/// and no other pass is needed: the in-memory path, for datasets that fit a memory budget. When
/// every dataset is large (paged_hold), hold mode also counts the keys by their top 20 bits as
/// they arrive, and then runs the later passes over the held keys: one read of them usually decides
/// every quantile, where selecting among them all would read them about three times. All paths
/// give identical bits.
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/serial/bytes.hpp"
#include "core/statistics/summary.hpp"

namespace costsweep::stats {

/// Elementwise reductions across the processes sharing the datasets, in place (identity when one
/// process holds them whole). Every process calls them the same number of times with the same
/// lengths.
struct Reductions {
  std::function<void(std::vector<std::int64_t>&)> sum;
  std::function<void(std::vector<double>&)> min;
  std::function<void(std::vector<double>&)> max;
  std::function<void(std::vector<std::uint64_t>&)> sum_counts;
};

/// Reductions for datasets held whole by one process.
Reductions local_reductions();

/// One dataset: its total number of values over all processes, and whether it is paired with
/// a baseline (then the mean and standard error of the differences value - baseline are kept).
struct DatasetShape {
  std::uint64_t n_total = 0;
  bool paired = false;
  /// Values this process feeds per pass, when known (0: unknown); hold mode reserves that much
  /// up front instead of growing its buffers by reallocation.
  std::uint64_t n_local = 0;
};

/// The statistics of one dataset after the last pass.
struct DatasetSummary {
  Moments value;
  Moments diff;                   ///< zero differences for an unpaired dataset
  std::int64_t n_nan = 0;         ///< values (or, if none, differences) that are NaN
  std::int64_t n_inf = 0;         ///< values that are +-infinity
  std::vector<double> quantiles;  ///< per level; NaN when the dataset holds a NaN
};

class StreamingSummary {
 public:
  /// Keys kept per pass for exact selection, over all processes: 2^22 (32 MiB) by default.
  static constexpr std::uint64_t kDefaultCandidateBudget = std::uint64_t{1} << 22;

  /// levels: quantile levels in [0, 1]. hold: keep the values (one pass).
  StreamingSummary(std::vector<DatasetShape> datasets, std::vector<double> levels, bool hold,
                   std::uint64_t candidate_budget = kDefaultCandidateBudget);
  ~StreamingSummary();
  StreamingSummary(StreamingSummary&&) noexcept;
  StreamingSummary& operator=(StreamingSummary&&) noexcept;

  /// True while another pass over the values is needed (the same answer on every process).
  bool needs_pass() const noexcept;
  /// The pass now being fed: 0, 1, ...
  int pass() const noexcept;
  /// Feeds n of this process's values of dataset d in the current pass: values[i] and, for a
  /// paired dataset, the baseline's value on the same draw (baseline may be null otherwise).
  /// Every pass must feed the same values, in any order and grouping.
  void add(std::size_t d, const double* values, const double* baseline, std::size_t n);
  /// Collective. Ends the current pass.
  void end_pass(const Reductions& reduce);
  /// After the last pass (needs_pass() false): one summary per dataset.
  std::vector<DatasetSummary> results() const;

  /// Checkpoints, in streaming mode (not hold) between add() calls: the whole state, i.e. what
  /// the passes before decided (the same on every process) and this process's partial of the
  /// current pass.
  bool can_save() const noexcept;
  void save(serial::ByteWriter& out) const;
  /// A saved state; throws InputError (through `in`) when the bytes are not one.
  static StreamingSummary load(serial::ByteReader& in);
  /// Adds the partial of another process (or of an interrupted run) over other values of the
  /// same datasets in the same pass, as if they had been fed here: exact, in any order.
  /// Throws InputError when the two are not in the same pass of the same datasets.
  void merge(const StreamingSummary& other);
  /// Forgets the current pass's values, keeping what the passes before decided: the state of a
  /// process that has fed nothing of this pass yet.
  void clear_pass();

  /// Bytes of state this object holds now (for the memory accounting of a run).
  std::uint64_t state_bytes() const noexcept;
  /// Datasets of at least 2^20 values in total: hold mode counts their pages too (at most
  /// 32 KiB per binade touched, small beside the 8 MiB or more of keys held).
  static constexpr std::uint64_t kPagedHoldMinimum = std::uint64_t{1} << 20;
  /// Whether hold mode counts pages for a dataset of n_total values: the same on every process.
  static bool paged_hold(std::uint64_t n_total) noexcept { return n_total >= kPagedHoldMinimum; }
  /// Bytes per value that hold mode keeps (value, plus the difference when paired).
  static std::uint64_t held_bytes_per_value(bool paired) noexcept { return paired ? 16 : 8; }
  /// An upper bound of the state of streaming mode for one dataset whose values touch `binades`
  /// binades, without the candidate keys (bounded by the budget over all datasets).
  static std::uint64_t streaming_bytes_per_dataset(std::uint64_t binades) noexcept;

 private:
  struct Impl;
  explicit StreamingSummary(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace costsweep::stats
