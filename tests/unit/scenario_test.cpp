#include "study/scenario.hpp"

#include <gtest/gtest.h>

#include "core/errors/errors.hpp"

namespace costsweep::study {
namespace {

JobSource job(std::vector<JobEntry> entries) {
  return JobSource{"test.ini", "[job]\nmodel = ishigami\n", std::move(entries), {}, {}};
}

JobEntry line(const std::string& key, const std::string& value, int number) {
  return {key, value, "test.ini line " + std::to_string(number), false};
}

std::string problems_of(const JobSource& source) {
  try {
    build_scenario(source);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(StudyTest, DefaultsFillEveryUnsetKey) {
  const auto study = build_scenario(job({line("job.model", "ishigami", 2)}));
  EXPECT_EQ(study->job().n_draws, 10000u);
  EXPECT_EQ(study->job().block_size, 4096u);
  EXPECT_EQ(study->job().seed, 1u);
  EXPECT_EQ(study->job().quantile_levels, (std::vector<double>{0.05, 0.25, 0.5, 0.75, 0.95}));
  EXPECT_FALSE(study->job().save_samples);
  EXPECT_EQ(study->job().output_path, "test.h5");
  ASSERT_EQ(study->inputs.size(), 3u);
  EXPECT_EQ(study->inputs[0].spec(), "uniform(-pi, pi)");
  EXPECT_EQ(study->model_config().values.at("a"), "7");
  EXPECT_EQ(effective_settings(*study).at("job.draws"), "10000");
  EXPECT_EQ(study->job().n_blocks(), 3u);  // ceil(10000 / 4096)
  // SHA-256 of the job text, from `printf '[job]\nmodel = ishigami\n' | sha256sum`.
  EXPECT_EQ(study->job().sha256,
            "7704a7cee3f836b9be1952a539a23a18bc4c183a7d193388762bf8bde151fcdb");
}

TEST(StudyTest, OverridesReplaceFileValuesButFileDuplicatesAreErrors) {
  auto source = job({line("job.model", "ishigami", 2), line("job.draws", "1e6", 3)});
  source.entries.push_back({"job.draws", "500", "--draws 500", true});
  EXPECT_EQ(build_scenario(source)->job().n_draws, 500u);
  source.entries.push_back(line("job.draws", "7", 9));
  const auto message = problems_of(source);
  EXPECT_NE(message.find("cannot read test.ini line 9: duplicate key 'job.draws' (first set at "
                         "test.ini line 3)"),
            std::string::npos)
      << message;
}

TEST(StudyTest, ReportsEveryProblemAtOnceWithOriginAndKey) {
  const auto source = job({line("job.model", "ishigami", 2), line("job.draws", "0", 3),
                           line("job.seed", "-1", 4), line("inputs.x1", "uniform(2, 1)", 5),
                           line("job.quantiles", "0.5 0.5", 6), line("model.a", "x", 7)});
  try {
    build_scenario(source);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.problems().size(), 5u) << e.what();
    EXPECT_EQ(e.problems()[0],
              "cannot use draws '0': expected a whole number from 1 to 2^53 [test.ini line 3, key "
              "job.draws]");
    EXPECT_NE(std::string(e.what()).find("[test.ini line 4, key job.seed]"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("[test.ini line 5, key inputs.x1]"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("listed twice"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("[test.ini line 7, key model.a]"), std::string::npos);
  }
}

TEST(StudyTest, WholeNumbersAcceptExactFloatLiteralsOnly) {
  auto with_draws = [](const std::string& draws) {
    return job({line("job.model", "ishigami", 2), line("job.draws", draws, 3)});
  };
  EXPECT_EQ(build_scenario(with_draws("1e6"))->job().n_draws, 1000000u);
  EXPECT_EQ(build_scenario(with_draws("250000"))->job().n_draws, 250000u);
  EXPECT_NE(problems_of(with_draws("2.5")), "");
  EXPECT_NE(problems_of(with_draws("1e300")), "");
  EXPECT_NE(problems_of(with_draws("ten")), "");
}

TEST(StudyTest, InputStreamsAreKeyedByName) {
  const auto study = build_scenario(job({line("job.model", "ishigami", 2)}));
  EXPECT_NE(study->inputs[0].stream, study->inputs[1].stream);
  EXPECT_NE(study->inputs[1].stream, study->inputs[2].stream);
}

/// A lifecycle job whose hardware table is served from memory (one accelerator, GPU-X).
JobSource lifecycle_job(std::vector<JobEntry> entries) {
  entries.push_back(line("job.model", "lifecycle", 2));
  entries.push_back(line("model.hardware_table", "hw.csv", 4));
  entries.push_back(line("model.hardware", "GPU-X", 5));
  return JobSource{"test.ini",
                   "",
                   std::move(entries),
                   [](const std::string&) {
                     return std::string(
                         "name,bf16_dense_flops,hbm_bandwidth_bytes_per_s,memory_bytes,tdp_w\n"
                         "GPU-X,1e15,2e12,80e9,1000\n");
                   },
                   {}};
}

TEST(StudyTest, DistributionOutsideAnInputsAllowedRangeNamesKeyAndRange) {
  const std::string problems =
      problems_of(lifecycle_job({line("inputs.compute_utilization", "uniform(0.3, 1.2)", 8),
                                 line("inputs.lifetime_months", "0", 9),
                                 line("inputs.bandwidth_utilization", "uniform(0, 1)", 10)}));
  EXPECT_NE(problems.find("cannot use inputs.compute_utilization 'uniform(0.3, 1.2)': its values "
                          "reach 1.2, outside (0, 1] (compute_utilization: achieved / peak "
                          "FLOP/s) [test.ini line 8, key inputs.compute_utilization]"),
            std::string::npos)
      << problems;
  EXPECT_NE(problems.find("cannot use inputs.lifetime_months '0': the value 0, outside (0, 600]"),
            std::string::npos);
  // uniform(0, 1) touches the open bound but never draws 0 itself.
  EXPECT_EQ(problems.find("bandwidth_utilization"), std::string::npos);
}

TEST(StudyTest, ModelRangeCheckRunsOnTheResolvedSupports) {
  // The defaults are bounded and fit in 128 GPUs of 80 GB; a lognormal total reaches infinity.
  EXPECT_EQ(problems_of(lifecycle_job({})), "");
  EXPECT_NE(
      problems_of(lifecycle_job({line("inputs.total_params", "lognormal(p10=1e12, p90=2e12)", 8)}))
          .find("cannot fit the model in a replica"),
      std::string::npos);
}

TEST(StudyTest, RankMeasuresThatCannotBeGatheredAreRefusedBeforeAnyDraw) {
  // 300 inputs + 1 output x 10^7 draws = 3.01e9 values per scenario, over MPI's int counts
  // (2^31 - 1); 10^6 draws (3.01e8 values) pass.
  std::string sum = "x0";
  std::vector<JobEntry> entries = {line("job.model", "formula", 2),
                                   line("sensitivity.rank", "yes", 3)};
  for (int i = 0; i < 300; ++i) {
    if (i > 0) sum += " + x" + std::to_string(i);
    entries.push_back(line("inputs.x" + std::to_string(i), "uniform(0, 1)", 10 + i));
  }
  entries.push_back(line("model.output.y", sum, 4));
  auto too_many = entries;
  too_many.push_back(line("job.draws", "1e7", 5));
  too_many.push_back(line("sensitivity.rank_draws", "10000000", 6));
  const auto problems = problems_of(job(too_many));
  EXPECT_NE(problems.find("cannot rank 3010000000 values per scenario"), std::string::npos)
      << problems;
  EXPECT_NE(problems.find("key sensitivity.rank_draws"), std::string::npos) << problems;
  entries.push_back(line("job.draws", "1e6", 5));
  EXPECT_EQ(problems_of(job(entries)), "");
}

}  // namespace
}  // namespace costsweep::study
