#include "driver/detail/owned_rows.hpp"

#include <algorithm>
#include <map>

#include "driver/rank_rows.hpp"

namespace costsweep::driver::detail {

std::vector<std::string> input_union(const study::StudyPlan& plan) {
  std::vector<std::string> names;
  for (const auto& scenario : plan.scenarios) {
    for (const auto& in : scenario->inputs) {
      if (std::find(names.begin(), names.end(), in.name) == names.end()) names.push_back(in.name);
    }
  }
  return names;
}

namespace {

Reductions across_ranks(const Communicator& comm) {
  return {[&comm](std::vector<std::int64_t>& v) { comm.sum(v); },
          [&comm](std::vector<double>& v) { comm.min(v); },
          [&comm](std::vector<double>& v) { comm.max(v); },
          [&comm](std::vector<std::uint64_t>& v) { comm.sum(v); }};
}

/// Appends the Sobol indices of every piece (per output, per group) to rows. With comm, the
/// pieces are split rows: their accumulators are summed across ranks first (a fixed number of
/// reductions whatever the pieces).
void add_sobol_rows(const std::vector<const Piece*>& pieces, std::size_t n_out,
                    std::size_t n_groups, const Communicator* comm, io::SummaryRows& rows) {
  std::vector<stats::SobolAccumulator> merged;
  if (comm != nullptr) {
    std::vector<std::int64_t> packed;
    for (const auto* piece : pieces) {
      for (std::size_t o = 0; o < n_out; ++o) {
        const auto state = piece->sobol.empty() ? stats::SobolAccumulator(n_groups, 0.0).state()
                                                : piece->sobol[o].state();
        packed.insert(packed.end(), state.begin(), state.end());
      }
    }
    comm->sum(packed);
    const std::size_t size = stats::SobolAccumulator(n_groups, 0.0).state().size();
    for (std::size_t k = 0; k < pieces.size() * n_out; ++k) {
      merged.push_back(stats::SobolAccumulator::from_state(
          n_groups, 0.0, std::span<const std::int64_t>(packed.data() + k * size, size)));
    }
  } else {
    for (const auto* piece : pieces)
      merged.insert(merged.end(), piece->sobol.begin(), piece->sobol.end());
  }
  for (const auto& accumulator : merged) {
    const auto e = accumulator.estimate();
    rows.sobol_first.insert(rows.sobol_first.end(), e.first.begin(), e.first.end());
    rows.sobol_first_halfwidth.insert(rows.sobol_first_halfwidth.end(), e.first_halfwidth.begin(),
                                      e.first_halfwidth.end());
    rows.sobol_total.insert(rows.sobol_total.end(), e.total.begin(), e.total.end());
    rows.sobol_total_halfwidth.insert(rows.sobol_total_halfwidth.end(), e.total_halfwidth.begin(),
                                      e.total_halfwidth.end());
  }
}

}  // namespace

io::SummaryRows summarise_owned(const study::StudyPlan& plan, std::size_t first_scenario,
                                const Layout& layout, const std::vector<Piece>& pieces,
                                const Communicator& comm) {
  const auto& base = plan.base();
  const std::size_t n_out = base.model->outputs().size();
  std::vector<const Piece*> whole, split(layout.split_rows.size(), nullptr);
  Piece empty;
  empty.outputs.resize(0, static_cast<Eigen::Index>(n_out));
  empty.baseline.resize(0, static_cast<Eigen::Index>(n_out));
  for (const auto& piece : pieces) {
    if (!layout.is_split(piece.row)) {
      whole.push_back(&piece);
      continue;
    }
    const auto at = std::lower_bound(layout.split_rows.begin(), layout.split_rows.end(), piece.row);
    split[static_cast<std::size_t>(at - layout.split_rows.begin())] = &piece;
  }
  for (auto& p : split) p = p != nullptr ? p : &empty;
  std::vector<std::int64_t> nan_whole, nan_split;
  // Whole rows need no communication: summarise them a few at a time, which bounds the
  // selection's histograms (4096 counts per row and output) when a rank holds many scenarios.
  constexpr std::size_t kRowsAtOnce = 16;
  io::SummaryRows rows_whole;
  for (std::size_t i = 0; i < whole.size(); i += kRowsAtOnce) {
    const auto end = std::min(whole.size(), i + kRowsAtOnce);
    const std::vector<const Piece*> some(whole.begin() + static_cast<std::ptrdiff_t>(i),
                                         whole.begin() + static_cast<std::ptrdiff_t>(end));
    std::vector<std::int64_t> nan;
    rows_whole.append(
        summarise(some, n_out, base.n_draws, base.quantile_levels, local_reductions(), nan));
    nan_whole.insert(nan_whole.end(), nan.begin(), nan.end());
  }
  auto rows_split =
      summarise(split, n_out, base.n_draws, base.quantile_levels, across_ranks(comm), nan_split);
  const std::size_t n_groups = base.sensitivity.sobol ? base.sensitivity.groups.size() : 0;
  if (base.sensitivity.sobol) {
    add_sobol_rows(whole, n_out, n_groups, nullptr, rows_whole);
    add_sobol_rows(split, n_out, n_groups, &comm, rows_split);
  }
  std::string nan_message;
  for (std::size_t i = 0; i < nan_whole.size() && nan_message.empty(); ++i) {
    if (nan_whole[i] > 0) {
      nan_message = "cannot summarise output '" + base.model->outputs()[i % n_out].name +
                    "' of scenario '" +
                    plan.scenario_names[first_scenario + whole[i / n_out]->row] +
                    "': the model returned NaN for " + std::to_string(nan_whole[i]) + " draws";
    }
  }
  for (std::size_t i = 0; i < nan_split.size() && nan_message.empty(); ++i) {
    if (nan_split[i] > 0) {
      nan_message = "cannot summarise output '" + base.model->outputs()[i % n_out].name +
                    "' of scenario '" +
                    plan.scenario_names[first_scenario + layout.split_rows[i / n_out]] +
                    "': the model returned NaN for " + std::to_string(nan_split[i]) + " draws";
    }
  }
  if (!comm.all(nan_message.empty())) {
    throw RuntimeError(
        (nan_message.empty() ? "another rank found NaN model outputs" : nan_message) +
        " (check the input distributions) [" + base.job_path + "]");
  }
  // Owned rows in row order: whole rows from this rank's pieces, split rows from the reduction.
  io::SummaryRows owned;
  std::size_t w = 0;
  const auto select_row = [&](const io::SummaryRows& from, std::size_t i) {
    io::SummaryRows one;
    const std::size_t n_q = base.quantile_levels.size();
    const auto cut = [&](const auto& v, std::size_t per) {
      return std::vector<typename std::decay_t<decltype(v)>::value_type>(
          v.begin() + static_cast<std::ptrdiff_t>(i * per),
          v.begin() + static_cast<std::ptrdiff_t>((i + 1) * per));
    };
    one.count = cut(from.count, n_out);
    one.mean = cut(from.mean, n_out);
    one.sd = cut(from.sd, n_out);
    one.se = cut(from.se, n_out);
    one.min = cut(from.min, n_out);
    one.max = cut(from.max, n_out);
    one.quantiles = cut(from.quantiles, n_out * n_q);
    one.diff_mean = cut(from.diff_mean, n_out);
    one.diff_se = cut(from.diff_se, n_out);
    one.sobol_first = cut(from.sobol_first, n_out * n_groups);
    one.sobol_first_halfwidth = cut(from.sobol_first_halfwidth, n_out * n_groups);
    one.sobol_total = cut(from.sobol_total, n_out * n_groups);
    one.sobol_total_halfwidth = cut(from.sobol_total_halfwidth, n_out * n_groups);
    owned.append(one);
  };
  for (std::uint64_t row = layout.owned_first; row < layout.owned_last; ++row) {
    if (layout.is_split(row)) {
      const auto at = std::lower_bound(layout.split_rows.begin(), layout.split_rows.end(), row);
      select_row(rows_split, static_cast<std::size_t>(at - layout.split_rows.begin()));
    } else {
      while (whole[w]->row != row) ++w;
      select_row(rows_whole, w);
    }
  }
  return owned;
}

void add_rank_rows(const study::StudyPlan& plan, std::size_t first_scenario, const Layout& layout,
                   const std::vector<Piece>& pieces, const Communicator& comm,
                   io::SummaryRows& owned) {
  const auto& base = plan.base();
  const std::uint64_t m = std::min(base.n_draws, base.sensitivity.rank_draws);
  const auto names = input_union(plan);
  const auto piece_of = [&](std::uint64_t row) -> const Piece* {
    const auto it = std::lower_bound(pieces.begin(), pieces.end(), row,
                                     [](const Piece& p, std::uint64_t r) { return p.row < r; });
    return it != pieces.end() && it->row == row ? &*it : nullptr;
  };
  std::map<std::uint64_t, std::pair<models::Block, models::Block>> gathered;
  for (const auto row : layout.split_rows) {
    const auto& study = *plan.scenarios[first_scenario + row];
    const int owner = layout.owner(row, comm.size());
    auto data = gather_first_draws(comm, owner, piece_of(row), m, study.inputs.size(),
                                   study.model->outputs().size());
    if (owner == comm.rank()) gathered.emplace(row, std::move(data));
  }
  const auto rows = static_cast<Eigen::Index>(m);
  for (std::uint64_t row = layout.owned_first; row < layout.owned_last; ++row) {
    const auto& study = *plan.scenarios[first_scenario + row];
    if (layout.is_split(row)) {
      const auto& [inputs, outputs] = gathered.at(row);
      append_rank_row(study, names, inputs, outputs, owned);
    } else {
      const Piece& piece = *piece_of(row);
      append_rank_row(study, names, piece.inputs.topRows(rows), piece.outputs.topRows(rows), owned);
    }
  }
}

}  // namespace costsweep::driver::detail
