// The sensitivity measures' registries agree: every run plug-in (driver/measures) has its job
// keys (study::measure_keys) and the reverse, in the same order, and a job's switches turn on
// exactly the measures they name.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "core/errors/errors.hpp"
#include "driver/measures/registry.hpp"
#include "study/job.hpp"
#include "study/sensitivity.hpp"

namespace costsweep::driver {
namespace {

study::ScenarioPtr ishigami(const std::vector<std::pair<std::string, std::string>>& keys) {
  study::JobSource source{"t.ini", "", {}, {}, {}};
  source.entries = {{"job.model", "ishigami", "t.ini line 1", false},
                    {"job.output", "t.h5", "t.ini line 2", false}};
  for (const auto& [key, value] : keys) source.entries.push_back({key, value, "t.ini", false});
  return study::build_scenario(source);
}

TEST(MeasuresTest, EveryRunPlugInHasItsJobKeysInTheSameOrder) {
  const auto& keys = study::measure_keys();
  const auto runs = all_measures();
  ASSERT_EQ(keys.size(), runs.size());
  for (std::size_t m = 0; m < keys.size(); ++m) {
    EXPECT_EQ(keys[m].name, runs[m]->key()) << m;
    ASSERT_FALSE(keys[m].keys.empty()) << keys[m].name;
    // Its switch first, every key in [sensitivity], documented and defaulted.
    EXPECT_EQ(keys[m].keys.front().key, "sensitivity." + std::string(keys[m].name));
    EXPECT_EQ(keys[m].keys.front().default_value, "no");
    for (const auto& key : keys[m].keys) {
      EXPECT_EQ(key.key.rfind("sensitivity.", 0), 0U) << key.key;
      EXPECT_FALSE(key.doc.empty()) << key.key;
    }
  }
}

TEST(MeasuresTest, JobKeysListEveryMeasureKeyOnce) {
  std::multiset<std::string> listed;
  for (const auto& doc : study::job_keys()) listed.insert(doc.key);
  for (const auto& measure : study::measure_keys()) {
    for (const auto& key : measure.keys) EXPECT_EQ(listed.count(key.key), 1U) << key.key;
  }
}

TEST(MeasuresTest, ASwitchTurnsOnExactlyItsMeasure) {
  EXPECT_TRUE(enabled_measures(ishigami({})->job()).empty());
  for (const auto* measure : all_measures()) {
    const auto scenario = ishigami({{"sensitivity." + std::string(measure->key()), "yes"}});
    const auto on = enabled_measures(scenario->job());
    ASSERT_EQ(on.size(), 1U) << measure->key();
    EXPECT_EQ(on.front(), measure);
    // And it names itself in validate's plan.
    const auto lines = measure->plan_lines(*scenario);
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.front().rfind(std::string(measure->key()), 0), 0U) << lines.front();
  }
  std::vector<std::pair<std::string, std::string>> all;
  for (const auto* measure : all_measures())
    all.emplace_back("sensitivity." + std::string(measure->key()), "yes");
  const auto on = enabled_measures(ishigami(all)->job());
  EXPECT_TRUE(std::equal(on.begin(), on.end(), all_measures().begin(), all_measures().end()));
}

TEST(MeasuresTest, AMeasuresKeysAreReadAndCheckedByItsOwnEntry) {
  // rank_draws belongs to rank: its problem names the key, whatever the other measures say.
  try {
    ishigami({{"sensitivity.rank", "yes"}, {"sensitivity.rank_draws", "9"}});
    FAIL() << "rank_draws 9 accepted";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.problems().size(), 1U);
    EXPECT_NE(e.problems()[0].find("sensitivity.rank_draws"), std::string::npos);
    EXPECT_NE(e.problems()[0].find("from 10 to 10000000"), std::string::npos);
  }
  // The stopping rule is Sobol's: without Sobol it is refused, with it max_draws defaults to 64x.
  EXPECT_THROW(ishigami({{"sensitivity.target_halfwidth", "0.05"}}), ConfigError);
  const auto sobol = ishigami({{"sensitivity.sobol", "yes"},
                               {"sensitivity.target_halfwidth", "0.05"},
                               {"job.draws", "1000"}});
  EXPECT_EQ(sobol->job().sensitivity.max_draws, 64000U);
}

}  // namespace
}  // namespace costsweep::driver
