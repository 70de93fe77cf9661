#include "driver/tornado.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "core/errors/errors.hpp"
#include "study/scenario.hpp"

namespace costsweep::driver {
namespace {

study::ScenarioPtr ishigami(std::vector<study::JobEntry> extra) {
  study::JobSource source{"t.ini", "", {}, {}, {}};
  source.entries = {{"job.model", "ishigami", "t.ini line 1", false},
                    {"job.output", "t.h5", "t.ini line 2", false},
                    {"sensitivity.tornado", "yes", "t.ini line 3", false}};
  source.entries.insert(source.entries.end(), extra.begin(), extra.end());
  return study::build_scenario(source);
}

TEST(TornadoTest, SwingsEachGroupToItsLevelsWithTheOthersAtTheirMedians) {
  const auto s = ishigami({{"sensitivity.tornado_levels", "0.25 0.75", "t.ini line 4", false}});
  io::Tornado t;
  for (const auto& g : s->groups()) t.groups.push_back(g.name);
  add_tornado_rows(*s, t);
  ASSERT_EQ(t.groups, (std::vector<std::string>{"x1", "x2", "x3"}));
  // U(-pi, pi): median 0, P25 = -pi/2, P75 = pi/2. Y = sin x1 + 7 sin^2 x2 + 0.1 x3^4 sin x1.
  EXPECT_NEAR(t.base[0], 0.0, 1e-15);
  EXPECT_NEAR(t.low[0], -1.0, 1e-15);  // x1 = -pi/2: sin = -1
  EXPECT_NEAR(t.high[0], 1.0, 1e-15);
  EXPECT_NEAR(t.low[1], 7.0, 1e-14);  // x2 = -pi/2: 7 sin^2 = 7
  EXPECT_NEAR(t.high[1], 7.0, 1e-14);
  EXPECT_NEAR(t.low[2], 0.0, 1e-15);  // x3 moves, but sin x1 = 0 at the median of x1
}

TEST(TornadoTest, DeclaredGroupsSwingTogetherAndTheRestKeepTheirOwn) {
  const auto s = ishigami({{"sensitivity.group.first_two", "x1, x2", "t.ini line 4", false}});
  io::Tornado t;
  for (const auto& g : s->groups()) t.groups.push_back(g.name);
  add_tornado_rows(*s, t);
  ASSERT_EQ(t.groups, (std::vector<std::string>{"first_two", "x3"}));
  // x1 = x2 = -0.8 pi at P10: sin(-0.8 pi) + 7 sin^2(-0.8 pi).
  const double x = -0.8 * std::numbers::pi;
  EXPECT_NEAR(t.low[0], std::sin(x) + 7 * std::sin(x) * std::sin(x), 1e-13);
}

TEST(TornadoTest, BadGroupsAndLevelsAreConfigErrors) {
  const auto message = [](std::vector<study::JobEntry> extra) {
    try {
      ishigami(extra);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(message({{"sensitivity.group.g", "x1, x9", "t.ini line 4", false}})
                .find("cannot group 'x9': no input or assumption has that name"),
            std::string::npos);
  EXPECT_NE(message({{"sensitivity.group.a", "x1", "t.ini line 4", false},
                     {"sensitivity.group.b", "x1", "t.ini line 5", false}})
                .find("already in group 'a'"),
            std::string::npos);
  EXPECT_NE(message({{"sensitivity.tornado_levels", "0.9 0.1", "t.ini line 4", false}})
                .find("two levels low < high"),
            std::string::npos);
  EXPECT_NE(message({{"sensitivity.tornadoes", "yes", "t.ini line 4", false}})
                .find("keys of [sensitivity]"),
            std::string::npos);
}

}  // namespace
}  // namespace costsweep::driver
