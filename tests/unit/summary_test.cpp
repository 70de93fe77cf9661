#include "core/statistics/summary.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace costsweep::stats {
namespace {

Moments moments_of(const Eigen::ArrayXd& values) {
  FirstPass first;
  first.add(values);
  return finish_moments(first, squared_deviations(values, mean_of(first)));
}

TEST(SummaryTest, MomentsOfOneToNMatchClosedForms) {
  constexpr int kN = 1001;
  const Eigen::ArrayXd values = Eigen::ArrayXd::LinSpaced(kN, 1.0, kN);
  const auto m = moments_of(values);
  // Discrete uniform on 1..n: mean (n+1)/2 = 501, sample variance n(n+1)/12 = 83583.5.
  EXPECT_EQ(m.count, kN);
  EXPECT_EQ(m.mean, 501.0);
  EXPECT_DOUBLE_EQ(m.sd * m.sd, 1001.0 * 1002.0 / 12.0);
  EXPECT_DOUBLE_EQ(m.se, m.sd / std::sqrt(1001.0));
  EXPECT_EQ(m.min, 1.0);
  EXPECT_EQ(m.max, 1001.0);
}

TEST(SummaryTest, VarianceStaysExactWhenTheMeanDwarfsTheSpread) {
  // Costs near 1e9 with a spread of 1: values 1e9 + {-1, 0, +1} repeated. The sample variance
  // is 2k/(3k-1) for 3k values; one-pass sum-of-squares formulas lose every digit here.
  constexpr int kRepeats = 100000;
  Eigen::ArrayXd values(3 * kRepeats);
  for (int i = 0; i < 3 * kRepeats; ++i) values[i] = 1e9 + static_cast<double>(i % 3 - 1);
  const auto m = moments_of(values);
  EXPECT_EQ(m.mean, 1e9);
  const double n = 3.0 * kRepeats;
  EXPECT_DOUBLE_EQ(m.sd * m.sd, 2.0 * kRepeats / (n - 1.0));
}

TEST(SummaryTest, MergedPartialsGiveTheSameBitsForAnySplit) {
  Eigen::ArrayXd values(10007);
  for (Eigen::Index i = 0; i < values.size(); ++i) {
    values[i] = std::exp(std::sin(static_cast<double>(i)) * 20.0) * (i % 2 ? 1 : -1);
  }
  FirstPass whole;
  whole.add(values);
  for (const Eigen::Index block : {1, 7, 1000, 4096}) {
    FirstPass merged;
    for (Eigen::Index start = 0; start < values.size(); start += block) {
      FirstPass part;
      part.add(values.segment(start, std::min(block, values.size() - start)));
      merged.merge(part);
    }
    EXPECT_EQ(mean_of(merged), mean_of(whole));
    EXPECT_EQ(merged.count, whole.count);
    EXPECT_EQ(merged.min, whole.min);
    EXPECT_EQ(merged.max, whole.max);
  }
}

TEST(SummaryTest, CountsNaNsApartAndSingleDrawHasNoSd) {
  Eigen::ArrayXd values(3);
  values << 1.0, std::nan(""), 3.0;
  FirstPass first;
  first.add(values);
  EXPECT_EQ(first.n_nan, 1);
  EXPECT_EQ(first.count, 3);
  Eigen::ArrayXd one(1);
  one << 42.0;
  const auto m = moments_of(one);
  EXPECT_EQ(m.mean, 42.0);
  EXPECT_TRUE(std::isnan(m.sd));
}

}  // namespace
}  // namespace costsweep::stats
