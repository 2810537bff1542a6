#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

// Dense float matrix kernels (row-major) for training the vector codec: the OPQ rotation's
// products, rotating many vectors at once, and the distances of k-means at full dimension.
namespace quiver::diskann::linalg {

// C = A * B^T for A (n x dim) and B (m x dim): C[i][j] = <A_i, B_j>, n x m, written to c with
// row stride ldc (>= m); rows of C on `threads` threads (0: one per hardware thread). A blocked
// product (B packed into column panels, register tiles of C): many times faster than one inner
// product per element once n, m and dim reach the hundreds. Each element is summed in the same
// order whatever n, the threads and the element's place, so a row's result does not depend on
// the rows computed with it.
void multiplyTransposedInto(const float* a, std::size_t n, const float* b, std::size_t m,
                            std::size_t dim, float* c, std::size_t ldc, unsigned threads = 1);
std::vector<float> multiplyTransposed(const float* a, std::size_t n, const float* b, std::size_t m,
                                      std::size_t dim, unsigned threads = 1);

// The instruction sets the product can use on this CPU, portable first; the last one is used.
std::vector<std::string_view> productKernels();
// multiplyTransposedInto with productKernels()[kernel], for tests.
void multiplyTransposedWith(std::size_t kernel, const float* a, std::size_t n, const float* b,
                            std::size_t m, std::size_t dim, float* c, std::size_t ldc,
                            unsigned threads = 1);

// The transpose of a (rows x cols), cols x rows; in tiles, so both sides are read and written a
// cache line at a time.
std::vector<float> transpose(const float* a, std::size_t rows, std::size_t cols);

} // namespace quiver::diskann::linalg
