#pragma once
/// The instruction set the sampling kernels run on. Every kernel gives the same bits on every
/// instruction set (each is made of correctly rounded IEEE operations and integer arithmetic), so
/// this choice changes speed only.
#include <string_view>

namespace costsweep::simd {

enum class Isa { kPortable, kAvx2 };

/// True when this CPU runs AVX2 instructions.
bool cpu_has_avx2() noexcept;

/// The instruction set chosen once per process: AVX2 where the CPU has it, unless the
/// environment variable COSTSWEEP_KERNELS is "portable" (for testing the fallback end to end).
Isa active_isa() noexcept;

/// "portable" or "avx2".
std::string_view isa_name(Isa isa) noexcept;

}  // namespace costsweep::simd
