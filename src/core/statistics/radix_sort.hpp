#pragma once
/// Sorting a rank's values for exact distributed quantiles: the values become order keys
/// (order_key in quantile.hpp), which sort as unsigned integers in linear time.
#include <Eigen/Core>
#include <cstdint>
#include <span>
#include <vector>

namespace costsweep::stats {

/// order_key of every value, ascending. Precondition: no value is NaN (a NaN's key would sort
/// beyond the infinities and count as a value). Linear time: an LSD radix sort on 11-bit
/// digits that skips any digit shared by every key; std::sort below 4096 values. Allocates the
/// result and one scratch buffer of the same size.
std::vector<std::uint64_t> sorted_order_keys(const Eigen::Ref<const Eigen::ArrayXd>& values);

/// Number of keys in sorted_keys (ascending) that are <= key.
std::uint64_t count_le_keys(std::span<const std::uint64_t> sorted_keys, std::uint64_t key) noexcept;

}  // namespace costsweep::stats
