#pragma once

// Horizontal sums of vector registers, for the distance kernels. Each is compiled for its own
// instruction set through the target attribute; include only where immintrin.h is available.
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

namespace quiver::diskann::simd {

__attribute__((target("avx2,fma"))) inline float horizontalSum(__m256 v) {
    const __m128 lo = _mm256_castps256_ps128(v);
    const __m128 hi = _mm256_extractf128_ps(v, 1);
    __m128 s = _mm_add_ps(lo, hi);
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 0x55));
    return _mm_cvtss_f32(s);
}

// _mm512_reduce_add_ps trips GCC 12's -Wuninitialized inside its own header; fold by hand.
__attribute__((target("avx512f"))) inline float horizontalSum(__m512 v) {
    v = _mm512_add_ps(v, _mm512_shuffle_f32x4(v, v, 0x4E));
    v = _mm512_add_ps(v, _mm512_shuffle_f32x4(v, v, 0xB1));
    __m128 s = _mm512_castps512_ps128(v);
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 0x55));
    return _mm_cvtss_f32(s);
}

} // namespace quiver::diskann::simd
#endif
