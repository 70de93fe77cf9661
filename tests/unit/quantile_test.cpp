#include "core/statistics/quantile.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace costsweep::stats {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kMax = std::numeric_limits<double>::max();
constexpr double kTiny = std::numeric_limits<double>::denorm_min();
constexpr double kMinNormal = std::numeric_limits<double>::min();

std::uint64_t bits(double x) { return std::bit_cast<std::uint64_t>(x); }

// One array of tests/data/numpy_quantiles.txt with numpy.quantile at each level.
struct KnownAnswers {
  std::string name;
  std::vector<double> values;
  std::vector<std::pair<double, double>> level_and_quantile;
};

std::vector<KnownAnswers> read_known_answers() {
  std::ifstream in(std::string(COSTSWEEP_TEST_DATA_DIR) + "/numpy_quantiles.txt");
  std::vector<KnownAnswers> arrays;
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string tag;
    fields >> tag;
    if (tag == "data") {
      arrays.emplace_back();
      fields >> arrays.back().name;
    } else if (tag == "x") {
      arrays.back().values.emplace_back();
      fields >> arrays.back().values.back();
    } else if (tag == "q") {
      auto& [p, q] = arrays.back().level_and_quantile.emplace_back();
      fields >> p >> q;
    }
  }
  return arrays;
}

template <class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no exception";
}

TEST(QuantileTest, OrderKeyIsMonotoneAcrossSpecialValues) {
  const std::vector<double> ascending = {-kInf,
                                         -kMax,
                                         -1.0,
                                         -kMinNormal,
                                         -(kMinNormal - kTiny),
                                         -kTiny,
                                         -0.0,
                                         0.0,
                                         kTiny,
                                         kMinNormal - kTiny,
                                         kMinNormal,
                                         1.0,
                                         std::nextafter(1.0, 2.0),
                                         kMax,
                                         kInf};
  for (std::size_t i = 0; i + 1 < ascending.size(); ++i) {
    const double a = ascending[i];
    const double b = ascending[i + 1];
    if (a == b) {  // -0.0 and +0.0
      EXPECT_EQ(order_key(a), order_key(b));
    } else {
      EXPECT_LT(order_key(a), order_key(b)) << a << " vs " << b;
    }
    EXPECT_EQ(bits(from_order_key(order_key(a))), bits(a == 0.0 ? 0.0 : a));
  }
  EXPECT_EQ(bits(from_order_key(order_key(-0.0))), bits(0.0));
}

TEST(QuantileTest, OrderKeyOrdersRandomDoublesLikeTheirValues) {
  std::mt19937_64 rng(17);
  const auto random_double = [&rng] {
    double x;
    do x = std::bit_cast<double>(rng());
    while (std::isnan(x));
    return x;
  };
  for (int i = 0; i < 100000; ++i) {
    const double a = random_double();
    const double b = i % 10 == 0 ? std::nextafter(a, kInf) : random_double();
    EXPECT_EQ(a < b, order_key(a) < order_key(b)) << a << " vs " << b;
    EXPECT_EQ(bits(from_order_key(order_key(a))), bits(a));
  }
}

TEST(QuantileTest, QuantilePositionFollowsNumpyVirtualIndex) {
  // n = 5, p = 0.1: h = 4 * 0.1 = 0.4 (exact scaling of the double 0.1).
  const QuantilePosition tenth = quantile_position(5, 0.1);
  EXPECT_EQ(tenth.lower, 0u);
  EXPECT_EQ(tenth.upper, 1u);
  EXPECT_EQ(tenth.weight, 0.4);
  // n = 4, p = 0.1: h = 3 * 0.1 rounds to 0.30000000000000004, not to the double 0.3.
  const QuantilePosition rounded = quantile_position(4, 0.1);
  EXPECT_EQ(rounded.lower, 0u);
  EXPECT_EQ(rounded.weight, 0.30000000000000004);
  EXPECT_NE(rounded.weight, 0.3);
  const QuantilePosition top = quantile_position(5, 1.0);
  EXPECT_EQ(top.lower, 4u);
  EXPECT_EQ(top.upper, 4u);
  EXPECT_EQ(top.weight, 0.0);
  const QuantilePosition single = quantile_position(1, 0.7);
  EXPECT_EQ(single.lower, 0u);
  EXPECT_EQ(single.upper, 0u);
}

TEST(QuantileTest, TypeSevenMatchesHandComputedExamples) {
  const std::vector<double> x = {10, 20, 30, 40, 50};  // n - 1 = 4
  EXPECT_EQ(quantile_sorted(x, 0.0), 10.0);
  EXPECT_EQ(quantile_sorted(x, 0.25), 20.0);    // h = 1
  EXPECT_EQ(quantile_sorted(x, 0.0625), 12.5);  // h = 0.25: 10 + 0.25 * (20 - 10)
  EXPECT_EQ(quantile_sorted(x, 0.125), 15.0);   // h = 0.5: 20 - (1 - 0.5) * (20 - 10)
  EXPECT_EQ(quantile_sorted(x, 0.9375), 47.5);  // h = 3.75: 50 - (1 - 0.75) * (50 - 40)
  EXPECT_EQ(quantile_sorted(x, 1.0), 50.0);
  // numpy's docstring example: sorted {1, 2, 3, 4, 7, 10}, median h = 2.5: 4 - 0.5 * (4 - 3).
  EXPECT_EQ(quantile_sorted(std::vector<double>{1, 2, 3, 4, 7, 10}, 0.5), 3.5);
  EXPECT_EQ(quantile_sorted(std::vector<double>{-2.5}, 0.3), -2.5);
}

TEST(QuantileTest, LerpUsesTheUpperFormFromWeightOneHalf) {
  // b - a = 1e-17 + 1 rounds to 1, so a + 1 * (b - a) = 0 but b - 0 * (b - a) = b.
  EXPECT_EQ(lerp(-1.0, 1e-17, 1.0), 1e-17);
  EXPECT_EQ(lerp(-1.0, 1e-17, 0.0), -1.0);
  EXPECT_EQ(lerp(-1.0, 1e-17, 0.25), -0.75);  // -1 + 0.25 * 1
  EXPECT_EQ(lerp(-1.0, 1e-17, 0.75), 1e-17 - 0.25);
  // numpy.quantile([-3.0, -0.9], 0.5) is -1.9500000000000002; a + 0.5 * (b - a) gives -1.95.
  EXPECT_EQ(lerp(-3.0, -0.9, 0.5), -1.9500000000000002);
  EXPECT_NE(lerp(-3.0, -0.9, 0.5), -1.95);
}

TEST(QuantileTest, MatchesNumpyKnownAnswersBitForBit) {
  const std::vector<KnownAnswers> arrays = read_known_answers();
  ASSERT_EQ(arrays.size(), 7u) << "cannot read " COSTSWEEP_TEST_DATA_DIR "/numpy_quantiles.txt";
  std::size_t n_checked = 0;
  for (const auto& array : arrays) {
    std::vector<double> sorted = array.values;
    std::sort(sorted.begin(), sorted.end());
    for (const auto& [p, q] : array.level_and_quantile) {
      EXPECT_EQ(bits(quantile_sorted(sorted, p)), bits(q)) << array.name << " p=" << p;
      ++n_checked;
    }
  }
  EXPECT_EQ(n_checked, 7u * 20u);
}

TEST(QuantileTest, RejectsInvalidArguments) {
  EXPECT_EQ(message_of([] { quantile_sorted({}, 0.5); }), "cannot compute a quantile: no values");
  EXPECT_EQ(message_of([] { quantile_sorted(std::vector<double>{1.0}, 1.5); }),
            "cannot compute a quantile: level 1.5 is outside [0, 1]");
}

}  // namespace
}  // namespace costsweep::stats
