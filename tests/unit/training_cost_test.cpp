#include "models/training_cost.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/errors/errors.hpp"

// Every expected number below is worked out by hand in the comment beside it from
// cost = FLOP x price / (peak x MFU x 3600) (Epoch AI 2026, ../../configs/README.md) and
// share = total / (rd_compute x usd_per_unit). Most tables use the accelerator GPU-X of
// hardware_table(): 1e15 FLOP/s at bf16, 2e15 at fp8, 8e15 ops/s at int8.

namespace costsweep::models {
namespace {

using Draws = std::map<std::string, std::vector<double>>;

/// A table whose row r starts on line r + 2 (line 1 is the header).
Table make_table(const std::string& path, std::vector<std::string> columns,
                 std::vector<std::vector<std::string>> rows) {
  Table table{path, std::move(columns), std::move(rows), {}};
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    table.lines.push_back(static_cast<int>(r) + 2);
  }
  return table;
}

/// One row of entries.csv; unless set, a counted bf16 pretraining run of MiniMax on GPU-X.
class EntryRow {
 public:
  EntryRow(const std::string& name, const std::string& flop)
      : cells_{"MiniMax", name, "2025-01", flop, "", "pretrain", "GPU-X", "bf16", "yes", ""} {}
  EntryRow& company(const std::string& v) { return set(0, v); }
  EntryRow& released(const std::string& v) { return set(2, v); }
  EntryRow& base(const std::string& v) { return set(4, v); }
  EntryRow& mfu(const std::string& v) { return set(5, v); }
  EntryRow& hardware(const std::string& v) { return set(6, v); }
  EntryRow& precision(const std::string& v) { return set(7, v); }
  EntryRow& counted(const std::string& v) { return set(8, v); }
  EntryRow& gpu_hours(const std::string& v) { return set(9, v); }
  const std::vector<std::string>& cells() const { return cells_; }

 private:
  EntryRow& set(std::size_t column, const std::string& v) {
    cells_[column] = v;
    return *this;
  }
  std::vector<std::string> cells_;  ///< in the column order of entries_table()
};

Table entries_table(const std::vector<EntryRow>& entries) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : entries) rows.push_back(e.cells());
  return make_table("entries.csv",
                    {"company", "entry", "released", "flop", "base", "mfu", "hardware", "precision",
                     "counted", "gpu_hours"},
                    rows);
}

Table hardware_table() {
  return make_table("hardware.csv",
                    {"name", "bf16_dense_flops", "fp8_dense_flops", "int8_dense_ops"},
                    {{"GPU-X", "1e15", "2e15", "8e15"}, {"GPU-Old", "1e14", "", ""}});
}

/// companies.csv rows: company, rd_compute, currency, usd_per_unit.
Table companies_table(std::vector<std::vector<std::string>> rows) {
  return make_table("companies.csv", {"company", "rd_compute", "currency", "usd_per_unit"},
                    std::move(rows));
}

/// A job's [model] section: the three tables, plus keys set on lines 10, 11, ... of job.ini.
struct Job {
  ModelConfig config;
  int next_line = 10;

  Job(const std::vector<EntryRow>& entries,
      std::vector<std::vector<std::string>> companies = {{"MiniMax", "1e6", "USD", "1"}}) {
    config.tables["entries"] = entries_table(entries);
    config.tables["companies"] = companies_table(std::move(companies));
    config.tables["hardware"] = hardware_table();
  }
  Job& set(const std::string& key, const std::string& value) {
    config.values[key] = value;
    config.origins[key] = "job.ini line " + std::to_string(next_line++);
    return *this;
  }
  std::shared_ptr<const TrainingCost> model() const {
    return std::make_shared<const TrainingCost>(build_cost_tables(config));
  }
};

/// Evaluates the model on draws given per input name (one value per draw); outputs by name.
Draws evaluate(const Model& model, const Draws& draws) {
  const auto& inputs = model.inputs();
  const std::size_t n = draws.empty() ? 1 : draws.begin()->second.size();
  Block in(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(inputs.size()));
  std::set<std::string> unused;
  for (const auto& [name, values] : draws) unused.insert(name);
  for (std::size_t c = 0; c < inputs.size(); ++c) {
    const auto it = draws.find(inputs[c].name);
    for (std::size_t r = 0; r < n; ++r) {
      in(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) =
          it == draws.end() ? std::numeric_limits<double>::quiet_NaN() : it->second.at(r);
    }
    if (it == draws.end()) ADD_FAILURE() << "the test gives no draws of input " << inputs[c].name;
    unused.erase(inputs[c].name);
  }
  for (const auto& name : unused) ADD_FAILURE() << "the model has no input " << name;
  Block out(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(model.outputs().size()));
  model.evaluate(in, out);
  Draws result;
  for (std::size_t c = 0; c < model.outputs().size(); ++c) {
    auto& column = result[model.outputs()[c].name];
    for (std::size_t r = 0; r < n; ++r) {
      column.push_back(out(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)));
    }
  }
  return result;
}

/// Input names as a set: tests do not depend on the order of inputs().
std::set<std::string> input_names(const Model& model) {
  std::set<std::string> names;
  for (const auto& input : model.inputs()) names.insert(input.name);
  return names;
}

const InputSpec& input_named(const Model& model, const std::string& name) {
  for (const auto& input : model.inputs()) {
    if (input.name == name) return input;
  }
  throw std::out_of_range("the model has no input " + name);
}

std::vector<std::string> output_names(const Model& model) {
  std::vector<std::string> names;
  for (const auto& output : model.outputs()) names.push_back(output.name);
  return names;
}

/// Inputs of one assumption (group).
std::set<std::string> inputs_of(const Model& model, const std::string& group) {
  std::set<std::string> names;
  for (const auto& input : model.inputs()) {
    if (input.group == group) names.insert(input.name);
  }
  return names;
}

/// got equals want to 1e-12 relative: the model does a handful of double operations (~1e-16
/// each), so this checks the formula, not the rounding.
testing::AssertionResult Near(const Draws& outputs, const std::string& name, std::size_t draw,
                              double want) {
  const auto it = outputs.find(name);
  if (it == outputs.end()) return testing::AssertionFailure() << "no output " << name;
  const double got = it->second.at(draw);
  if (std::abs(got - want) <= 1e-12 * std::abs(want)) return testing::AssertionSuccess();
  return testing::AssertionFailure()
         << name << " draw " << draw << " is " << got << ", expected " << want;
}

/// The ConfigError's problems, or a test failure when the plan builds or throws otherwise.
std::vector<std::string> problems_of(const Job& job) {
  try {
    build_cost_tables(job.config);
    ADD_FAILURE() << "expected ConfigError";
  } catch (const ConfigError& e) {
    return e.problems();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected ConfigError, got " << e.what();
  }
  return {};
}

/// The single problem the job reports, checked to contain every fragment.
testing::AssertionResult ReportsOnly(const Job& job, const std::vector<std::string>& fragments) {
  const auto problems = problems_of(job);
  std::string all;
  for (const auto& p : problems) all += "\n  " + p;
  if (problems.size() != 1) {
    return testing::AssertionFailure() << problems.size() << " problems, expected 1:" << all;
  }
  for (const auto& fragment : fragments) {
    if (problems[0].find(fragment) == std::string::npos) {
      return testing::AssertionFailure() << "message lacks '" << fragment << "':" << all;
    }
  }
  return testing::AssertionSuccess();
}

TEST(TrainingCostTest, FixedFlopCostsFlopTimesPriceOverPeakTimesMfuTimesHours) {
  const auto model = Job({EntryRow("A", "3.6e21")}).model();
  EXPECT_EQ(input_names(*model),
            (std::set<std::string>{"price[MiniMax]", "mfu.pretrain[MiniMax]"}));
  EXPECT_EQ(output_names(*model),
            (std::vector<std::string>{"cost[A]", "total[MiniMax]", "share[MiniMax]"}));
  const auto out =
      evaluate(*model, {{"price[MiniMax]", {2.0, 3.0}}, {"mfu.pretrain[MiniMax]", {0.5, 0.25}}});
  // 3.6e21 x 2 / (1e15 x 0.5 x 3600) = 7.2e21 / 1.8e18 = 4000 USD
  EXPECT_TRUE(Near(out, "cost[A]", 0, 4000.0));
  // 3.6e21 x 3 / (1e15 x 0.25 x 3600) = 1.08e22 / 9e17 = 12000 USD
  EXPECT_TRUE(Near(out, "cost[A]", 1, 12000.0));
  // share = 4000 / (1e6 x 1) = 0.004; 12000 / 1e6 = 0.012
  EXPECT_TRUE(Near(out, "total[MiniMax]", 0, 4000.0));
  EXPECT_TRUE(Near(out, "share[MiniMax]", 0, 0.004));
  EXPECT_TRUE(Near(out, "share[MiniMax]", 1, 0.012));
}

TEST(TrainingCostTest, FlopDistributionBecomesAnInputNamedAfterItsEntryAndCell) {
  const auto model = Job({EntryRow("A", "uniform(1e21, 1e22)")}).model();
  EXPECT_EQ(inputs_of(*model, "flop"), (std::set<std::string>{"flop[A]"}));
  const auto& input = input_named(*model, "flop[A]");
  EXPECT_EQ(input.default_spec, "uniform(1e21, 1e22)");
  EXPECT_EQ(input.default_origin, "entries.csv row 1 (line 2), column 'flop'");
  const auto out = evaluate(
      *model, {{"flop[A]", {3.6e21}}, {"price[MiniMax]", {2.0}}, {"mfu.pretrain[MiniMax]", {0.5}}});
  // the draw 3.6e21 costs as the fixed 3.6e21 above: 4000 USD
  EXPECT_TRUE(Near(out, "cost[A]", 0, 4000.0));
}

TEST(TrainingCostTest, FractionChainMultipliesTheBaseDrawWhateverTheRowOrder) {
  // C = sft_fraction x B, B = rl_fraction x A, listed before their bases.
  const auto model =
      Job({EntryRow("C", "sft_fraction").base("B"),
           EntryRow("B", "rl_fraction").base("A").mfu("rl"), EntryRow("A", "uniform(1e21, 1e22)")})
          .model();
  const auto out = evaluate(*model, {{"flop[A]", {3.6e21, 7.2e21}},
                                     {"rl_fraction[B]", {0.1, 0.1}},
                                     {"sft_fraction[C]", {0.5, 0.25}},
                                     {"price[MiniMax]", {2.0, 2.0}},
                                     {"mfu.pretrain[MiniMax]", {0.5, 0.5}},
                                     {"mfu.rl[B]", {0.25, 0.25}}});
  // draw 0: A 3.6e21 x 2 / (1e15 x 0.5 x 3600) = 4000
  //         B 0.1 x 3.6e21 = 3.6e20 FLOP; 3.6e20 x 2 / (1e15 x 0.25 x 3600) = 7.2e20 / 9e17 = 800
  //         C 0.5 x 3.6e20 = 1.8e20 FLOP; 1.8e20 x 2 / (1e15 x 0.5 x 3600) = 3.6e20 / 1.8e18 = 200
  EXPECT_TRUE(Near(out, "cost[A]", 0, 4000.0));
  EXPECT_TRUE(Near(out, "cost[B]", 0, 800.0));
  EXPECT_TRUE(Near(out, "cost[C]", 0, 200.0));
  EXPECT_TRUE(Near(out, "total[MiniMax]", 0, 5000.0));  // 4000 + 800 + 200
  // draw 1: A 7.2e21 -> 8000; B 7.2e20 -> 1600; C 0.25 x 7.2e20 = 1.8e20 -> 200
  EXPECT_TRUE(Near(out, "cost[A]", 1, 8000.0));
  EXPECT_TRUE(Near(out, "cost[B]", 1, 1600.0));
  EXPECT_TRUE(Near(out, "cost[C]", 1, 200.0));
}

TEST(TrainingCostTest, UncountedBaseIsDrawnOnceForBothDerivedEntriesAndNotCosted) {
  const auto model = Job({EntryRow("Video", "uniform(1e21, 1e22)").counted("no"),
                          EntryRow("I2V", "sft_fraction").base("Video"),
                          EntryRow("T2V", "sft_fraction").base("Video")})
                         .model();
  // The base needs its FLOP draw only: no price or MFU of its own, no cost output.
  EXPECT_EQ(inputs_of(*model, "flop"), (std::set<std::string>{"flop[Video]"}));
  EXPECT_EQ(output_names(*model), (std::vector<std::string>{"cost[I2V]", "cost[T2V]",
                                                            "total[MiniMax]", "share[MiniMax]"}));
  const auto out = evaluate(*model, {{"flop[Video]", {3.6e21, 7.2e21}},
                                     {"sft_fraction[I2V]", {0.1, 0.1}},
                                     {"sft_fraction[T2V]", {0.2, 0.2}},
                                     {"price[MiniMax]", {2.0, 2.0}},
                                     {"mfu.pretrain[MiniMax]", {0.5, 0.5}}});
  // USD per FLOP: 2 / (1e15 x 0.5 x 3600) = 1 / 9e17.
  // draw 0: I2V 0.1 x 3.6e21 / 9e17 = 400, T2V 0.2 x 3.6e21 / 9e17 = 800, total 1200
  // draw 1: the base draw doubles and so do both: 800, 1600, total 2400
  EXPECT_TRUE(Near(out, "cost[I2V]", 0, 400.0));
  EXPECT_TRUE(Near(out, "cost[T2V]", 0, 800.0));
  EXPECT_TRUE(Near(out, "total[MiniMax]", 0, 1200.0));
  EXPECT_TRUE(Near(out, "cost[I2V]", 1, 800.0));
  EXPECT_TRUE(Near(out, "cost[T2V]", 1, 1600.0));
  EXPECT_TRUE(Near(out, "total[MiniMax]", 1, 2400.0));
}

TEST(TrainingCostTest, GpuHoursBasisCostsGpuHoursTimesPriceAndFlopBasisIgnoresThem) {
  const std::vector<EntryRow> entries = {
      EntryRow("M1-80k RL", "2.756e23").mfu("rl").gpu_hours("258048"), EntryRow("Text", "3.6e21")};
  const auto by_hours = Job(entries).set("cost_basis", "gpu_hours").model();
  // No MFU for the GPU-hour entry; Text still needs its pretrain MFU.
  EXPECT_EQ(input_names(*by_hours),
            (std::set<std::string>{"price[MiniMax]", "mfu.pretrain[MiniMax]"}));
  const auto hours =
      evaluate(*by_hours, {{"price[MiniMax]", {2.07}}, {"mfu.pretrain[MiniMax]", {0.5}}});
  // 258048 x 2.07 = 516096 + 18063.36 = 534159.36 USD
  EXPECT_TRUE(Near(hours, "cost[M1-80k RL]", 0, 534159.36));
  // Text has no gpu_hours cell: 3.6e21 x 2.07 / (1e15 x 0.5 x 3600) = 7.452e21 / 1.8e18 = 4140
  EXPECT_TRUE(Near(hours, "cost[Text]", 0, 4140.0));

  const auto by_flop = Job(entries).set("cost_basis", "flop").model();
  EXPECT_EQ(inputs_of(*by_flop, "mfu.rl"), (std::set<std::string>{"mfu.rl[M1-80k RL]"}));
  const auto flop = evaluate(
      *by_flop,
      {{"price[MiniMax]", {2.07}}, {"mfu.rl[M1-80k RL]", {0.5}}, {"mfu.pretrain[MiniMax]", {0.5}}});
  // 2.756e23 x 2.07 / (1e15 x 0.5 x 3600) = 5.70492e23 / 1.8e18 = 316940 USD
  EXPECT_TRUE(Near(flop, "cost[M1-80k RL]", 0, 316940.0));
  EXPECT_TRUE(Near(flop, "cost[Text]", 0, 4140.0));
}

TEST(TrainingCostTest, CostUsdCellsAreCostsWithoutPriceOrMfu) {
  Job job(std::vector<EntryRow>{});
  job.config.tables["entries"] =
      make_table("openai-2024.csv", {"company", "entry", "released", "cost_usd", "counted"},
                 {{"OpenAI", "GPT-4.5", "2025-02", "lognormal(p5=170e6, p95=890e6)", "yes"},
                  {"OpenAI", "Other", "2024-2025", "lognormal(p5=24e6, p95=435e6)", "yes"},
                  {"OpenAI", "Fixed", "2024-06", "20e6", "yes"}});
  job.config.tables["companies"] = companies_table({{"OpenAI", "5000e6", "USD", "1"}});
  job.config.tables.erase("hardware");
  const auto model = job.model();
  EXPECT_EQ(input_names(*model), (std::set<std::string>{"cost_usd[GPT-4.5]", "cost_usd[Other]"}));
  const auto out = evaluate(*model, {{"cost_usd[GPT-4.5]", {400e6}}, {"cost_usd[Other]", {80e6}}});
  EXPECT_TRUE(Near(out, "cost[GPT-4.5]", 0, 400e6));
  EXPECT_TRUE(Near(out, "cost[Fixed]", 0, 20e6));
  // 400e6 + 80e6 + 20e6 = 500e6; 500e6 / 5000e6 = 0.1
  EXPECT_TRUE(Near(out, "total[OpenAI]", 0, 500e6));
  EXPECT_TRUE(Near(out, "share[OpenAI]", 0, 0.1));
}

/// Two companies, one in RMB, for totals and variants:
///   MiniMax (USD, R&D 1e6):  Text 3.6e21 (2024-12), Hailuo-02 7.2e21 (2025-06)
///   Z.ai (RMB 7.2e6 at 1/7.2 USD): GLM 1.8e21 (2025-12), CogVideoX 3.6e21 (2024-10)
Job two_companies() {
  return Job({EntryRow("Text", "3.6e21").released("2024-12"),
              EntryRow("Hailuo-02", "7.2e21").released("2025-06"),
              EntryRow("GLM", "1.8e21").company("Z.ai").released("2025-12"),
              EntryRow("CogVideoX", "3.6e21").company("Z.ai").released("2024-10")},
             {{"MiniMax", "1e6", "USD", "1"}, {"Z.ai", "7.2e6", "RMB", "0.138888889"}});
}

/// MiniMax: price 2, MFU 0.5 -> 2 / (1e15 x 0.5 x 3600) = 1/9e17 USD per FLOP.
/// Z.ai:    price 3, MFU 0.5 -> 3 / 1.8e18 = 1/6e17 USD per FLOP.
Draws two_company_draws() {
  return {{"price[MiniMax]", {2.0}},
          {"mfu.pretrain[MiniMax]", {0.5}},
          {"price[Z.ai]", {3.0}},
          {"mfu.pretrain[Z.ai]", {0.5}}};
}

// Z.ai's R&D in USD is 7.2e6 x 0.138888889 = 1.0000000008e6 (the cell rounds 1/7.2), so its
// shares divide by that, not by exactly 1e6.
constexpr double kZaiRdUsd = 7.2e6 * 0.138888889;

TEST(TrainingCostTest, CompanyTotalsSumTheirOwnEntriesAndSharesConvertCurrency) {
  const auto model = two_companies().model();
  const auto out = evaluate(*model, two_company_draws());
  // MiniMax: Text 3.6e21 / 9e17 = 4000, Hailuo-02 7.2e21 / 9e17 = 8000, total 12000
  EXPECT_TRUE(Near(out, "cost[Text]", 0, 4000.0));
  EXPECT_TRUE(Near(out, "cost[Hailuo-02]", 0, 8000.0));
  EXPECT_TRUE(Near(out, "total[MiniMax]", 0, 12000.0));
  EXPECT_TRUE(Near(out, "share[MiniMax]", 0, 0.012));  // 12000 / 1e6
  // Z.ai: GLM 1.8e21 / 6e17 = 3000, CogVideoX 3.6e21 / 6e17 = 6000, total 9000
  EXPECT_TRUE(Near(out, "cost[GLM]", 0, 3000.0));
  EXPECT_TRUE(Near(out, "total[Z.ai]", 0, 9000.0));
  EXPECT_TRUE(Near(out, "share[Z.ai]", 0, 9000.0 / kZaiRdUsd));  // ~0.009
  EXPECT_NEAR(out.at("share[Z.ai]")[0], 0.009, 1e-11);
  EXPECT_EQ(out.count("total[all]"), 0u);  // totals_across_companies defaults to no
}

TEST(TrainingCostTest, VariantsExcludeByNameSubstringCompanyAndReleaseWindow) {
  auto job = two_companies();
  job.set("variants", "no_hailuo, no_zai 2025")
      .set("variant.no_hailuo.exclude", "Hailuo")
      .set("variant.no_zai.exclude_company", "Z.ai")
      .set("variant.2025.released", "2025-01..2025-12");
  const auto model = job.model();
  const auto out = evaluate(*model, two_company_draws());
  // Unfiltered: as above.
  EXPECT_TRUE(Near(out, "total[MiniMax]", 0, 12000.0));
  EXPECT_TRUE(Near(out, "total[Z.ai]", 0, 9000.0));
  // no_hailuo drops Hailuo-02 (8000): MiniMax 4000, share 0.004; Z.ai unchanged.
  EXPECT_TRUE(Near(out, "total[MiniMax; no_hailuo]", 0, 4000.0));
  EXPECT_TRUE(Near(out, "share[MiniMax; no_hailuo]", 0, 0.004));
  EXPECT_TRUE(Near(out, "total[Z.ai; no_hailuo]", 0, 9000.0));
  // no_zai drops every Z.ai entry: its total 0, share 0; MiniMax unchanged.
  EXPECT_TRUE(Near(out, "total[MiniMax; no_zai]", 0, 12000.0));
  EXPECT_EQ(out.at("total[Z.ai; no_zai]")[0], 0.0);
  EXPECT_EQ(out.at("share[Z.ai; no_zai]")[0], 0.0);
  // 2025 keeps releases 2025-01 to 2025-12 inclusive: Hailuo-02 (2025-06) and GLM (2025-12);
  // drops Text (2024-12) and CogVideoX (2024-10). MiniMax 8000 / 1e6 = 0.008; Z.ai 3000.
  EXPECT_TRUE(Near(out, "total[MiniMax; 2025]", 0, 8000.0));
  EXPECT_TRUE(Near(out, "share[MiniMax; 2025]", 0, 0.008));
  EXPECT_TRUE(Near(out, "total[Z.ai; 2025]", 0, 3000.0));
  EXPECT_TRUE(Near(out, "share[Z.ai; 2025]", 0, 3000.0 / kZaiRdUsd));
  // 4 costs + 3 variants (base and the three) x 2 companies x (total, share) = 4 + 16
  EXPECT_EQ(model->outputs().size(), 20u);
}

TEST(TrainingCostTest, TotalsAcrossCompaniesSumCostsAndUsdSpending) {
  auto job = two_companies();
  job.set("totals_across_companies", "yes")
      .set("variants", "no_hailuo")
      .set("variant.no_hailuo.exclude", "Hailuo");
  const auto out = evaluate(*job.model(), two_company_draws());
  // 12000 + 9000 = 21000 over 1e6 + kZaiRdUsd (~2e6): ~0.0105
  EXPECT_TRUE(Near(out, "total[all]", 0, 21000.0));
  EXPECT_TRUE(Near(out, "share[all]", 0, 21000.0 / (1e6 + kZaiRdUsd)));
  // without Hailuo-02: 4000 + 9000 = 13000, ~0.0065
  EXPECT_TRUE(Near(out, "total[all; no_hailuo]", 0, 13000.0));
  EXPECT_TRUE(Near(out, "share[all; no_hailuo]", 0, 13000.0 / (1e6 + kZaiRdUsd)));
}

/// MiniMax runs A and B, Z.ai runs C; all pretrain, 3.6e21 FLOP each.
Job three_entries() {
  return Job(
      {EntryRow("A", "3.6e21"), EntryRow("B", "3.6e21"), EntryRow("C", "3.6e21").company("Z.ai")},
      {{"MiniMax", "1e6", "USD", "1"}, {"Z.ai", "1e6", "USD", "1"}});
}

TEST(TrainingCostTest, ScopeDecidesHowManyInputsAnAssumptionHas) {
  const auto all = three_entries().set("scope.price", "all").model();
  EXPECT_EQ(inputs_of(*all, "price"), (std::set<std::string>{"price"}));
  const auto company = three_entries().set("scope.price", "company").model();
  EXPECT_EQ(inputs_of(*company, "price"), (std::set<std::string>{"price[MiniMax]", "price[Z.ai]"}));
  const auto entry = three_entries().set("scope.price", "entry").model();
  EXPECT_EQ(inputs_of(*entry, "price"),
            (std::set<std::string>{"price[A]", "price[B]", "price[C]"}));
  // MFU follows its own scope, not price's.
  EXPECT_EQ(inputs_of(*entry, "mfu.pretrain"),
            (std::set<std::string>{"mfu.pretrain[MiniMax]", "mfu.pretrain[Z.ai]"}));
  const auto mfu_all = three_entries().set("scope.mfu.pretrain", "all").model();
  EXPECT_EQ(inputs_of(*mfu_all, "mfu.pretrain"), (std::set<std::string>{"mfu.pretrain"}));
}

TEST(TrainingCostTest, DefaultScopesShareCompanyPriceAndPretrainMfuButDrawRlPerEntry) {
  const auto model =
      Job({EntryRow("P", "3.6e21"), EntryRow("R1", "rl_fraction").base("P").mfu("rl"),
           EntryRow("R2", "rl_fraction").base("P").mfu("rl")})
          .model();
  EXPECT_EQ(inputs_of(*model, "price"), (std::set<std::string>{"price[MiniMax]"}));
  EXPECT_EQ(inputs_of(*model, "mfu.pretrain"), (std::set<std::string>{"mfu.pretrain[MiniMax]"}));
  EXPECT_EQ(inputs_of(*model, "mfu.rl"), (std::set<std::string>{"mfu.rl[R1]", "mfu.rl[R2]"}));
  EXPECT_EQ(inputs_of(*model, "rl_fraction"),
            (std::set<std::string>{"rl_fraction[R1]", "rl_fraction[R2]"}));
  // Defaults are the published code's version A (../../configs/README.md).
  for (const auto& input : model->inputs()) {
    if (input.group == "price") {
      EXPECT_EQ(input.default_spec, "lognormal(p10=1.50, p90=3.00)");
    }
    if (input.group == "mfu.rl") {
      EXPECT_EQ(input.default_spec, "lognormal(p10=0.01, p90=0.10)");
    }
  }
}

TEST(TrainingCostTest, CompanyScopedPriceIsOneColumnThatMovesBothEntriesOfTheCompany) {
  const auto model = three_entries().set("scope.price", "company").model();
  // Draw 1 doubles MiniMax's price only.
  const auto out = evaluate(*model, {{"price[MiniMax]", {2.0, 4.0}},
                                     {"price[Z.ai]", {2.0, 2.0}},
                                     {"mfu.pretrain[MiniMax]", {0.5, 0.5}},
                                     {"mfu.pretrain[Z.ai]", {0.5, 0.5}}});
  // 3.6e21 x 2 / 1.8e18 = 4000; at price 4: 8000
  EXPECT_TRUE(Near(out, "cost[A]", 0, 4000.0));
  EXPECT_TRUE(Near(out, "cost[B]", 0, 4000.0));
  EXPECT_TRUE(Near(out, "cost[A]", 1, 8000.0));
  EXPECT_TRUE(Near(out, "cost[B]", 1, 8000.0));
  EXPECT_TRUE(Near(out, "cost[C]", 1, 4000.0));
  EXPECT_TRUE(Near(out, "total[MiniMax]", 1, 16000.0));
}

TEST(TrainingCostTest, PeakOverrideReplacesTheHardwareTableForItsPrecisionOnly) {
  const std::vector<EntryRow> entries = {EntryRow("F8", "3.6e21").precision("fp8"),
                                         EntryRow("B16", "3.6e21"),
                                         EntryRow("I8", "3.6e21").precision("int8")};
  const Draws draws = {{"price[MiniMax]", {2.0}}, {"mfu.pretrain[MiniMax]", {0.5}}};
  const auto table = evaluate(*Job(entries).model(), draws);
  // fp8_dense_flops 2e15: 3.6e21 x 2 / (2e15 x 0.5 x 3600) = 7.2e21 / 3.6e18 = 2000
  EXPECT_TRUE(Near(table, "cost[F8]", 0, 2000.0));
  // bf16_dense_flops 1e15: 4000
  EXPECT_TRUE(Near(table, "cost[B16]", 0, 4000.0));
  // no int8_dense_flops column, so int8_dense_ops 8e15: 7.2e21 / (8e15 x 1800) = 500
  EXPECT_TRUE(Near(table, "cost[I8]", 0, 500.0));

  const auto overridden = evaluate(*Job(entries).set("peak.fp8", "4e15").model(), draws);
  // 7.2e21 / (4e15 x 0.5 x 3600) = 7.2e21 / 7.2e18 = 1000; bf16 and int8 unchanged
  EXPECT_TRUE(Near(overridden, "cost[F8]", 0, 1000.0));
  EXPECT_TRUE(Near(overridden, "cost[B16]", 0, 4000.0));
  EXPECT_TRUE(Near(overridden, "cost[I8]", 0, 500.0));
}

TEST(TrainingCostTest, PeakOverrideNeedsNoHardwareTable) {
  Job job({EntryRow("A", "3.6e21").hardware("anything")});
  job.config.tables.erase("hardware");
  const auto out = evaluate(*job.set("peak.bf16", "1e15").model(),
                            {{"price[MiniMax]", {2.0}}, {"mfu.pretrain[MiniMax]", {0.5}}});
  EXPECT_TRUE(Near(out, "cost[A]", 0, 4000.0));  // as with GPU-X's 1e15
}

TEST(TrainingCostTest, RegistryBuildsTheModelFromItsTables) {
  const ModelInfo* info = find_model("training_cost");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->name, training_cost_info().name);
  const auto model = info->make(Job({EntryRow("A", "3.6e21")}).config);
  EXPECT_EQ(model->name(), "training_cost");
  EXPECT_EQ(output_names(*model),
            (std::vector<std::string>{"cost[A]", "total[MiniMax]", "share[MiniMax]"}));
}

// Errors: each names file, row (1-based) and line, and column, or the job key.

TEST(TrainingCostTest, MissingBaseNamesTheBaseCell) {
  EXPECT_TRUE(ReportsOnly(
      Job({EntryRow("A", "3.6e21"), EntryRow("B", "rl_fraction").base("Nope").mfu("rl")}),
      {"cannot find base entry 'Nope' of 'B': no entry has that name "
       "[entries.csv row 2 (line 3), column 'base']"}));
}

TEST(TrainingCostTest, CycleOfBasesIsReported) {
  EXPECT_TRUE(ReportsOnly(Job({EntryRow("A", "rl_fraction").base("B").mfu("rl"),
                               EntryRow("B", "rl_fraction").base("A").mfu("rl")}),
                          {"cannot order entries: their bases form a cycle", "'A'", "'B'",
                           "[entries.csv row 1 (line 2), column 'base']"}));
}

TEST(TrainingCostTest, UnknownHardwareListsTheKnownOnes) {
  EXPECT_TRUE(ReportsOnly(
      Job({EntryRow("A", "3.6e21"), EntryRow("B", "1e21").hardware("GPU-Z")}),
      {"cannot cost entry 'B': unknown hardware 'GPU-Z' (in hardware.csv: GPU-X, GPU-Old) "
       "[entries.csv row 2 (line 3), column 'hardware']"}));
}

TEST(TrainingCostTest, UnknownPrecisionNamesTheMissingColumn) {
  EXPECT_TRUE(ReportsOnly(Job({EntryRow("A", "3.6e21").precision("fp6")}),
                          {"cannot cost entry 'A': unknown precision 'fp6' (no column "
                           "fp6_dense_flops in hardware.csv) [entries.csv row 1 (line 2), column "
                           "'precision']"}));
}

TEST(TrainingCostTest, EmptyPeakCellSuggestsAnOverride) {
  EXPECT_TRUE(ReportsOnly(
      Job({EntryRow("A", "3.6e21").hardware("GPU-Old").precision("fp8")}),
      {"GPU-Old has no fp8 peak in hardware.csv row 2 (line 3), column 'fp8_dense_flops'",
       "set model.peak.fp8", "[entries.csv row 1 (line 2), column 'precision']"}));
}

TEST(TrainingCostTest, DuplicatedEntryNameNamesBothRows) {
  EXPECT_TRUE(ReportsOnly(Job({EntryRow("A", "3.6e21"), EntryRow("A", "1e21")}),
                          {"cannot read entry 'A': the name is already used at row 1 "
                           "[entries.csv row 2 (line 3), column 'entry']"}));
}

TEST(TrainingCostTest, MalformedFlopDistributionNamesItsCell) {
  EXPECT_TRUE(ReportsOnly(Job({EntryRow("A", "3.6e21"), EntryRow("B", "lognormal(p10=1e21")}),
                          {"cannot parse distribution 'lognormal(p10=1e21'",
                           "[entries.csv row 2 (line 3), column 'flop']"}));
}

TEST(TrainingCostTest, NegativeFlopIsRejected) {
  EXPECT_TRUE(ReportsOnly(Job({EntryRow("A", "-3.6e21")}),
                          {"cannot use flop -3.6e21: it must be positive [entries.csv row 1 "
                           "(line 2), column 'flop']"}));
  EXPECT_TRUE(ReportsOnly(
      Job({EntryRow("A", "uniform(-1e21, 1e22)")}),
      {"the distribution reaches negative values", "[entries.csv row 1 (line 2), column 'flop']"}));
}

TEST(TrainingCostTest, MissingColumnListsTheColumnsPresent) {
  Job job(std::vector<EntryRow>{});
  job.config.tables["entries"] = make_table(
      "entries.csv",
      {"company", "entry", "released", "flop", "base", "hardware", "precision", "counted"},
      {{"MiniMax", "A", "2025-01", "3.6e21", "", "GPU-X", "bf16", "yes"}});
  EXPECT_TRUE(ReportsOnly(job, {"cannot read entries.csv: missing column 'mfu' (it has: company, "
                                "entry, released, flop, base, hardware, precision, counted)"}));
}

TEST(TrainingCostTest, CompanyWithoutRdRowNamesTheEntryThatNeedsIt) {
  EXPECT_TRUE(ReportsOnly(
      Job({EntryRow("A", "3.6e21"), EntryRow("B", "1e21").company("Z.ai")}),
      {"cannot find the R&D compute spending of company 'Z.ai': no row in companies.csv "
       "[entries.csv row 2 (line 3), column 'company']"}));
}

TEST(TrainingCostTest, EmptyRdComputeNamesItsCell) {
  EXPECT_TRUE(ReportsOnly(Job({EntryRow("A", "3.6e21")}, {{"MiniMax", "", "USD", "1"}}),
                          {"cannot use company 'MiniMax': no R&D compute figure "
                           "[companies.csv row 1 (line 2), column 'rd_compute']"}));
}

TEST(TrainingCostTest, UnknownCurrencyNamesItsCell) {
  EXPECT_TRUE(ReportsOnly(Job({EntryRow("A", "3.6e21")}, {{"MiniMax", "1e6", "XYZ", "1"}}),
                          {"cannot use currency 'XYZ': unknown (known: USD, RMB",
                           "[companies.csv row 1 (line 2), column 'currency']"}));
}

TEST(TrainingCostTest, CountedMustBeYesOrNo) {
  EXPECT_TRUE(ReportsOnly(Job({EntryRow("A", "3.6e21").counted("maybe")}),
                          {"cannot use counted 'maybe': expected yes or no "
                           "[entries.csv row 1 (line 2), column 'counted']"}));
}

TEST(TrainingCostTest, ScopeForAnUnusedAssumptionIsRejected) {
  EXPECT_TRUE(ReportsOnly(Job({EntryRow("A", "3.6e21")}).set("scope.mfu.rl", "entry"),
                          {"cannot use key model.scope.mfu.rl: no entry uses assumption 'mfu.rl' "
                           "(assumptions: mfu.pretrain, price) [job.ini line 10, key "
                           "model.scope.mfu.rl]"}));
}

TEST(TrainingCostTest, BadScopeValueIsRejected) {
  EXPECT_TRUE(ReportsOnly(Job({EntryRow("A", "3.6e21")}).set("scope.price", "global"),
                          {"cannot use scope 'global': expected all, company or entry "
                           "[job.ini line 10, key model.scope.price]"}));
}

TEST(TrainingCostTest, VariantKeyForAnUnlistedVariantIsRejected) {
  auto job = Job({EntryRow("A", "3.6e21")});
  job.set("variants", "a").set("variant.b.exclude", "Hailuo");
  EXPECT_TRUE(ReportsOnly(job, {"cannot use key model.variant.b.exclude: variant 'b' is not "
                                "listed in model.variants (a) [job.ini line 11, key "
                                "model.variant.b.exclude]"}));
}

TEST(TrainingCostTest, FractionWithoutBaseAndBaseWithoutFractionAreRejected) {
  EXPECT_TRUE(ReportsOnly(Job({EntryRow("A", "rl_fraction").mfu("rl")}),
                          {"cannot use flop 'rl_fraction': a fraction needs the base entry",
                           "[entries.csv row 1 (line 2), column 'base']"}));
  EXPECT_TRUE(ReportsOnly(Job({EntryRow("A", "3.6e21"), EntryRow("B", "1e21").base("A")}),
                          {"cannot use base 'A': flop '1e21' is not a fraction name",
                           "[entries.csv row 2 (line 3), column 'base']"}));
}

TEST(TrainingCostTest, ReportsEveryEntryProblemAtOnce) {
  auto job = Job({EntryRow("A", "3.6e21"), EntryRow("A", "1e21"),
                  EntryRow("B", "1e21").hardware("GPU-Z"), EntryRow("C", "-1")});
  job.set("scope.price", "global");
  const auto problems = problems_of(job);
  ASSERT_EQ(problems.size(), 4u);
  std::string all;
  for (const auto& p : problems) all += p + "\n";
  EXPECT_NE(all.find("[job.ini line 10, key model.scope.price]"), std::string::npos) << all;
  EXPECT_NE(all.find("[entries.csv row 2 (line 3), column 'entry']"), std::string::npos) << all;
  EXPECT_NE(all.find("[entries.csv row 3 (line 4), column 'hardware']"), std::string::npos) << all;
  EXPECT_NE(all.find("[entries.csv row 4 (line 5), column 'flop']"), std::string::npos) << all;
}

}  // namespace
}  // namespace costsweep::models
