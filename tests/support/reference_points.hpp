#pragma once
/// The points at which tests/data/references/ holds 50-digit values: one list for the tests that
/// read them and for the generator (tests/references/) that writes them.
#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace costsweep::test_data {

/// Shapes a and b of beta_quantile_test's grid (every pair).
inline const std::vector<double> kBetaShapes = {0.5, 1, 1.5, 2, 5, 20, 51};

/// beta_quantile_test's levels: both tails to the ends of double, the table's edge at p = 2^-16
/// from each side, interval ends (p = 2^-e (1 + i/8)) and the branch switch at u = 1/2.
inline std::vector<double> beta_levels() {
  constexpr double kEps = std::numeric_limits<double>::epsilon();
  std::vector<double> u = {1e-300,    1e-100,      1e-20,      1e-10,    0x1p-16 * (1 - kEps),
                           0x1p-16,   1e-4,        0x1.2p-9,   0.01,     0.05,
                           0.1,       0.25,        0.375,      0.46875,  0.4999,
                           0.5,       0.5001,      0.6,        0.75,     0.9,
                           0.95,      0.99,        0.999,      1 - 1e-4, 1 - 0x1p-16,
                           1 - 1e-10, 1 - 0x1p-40, 1 - 0x1p-53};
  std::mt19937_64 engine(20260412);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  for (int i = 0; i < 8; ++i) u.push_back(uniform(engine));
  for (int i = 0; i < 4; ++i) u.push_back(std::exp2(-16 * uniform(engine)));
  for (int i = 0; i < 4; ++i) u.push_back(1 - std::exp2(-16 * uniform(engine)));
  return u;
}

/// inverse_normal_test's probe points: AS241's region boundaries and a log-spaced sweep of the
/// lower tail with its mirror image in the upper tail.
inline std::vector<double> inverse_normal_probe_points() {
  std::vector<double> points = {1e-300,     1e-200, 1e-100, 1e-50,      1e-20,       1e-10,
                                1.3887e-11, 1e-5,   1e-3,   0.01,       0.02425,     0.05,
                                0.0749,     0.0751, 0.1,    0.25,       0.4,         0.499,
                                0.501,      0.6,    0.75,   0.9,        0.925,       0.95,
                                0.975,      0.99,   0.999,  1.0 - 1e-5, 1.0 - 1e-10, 1.0 - 0x1p-53};
  for (double p = 1e-300; p < 0.5; p *= 1.5) {
    points.push_back(p);
    if (p > 1e-16) points.push_back(1.0 - p);
  }
  return points;
}

}  // namespace costsweep::test_data
