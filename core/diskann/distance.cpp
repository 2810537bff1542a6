#include "core/diskann/distance.h"

#include "core/diskann/x86_intrinsics.h"

#include <cmath>
#ifdef QUIVER_DISKANN_X86
#include "core/diskann/simd_sum.h"
#endif
#if defined(__aarch64__)
#include <arm_neon.h>
#endif

namespace quiver::diskann {

std::string_view metricName(Metric m) {
    switch (m) {
    case Metric::L2:
        return "l2";
    case Metric::InnerProduct:
        return "ip";
    case Metric::Cosine:
        return "cosine";
    }
    return "unknown";
}

std::optional<Metric> metricFromName(std::string_view name) {
    if (name == "l2")
        return Metric::L2;
    if (name == "ip")
        return Metric::InnerProduct;
    if (name == "cosine")
        return Metric::Cosine;
    return std::nullopt;
}

namespace scalar {
float l2Squared(const float* a, const float* b, std::size_t dim) {
    float s = 0.0f;
    for (std::size_t i = 0; i < dim; ++i) {
        const float d = a[i] - b[i];
        s += d * d;
    }
    return s;
}

float innerProduct(const float* a, const float* b, std::size_t dim) {
    float s = 0.0f;
    for (std::size_t i = 0; i < dim; ++i)
        s += a[i] * b[i];
    return s;
}

static float negatedInnerProduct(const float* a, const float* b, std::size_t dim) {
    return -innerProduct(a, b, dim);
}
} // namespace scalar

#if defined(QUIVER_DISKANN_X86)
// Each kernel is compiled for its own instruction set through the target attribute, so the
// library itself stays portable and the choice is made once at run time.
namespace avx2 {
using simd::horizontalSum;

__attribute__((target("avx2,fma"))) static float l2Squared(const float* a, const float* b,
                                                           std::size_t dim) {
    __m256 s0 = _mm256_setzero_ps();
    __m256 s1 = _mm256_setzero_ps();
    __m256 s2 = _mm256_setzero_ps();
    __m256 s3 = _mm256_setzero_ps();
    std::size_t i = 0;
    for (; i + 32 <= dim; i += 32) {
        const __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
        const __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8));
        const __m256 d2 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16));
        const __m256 d3 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24));
        s0 = _mm256_fmadd_ps(d0, d0, s0);
        s1 = _mm256_fmadd_ps(d1, d1, s1);
        s2 = _mm256_fmadd_ps(d2, d2, s2);
        s3 = _mm256_fmadd_ps(d3, d3, s3);
    }
    for (; i + 8 <= dim; i += 8) {
        const __m256 d = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
        s0 = _mm256_fmadd_ps(d, d, s0);
    }
    float s = horizontalSum(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
    for (; i < dim; ++i) {
        const float d = a[i] - b[i];
        s += d * d;
    }
    return s;
}

__attribute__((target("avx2,fma"))) static float innerProduct(const float* a, const float* b,
                                                              std::size_t dim) {
    __m256 s0 = _mm256_setzero_ps();
    __m256 s1 = _mm256_setzero_ps();
    __m256 s2 = _mm256_setzero_ps();
    __m256 s3 = _mm256_setzero_ps();
    std::size_t i = 0;
    for (; i + 32 <= dim; i += 32) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
        s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16), s2);
        s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24), s3);
    }
    for (; i + 8 <= dim; i += 8)
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    float s = horizontalSum(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
    for (; i < dim; ++i)
        s += a[i] * b[i];
    return s;
}

__attribute__((target("avx2,fma"))) static float negatedInnerProduct(const float* a, const float* b,
                                                                     std::size_t dim) {
    return -innerProduct(a, b, dim);
}
} // namespace avx2

namespace avx512 {
using simd::horizontalSum;

__attribute__((target("avx512f"))) static float l2Squared(const float* a, const float* b,
                                                          std::size_t dim) {
    __m512 s0 = _mm512_setzero_ps();
    __m512 s1 = _mm512_setzero_ps();
    __m512 s2 = _mm512_setzero_ps();
    __m512 s3 = _mm512_setzero_ps();
    std::size_t i = 0;
    for (; i + 64 <= dim; i += 64) {
        const __m512 d0 = _mm512_sub_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));
        const __m512 d1 = _mm512_sub_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16));
        const __m512 d2 = _mm512_sub_ps(_mm512_loadu_ps(a + i + 32), _mm512_loadu_ps(b + i + 32));
        const __m512 d3 = _mm512_sub_ps(_mm512_loadu_ps(a + i + 48), _mm512_loadu_ps(b + i + 48));
        s0 = _mm512_fmadd_ps(d0, d0, s0);
        s1 = _mm512_fmadd_ps(d1, d1, s1);
        s2 = _mm512_fmadd_ps(d2, d2, s2);
        s3 = _mm512_fmadd_ps(d3, d3, s3);
    }
    for (; i + 16 <= dim; i += 16) {
        const __m512 d = _mm512_sub_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));
        s0 = _mm512_fmadd_ps(d, d, s0);
    }
    if (i < dim) {
        // Masked loads read only the valid tail lanes, so odd dimensions need no scalar loop.
        const auto mask = static_cast<__mmask16>((1u << (dim - i)) - 1u);
        const __m512 d =
            _mm512_sub_ps(_mm512_maskz_loadu_ps(mask, a + i), _mm512_maskz_loadu_ps(mask, b + i));
        s1 = _mm512_fmadd_ps(d, d, s1);
    }
    return horizontalSum(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
}

__attribute__((target("avx512f"))) static float innerProduct(const float* a, const float* b,
                                                             std::size_t dim) {
    __m512 s0 = _mm512_setzero_ps();
    __m512 s1 = _mm512_setzero_ps();
    __m512 s2 = _mm512_setzero_ps();
    __m512 s3 = _mm512_setzero_ps();
    std::size_t i = 0;
    for (; i + 64 <= dim; i += 64) {
        s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s0);
        s1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16), s1);
        s2 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 32), _mm512_loadu_ps(b + i + 32), s2);
        s3 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 48), _mm512_loadu_ps(b + i + 48), s3);
    }
    for (; i + 16 <= dim; i += 16)
        s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s0);
    if (i < dim) {
        const auto mask = static_cast<__mmask16>((1u << (dim - i)) - 1u);
        s1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, a + i), _mm512_maskz_loadu_ps(mask, b + i),
                             s1);
    }
    return horizontalSum(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
}

__attribute__((target("avx512f"))) static float negatedInnerProduct(const float* a, const float* b,
                                                                    std::size_t dim) {
    return -innerProduct(a, b, dim);
}
} // namespace avx512
#endif

#if defined(__aarch64__)
namespace neon {
static float l2Squared(const float* a, const float* b, std::size_t dim) {
    float32x4_t s0 = vdupq_n_f32(0.0f);
    float32x4_t s1 = vdupq_n_f32(0.0f);
    float32x4_t s2 = vdupq_n_f32(0.0f);
    float32x4_t s3 = vdupq_n_f32(0.0f);
    std::size_t i = 0;
    for (; i + 16 <= dim; i += 16) {
        const float32x4_t d0 = vsubq_f32(vld1q_f32(a + i), vld1q_f32(b + i));
        const float32x4_t d1 = vsubq_f32(vld1q_f32(a + i + 4), vld1q_f32(b + i + 4));
        const float32x4_t d2 = vsubq_f32(vld1q_f32(a + i + 8), vld1q_f32(b + i + 8));
        const float32x4_t d3 = vsubq_f32(vld1q_f32(a + i + 12), vld1q_f32(b + i + 12));
        s0 = vfmaq_f32(s0, d0, d0);
        s1 = vfmaq_f32(s1, d1, d1);
        s2 = vfmaq_f32(s2, d2, d2);
        s3 = vfmaq_f32(s3, d3, d3);
    }
    for (; i + 4 <= dim; i += 4) {
        const float32x4_t d = vsubq_f32(vld1q_f32(a + i), vld1q_f32(b + i));
        s0 = vfmaq_f32(s0, d, d);
    }
    float s = vaddvq_f32(vaddq_f32(vaddq_f32(s0, s1), vaddq_f32(s2, s3)));
    for (; i < dim; ++i) {
        const float d = a[i] - b[i];
        s += d * d;
    }
    return s;
}

static float innerProduct(const float* a, const float* b, std::size_t dim) {
    float32x4_t s0 = vdupq_n_f32(0.0f);
    float32x4_t s1 = vdupq_n_f32(0.0f);
    float32x4_t s2 = vdupq_n_f32(0.0f);
    float32x4_t s3 = vdupq_n_f32(0.0f);
    std::size_t i = 0;
    for (; i + 16 <= dim; i += 16) {
        s0 = vfmaq_f32(s0, vld1q_f32(a + i), vld1q_f32(b + i));
        s1 = vfmaq_f32(s1, vld1q_f32(a + i + 4), vld1q_f32(b + i + 4));
        s2 = vfmaq_f32(s2, vld1q_f32(a + i + 8), vld1q_f32(b + i + 8));
        s3 = vfmaq_f32(s3, vld1q_f32(a + i + 12), vld1q_f32(b + i + 12));
    }
    for (; i + 4 <= dim; i += 4)
        s0 = vfmaq_f32(s0, vld1q_f32(a + i), vld1q_f32(b + i));
    float s = vaddvq_f32(vaddq_f32(vaddq_f32(s0, s1), vaddq_f32(s2, s3)));
    for (; i < dim; ++i)
        s += a[i] * b[i];
    return s;
}

static float negatedInnerProduct(const float* a, const float* b, std::size_t dim) {
    return -innerProduct(a, b, dim);
}
} // namespace neon
#endif

std::vector<DistanceKernels> availableKernels() {
    std::vector<DistanceKernels> kernels;
    kernels.push_back(
        {"scalar", &scalar::l2Squared, &scalar::innerProduct, &scalar::negatedInnerProduct});
#if defined(QUIVER_DISKANN_X86)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        kernels.push_back(
            {"avx2", &avx2::l2Squared, &avx2::innerProduct, &avx2::negatedInnerProduct});
    if (__builtin_cpu_supports("avx512f"))
        kernels.push_back(
            {"avx512", &avx512::l2Squared, &avx512::innerProduct, &avx512::negatedInnerProduct});
#endif
#if defined(__aarch64__)
    kernels.push_back({"neon", &neon::l2Squared, &neon::innerProduct, &neon::negatedInnerProduct});
#endif
    return kernels;
}

const DistanceKernels& activeKernels() {
    static const DistanceKernels active = availableKernels().back();
    return active;
}

float l2Squared(const float* a, const float* b, std::size_t dim) {
    return activeKernels().l2Squared(a, b, dim);
}
float innerProduct(const float* a, const float* b, std::size_t dim) {
    return activeKernels().innerProduct(a, b, dim);
}

DistanceFn distanceFunction(Metric m) {
    return m == Metric::L2 ? activeKernels().l2Squared : activeKernels().negatedInnerProduct;
}

void normalize(float* v, std::size_t dim) {
    // Accumulate in double: the norm must not depend on which kernel the CPU dispatches to.
    double sum = 0.0;
    for (std::size_t i = 0; i < dim; ++i)
        sum += static_cast<double>(v[i]) * static_cast<double>(v[i]);
    if (sum <= 0.0 || !std::isfinite(sum))
        return;
    const double inv = 1.0 / std::sqrt(sum);
    for (std::size_t i = 0; i < dim; ++i)
        v[i] = static_cast<float>(static_cast<double>(v[i]) * inv);
}

} // namespace quiver::diskann
