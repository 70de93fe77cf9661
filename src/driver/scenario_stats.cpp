#include "driver/scenario_stats.hpp"

namespace costsweep::driver {

void append_statistics(const stats::DatasetSummary* summaries, std::size_t n_outputs,
                       io::SummaryRows& rows) {
  for (std::size_t o = 0; o < n_outputs; ++o) {
    const auto& s = summaries[o];
    rows.count.push_back(s.value.count);
    rows.mean.push_back(s.value.mean);
    rows.sd.push_back(s.value.sd);
    rows.se.push_back(s.value.se);
    rows.min.push_back(s.value.min);
    rows.max.push_back(s.value.max);
    rows.diff_mean.push_back(s.diff.mean);
    rows.diff_se.push_back(s.diff.se);
  }
  for (std::size_t o = 0; o < n_outputs; ++o) {
    rows.quantiles.insert(rows.quantiles.end(), summaries[o].quantiles.begin(),
                          summaries[o].quantiles.end());
  }
}

}  // namespace costsweep::driver
