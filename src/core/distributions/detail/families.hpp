#pragma once
/// Factories of the distribution families. They trust their arguments: the spec parser checks
/// every precondition below and reports violations as SpecError.
#include "core/distributions/distribution.hpp"

namespace costsweep::dist::detail {

/// Degenerate distribution at a finite value.
DistributionPtr make_fixed(double value);
/// Preconditions: a < b, both finite.
DistributionPtr make_uniform(double a, double b);
/// Precondition: sd > 0.
DistributionPtr make_normal(double mean, double sd);
/// mu and sigma are the mean and standard deviation of ln X. Precondition: sigma > 0.
DistributionPtr make_lognormal(double mu, double sigma);
/// Preconditions: 0 < a < b.
DistributionPtr make_loguniform(double a, double b);
/// Preconditions: lo <= mode <= hi, lo < hi.
DistributionPtr make_triangular(double lo, double mode, double hi);
/// Beta-PERT. Preconditions: lo <= mode <= hi, lo < hi, lambda > 0.
DistributionPtr make_pert(double lo, double mode, double hi, double lambda);
/// Beta on [0, 1]. Preconditions: a > 0, b > 0.
DistributionPtr make_beta(double a, double b);
/// `inner` restricted to [lo, hi]. Preconditions: lo < hi, mass_between(*inner, lo, hi) > 0.
DistributionPtr make_truncated(DistributionPtr inner, double lo, double hi);

/// P(lo < X <= hi), computed from whichever tail keeps it accurate.
double mass_between(const Distribution& inner, double lo, double hi);

}  // namespace costsweep::dist::detail
