#include "core/statistics/radix_sort.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "core/statistics/quantile.hpp"

namespace costsweep::stats {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kTiny = std::numeric_limits<double>::denorm_min();
constexpr double kMinNormal = std::numeric_limits<double>::min();
constexpr Eigen::Index kSizes[] = {0, 1, 4095, 4096, 100003};

std::vector<std::uint64_t> std_sorted_keys(const Eigen::ArrayXd& values) {
  std::vector<std::uint64_t> keys(static_cast<std::size_t>(values.size()));
  std::transform(values.begin(), values.end(), keys.begin(), order_key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

// Any non-NaN double: special values, subnormals, repeats of earlier values, or random bits
// (every sign and magnitude).
Eigen::ArrayXd mixed_values(Eigen::Index n, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  const double specials[] = {0.0,    -0.0,       kInf,        -kInf, kTiny,
                             -kTiny, kMinNormal, -kMinNormal, 1.0,   -1.0};
  Eigen::ArrayXd values(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const std::uint64_t choice = engine() % 8;
    if (choice == 0) {
      values[i] = specials[engine() % std::size(specials)];
    } else if (choice == 1) {
      values[i] = std::bit_cast<double>(engine() & 0x800f'ffff'ffff'ffffULL);  // subnormal
    } else if (choice == 2 && i > 0) {
      values[i] = values[static_cast<Eigen::Index>(engine() % static_cast<std::uint64_t>(i))];
    } else {
      double x = std::bit_cast<double>(engine());
      while (std::isnan(x)) x = std::bit_cast<double>(engine());
      values[i] = x;
    }
  }
  return values;
}

TEST(RadixSortTest, MatchesStdSortOfOrderKeysOnMixedValues) {
  for (const Eigen::Index n : kSizes) {
    const Eigen::ArrayXd values = mixed_values(n, 11 + static_cast<std::uint64_t>(n));
    EXPECT_EQ(sorted_order_keys(values), std_sorted_keys(values)) << "n = " << n;
  }
}

TEST(RadixSortTest, MatchesStdSortOnCostLikeValuesSharingTheirTopDigits) {
  std::mt19937_64 engine(5);
  std::uniform_real_distribution<double> cost_usd(1e8, 1e9);
  for (const Eigen::Index n : kSizes) {
    Eigen::ArrayXd values(n);
    for (double& x : values) x = cost_usd(engine);
    EXPECT_EQ(sorted_order_keys(values), std_sorted_keys(values)) << "n = " << n;
  }
}

TEST(RadixSortTest, MatchesStdSortWhenOnlyTheHighDigitsDiffer) {
  // Whole numbers of dollars up to 2^20 leave the low 32 mantissa bits zero, so the low
  // digits are shared by every key and only the high ones order the values.
  std::mt19937_64 engine(7);
  for (const Eigen::Index n : kSizes) {
    Eigen::ArrayXd values(n);
    for (double& x : values) x = static_cast<double>(engine() % (1U << 20));
    EXPECT_EQ(sorted_order_keys(values), std_sorted_keys(values)) << "n = " << n;
  }
}

TEST(RadixSortTest, KeepsAllIdenticalKeysIncludingSignedZeros) {
  for (const Eigen::Index n : kSizes) {
    const Eigen::ArrayXd same = Eigen::ArrayXd::Constant(n, 3.5e8);
    EXPECT_EQ(sorted_order_keys(same),
              std::vector<std::uint64_t>(static_cast<std::size_t>(n), order_key(3.5e8)));
    Eigen::ArrayXd zeros(n);
    for (Eigen::Index i = 0; i < n; ++i) zeros[i] = i % 3 == 0 ? -0.0 : 0.0;
    EXPECT_EQ(sorted_order_keys(zeros),
              std::vector<std::uint64_t>(static_cast<std::size_t>(n), order_key(0.0)));
  }
}

TEST(RadixSortTest, SortsAColumnOfABlock) {
  Eigen::ArrayXXd block(5000, 2);
  block.col(0) = mixed_values(5000, 3);
  block.col(1) = mixed_values(5000, 4);
  EXPECT_EQ(sorted_order_keys(block.col(1)), std_sorted_keys(block.col(1)));
}

TEST(RadixSortTest, CountLeKeysMatchesALinearCount) {
  const std::vector<std::uint64_t> keys = sorted_order_keys(mixed_values(4096, 9));
  std::vector<std::uint64_t> probes = {0, ~std::uint64_t{0}, order_key(0.0), order_key(kInf),
                                       order_key(-kInf)};
  for (std::size_t i = 0; i < keys.size(); i += 37) {
    probes.insert(probes.end(), {keys[i] - 1, keys[i], keys[i] + 1});
  }
  for (const std::uint64_t probe : probes) {
    const auto linear = std::count_if(keys.begin(), keys.end(),
                                      [probe](std::uint64_t key) { return key <= probe; });
    EXPECT_EQ(count_le_keys(keys, probe), static_cast<std::uint64_t>(linear)) << probe;
  }
}

TEST(RadixSortTest, CountLeKeysOfNoKeysIsZero) {
  EXPECT_EQ(count_le_keys({}, ~std::uint64_t{0}), 0U);
}

}  // namespace
}  // namespace costsweep::stats
