#include "core/diskann/linalg.h"

#include "core/diskann/parallel_for.h"
#include "core/diskann/x86_intrinsics.h"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace quiver::diskann::linalg {

namespace {

// Floats of each row taken per pass: a pass's slice of B (m x kDepth) stays in the L2 cache and
// the slice of a row tile of A in L1 while every panel of B goes by.
constexpr std::size_t kDepth = 256;
// The largest register tile of C any kernel uses (rows x columns).
constexpr std::size_t kMaxTile = 6 * 32;

// tile[r * cols + j] = sum over k < depth of a[r * lda + k] * panel[k * cols + j], for r < rows
// (at most the kernel's tile rows); `panel` holds `cols` columns of B^T, k after k.
using MicroKernel = void (*)(std::size_t rows, const float* a, std::size_t lda, const float* panel,
                             std::size_t depth, float* tile);

struct Kernel {
    std::string_view name;
    std::size_t rows; // register tile of C
    std::size_t cols; // panel width
    MicroKernel micro;
};

// Plain loops the compiler vectorises for whatever the target has (SSE2, NEON, ...).
constexpr std::size_t kPortableRows = 4;
constexpr std::size_t kPortableCols = 8;

template <std::size_t R>
void portableTile(const float* a, std::size_t lda, const float* panel, std::size_t depth,
                  float* tile) {
    float acc[R][kPortableCols] = {};
    for (std::size_t k = 0; k < depth; ++k) {
        const float* b = panel + k * kPortableCols;
        for (std::size_t r = 0; r < R; ++r) {
            const float x = a[r * lda + k];
            for (std::size_t j = 0; j < kPortableCols; ++j)
                acc[r][j] += x * b[j];
        }
    }
    for (std::size_t r = 0; r < R; ++r)
        std::copy_n(acc[r], kPortableCols, tile + r * kPortableCols);
}

void portableMicro(std::size_t rows, const float* a, std::size_t lda, const float* panel,
                   std::size_t depth, float* tile) {
    switch (rows) {
    case 1:
        return portableTile<1>(a, lda, panel, depth, tile);
    case 2:
        return portableTile<2>(a, lda, panel, depth, tile);
    case 3:
        return portableTile<3>(a, lda, panel, depth, tile);
    default:
        return portableTile<4>(a, lda, panel, depth, tile);
    }
}

#if defined(QUIVER_DISKANN_X86)
// Six rows of C by sixteen (AVX2: 2 x 8) or thirty-two (AVX-512: 2 x 16) columns: twelve
// accumulators, two loads of B and one broadcast of A per step.
template <std::size_t R>
__attribute__((target("avx2,fma"))) void
avx2Tile(const float* a, std::size_t lda, const float* panel, std::size_t depth, float* tile) {
    __m256 lo[R], hi[R];
    for (std::size_t r = 0; r < R; ++r) {
        lo[r] = _mm256_setzero_ps();
        hi[r] = _mm256_setzero_ps();
    }
    for (std::size_t k = 0; k < depth; ++k) {
        const __m256 b0 = _mm256_loadu_ps(panel + k * 16);
        const __m256 b1 = _mm256_loadu_ps(panel + k * 16 + 8);
        for (std::size_t r = 0; r < R; ++r) {
            const __m256 x = _mm256_broadcast_ss(a + r * lda + k);
            lo[r] = _mm256_fmadd_ps(x, b0, lo[r]);
            hi[r] = _mm256_fmadd_ps(x, b1, hi[r]);
        }
    }
    for (std::size_t r = 0; r < R; ++r) {
        _mm256_storeu_ps(tile + r * 16, lo[r]);
        _mm256_storeu_ps(tile + r * 16 + 8, hi[r]);
    }
}

__attribute__((target("avx2,fma"))) void avx2Micro(std::size_t rows, const float* a,
                                                   std::size_t lda, const float* panel,
                                                   std::size_t depth, float* tile) {
    switch (rows) {
    case 1:
        return avx2Tile<1>(a, lda, panel, depth, tile);
    case 2:
        return avx2Tile<2>(a, lda, panel, depth, tile);
    case 3:
        return avx2Tile<3>(a, lda, panel, depth, tile);
    case 4:
        return avx2Tile<4>(a, lda, panel, depth, tile);
    case 5:
        return avx2Tile<5>(a, lda, panel, depth, tile);
    default:
        return avx2Tile<6>(a, lda, panel, depth, tile);
    }
}

template <std::size_t R>
__attribute__((target("avx512f"))) void
avx512Tile(const float* a, std::size_t lda, const float* panel, std::size_t depth, float* tile) {
    __m512 lo[R], hi[R];
    for (std::size_t r = 0; r < R; ++r) {
        lo[r] = _mm512_setzero_ps();
        hi[r] = _mm512_setzero_ps();
    }
    for (std::size_t k = 0; k < depth; ++k) {
        const __m512 b0 = _mm512_loadu_ps(panel + k * 32);
        const __m512 b1 = _mm512_loadu_ps(panel + k * 32 + 16);
        for (std::size_t r = 0; r < R; ++r) {
            const __m512 x = _mm512_set1_ps(a[r * lda + k]);
            lo[r] = _mm512_fmadd_ps(x, b0, lo[r]);
            hi[r] = _mm512_fmadd_ps(x, b1, hi[r]);
        }
    }
    for (std::size_t r = 0; r < R; ++r) {
        _mm512_storeu_ps(tile + r * 32, lo[r]);
        _mm512_storeu_ps(tile + r * 32 + 16, hi[r]);
    }
}

__attribute__((target("avx512f"))) void avx512Micro(std::size_t rows, const float* a,
                                                    std::size_t lda, const float* panel,
                                                    std::size_t depth, float* tile) {
    switch (rows) {
    case 1:
        return avx512Tile<1>(a, lda, panel, depth, tile);
    case 2:
        return avx512Tile<2>(a, lda, panel, depth, tile);
    case 3:
        return avx512Tile<3>(a, lda, panel, depth, tile);
    case 4:
        return avx512Tile<4>(a, lda, panel, depth, tile);
    case 5:
        return avx512Tile<5>(a, lda, panel, depth, tile);
    default:
        return avx512Tile<6>(a, lda, panel, depth, tile);
    }
}
#endif

std::vector<Kernel> kernels() {
    std::vector<Kernel> k{{"portable", kPortableRows, kPortableCols, &portableMicro}};
#if defined(QUIVER_DISKANN_X86)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        k.push_back({"avx2", 6, 16, &avx2Micro});
    if (__builtin_cpu_supports("avx512f"))
        k.push_back({"avx512", 6, 32, &avx512Micro});
#endif
    return k;
}

const Kernel& activeKernel() {
    static const Kernel active = kernels().back();
    return active;
}

void multiply(const Kernel& kernel, const float* a, std::size_t n, const float* b, std::size_t m,
              std::size_t dim, float* c, std::size_t ldc, unsigned threads) {
    if (ldc < m)
        throw std::invalid_argument("matrix product: the row stride of C is below its width");
    if (n == 0 || m == 0)
        return;
    if (dim == 0) {
        for (std::size_t i = 0; i < n; ++i)
            std::fill_n(c + i * ldc, m, 0.0f);
        return;
    }
    const std::size_t tileRows = kernel.rows;
    const std::size_t cols = kernel.cols;
    // B^T in panels of `cols` columns, k after k, the last one padded with zeros.
    const std::size_t panels = (m + cols - 1) / cols;
    std::vector<float> packed(panels * dim * cols, 0.0f);
    for (std::size_t j = 0; j < m; ++j) {
        float* out = packed.data() + (j / cols) * dim * cols + j % cols;
        const float* row = b + j * dim;
        for (std::size_t k = 0; k < dim; ++k)
            out[k * cols] = row[k];
    }
    const std::size_t tiles = (n + tileRows - 1) / tileRows;
    const unsigned workers = resolveThreadCount(threads);
    // Several row tiles per chunk (they share the pass's slice of B), enough chunks to balance.
    const std::size_t chunk = std::clamp<std::size_t>(tiles / (std::size_t{workers} * 4), 1, 16);
    parallelFor(tiles, workers, chunk, [&](std::size_t first, std::size_t last, unsigned) {
        std::array<float, kMaxTile> tile{};
        for (std::size_t k0 = 0; k0 < dim; k0 += kDepth) {
            const std::size_t depth = std::min(kDepth, dim - k0);
            for (std::size_t t = first; t < last; ++t) {
                const std::size_t row0 = t * tileRows;
                const std::size_t rows = std::min(tileRows, n - row0);
                const float* aRows = a + row0 * dim + k0;
                for (std::size_t p = 0; p < panels; ++p) {
                    kernel.micro(rows, aRows, dim, packed.data() + (p * dim + k0) * cols, depth,
                                 tile.data());
                    const std::size_t width = std::min(cols, m - p * cols);
                    for (std::size_t r = 0; r < rows; ++r) {
                        float* out = c + (row0 + r) * ldc + p * cols;
                        const float* in = tile.data() + r * cols;
                        if (k0 == 0)
                            std::copy_n(in, width, out);
                        else
                            for (std::size_t j = 0; j < width; ++j)
                                out[j] += in[j];
                    }
                }
            }
        }
    });
}

} // namespace

void multiplyTransposedInto(const float* a, std::size_t n, const float* b, std::size_t m,
                            std::size_t dim, float* c, std::size_t ldc, unsigned threads) {
    multiply(activeKernel(), a, n, b, m, dim, c, ldc, threads);
}

std::vector<float> multiplyTransposed(const float* a, std::size_t n, const float* b, std::size_t m,
                                      std::size_t dim, unsigned threads) {
    std::vector<float> c(n * m);
    multiplyTransposedInto(a, n, b, m, dim, c.data(), m, threads);
    return c;
}

std::vector<std::string_view> productKernels() {
    std::vector<std::string_view> names;
    for (const Kernel& k : kernels())
        names.push_back(k.name);
    return names;
}

void multiplyTransposedWith(std::size_t kernel, const float* a, std::size_t n, const float* b,
                            std::size_t m, std::size_t dim, float* c, std::size_t ldc,
                            unsigned threads) {
    const std::vector<Kernel> all = kernels();
    if (kernel >= all.size())
        throw std::invalid_argument("matrix product: no such kernel");
    multiply(all[kernel], a, n, b, m, dim, c, ldc, threads);
}

std::vector<float> transpose(const float* a, std::size_t rows, std::size_t cols) {
    constexpr std::size_t kTile = 32;
    std::vector<float> t(rows * cols);
    for (std::size_t i0 = 0; i0 < rows; i0 += kTile)
        for (std::size_t j0 = 0; j0 < cols; j0 += kTile) {
            const std::size_t i1 = std::min(rows, i0 + kTile);
            const std::size_t j1 = std::min(cols, j0 + kTile);
            for (std::size_t i = i0; i < i1; ++i)
                for (std::size_t j = j0; j < j1; ++j)
                    t[j * rows + i] = a[i * cols + j];
        }
    return t;
}

} // namespace quiver::diskann::linalg
