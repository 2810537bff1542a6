// nearestTransposed (declared in kmeans.h): the nearest of k centroids stored dimension-major,
// for short vectors (PQ's sub-spaces, a few floats each). Sixteen or eight centroids at a time in
// AVX-512 or AVX2 registers where the CPU has them; else a loop the compiler vectorises.
#include "core/diskann/kmeans.h"

#include <limits>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define QUIVER_DISKANN_X86 1
#endif

namespace quiver::diskann {

namespace {

std::uint32_t nearestPortable(const float* __restrict v, const float* __restrict t, std::uint32_t k,
                              std::size_t dim, float* __restrict scratch, float* distance) {
    const float x0 = v[0];
    for (std::uint32_t c = 0; c < k; ++c) {
        const float diff = x0 - t[c];
        scratch[c] = diff * diff;
    }
    for (std::size_t d = 1; d < dim; ++d) {
        const float x = v[d];
        const float* __restrict row = t + d * k;
        for (std::uint32_t c = 0; c < k; ++c) {
            const float diff = x - row[c];
            scratch[c] += diff * diff;
        }
    }
    // The minimum first (eight running minima: vector min instructions), then its first place.
    constexpr std::uint32_t kLanes = 8;
    float best = std::numeric_limits<float>::infinity();
    std::uint32_t c = 0;
    if (k >= kLanes) {
        float lane[kLanes];
        for (std::uint32_t j = 0; j < kLanes; ++j)
            lane[j] = best;
        for (; c + kLanes <= k; c += kLanes)
            for (std::uint32_t j = 0; j < kLanes; ++j)
                lane[j] = scratch[c + j] < lane[j] ? scratch[c + j] : lane[j];
        for (std::uint32_t j = 0; j < kLanes; ++j)
            best = lane[j] < best ? lane[j] : best;
    }
    for (; c < k; ++c)
        best = scratch[c] < best ? scratch[c] : best;
    if (distance)
        *distance = best;
    for (std::uint32_t i = 0; i < k; ++i) {
        if (scratch[i] == best)
            return i;
    }
    return 0; // nothing below infinity: as nearestCentroid
}

#if defined(QUIVER_DISKANN_X86)
// The smallest of the lanes' minima, the lowest centroid index among equals.
std::uint32_t mergeLanes(const float* lane, const std::uint32_t* laneAt, int lanes,
                         float* distance) {
    float min = std::numeric_limits<float>::infinity();
    std::uint32_t index = 0;
    for (int j = 0; j < lanes; ++j) {
        if (lane[j] < min || (lane[j] == min && laneAt[j] < index)) {
            min = lane[j];
            index = laneAt[j];
        }
    }
    if (distance)
        *distance = min;
    return index;
}

// k a multiple of 8. Per lane the running minimum and its centroid index; a strict compare keeps
// the first of equal distances in each lane, and the lanes are merged lowest index first.
__attribute__((target("avx2,fma"))) std::uint32_t
nearestAvx2(const float* v, const float* t, std::uint32_t k, std::size_t dim, float* distance) {
    __m256 best = _mm256_set1_ps(std::numeric_limits<float>::infinity());
    __m256i bestAt = _mm256_setzero_si256();
    __m256i at = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i eight = _mm256_set1_epi32(8);
    for (std::uint32_t c = 0; c < k; c += 8) {
        __m256 acc = _mm256_setzero_ps();
        for (std::size_t d = 0; d < dim; ++d) {
            const __m256 diff = _mm256_sub_ps(_mm256_set1_ps(v[d]), _mm256_loadu_ps(t + d * k + c));
            acc = _mm256_fmadd_ps(diff, diff, acc);
        }
        const __m256 better = _mm256_cmp_ps(acc, best, _CMP_LT_OQ);
        best = _mm256_blendv_ps(best, acc, better);
        bestAt = _mm256_castps_si256(
            _mm256_blendv_ps(_mm256_castsi256_ps(bestAt), _mm256_castsi256_ps(at), better));
        at = _mm256_add_epi32(at, eight);
    }
    alignas(32) float lane[8];
    alignas(32) std::uint32_t laneAt[8];
    _mm256_store_ps(lane, best);
    _mm256_store_si256(reinterpret_cast<__m256i*>(laneAt), bestAt);
    return mergeLanes(lane, laneAt, 8, distance);
}

// k a multiple of 16: sixteen centroids at a time, as nearestAvx2.
__attribute__((target("avx512f"))) std::uint32_t
nearestAvx512(const float* v, const float* t, std::uint32_t k, std::size_t dim, float* distance) {
    __m512 best = _mm512_set1_ps(std::numeric_limits<float>::infinity());
    __m512i bestAt = _mm512_setzero_si512();
    __m512i at = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512i sixteen = _mm512_set1_epi32(16);
    for (std::uint32_t c = 0; c < k; c += 16) {
        __m512 acc = _mm512_setzero_ps();
        for (std::size_t d = 0; d < dim; ++d) {
            const __m512 diff = _mm512_sub_ps(_mm512_set1_ps(v[d]), _mm512_loadu_ps(t + d * k + c));
            acc = _mm512_fmadd_ps(diff, diff, acc);
        }
        const __mmask16 better = _mm512_cmp_ps_mask(acc, best, _CMP_LT_OQ);
        best = _mm512_mask_blend_ps(better, best, acc);
        bestAt = _mm512_mask_blend_epi32(better, bestAt, at);
        at = _mm512_add_epi32(at, sixteen);
    }
    alignas(64) float lane[16];
    alignas(64) std::uint32_t laneAt[16];
    _mm512_store_ps(lane, best);
    _mm512_store_si512(laneAt, bestAt);
    return mergeLanes(lane, laneAt, 16, distance);
}

bool hasAvx512() {
    static const bool yes = __builtin_cpu_supports("avx512f");
    return yes;
}

bool hasAvx2() {
    static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return yes;
}
#endif

} // namespace

std::uint32_t nearestTransposed(const float* v, const float* transposed, std::uint32_t k,
                                std::size_t dim, float* scratch, float* distance) {
#if defined(QUIVER_DISKANN_X86)
    if (k % 16 == 0 && hasAvx512())
        return nearestAvx512(v, transposed, k, dim, distance);
    if (k % 8 == 0 && hasAvx2())
        return nearestAvx2(v, transposed, k, dim, distance);
#endif
    return nearestPortable(v, transposed, k, dim, scratch, distance);
}

} // namespace quiver::diskann
