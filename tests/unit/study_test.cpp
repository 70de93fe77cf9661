#include "study/study.hpp"

#include <gtest/gtest.h>

#include "core/errors/errors.hpp"

namespace costsweep::study {
namespace {

JobSource job(std::vector<std::pair<std::string, std::string>> keys) {
  JobSource source{"grid.ini", "[job]\nmodel = ishigami\n", {}, {}, {}};
  source.entries.push_back({"job.model", "ishigami", "grid.ini line 2", false});
  int line = 3;
  for (const auto& [key, value] : keys) {
    source.entries.push_back({key, value, "grid.ini line " + std::to_string(line++), false});
  }
  return source;
}

std::string problems_of(const JobSource& source) {
  try {
    build_study(source);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(PlanTest, AJobWithoutGridIsOneBaselineScenario) {
  const auto plan = build_study(job({}));
  ASSERT_EQ(plan->size(), 1u);
  EXPECT_EQ(plan->mode, "single");
  EXPECT_EQ(plan->scenario_names[0], "baseline");
  EXPECT_TRUE(plan->axis_keys.empty());
}

TEST(PlanTest, ProductVariesTheLastAxisFastestAndAppliesEveryValue) {
  const auto plan =
      build_study(job({{"grid.axis.model.a", "lo: 1 | hi: 2"},
                       {"grid.axis.inputs.x1", "uniform(0, 1) | uniform(0, 2) | 3"}}));
  ASSERT_EQ(plan->size(), 6u);  // 2 x 3
  EXPECT_EQ(plan->scenario_names[0], "model.a=lo, inputs.x1=uniform(0, 1)");
  EXPECT_EQ(plan->scenario_names[5], "model.a=hi, inputs.x1=3");
  EXPECT_EQ(plan->value_label[4], (std::vector<std::string>{"hi", "uniform(0, 2)"}));
  EXPECT_EQ(plan->value_text[3], (std::vector<std::string>{"2", "uniform(0, 1)"}));
  EXPECT_EQ(plan->scenarios[4]->model_config().values.at("a"), "2");
  EXPECT_EQ(plan->scenarios[4]->inputs[0].spec(), "uniform(0, 2)");
  EXPECT_EQ(plan->scenarios[2]->inputs[0].distribution()->quantile(0.5), 3.0);
}

TEST(PlanTest, CommonRandomNumbersShareStreamsUnlessSwitchedOff) {
  const auto common = build_study(job({{"grid.axis.model.a", "1 | 2"}}));
  EXPECT_EQ(common->scenarios[0]->inputs[0].stream, common->scenarios[1]->inputs[0].stream);
  const auto independent =
      build_study(job({{"grid.axis.model.a", "1 | 2"}, {"grid.common_random_numbers", "no"}}));
  EXPECT_NE(independent->scenarios[0]->inputs[0].stream,
            independent->scenarios[1]->inputs[0].stream);
}

TEST(PlanTest, ZippedAxesMoveTogether) {
  const auto plan = build_study(job({{"grid.axis.model.a", "1 | 2 | 3"},
                                     {"grid.axis.model.b", "0.1 | 0.2 | 0.3"},
                                     {"grid.axis.inputs.x1", "uniform(0, 1) | uniform(0, 2)"},
                                     {"grid.zip", "model.a model.b"}}));
  ASSERT_EQ(plan->size(), 6u);  // 3 zipped x 2
  for (const auto& study : plan->scenarios) {
    EXPECT_EQ(std::stod(study->model_config().values.at("b")),
              std::stod(study->model_config().values.at("a")) / 10.0);
  }
}

TEST(PlanTest, OneAtATimeChangesOneAxisFromTheFirstValues) {
  const auto plan = build_study(job({{"grid.mode", "oat"},
                                     {"grid.axis.model.a", "1 | 2 | 3"},
                                     {"grid.axis.model.b", "0.1 | 0.2"}}));
  ASSERT_EQ(plan->size(), 4u);  // baseline + 2 + 1
  EXPECT_EQ(plan->scenario_names,
            (std::vector<std::string>{"baseline", "model.a=2", "model.a=3", "model.b=0.2"}));
  EXPECT_EQ(plan->scenarios[3]->model_config().values.at("a"), "1");
}

TEST(PlanTest, ScenarioSectionsListScenariosExplicitly) {
  const auto plan = build_study(job({{"scenario.cheap.model.a", "5"},
                                     {"scenario.dear.model.a", "9"},
                                     {"scenario.dear.inputs.x2", "uniform(0, 1)"}}));
  ASSERT_EQ(plan->size(), 2u);
  EXPECT_EQ(plan->mode, "list");
  EXPECT_EQ(plan->scenario_names, (std::vector<std::string>{"cheap", "dear"}));
  EXPECT_EQ(plan->axis_keys, (std::vector<std::string>{"model.a", "inputs.x2"}));
  EXPECT_EQ(plan->value_text[0], (std::vector<std::string>{"5", ""}));
  EXPECT_EQ(plan->scenarios[1]->inputs[1].spec(), "uniform(0, 1)");
}

TEST(PlanTest, ProblemsNameTheirScenarioAndBadAxesAreRefused) {
  const auto bad_value =
      problems_of(job({{"grid.axis.inputs.x1", "ok: uniform(0, 1) | bad: uniform(2, 1)"}}));
  EXPECT_NE(bad_value.find("(scenario 'inputs.x1=bad')"), std::string::npos) << bad_value;
  EXPECT_EQ(bad_value.find("inputs.x1=ok"), std::string::npos) << bad_value;
  EXPECT_NE(problems_of(job({{"grid.axis.job.seed", "1 | 2"}})).find("cannot sweep 'job.seed'"),
            std::string::npos);
  EXPECT_NE(problems_of(job({{"grid.axis.model.a", "x: 1 | x: 2"}})).find("label 'x' names two"),
            std::string::npos);
  EXPECT_NE(problems_of(job({{"grid.mode", "cartesian"}, {"grid.axis.model.a", "1 | 2"}}))
                .find("grid.mode 'cartesian'"),
            std::string::npos);
}

TEST(PlanTest, ShardsCoverEveryScenarioOnceInOrder) {
  for (const std::size_t n : {0u, 1u, 7u, 72u}) {
    for (const std::size_t count : {1u, 2u, 3u, 10u}) {
      std::size_t next = 0;
      for (std::size_t i = 0; i < count; ++i) {
        const auto range = shard_range(n, i, count);
        EXPECT_EQ(range.first, next);
        EXPECT_LE(range.last - range.first, n / count + 1);
        next = range.last;
      }
      EXPECT_EQ(next, n);
    }
  }
}

}  // namespace
}  // namespace costsweep::study
