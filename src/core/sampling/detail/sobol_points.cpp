#include "core/sampling/detail/sobol_points.hpp"

#include <bit>
#include <boost/random/detail/sobol_table.hpp>

#include "core/sampling/methods.hpp"

namespace costsweep::sampling::detail {
namespace {

// Boost keeps the Joe-Kuo table in a detail namespace; the unit test checks the points computed
// here against Boost's public sobol_engine, so a change of the table's layout fails there.
using JoeKuoTable = boost::random::detail::qrng_tables::sobol;
static_assert(JoeKuoTable::max_dimension == kSobolDimensions);

}  // namespace

SobolDirections sobol_directions(std::uint32_t dimension) noexcept {
  // m[j] holds the odd integer m_{j+1} < 2^(j+1) of Bratley and Fox; v_{j+1} = m_{j+1} 2^-(j+1).
  SobolDirections m{};
  if (dimension == 0) {
    m.fill(1);
  } else {
    // Bit k of the table's polynomial is the coefficient of z^k; its top bit gives the degree s.
    const std::uint64_t poly = JoeKuoTable::polynomial(dimension - 1);
    const int degree = static_cast<int>(std::bit_width(poly)) - 1;
    for (int j = 0; j < degree; ++j) m[j] = JoeKuoTable::minit(dimension - 1, j);
    // m_j = 2 a_1 m_{j-1} ^ 4 a_2 m_{j-2} ^ ... ^ 2^s m_{j-s} ^ m_{j-s}, a_r = bit s - r of poly.
    for (int j = degree; j < 64; ++j) {
      std::uint64_t value = m[j - degree] ^ (m[j - degree] << degree);
      for (int r = 1; r < degree; ++r) {
        if (((poly >> (degree - r)) & 1) != 0) value ^= m[j - r] << r;
      }
      m[j] = value;
    }
  }
  for (int j = 0; j < 64; ++j) m[j] <<= 63 - j;
  return m;
}

std::uint64_t sobol_point(const SobolDirections& directions, std::uint64_t index) noexcept {
  std::uint64_t gray = index ^ (index >> 1);
  std::uint64_t point = 0;
  for (int j = 0; gray != 0; ++j, gray >>= 1) {
    if ((gray & 1) != 0) point ^= directions[j];
  }
  return point;
}

}  // namespace costsweep::sampling::detail
