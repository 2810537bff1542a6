// nearestTransposed (declared in kmeans.h): the nearest of k centroids stored dimension-major,
// for short vectors (PQ's sub-spaces, a few floats each). Sixteen or eight centroids at a time in
// AVX-512 or AVX2 registers where the CPU has them; else a loop the compiler vectorises.
#include "core/diskann/kmeans.h"
#include "core/diskann/x86_intrinsics.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <vector>

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

// The lowest centroid index among the lanes holding the smallest distance, with that distance:
// in registers, a few shuffles instead of a scalar pass over the lanes (which costs as much as
// the search itself on PQ's short sub-spaces).
__attribute__((target("avx512f"))) std::uint32_t mergeAvx512(__m512 best, __m512i bestAt,
                                                             float* min) {
    __m512 m = _mm512_min_ps(best, _mm512_shuffle_f32x4(best, best, 0x4E));
    m = _mm512_min_ps(m, _mm512_shuffle_f32x4(m, m, 0xB1));
    m = _mm512_min_ps(m, _mm512_permute_ps(m, 0x4E));
    m = _mm512_min_ps(m, _mm512_permute_ps(m, 0xB1));
    const __mmask16 isMin = _mm512_cmp_ps_mask(best, m, _CMP_EQ_OQ);
    __m512i at = _mm512_mask_blend_epi32(isMin, _mm512_set1_epi32(-1), bestAt);
    at = _mm512_min_epu32(at, _mm512_shuffle_i32x4(at, at, 0x4E));
    at = _mm512_min_epu32(at, _mm512_shuffle_i32x4(at, at, 0xB1));
    at = _mm512_min_epu32(at, _mm512_shuffle_epi32(at, _MM_PERM_BADC));
    at = _mm512_min_epu32(at, _mm512_shuffle_epi32(at, _MM_PERM_CDAB));
    *min = _mm512_cvtss_f32(m);
    return static_cast<std::uint32_t>(_mm_cvtsi128_si32(_mm512_castsi512_si128(at)));
}

__attribute__((target("avx2,fma"))) std::uint32_t mergeAvx2(__m256 best, __m256i bestAt,
                                                            float* min) {
    __m256 m = _mm256_min_ps(best, _mm256_permute2f128_ps(best, best, 1));
    m = _mm256_min_ps(m, _mm256_permute_ps(m, 0x4E));
    m = _mm256_min_ps(m, _mm256_permute_ps(m, 0xB1));
    const __m256 isMin = _mm256_cmp_ps(best, m, _CMP_EQ_OQ);
    __m256i at = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(_mm256_set1_epi32(-1)),
                                                      _mm256_castsi256_ps(bestAt), isMin));
    at = _mm256_min_epu32(at, _mm256_permute2x128_si256(at, at, 1));
    at = _mm256_min_epu32(at, _mm256_shuffle_epi32(at, 0x4E));
    at = _mm256_min_epu32(at, _mm256_shuffle_epi32(at, 0xB1));
    *min = _mm256_cvtss_f32(m);
    return static_cast<std::uint32_t>(_mm256_cvtsi256_si32(at));
}

// nearestTransposedMany's kernels: P points against sixteen (AVX-512) or eight (AVX2)
// centroids at a time, each column of centroids loaded once for all P. Distances in the form
// |c|^2 - 2 <x, c> (one multiply-add per dimension, no subtraction); |x|^2 is added at the end.
// minus2x[p * dim + d] = -2 x_p[d]. Per lane a strict compare keeps the first of equal
// distances, and the lanes are merged lowest index first.
template <int P>
__attribute__((target("avx512f"))) void
nearestManyAvx512(const float* minus2x, const float* t, const float* norms, std::uint32_t k,
                  std::size_t dim, float* min, std::uint32_t* at) {
    __m512 best[P];
    __m512i bestAt[P];
    for (int p = 0; p < P; ++p) {
        best[p] = _mm512_set1_ps(std::numeric_limits<float>::infinity());
        bestAt[p] = _mm512_setzero_si512();
    }
    __m512i index = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512i sixteen = _mm512_set1_epi32(16);
    for (std::uint32_t c = 0; c < k; c += 16) {
        const __m512 norm = _mm512_loadu_ps(norms + c);
        __m512 acc[P];
        for (int p = 0; p < P; ++p)
            acc[p] = norm;
        for (std::size_t d = 0; d < dim; ++d) {
            const __m512 column = _mm512_loadu_ps(t + d * k + c);
            for (int p = 0; p < P; ++p)
                acc[p] = _mm512_fmadd_ps(_mm512_set1_ps(minus2x[p * dim + d]), column, acc[p]);
        }
        for (int p = 0; p < P; ++p) {
            const __mmask16 better = _mm512_cmp_ps_mask(acc[p], best[p], _CMP_LT_OQ);
            best[p] = _mm512_mask_blend_ps(better, best[p], acc[p]);
            bestAt[p] = _mm512_mask_blend_epi32(better, bestAt[p], index);
        }
        index = _mm512_add_epi32(index, sixteen);
    }
    for (int p = 0; p < P; ++p)
        at[p] = mergeAvx512(best[p], bestAt[p], min + p);
}

template <int P>
__attribute__((target("avx2,fma"))) void
nearestManyAvx2(const float* minus2x, const float* t, const float* norms, std::uint32_t k,
                std::size_t dim, float* min, std::uint32_t* at) {
    __m256 best[P];
    __m256i bestAt[P];
    for (int p = 0; p < P; ++p) {
        best[p] = _mm256_set1_ps(std::numeric_limits<float>::infinity());
        bestAt[p] = _mm256_setzero_si256();
    }
    __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i eight = _mm256_set1_epi32(8);
    for (std::uint32_t c = 0; c < k; c += 8) {
        const __m256 norm = _mm256_loadu_ps(norms + c);
        __m256 acc[P];
        for (int p = 0; p < P; ++p)
            acc[p] = norm;
        for (std::size_t d = 0; d < dim; ++d) {
            const __m256 column = _mm256_loadu_ps(t + d * k + c);
            for (int p = 0; p < P; ++p)
                acc[p] =
                    _mm256_fmadd_ps(_mm256_broadcast_ss(minus2x + p * dim + d), column, acc[p]);
        }
        for (int p = 0; p < P; ++p) {
            const __m256 better = _mm256_cmp_ps(acc[p], best[p], _CMP_LT_OQ);
            best[p] = _mm256_blendv_ps(best[p], acc[p], better);
            bestAt[p] = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(bestAt[p]),
                                                             _mm256_castsi256_ps(index), better));
        }
        index = _mm256_add_epi32(index, eight);
    }
    for (int p = 0; p < P; ++p)
        at[p] = mergeAvx2(best[p], bestAt[p], min + p);
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

std::vector<float> centroidNorms(const float* centroids, std::uint32_t k, std::size_t dim) {
    std::vector<float> norms(k);
    for (std::uint32_t c = 0; c < k; ++c) {
        const float* row = centroids + std::size_t{c} * dim;
        float s = 0.0f;
        for (std::size_t d = 0; d < dim; ++d)
            s += row[d] * row[d];
        norms[c] = s;
    }
    return norms;
}

void nearestTransposedMany(const float* points, std::size_t count, std::size_t stride,
                           const float* transposed, const float* norms, std::uint32_t k,
                           std::size_t dim, std::uint32_t* out, float* distances) {
    if (dim > kTransposedMaxDim)
        throw std::invalid_argument("nearestTransposedMany: vectors longer than the limit");
#if defined(QUIVER_DISKANN_X86)
    const bool wide = k % 16 == 0 && hasAvx512();
    if (wide || (k % 8 == 0 && hasAvx2())) {
        constexpr std::size_t kGroup = 4;
        float minus2x[kGroup * kTransposedMaxDim];
        float min[kGroup];
        for (std::size_t first = 0; first < count; first += kGroup) {
            const std::size_t group = std::min(kGroup, count - first);
            for (std::size_t p = 0; p < group; ++p)
                for (std::size_t d = 0; d < dim; ++d)
                    minus2x[p * dim + d] = -2.0f * points[(first + p) * stride + d];
            std::uint32_t* at = out + first;
            switch (group) {
            case 1:
                wide ? nearestManyAvx512<1>(minus2x, transposed, norms, k, dim, min, at)
                     : nearestManyAvx2<1>(minus2x, transposed, norms, k, dim, min, at);
                break;
            case 2:
                wide ? nearestManyAvx512<2>(minus2x, transposed, norms, k, dim, min, at)
                     : nearestManyAvx2<2>(minus2x, transposed, norms, k, dim, min, at);
                break;
            case 3:
                wide ? nearestManyAvx512<3>(minus2x, transposed, norms, k, dim, min, at)
                     : nearestManyAvx2<3>(minus2x, transposed, norms, k, dim, min, at);
                break;
            default:
                wide ? nearestManyAvx512<4>(minus2x, transposed, norms, k, dim, min, at)
                     : nearestManyAvx2<4>(minus2x, transposed, norms, k, dim, min, at);
                break;
            }
            if (distances)
                for (std::size_t p = 0; p < group; ++p) {
                    const float* x = points + (first + p) * stride;
                    float xx = 0.0f;
                    for (std::size_t d = 0; d < dim; ++d)
                        xx += x[d] * x[d];
                    distances[first + p] = std::max(0.0f, xx + min[p]);
                }
        }
        return;
    }
#endif
    (void)norms;
    std::vector<float> scratch(k);
    for (std::size_t i = 0; i < count; ++i)
        out[i] = nearestPortable(points + i * stride, transposed, k, dim, scratch.data(),
                                 distances ? distances + i : nullptr);
}

} // namespace quiver::diskann
