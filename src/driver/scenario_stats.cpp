#include "driver/scenario_stats.hpp"

#include <cmath>

#include "core/statistics/quantile.hpp"
#include "core/statistics/summary.hpp"

namespace costsweep::driver {
namespace {

constexpr auto kState = static_cast<std::size_t>(stats::ExactSum::kStateSize);
using Column = Eigen::Ref<const Eigen::ArrayXd>;

void pack(const stats::ExactSum& sum, std::vector<std::int64_t>& packed) {
  const auto state = sum.state();
  packed.insert(packed.end(), state.begin(), state.end());
}

stats::ExactSum unpack(const std::int64_t* state) {
  return stats::ExactSum::from_state(std::span<const std::int64_t, kState>(state, kState));
}

/// First passes of every (piece, output) of the values and of the paired differences, reduced.
struct FirstPasses {
  std::vector<stats::FirstPass> value, diff;
};

FirstPasses first_passes(const std::vector<const Piece*>& pieces, std::size_t n_out,
                         const Reductions& reduce) {
  FirstPasses passes;
  std::vector<std::int64_t> packed;
  std::vector<double> mins, maxs;
  for (const auto* piece : pieces) {
    for (std::size_t o = 0; o < n_out; ++o) {
      const auto c = static_cast<Eigen::Index>(o);
      stats::FirstPass value, diff;
      value.add(piece->outputs.col(c));
      if (!piece->is_baseline) diff.add(piece->outputs.col(c) - piece->baseline.col(c));
      pack(value.sum, packed);
      pack(diff.sum, packed);
      packed.insert(packed.end(), {value.count, value.n_nan, diff.n_nan});
      mins.push_back(value.min);
      maxs.push_back(value.max);
    }
  }
  reduce.sum(packed);
  reduce.min(mins);
  reduce.max(maxs);
  for (std::size_t i = 0; i < mins.size(); ++i) {
    const std::int64_t* at = packed.data() + i * (2 * kState + 3);
    stats::FirstPass value, diff;
    value.sum = unpack(at);
    diff.sum = unpack(at + kState);
    value.count = diff.count = at[2 * kState];
    value.n_nan = at[2 * kState + 1];
    diff.n_nan = at[2 * kState + 2];
    value.min = mins[i];
    value.max = maxs[i];
    passes.value.push_back(value);
    passes.diff.push_back(diff);
  }
  return passes;
}

/// Exact sums of squared deviations from the means, reduced: [value, diff] per (piece, output).
std::vector<stats::ExactSum> deviations(const std::vector<const Piece*>& pieces, std::size_t n_out,
                                        const FirstPasses& passes, const Reductions& reduce) {
  std::vector<std::int64_t> packed;
  std::size_t i = 0;
  for (const auto* piece : pieces) {
    for (std::size_t o = 0; o < n_out; ++o, ++i) {
      const auto c = static_cast<Eigen::Index>(o);
      pack(stats::squared_deviations(piece->outputs.col(c), stats::mean_of(passes.value[i])),
           packed);
      if (piece->is_baseline) {
        pack(stats::ExactSum(), packed);
      } else {
        const Eigen::ArrayXd diff = piece->outputs.col(c) - piece->baseline.col(c);
        pack(stats::squared_deviations(diff, stats::mean_of(passes.diff[i])), packed);
      }
    }
  }
  reduce.sum(packed);
  std::vector<stats::ExactSum> sums;
  for (std::size_t k = 0; k < 2 * passes.value.size(); ++k) {
    sums.push_back(unpack(packed.data() + k * kState));
  }
  return sums;
}

std::vector<double> quantiles(const std::vector<const Piece*>& pieces, std::size_t n_out,
                              std::uint64_t n_draws, const std::vector<double>& levels,
                              const Reductions& reduce) {
  std::vector<std::vector<std::uint64_t>> keys;
  std::vector<stats::OrderRequest> requests;
  std::vector<stats::QuantilePosition> positions;
  for (const auto* piece : pieces) {
    for (std::size_t o = 0; o < n_out; ++o) {
      auto& k = keys.emplace_back();
      const auto column = piece->outputs.col(static_cast<Eigen::Index>(o));
      k.reserve(static_cast<std::size_t>(column.size()));
      for (const double x : column) k.push_back(stats::order_key(x));
      for (const double p : levels) {
        positions.push_back(stats::quantile_position(n_draws, p));
        requests.push_back({keys.size() - 1, positions.back().lower});
        requests.push_back({keys.size() - 1, positions.back().upper});
      }
    }
  }
  const auto values = stats::select_order_statistics(std::move(keys), requests, reduce.sum_counts);
  std::vector<double> q;
  for (std::size_t i = 0; i < positions.size(); ++i) {
    q.push_back(stats::lerp(values[2 * i], values[2 * i + 1], positions[i].weight));
  }
  return q;
}

}  // namespace

Reductions local_reductions() {
  return {[](std::vector<std::int64_t>&) {}, [](std::vector<double>&) {},
          [](std::vector<double>&) {}, [](std::vector<std::uint64_t>&) {}};
}

io::SummaryRows summarise(const std::vector<const Piece*>& pieces, std::size_t n_outputs,
                          std::uint64_t n_draws, const std::vector<double>& levels,
                          const Reductions& reduce, std::vector<std::int64_t>& nan_count) {
  const auto passes = first_passes(pieces, n_outputs, reduce);
  nan_count.clear();
  for (std::size_t i = 0; i < passes.value.size(); ++i) {
    // A NaN output also makes its difference NaN: count the outputs' NaNs, else the baseline's.
    nan_count.push_back(passes.value[i].n_nan > 0 ? passes.value[i].n_nan : passes.diff[i].n_nan);
  }
  const auto squares = deviations(pieces, n_outputs, passes, reduce);
  io::SummaryRows rows;
  for (std::size_t i = 0; i < passes.value.size(); ++i) {
    const auto m = stats::finish_moments(passes.value[i], squares[2 * i]);
    const auto d = stats::finish_moments(passes.diff[i], squares[2 * i + 1]);
    rows.count.push_back(m.count);
    rows.mean.push_back(m.mean);
    rows.sd.push_back(m.sd);
    rows.se.push_back(m.se);
    rows.min.push_back(m.min);
    rows.max.push_back(m.max);
    rows.diff_mean.push_back(d.mean);
    rows.diff_se.push_back(d.se);
  }
  // With NaN draws these quantiles mean nothing, but the run stops on NaN before writing.
  rows.quantiles = quantiles(pieces, n_outputs, n_draws, levels, reduce);
  return rows;
}

}  // namespace costsweep::driver
