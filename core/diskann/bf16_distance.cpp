#include "core/diskann/bf16_distance.h"

#include "core/diskann/x86_intrinsics.h"

#include <cstring>
#ifdef QUIVER_DISKANN_X86
#include "core/diskann/simd_sum.h"
#endif

namespace quiver::diskann {

std::uint16_t toBf16(float v) {
    std::uint32_t bits = 0;
    std::memcpy(&bits, &v, sizeof bits);
    // Round to nearest even on the 16 bits dropped. Vectors are finite, so no NaN handling.
    bits += 0x7FFFu + ((bits >> 16) & 1u);
    return static_cast<std::uint16_t>(bits >> 16);
}

void toBf16(const float* in, std::uint16_t* out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        out[i] = toBf16(in[i]);
}

float fromBf16(std::uint16_t v) {
    const std::uint32_t bits = std::uint32_t{v} << 16;
    float f = 0.0f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

namespace scalar {
float l2SquaredBf16(const float* query, const std::uint16_t* row, std::size_t dim) {
    float s = 0.0f;
    for (std::size_t i = 0; i < dim; ++i) {
        const float d = query[i] - fromBf16(row[i]);
        s += d * d;
    }
    return s;
}

float innerProductBf16(const float* query, const std::uint16_t* row, std::size_t dim) {
    float s = 0.0f;
    for (std::size_t i = 0; i < dim; ++i)
        s += query[i] * fromBf16(row[i]);
    return s;
}

static float negatedInnerProductBf16(const float* query, const std::uint16_t* row,
                                     std::size_t dim) {
    return -innerProductBf16(query, row, dim);
}
} // namespace scalar

#if defined(QUIVER_DISKANN_X86)
namespace avx2 {
using simd::horizontalSum;

// Eight bf16 values widened to floats: zero-extend to 32 bits, shift into the high half.
__attribute__((target("avx2,fma"))) static inline __m256 load8(const std::uint16_t* p) {
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
}

__attribute__((target("avx2,fma"))) static float l2Squared(const float* q, const std::uint16_t* r,
                                                           std::size_t dim) {
    __m256 s0 = _mm256_setzero_ps();
    __m256 s1 = _mm256_setzero_ps();
    std::size_t i = 0;
    for (; i + 16 <= dim; i += 16) {
        const __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(q + i), load8(r + i));
        const __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(q + i + 8), load8(r + i + 8));
        s0 = _mm256_fmadd_ps(d0, d0, s0);
        s1 = _mm256_fmadd_ps(d1, d1, s1);
    }
    for (; i + 8 <= dim; i += 8) {
        const __m256 d = _mm256_sub_ps(_mm256_loadu_ps(q + i), load8(r + i));
        s0 = _mm256_fmadd_ps(d, d, s0);
    }
    float s = horizontalSum(_mm256_add_ps(s0, s1));
    for (; i < dim; ++i) {
        const float d = q[i] - fromBf16(r[i]);
        s += d * d;
    }
    return s;
}

__attribute__((target("avx2,fma"))) static float
innerProduct(const float* q, const std::uint16_t* r, std::size_t dim) {
    __m256 s0 = _mm256_setzero_ps();
    __m256 s1 = _mm256_setzero_ps();
    std::size_t i = 0;
    for (; i + 16 <= dim; i += 16) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), load8(r + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i + 8), load8(r + i + 8), s1);
    }
    for (; i + 8 <= dim; i += 8)
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), load8(r + i), s0);
    float s = horizontalSum(_mm256_add_ps(s0, s1));
    for (; i < dim; ++i)
        s += q[i] * fromBf16(r[i]);
    return s;
}

__attribute__((target("avx2,fma"))) static float
negatedInnerProduct(const float* q, const std::uint16_t* r, std::size_t dim) {
    return -innerProduct(q, r, dim);
}
} // namespace avx2

namespace avx512 {
using simd::horizontalSum;

__attribute__((target("avx512f"))) static inline __m512 load16(const std::uint16_t* p) {
    const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
}

__attribute__((target("avx512f"))) static float l2Squared(const float* q, const std::uint16_t* r,
                                                          std::size_t dim) {
    __m512 s0 = _mm512_setzero_ps();
    __m512 s1 = _mm512_setzero_ps();
    std::size_t i = 0;
    for (; i + 32 <= dim; i += 32) {
        const __m512 d0 = _mm512_sub_ps(_mm512_loadu_ps(q + i), load16(r + i));
        const __m512 d1 = _mm512_sub_ps(_mm512_loadu_ps(q + i + 16), load16(r + i + 16));
        s0 = _mm512_fmadd_ps(d0, d0, s0);
        s1 = _mm512_fmadd_ps(d1, d1, s1);
    }
    for (; i + 16 <= dim; i += 16) {
        const __m512 d = _mm512_sub_ps(_mm512_loadu_ps(q + i), load16(r + i));
        s0 = _mm512_fmadd_ps(d, d, s0);
    }
    float s = horizontalSum(_mm512_add_ps(s0, s1));
    for (; i < dim; ++i) {
        const float d = q[i] - fromBf16(r[i]);
        s += d * d;
    }
    return s;
}

__attribute__((target("avx512f"))) static float innerProduct(const float* q, const std::uint16_t* r,
                                                             std::size_t dim) {
    __m512 s0 = _mm512_setzero_ps();
    __m512 s1 = _mm512_setzero_ps();
    std::size_t i = 0;
    for (; i + 32 <= dim; i += 32) {
        s0 = _mm512_fmadd_ps(_mm512_loadu_ps(q + i), load16(r + i), s0);
        s1 = _mm512_fmadd_ps(_mm512_loadu_ps(q + i + 16), load16(r + i + 16), s1);
    }
    for (; i + 16 <= dim; i += 16)
        s0 = _mm512_fmadd_ps(_mm512_loadu_ps(q + i), load16(r + i), s0);
    float s = horizontalSum(_mm512_add_ps(s0, s1));
    for (; i < dim; ++i)
        s += q[i] * fromBf16(r[i]);
    return s;
}

__attribute__((target("avx512f"))) static float
negatedInnerProduct(const float* q, const std::uint16_t* r, std::size_t dim) {
    return -innerProduct(q, r, dim);
}
} // namespace avx512
#endif

std::vector<Bf16Kernels> availableBf16Kernels() {
    std::vector<Bf16Kernels> kernels;
    kernels.push_back({"scalar", &scalar::l2SquaredBf16, &scalar::innerProductBf16,
                       &scalar::negatedInnerProductBf16});
#if defined(QUIVER_DISKANN_X86)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        kernels.push_back(
            {"avx2", &avx2::l2Squared, &avx2::innerProduct, &avx2::negatedInnerProduct});
    if (__builtin_cpu_supports("avx512f"))
        kernels.push_back(
            {"avx512", &avx512::l2Squared, &avx512::innerProduct, &avx512::negatedInnerProduct});
#endif
    return kernels;
}

Bf16DistanceFn bf16DistanceFunction(Metric m) {
    static const std::vector<Bf16Kernels> kernels = availableBf16Kernels();
    if (kernels.size() < 2)
        return nullptr;
    return m == Metric::L2 ? kernels.back().l2Squared : kernels.back().negatedInnerProduct;
}

} // namespace quiver::diskann
