// Tornado swings: each group at its low and high level with every other input at its median,
// evaluated once per scenario when the header is made (driver/tornado.cpp); no draws.
#include "driver/tornado.hpp"

#include <cstdio>

#include "driver/measures/registry.hpp"

namespace costsweep::driver::measures {
namespace {

class Tornado final : public Measure {
 public:
  std::string_view key() const override { return "tornado"; }

  std::vector<std::string> plan_lines(const study::Scenario& base) const override {
    char text[120];
    std::snprintf(text, sizeof text, "tornado    %zu groups at P%g and P%g", base.groups().size(),
                  100 * base.job().sensitivity.tornado_low,
                  100 * base.job().sensitivity.tornado_high);
    return {text};
  }
  /// Its rows are in the header, made before any draw (not counted).
  MeasureMemory memory(const MemoryShape&) const override { return {}; }

  void describe(const study::Study& study, std::size_t first, std::size_t last, std::uint64_t,
                io::ResultHeader& header) const override {
    auto& tornado = header.tornado;
    tornado.low_level = study.job().sensitivity.tornado_low;
    tornado.high_level = study.job().sensitivity.tornado_high;
    for (const auto& group : study.base().groups()) tornado.groups.push_back(group.name);
    for (std::size_t s = first; s < last; ++s) add_tornado_rows(*study.scenarios[s], tornado);
  }

  std::unique_ptr<MeasureState> start_row(const MeasureRun&, const MeasureRow&) const override {
    return nullptr;
  }
  void add_block(const MeasureRun&, const MeasureRow&, std::uint64_t,
                 const Eigen::Ref<const models::Block>&, const Eigen::Ref<const models::Block>&,
                 MeasureState&) const override {}
  void reduce(const MeasureRun&, std::span<const std::uint64_t>, std::span<const int>,
              std::vector<std::unique_ptr<MeasureState>>&,
              const mpi::Communicator&) const override {}
  std::string save(const MeasureState*) const override { return {}; }
  void merge_saved(const MeasureRun&, const MeasureRow&, std::string_view,
                   std::unique_ptr<MeasureState>&) const override {}
  void append(const MeasureRun&, const study::Scenario&, const MeasureState*,
              io::SummaryRows&) const override {}
};

}  // namespace

const Measure& tornado() {
  static const Tornado measure;
  return measure;
}

}  // namespace costsweep::driver::measures
