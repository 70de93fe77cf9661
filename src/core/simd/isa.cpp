#include "core/simd/isa.hpp"

#include <cstdlib>

namespace costsweep::simd {

bool cpu_has_avx2() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  return __builtin_cpu_supports("avx2") != 0;
#else
  return false;
#endif
}

Isa active_isa() noexcept {
  static const Isa isa = [] {
    const char* requested = std::getenv("COSTSWEEP_KERNELS");
    if (requested != nullptr && std::string_view(requested) == "portable") return Isa::kPortable;
    return cpu_has_avx2() ? Isa::kAvx2 : Isa::kPortable;
  }();
  return isa;
}

std::string_view isa_name(Isa isa) noexcept { return isa == Isa::kAvx2 ? "avx2" : "portable"; }

}  // namespace costsweep::simd
