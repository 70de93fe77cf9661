#include "models/ishigami.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>

#include "core/errors/errors.hpp"

namespace costsweep::models {
namespace {

TEST(IshigamiTest, EvaluatesTheDefiningFormulaAtHandPickedPoints) {
  const Ishigami model(7.0, 0.1);
  Block in(3, 3);
  // Rows: (pi/2, pi/2, 1), (0, pi/2, 2), (-pi/2, 0, 2).
  in << std::numbers::pi / 2, std::numbers::pi / 2, 1.0,  //
      0.0, std::numbers::pi / 2, 2.0,                     //
      -std::numbers::pi / 2, 0.0, 2.0;
  Block out(3, 1);
  model.evaluate(in, out);
  // 1 + 7*1 + 0.1*1*1 = 8.1 ; 0 + 7 + 0.1*16*0 = 7 ; -1 + 0 + 0.1*16*(-1) = -2.6
  EXPECT_NEAR(out(0, 0), 8.1, 1e-14);
  EXPECT_NEAR(out(1, 0), 7.0, 1e-14);
  EXPECT_NEAR(out(2, 0), -2.6, 1e-14);
}

TEST(IshigamiTest, RegistryBuildsItWithDefaultsAndDeclaresInputsAndOutputs) {
  const ModelInfo* info = find_model("ishigami");
  ASSERT_NE(info, nullptr);
  ModelConfig config;
  for (const auto& p : info->parameters) config.values[p.name] = p.default_value;
  EXPECT_EQ(config.number("a", 0.0), 7.0);
  EXPECT_EQ(config.number("b", 0.0), 0.1);
  const auto model = info->make(config);
  ASSERT_EQ(model->inputs().size(), 3u);
  EXPECT_EQ(model->inputs()[2].name, "x3");
  ASSERT_EQ(model->outputs().size(), 1u);
  EXPECT_EQ(model->outputs()[0].name, "y");
  EXPECT_EQ(find_model("no-such-model"), nullptr);
}

TEST(IshigamiTest, SettingThatIsNotANumberIsRefusedNamingItsKeyNeverReadAsItsPrefix) {
  ModelConfig config;
  config.values["a"] = "7x";
  config.origins["a"] = "jobs/x.ini:4";
  EXPECT_EQ(config.number("b", 0.1), 0.1);  // unset: the fallback
  try {
    (void)config.number("a", 0.0);
    FAIL() << "7x was read as a number";
  } catch (const ConfigError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("model.a '7x'"), std::string::npos) << message;
    EXPECT_NE(message.find("jobs/x.ini:4"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace costsweep::models
