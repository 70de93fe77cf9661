// The bulk paths of ExactSum (add and add_squares over a span) against the scalar ones: the same
// accumulator, bit for bit, on inputs chosen to break a per-exponent table (every exponent,
// subnormals, cancellation, full significands that fill an entry, special values) and for any
// split into calls.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <vector>

#include "core/statistics/exact_sum.hpp"
#include "core/statistics/summary.hpp"

namespace costsweep::stats {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kMax = std::numeric_limits<double>::max();
constexpr double kTiny = std::numeric_limits<double>::denorm_min();
constexpr double kMinNormal = std::numeric_limits<double>::min();
const double kNaN = std::numeric_limits<double>::quiet_NaN();

std::uint64_t bits(double x) { return std::bit_cast<std::uint64_t>(x); }

ExactSum scalar_sum(const std::vector<double>& values) {
  ExactSum sum;
  for (const double x : values) sum.add(x);
  return sum;
}

ExactSum scalar_squares(const std::vector<double>& values, double shift) {
  ExactSum sum;
  for (const double x : values) sum.add_square(x - shift);
  return sum;
}

// Calls of random lengths (0 to 3000, so some cross the table's flush interval of 1024).
template <class AddSpan>
void add_in_random_pieces(const std::vector<double>& values, std::mt19937_64& rng, AddSpan add) {
  for (std::size_t begin = 0; begin < values.size();) {
    const std::size_t n = std::min<std::size_t>(values.size() - begin, rng() % 3001);
    add(std::span<const double>(values.data() + begin, n));
    begin += n;
  }
}

void expect_same(const ExactSum& bulk, const ExactSum& scalar, const char* what) {
  EXPECT_EQ(bits(bulk.value()), bits(scalar.value())) << what;
  EXPECT_EQ(bulk.state(), scalar.state()) << what;
}

// Random signs, every binary exponent from the subnormals to the largest, and near-cancelling
// pairs, so the exact sum lies far below the largest terms.
std::vector<double> adversarial_terms(std::size_t n, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> significand(1.0, 2.0);
  std::uniform_int_distribution<int> exponent(-1080, 1023);
  std::vector<double> terms;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = std::ldexp(significand(rng), exponent(rng));
    terms.push_back(rng() % 2 ? x : -x);
    if (i % 3 == 0) terms.push_back(-terms.back() * (1 + 0x1p-45));
    if (i % 7 == 0) terms.push_back(std::ldexp(static_cast<double>(rng() % (1u << 30)), -1074));
  }
  std::shuffle(terms.begin(), terms.end(), rng);
  return terms;
}

TEST(ExactSumBulkTest, AddEqualsScalarAddOverTheWholeExponentRange) {
  std::mt19937_64 rng(41);
  for (int trial = 0; trial < 20; ++trial) {
    const auto terms = adversarial_terms(1 + rng() % 5000, rng);
    ExactSum bulk;
    bulk.add(terms);
    expect_same(bulk, scalar_sum(terms), "one call");
    ExactSum pieces;
    add_in_random_pieces(terms, rng, [&](std::span<const double> s) { pieces.add(s); });
    expect_same(pieces, scalar_sum(terms), "random pieces");
  }
}

TEST(ExactSumBulkTest, AddOfAMillionValuesEqualsScalarAddForAnySplit) {
  std::mt19937_64 rng(43);
  std::lognormal_distribution<double> cost(18.0, 1.5);  // costs around 1e8 USD
  std::vector<double> values(1'000'000);
  for (auto& x : values) x = rng() % 5 == 0 ? -cost(rng) : cost(rng);
  const ExactSum scalar = scalar_sum(values);
  ExactSum whole;
  whole.add(values);
  expect_same(whole, scalar, "one call");
  for (const std::size_t block : {1u, 7u, 1023u, 1024u, 1025u, 4096u}) {
    ExactSum blocks;
    for (std::size_t begin = 0; begin < values.size(); begin += block) {
      blocks.add(std::span(values).subspan(begin, std::min(block, values.size() - begin)));
    }
    expect_same(blocks, scalar, "fixed blocks");
  }
}

TEST(ExactSumBulkTest, FullSignificandsOfOneExponentDoNotOverflowAnEntry) {
  // 2 - 2^-52 has the largest significand, 2^53 - 1: 3000 of them in one call exceed 2^63 in
  // one table entry unless it is flushed in time.
  for (const double x : {2 - 0x1p-52, -(2 - 0x1p-52), kMax, -kMax, kMinNormal - kTiny}) {
    const std::vector<double> same(3000, x);
    ExactSum bulk;
    bulk.add(same);
    expect_same(bulk, scalar_sum(same), "same value");
  }
  std::vector<double> mixed;
  for (int i = 0; i < 5000; ++i) mixed.push_back(i % 2 ? kMax : -(2 - 0x1p-52) * 0x1p1000);
  ExactSum bulk;
  bulk.add(mixed);
  expect_same(bulk, scalar_sum(mixed), "alternating");
}

TEST(ExactSumBulkTest, AddCountsNaNsAndInfinitiesAndSkipsZerosLikeScalarAdd) {
  const std::vector<std::vector<double>> cases = {
      {0.0, -0.0, 0.0},          {1.0, kNaN, 2.0},
      {kInf, 1.0, -3.0},         {-kInf, kTiny, -kTiny},
      {kInf, -kInf, 1.0},        {kNaN, -kNaN, kInf, -kInf, kMax, kMax},
      {-0.0, kTiny, kMinNormal}, {}};
  for (const auto& c : cases) {
    ExactSum bulk;
    bulk.add(c);
    const ExactSum scalar = scalar_sum(c);
    EXPECT_TRUE(bits(bulk.value()) == bits(scalar.value()) ||
                (std::isnan(bulk.value()) && std::isnan(scalar.value())));
    EXPECT_EQ(bulk.state(), scalar.state());
  }
}

TEST(ExactSumBulkTest, BulkAndScalarAddsMixInOneAccumulator) {
  std::mt19937_64 rng(47);
  const auto terms = adversarial_terms(4000, rng);
  ExactSum mixed;
  for (std::size_t i = 0; i < terms.size(); i += 100) {
    if ((i / 100) % 2 == 0) {
      mixed.add(std::span(terms).subspan(i, std::min<std::size_t>(100, terms.size() - i)));
    } else {
      for (std::size_t j = i; j < std::min(terms.size(), i + 100); ++j) mixed.add(terms[j]);
    }
  }
  expect_same(mixed, scalar_sum(terms), "mixed");
  ExactSum merged;
  merged.add(std::span(terms).first(1000));
  ExactSum rest;
  rest.add(std::span(terms).subspan(1000));
  merged.merge(rest);
  expect_same(merged, scalar_sum(terms), "merged");
}

// Values at and around every boundary of the fast square path (2^-480, 2^500), where squares
// underflow (below ~1e-290 the scalar path's rounding error is inexact), overflow
// (sqrt(max) ~ 1.34e154) or are subnormal, plus special values.
std::vector<double> square_edge_values() {
  std::vector<double> v = {0.0,
                           -0.0,
                           kTiny,
                           -kTiny,
                           kMinNormal,
                           kNaN,
                           kInf,
                           -kInf,
                           kMax,
                           1e154,
                           1.3407807929942596e154,
                           1.35e154,
                           1e-160,
                           1e-200};
  for (const int e : {-1074, -1000, -540, -537, -500, -481, -480, -479, 498, 499, 500, 501, 511}) {
    for (const double m : {1.0, 1 + 0x1p-52, 2 - 0x1p-52, 1.5 + 0x1p-30}) {
      const double x = std::ldexp(m, e);
      for (const double y : {x, -x, std::nextafter(x, 0.0), std::nextafter(x, kInf)})
        v.push_back(y);
    }
  }
  return v;
}

TEST(ExactSumBulkTest, SquaresEqualScalarSquaresAtTheUnderflowAndOverflowEdges) {
  const auto edges = square_edge_values();
  for (const double shift : {0.0, -0.0, 1.0, 1e-300, 1e154, -0x1p-480}) {
    ExactSum bulk;
    bulk.add_squares(edges, shift);
    const ExactSum scalar = scalar_squares(edges, shift);
    EXPECT_EQ(bulk.state(), scalar.state()) << shift;
  }
  std::vector<double> finite;
  for (const double x : edges) {
    if (std::isfinite(x) && std::fabs(x) < 1e154) finite.push_back(x);
  }
  for (const double shift : {0.0, 0x1p-500, 3.0}) {
    ExactSum bulk;
    bulk.add_squares(finite, shift);
    expect_same(bulk, scalar_squares(finite, shift), "finite edges");
  }
}

TEST(ExactSumBulkTest, SquaresOfAMillionValuesEqualScalarSquaresForAnySplit) {
  std::mt19937_64 rng(53);
  std::lognormal_distribution<double> cost(18.0, 1.5);
  std::uniform_int_distribution<int> exponent(-560, 520);  // across both fast-path edges
  std::vector<double> values(1'000'000);
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i] = i % 10 == 0 ? std::ldexp(cost(rng), exponent(rng)) : cost(rng);
  }
  const double mean = 1.5e8;
  const ExactSum scalar = scalar_squares(values, mean);
  ExactSum whole;
  whole.add_squares(values, mean);
  expect_same(whole, scalar, "one call");
  ExactSum pieces;
  add_in_random_pieces(values, rng,
                       [&](std::span<const double> s) { pieces.add_squares(s, mean); });
  expect_same(pieces, scalar, "random pieces");
  std::vector<double> narrow(values.begin(), values.begin() + 300000);
  for (auto& x : narrow) x = std::fabs(x) < 1e-100 || std::fabs(x) > 1e100 ? 1.0 : x;
  ExactSum near_mean;
  near_mean.add_squares(narrow, 0.0);
  expect_same(near_mean, scalar_squares(narrow, 0.0), "no shift");
}

TEST(ExactSumBulkTest, FirstPassMatchesValueByValueAccumulation) {
  std::mt19937_64 rng(59);
  const std::vector<double> pool = {0.0, -0.0, 1.0, -2.5, kInf, -kInf, kNaN, kTiny, 1e300, -1e-300};
  for (int trial = 0; trial < 200; ++trial) {
    Eigen::ArrayXd column(1 + static_cast<Eigen::Index>(rng() % 3000));
    for (auto& x : column) x = pool[rng() % (trial % 2 ? pool.size() : 4)];
    FirstPass pass;
    pass.add(column);
    // The definition: NaNs counted apart, everything else summed, min/max in column order.
    std::int64_t n_nan = 0, n_inf = 0;
    double lo = kInf, hi = -kInf;
    ExactSum sum;
    for (const double x : column) {
      if (std::isnan(x)) {
        ++n_nan;
        continue;
      }
      if (std::isinf(x)) ++n_inf;
      sum.add(x);
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
    EXPECT_EQ(pass.count, column.size());
    EXPECT_EQ(pass.n_nan, n_nan);
    EXPECT_EQ(pass.n_inf, n_inf);
    EXPECT_EQ(bits(pass.min), bits(lo));  // the sign of a zero extreme too
    EXPECT_EQ(bits(pass.max), bits(hi));
    EXPECT_EQ(pass.sum.state(), sum.state());
  }
}

}  // namespace
}  // namespace costsweep::stats
